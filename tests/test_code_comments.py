"""Code comments in the page's language (site_build/core/code_comments.py and
site_build/mkdocs/comment_includes.py): the same code on every page, the comments translated.

The rules run on the project itself (every include of every page, every shown comment, every
translation file), then on small planted copies where each mistake is made on purpose.
"""

from __future__ import annotations

import doctest
import io
import re
import tokenize
from pathlib import Path

import pytest
import yaml
from markdown import Markdown

from site_build.core import checks, code_comments, translation_status
from site_build.core.layout import (
    DOCS_DIR,
    ROOT,
    SNIPPETS_DIR,
    includes,
    languages,
    mkdocs_config,
    page_text,
    pages,
)
from site_build.mkdocs import comment_includes, reader_files
from tests.spanish_terms import TERMS

DEFAULT, *TRANSLATED = languages()
SNIPPET_SETTINGS = next(
    entry["pymdownx.snippets"]
    for entry in mkdocs_config()["markdown_extensions"]
    if isinstance(entry, dict) and "pymdownx.snippets" in entry
)


def _expanded(markdown: str, language: str, base: Path = SNIPPETS_DIR) -> str:
    """``markdown`` with its includes expanded as the pages of ``language`` show them."""
    config = {
        "mdx_configs": {"pymdownx.snippets": {**SNIPPET_SETTINGS, "base_path": [str(base)]}},
        "markdown_extensions": ["pymdownx.snippets"],
    }
    comment_includes.use_language(config, language, DEFAULT)
    return reader_files.expand_includes(markdown, config)


def _code_tokens(block: str) -> list:
    """What a block says to Python, without its comments: every token but comments, and in a
    string each doctest example's tokens (without comments), its expected output and the
    text around the examples."""
    found: list = []
    for token in tokenize.generate_tokens(io.StringIO(block).readline):
        if token.type == tokenize.COMMENT:
            continue
        if token.type == tokenize.STRING and ">>>" in token.string:
            for part in doctest.DocTestParser().parse(token.string):
                if isinstance(part, doctest.Example):
                    found.append(_code_tokens(part.source))
                    found.append(part.want)
                else:
                    found.append(part)
            continue
        if token.type in (tokenize.NEWLINE, tokenize.NL):
            found.append((token.type, token.start[0]))  # its column follows the comment
        else:
            found.append((token.type, token.string, token.start, token.end))
    return found


def _blocks(markdown: str) -> list[str]:
    """Each include of a page, expanded alone: a block of code as the page shows it."""
    return [f'--8<-- "{include}"' for include in includes(markdown)]


def _page_includes() -> list[tuple[str, str]]:
    return [
        (language, name)
        for language in TRANSLATED
        for name, path in pages(language).items()
        if includes(page_text(path))
    ]


def _comment_lines(block: str) -> list[int]:
    """Lines of a block whose comment tokens (outside strings) differ, for the message."""
    return [
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(block).readline)
        if token.type == tokenize.COMMENT
    ]


# --- the project ----------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "page"), _page_includes())
def test_both_languages_show_the_same_code_tokens(language, page):
    """Every included section of a translated page: as the default language's page shows
    it, token for token, but for the comments; and tokenizable as Python."""
    for include in _blocks(page_text(DOCS_DIR / language / page)):
        original, translated = _expanded(include, DEFAULT), _expanded(include, language)
        assert original.count("\n") == translated.count("\n"), include
        try:
            expected = _code_tokens(original)
        except (tokenize.TokenError, IndentationError):
            # A section cut inside a statement: compare it together with its whole file.
            file = SNIPPETS_DIR / include.split('"')[1].split(":")[0]
            whole = file.read_text(encoding="utf-8")
            expected = _code_tokens(whole)
            translated_whole = code_comments.in_language(file, whole, language)
            assert _code_tokens(translated_whole) == expected, f"{page}: {include}"
            continue
        assert _code_tokens(translated) == expected, (
            f"docs/{language}/{page}: {include} shows other code than on "
            f"docs/{DEFAULT}/{page}, not only other comments"
        )


def _shown_snippets() -> list[tuple[str, Path]]:
    return [
        (language, snippet)
        for language in TRANSLATED
        for snippet in sorted(code_comments.shown_lines(language))
    ]


@pytest.mark.parametrize(("language", "snippet"), _shown_snippets())
def test_every_shown_comment_has_its_translation(language, snippet):
    problems = code_comments.snippet_problems(language, snippet)
    assert not problems, "\n".join(problems)


def _translation_files() -> list[tuple[str, Path]]:
    found = []
    for language in TRANSLATED:
        topics = {s.parent for s in code_comments.shown_lines(language)}
        found += [(language, t / f"comments.{language}.yaml") for t in sorted(topics)]
    return found


@pytest.mark.parametrize(("language", "snippet"), _translation_files())
def test_no_translation_of_a_comment_is_stale(language, snippet):
    """Each entry translates a comment that a page shows (``snippet`` is the translation
    file, named so that ``nox -s check -- <topic>`` runs it with the topic)."""
    problems = code_comments.topic_problems(language, snippet.parent)
    assert not problems, "\n".join(problems)


def test_translation_files_are_mappings_of_text():
    for path in sorted(SNIPPETS_DIR.glob("*/comments.*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict), path
        assert all(isinstance(v, str) and v.strip() for v in data.values()), path
        assert path.name.split(".")[1] in TRANSLATED, (
            f"{path.relative_to(ROOT)}: no such language in mkdocs.yml"
        )


def test_spanish_comments_use_the_terms_of_the_spanish_pages():
    """One term per concept, as tests/test_spanish_style.py asks of the pages' prose; code
    in backticks or quotes (`"cuda"`, `optimizer="sgd"`) is left out."""
    problems = []
    for path in sorted(SNIPPETS_DIR.glob("*/comments.es.yaml")):
        for english, spanish in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            prose = re.sub(r"`[^`]*`|\"[^\"]*\"", " ", spanish)
            for pattern, right in TERMS.items():
                if word := re.search(pattern, prose, flags=re.IGNORECASE):
                    problems.append(f"{path.relative_to(ROOT)}: {english!r}: {word[0]!r}: {right}")
    assert not problems, "\n".join(problems)


# --- planted copies -------------------------------------------------------------------------

PAIR = '''\
"""Shapes in PyTorch.

# --8<-- [start:example-checks]
>>> double([1.0])  # one value
[2.0]
>>> # a comment alone

# --8<-- [end:example-checks]
"""

# --8<-- [start:example]
import torch  # noqa: F401

HASH = "#"  # a string with a hash


def double(values):
    # every element doubled
    return [2 * v for v in values]
# --8<-- [end:example]
'''
TRANSLATION = {
    "one value": "un valor",
    "a comment alone": "un comentario solo",
    "a string with a hash": "una cadena con una almohadilla",
    "every element doubled": "cada elemento, multiplicado por dos",
}
PAGE = (
    '```python\n--8<-- "shapes/pair_torch.py:example"\n```\n\n'
    '```pycon\n--8<-- "shapes/pair_torch.py:example-checks"\n```\n'
)


@pytest.fixture
def planted(tmp_path: Path, monkeypatch) -> Path:
    """A site with one shown pair in snippets/shapes/ and its Spanish comments."""
    (tmp_path / "snippets" / "shapes").mkdir(parents=True)
    (tmp_path / "snippets" / "shapes" / "pair_torch.py").write_text(PAIR, encoding="utf-8")
    _translate(tmp_path, TRANSLATION)
    for language in ("en", "es"):
        (tmp_path / "docs" / language).mkdir(parents=True)
        (tmp_path / "docs" / language / "shapes.md").write_text(PAGE, encoding="utf-8")
    monkeypatch.setattr(code_comments, "DOCS_DIR", tmp_path / "docs")
    monkeypatch.setattr(code_comments, "SNIPPETS_DIR", tmp_path / "snippets")
    monkeypatch.setattr(code_comments, "languages", lambda: ["en", "es"])
    return tmp_path


def _translate(site: Path, table: dict[str, str]) -> Path:
    path = site / "snippets" / "shapes" / "comments.es.yaml"
    path.write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
    return path


def _edit(site: Path, old: str, new: str) -> None:
    pair = site / "snippets" / "shapes" / "pair_torch.py"
    pair.write_text(pair.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_spanish_include_shows_spanish_comments_and_the_same_code(planted):
    snippets = planted / "snippets"
    english, spanish = _expanded(PAGE, "en", snippets), _expanded(PAGE, "es", snippets)
    assert "# every element doubled" in english
    assert "    # cada elemento, multiplicado por dos" in spanish
    assert 'HASH = "#"  # una cadena con una almohadilla' in spanish
    assert ">>> double([1.0])  # un valor" in spanish  # a doctest's comment is shown: translated
    assert ">>> # un comentario solo" in spanish
    assert "# noqa: F401" in spanish  # a directive for ruff stays as ruff reads it
    assert "--8<--" not in spanish
    code = [block.split("```")[0] for block in spanish.split("```python\n")[1:]]
    original = [block.split("```")[0] for block in english.split("```python\n")[1:]]
    assert [_code_tokens(block) for block in code] == [_code_tokens(b) for b in original]
    assert _comment_lines(code[0]) == _comment_lines(original[0])


def test_the_rendered_spanish_page_shows_the_translation(planted, monkeypatch):
    monkeypatch.chdir(planted)
    settings = {**SNIPPET_SETTINGS, "base_path": [str(planted / "snippets")]}
    md = Markdown(
        extensions=[
            "pymdownx.highlight",
            "pymdownx.superfences",
            "pymdownx.snippets",
            comment_includes.CommentsInLanguage("es"),
        ],
        extension_configs={"pymdownx.snippets": settings},
    )
    html = md.convert(PAGE)
    assert "cada elemento, multiplicado por dos" in html
    assert "every element doubled" not in html


def test_a_complete_translation_has_no_problem(planted):
    snippet = planted / "snippets" / "shapes" / "pair_torch.py"
    assert code_comments.snippet_problems("es", snippet) == []
    assert code_comments.topic_problems("es", snippet.parent) == []
    assert code_comments.counts("es") == (4, 4)
    assert code_comments.counts("en") == (4, 4)


def test_a_missing_translation_names_the_line_and_the_file_to_add_it_to(planted):
    _translate(planted, {k: v for k, v in TRANSLATION.items() if k != "a string with a hash"})
    problems = code_comments.snippet_problems("es", planted / "snippets/shapes/pair_torch.py")
    assert problems == [
        "snippets/shapes/pair_torch.py:14: the comment 'a string with a hash' has no 'es' "
        "translation: add the line `a string with a hash: <its translation>` to "
        "snippets/shapes/comments.es.yaml."
    ]
    assert code_comments.counts("es") == (4, 3)


def test_a_changed_english_comment_marks_its_translation_stale(planted):
    _edit(planted, "# every element doubled", "# each element times two")
    snippet = planted / "snippets" / "shapes" / "pair_torch.py"
    (problem,) = code_comments.snippet_problems("es", snippet)
    assert problem.startswith(
        "snippets/shapes/pair_torch.py:18: the comment 'each element times two' has no 'es' "
        "translation: add the line `each element times two: <its translation>` to "
        "snippets/shapes/comments.es.yaml."
    )
    assert "Its entry 'every element doubled' matches no comment any more" in problem
    assert "replace that entry's English with the new text and revise its translation" in problem
    (stale,) = code_comments.topic_problems("es", snippet.parent)
    assert stale.startswith(
        "snippets/shapes/comments.es.yaml: the entry 'every element doubled' translates no "
        "comment that a 'es' page shows"
    )
    # The page still shows the code as it ran, with the comment in English until fixed.
    assert "# each element times two" in _expanded(PAGE, "es", planted / "snippets")


def test_nox_i18n_reports_a_stale_comment(planted, capsys, monkeypatch):
    _edit(planted, "# every element doubled", "# each element times two")
    monkeypatch.setattr(translation_status, "translated_pages", lambda: [])
    translation_status.main()
    out = capsys.readouterr().out
    assert "the entry 'every element doubled' translates no comment" in out
    assert "Code comments on the 'es' pages: 3 of 4 shown comments are translated." in out


def test_the_page_rules_report_a_missing_translation(planted, monkeypatch):
    """What the build warns about (core/checks.py) and `nox -s check` fails on."""
    _translate(planted, {})
    monkeypatch.setattr(checks, "DOCS_DIR", planted / "docs")
    monkeypatch.setattr(checks, "languages", lambda: ["en", "es"])
    monkeypatch.setattr(checks, "_translation_problems", lambda language, page: [])
    monkeypatch.setattr(checks, "description_problem", lambda *args: None)
    monkeypatch.setattr(checks, "_year_problems", lambda language, page: [])
    problems = checks.page_problems("es", "shapes.md")
    assert len(problems) == 4
    assert all("has no 'es' translation" in problem for problem in problems)


def test_a_translation_too_wide_for_the_page_is_named(planted):
    long = "cada elemento del vector de entrada, multiplicado por dos y devuelto en una lista"
    _translate(planted, {**TRANSLATION, "every element doubled": long})
    problems = code_comments.snippet_problems("es", planted / "snippets/shapes/pair_torch.py")
    assert problems == [
        f"snippets/shapes/pair_torch.py:18: with its 'es' comment the line is "
        f"{len('    # ' + long)} characters, "
        "wider than 80: shorten the translation in snippets/shapes/comments.es.yaml."
    ]


def test_a_broken_translation_file_is_named_with_the_fix(planted):
    path = planted / "snippets" / "shapes" / "comments.es.yaml"
    path.write_text("- every element doubled\n", encoding="utf-8")
    (problem,) = code_comments.snippet_problems("es", planted / "snippets/shapes/pair_torch.py")
    assert problem.startswith("snippets/shapes/comments.es.yaml must map each English comment")


def test_markers_strings_and_directives_are_not_comments_to_translate():
    found = code_comments.comments(PAIR)
    assert [c.text for c in found] == [
        "one value",
        "a comment alone",
        "a string with a hash",
        "every element doubled",
    ]
    assert [c.line for c in found] == [4, 6, 14, 18]
    lines = PAIR.splitlines()
    assert all(lines[c.line - 1][c.start : c.end] == f"# {c.text}" for c in found)
