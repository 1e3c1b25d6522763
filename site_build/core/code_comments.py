"""Code comments in the page's language: the code is one file, its comments are translated.

A Spanish page includes the same snippet sections as the English one, so that the code a
reader sees is the code that ran. Only its comments change: each topic keeps, beside its
snippets, one file per translated language (``snippets/<topic>/comments.es.yaml``) that maps
every English comment its pages show to the comment the other language shows instead::

    # the same data in both frameworks: los mismos datos en ambos frameworks

The key is the English comment as the snippet writes it, without its ``#`` and the spaces
after it; the value keeps that prefix. When a page of that language includes a section,
``in_language`` replaces each comment that has a translation, and nothing else: comments are
found with ``tokenize``, so a ``#`` inside a string is never touched, and every other
character of the file stays as it was (the code tokens of both languages are identical).

What counts as a comment a reader sees:

- every ``COMMENT`` token on a line of a section a page of that language includes;
- the comments of doctest examples (``>>> x = f()  # why``) in such a section: the
  ``-checks`` sections show a docstring's examples, and a reader sees their comments as
  comments, even on a line that holds nothing else (``>>> # why``). They are found by
  tokenizing each example's source (its ``>>>`` and ``...`` lines, as doctest reads them),
  never by a regex over the docstring. Translating them changes no output that the doctest
  compares, and the doctest still runs from the file, in English.
- not the section markers (``# --8<-- [start:x]``), which pymdownx.snippets removes, and not
  directives for tools (``# noqa``, ``# type: ignore``, ``# fmt: off``), which are read by
  their tool and stay as written.

The English text is the key, so a changed English comment finds no translation: the page
problems (``core/checks.py``), ``tests/test_code_comments.py``, ``nox -s check`` and
``nox -s i18n`` name the snippet line, the translation file, and the entry whose English no
longer matches any comment (a stale translation), and say how to fix it.
"""

from __future__ import annotations

import difflib
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from site_build.core import yaml_files
from site_build.core.errors import BuildError
from site_build.core.layout import (
    DOCS_DIR,
    SECTION_MARKER,
    SHOWN_LINE_LIMIT,
    SNIPPETS_DIR,
    includes,
    languages,
    page_text,
    section_line_numbers,
    shown_sections_by_line,
)

# `#`, `#:` or `##`, and the blanks after it: kept as written in every language.
PREFIX = re.compile(r"^#+[:!]?[ \t]*")
# Comments read by a tool rather than by a reader.
DIRECTIVE = re.compile(
    r"^#[ \t]*(?:doctest:|noqa\b|type:|fmt:|pragma\b|pyright:|mypy:|ruff:|isort:)"
)
HEADER = (
    "# Code comments of snippets/{topic}/ as the '{language}' pages show them "
    '(CONTRIBUTING.md, "Translations").\n'
    "# Key: the English comment as the snippet writes it, without its '#'; value: its "
    "translation.\n"
)


@dataclass(frozen=True)
class Comment:
    """One comment of a snippet file: where it is, its ``#`` prefix and its text."""

    line: int  # 1-based, in the file
    start: int  # column of its `#`
    end: int  # column after its last character
    prefix: str  # `# `
    text: str  # what follows the prefix: the translation's key


def _comment(line: int, start: int, token: str) -> Comment | None:
    if SECTION_MARKER.search(token) or DIRECTIVE.match(token):
        return None
    text = token.rstrip()
    prefix = PREFIX.match(text)[0]
    if not text[len(prefix) :]:
        return None  # an empty `#` says nothing to translate
    return Comment(line, start, start + len(text), prefix, text[len(prefix) :])


@lru_cache(maxsize=256)
def comments(source: str) -> tuple[Comment, ...]:
    """Every translatable comment of a Python file, in file order (see the module's doc)."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comment = _comment(*token.start, token.string)
        elif token.type == tokenize.STRING and token.start[0] != token.end[0]:
            found += _doctest_comments(token)
            continue
        else:
            continue
        if comment is not None:
            found.append(comment)
    return tuple(sorted(found, key=lambda c: (c.line, c.start)))


def _doctest_comments(token: tokenize.TokenInfo) -> list[Comment]:
    """The comments in the doctest examples of a string that spans lines."""
    found = []
    for offset, column, source in _examples(token.string):
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        except (tokenize.TokenError, SyntaxError):
            continue  # the doctest itself fails on it, naming the line
        for inner in tokens:
            if inner.type == tokenize.COMMENT:
                line = token.start[0] + offset + inner.start[0] - 1
                if comment := _comment(line, column + inner.start[1], inner.string):
                    found.append(comment)
    return found


def _examples(text: str) -> list[tuple[int, int, str]]:
    """(line offset in ``text``, column of its code, source) of each doctest example: a
    ``>>>`` line and the ``...`` lines after it, as doctest reads them. Read here rather than
    with ``doctest.DocTestParser``, which drops an example that is only a comment
    (``>>> # why``), a comment the page shows all the same. The string's first line holds
    its opening quotes, so an example never starts there and columns need no shift."""
    lines = text.split("\n")
    found, number = [], 0
    while number < len(lines):
        code = lines[number].lstrip()
        indent = len(lines[number]) - len(code)
        if not (code == ">>>" or code.startswith(">>> ")):
            number += 1
            continue
        source, end = [code[4:]], number + 1
        while end < len(lines) and _continues(lines[end], indent):
            source.append(lines[end][indent + 4 :])
            end += 1
        found.append((number, indent + 4, "\n".join(source) + "\n"))
        number = end
    return found


def _continues(line: str, indent: int) -> bool:
    """A ``...`` line of the example above, at its indentation."""
    rest = line[indent:]
    return not line[:indent].strip() and (rest == "..." or rest.startswith("... "))


def translation_file(snippet: Path, language: str) -> Path:
    """Where the ``language`` comments of ``snippet`` are: its topic's folder."""
    return snippet.parent / f"comments.{language}.yaml"


def _stamp(path: Path) -> tuple[int, int]:
    """What tells an edited file from the one read before (``mkdocs serve`` rebuilds)."""
    status = path.stat()
    return status.st_mtime_ns, status.st_size


@cache
def _load(path: Path, stamp: tuple[int, int]) -> dict[str, str]:
    try:
        data = yaml_files.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise BuildError(
            f"{_where(path)} is not valid YAML ({error}): write one `English: translation` "
            "pair per line, quoting a text that holds ': ' or starts with a quote."
        ) from None
    data = {} if data is None else data
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise BuildError(
            f"{_where(path)} must map each English comment to its translation, both text "
            "(`English comment: translated comment`, without the '#')."
        )
    return data


def translations(snippet: Path, language: str) -> dict[str, str]:
    """The ``language`` translations of the comments of ``snippet``'s topic ({} if none)."""
    path = translation_file(snippet, language)
    return _load(path, _stamp(path)) if path.is_file() else {}


def translated(source: str, table: dict[str, str]) -> str:
    """``source`` with every comment that ``table`` translates replaced; nothing else moves."""
    lines = source.split("\n")
    for comment in reversed(comments(source)):  # right to left: columns stay valid
        if (text := table.get(comment.text)) is not None:
            row = lines[comment.line - 1]
            lines[comment.line - 1] = (
                f"{row[: comment.start]}{comment.prefix}{text}{row[comment.end :]}"
            )
    return "\n".join(lines)


def in_language(snippet: Path, source: str, language: str) -> str:
    """The text of ``snippet`` as pages in ``language`` include it: as written where
    ``language`` has no translation file (the default language never has one)."""
    if snippet.suffix != ".py":
        return source
    return translated(source, translations(snippet, language))


def add_translations(topic: Path, language: str, table: dict[str, str]) -> Path | None:
    """Add the entries of ``table`` that the topic's ``language`` file lacks, creating the
    file with its header if needed (the scaffold, ``nox -s new``); the file, if written."""
    path = topic / f"comments.{language}.yaml"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    present = _load(path, _stamp(path)) if path.is_file() else {}
    new = {english: other for english, other in table.items() if english not in present}
    if not new:
        return None
    if not text:
        text = HEADER.format(topic=topic.name, language=language)
    elif not text.endswith("\n"):
        text += "\n"
    text += yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=10_000)
    path.write_text(text, encoding="utf-8")
    return path


# --- what pages show, and what is missing -------------------------------------------------


def shown_lines(language: str) -> dict[Path, set[int]]:
    """For every snippet file the pages of ``language`` include: the lines they show."""
    shown: dict[Path, set[int]] = {}
    for path in sorted((DOCS_DIR / language).rglob("*.md")):
        for include in includes(page_text(path)):
            snippet = SNIPPETS_DIR / include.file
            if include.section and snippet.is_file():
                source = snippet.read_text(encoding="utf-8")
                lines = section_line_numbers(source, include.section) or []
                shown.setdefault(snippet, set()).update(lines)
    return shown


def shown_comments(snippet: Path, lines: set[int]) -> list[Comment]:
    return [c for c in comments(snippet.read_text(encoding="utf-8")) if c.line in lines]


def translated_languages() -> list[str]:
    return languages()[1:]


def missing(language: str, snippet: Path, shown: dict[Path, set[int]]) -> list[str]:
    """One message per shown comment of ``snippet`` with no ``language`` translation;
    ``shown`` is what ``shown_lines(language)`` returns."""
    table = translations(snippet, language)
    todo = [c for c in shown_comments(snippet, shown.get(snippet, set())) if c.text not in table]
    if not todo:
        return []
    unused = stale_entries(language, snippet.parent, shown)
    target = _where(translation_file(snippet, language))
    problems = []
    for comment in todo:
        message = (
            f"{_where(snippet)}:{comment.line}: the comment {comment.text!r} has no "
            f"'{language}' translation: add the line `{_yaml_key(comment.text)}: <its "
            f"translation>` to {target}."
        )
        if close := difflib.get_close_matches(comment.text, unused, n=1, cutoff=0.5):
            message += (
                f" Its entry {close[0]!r} matches no comment any more: if the English "
                "comment changed, that translation is stale; replace that entry's English "
                "with the new text and revise its translation."
            )
        problems.append(message)
    return problems


def stale_entries(language: str, topic: Path, shown: dict[Path, set[int]]) -> list[str]:
    """Entries of the topic's translation file that no shown comment of the topic uses."""
    path = topic / f"comments.{language}.yaml"
    if not path.is_file():
        return []
    table = _load(path, _stamp(path))
    used = {
        c.text
        for snippet, lines in shown.items()
        if snippet.parent == topic
        for c in shown_comments(snippet, lines)
    }
    return [text for text in table if text not in used]


def stale_problems(language: str, topic: Path, shown: dict[Path, set[int]]) -> list[str]:
    where = _where(topic / f"comments.{language}.yaml")
    return [
        f"{where}: the entry {text!r} translates no comment that a '{language}' page shows: "
        f"its English comment changed or went away in {_where(topic)}/. If it "
        "changed, the translation is stale: replace the entry's English with the new "
        "comment and revise its translation; if it went away, delete the entry."
        for text in stale_entries(language, topic, shown)
    ]


def width_problems(language: str, snippet: Path, lines: set[int]) -> list[str]:
    """Shown lines that the translated comments make wider than the page."""
    source = snippet.read_text(encoding="utf-8")
    english = source.splitlines()
    shown = in_language(snippet, source, language).splitlines()
    # The rule of layout.too_wide_lines: the `-checks` sections show doctests as they ran,
    # and are not held to the width; a line already wider in English may stay as wide.
    sections = shown_sections_by_line(source)
    wide = [
        n
        for n in sorted(lines)
        if not sections.get(n, "").endswith("-checks")
        and len(shown[n - 1]) > max(SHOWN_LINE_LIMIT, len(english[n - 1]))
    ]
    return [
        f"{_where(snippet)}:{n}: with its '{language}' comment the line is "
        f"{len(shown[n - 1])} characters, wider than {SHOWN_LINE_LIMIT}: shorten the "
        f"translation in {_where(translation_file(snippet, language))}."
        for n in wide
    ]


def snippet_problems(
    language: str, snippet: Path, shown: dict[Path, set[int]] | None = None
) -> list[str]:
    """Missing translations and too wide translated lines of one shown snippet file."""
    shown = shown_lines(language) if shown is None else shown
    try:
        lines = shown.get(snippet, set())
        return missing(language, snippet, shown) + width_problems(language, snippet, lines)
    except BuildError as error:
        return [str(error)]


def topic_problems(language: str, topic: Path, shown: dict[Path, set[int]] | None = None):
    """Entries of the topic's translation file that translate no shown comment (stale)."""
    shown = shown_lines(language) if shown is None else shown
    try:
        return stale_problems(language, topic, shown)
    except BuildError as error:
        return [str(error)]


def page_problems(language: str, markdown: str) -> list[str]:
    """The comment problems of what one page of ``language`` shows (core/checks.py)."""
    if language not in translated_languages():
        return []
    files = sorted({SNIPPETS_DIR / i.file for i in includes(markdown)})
    files = [f for f in files if f.is_file()]
    shown = shown_lines(language)
    problems = [p for f in files for p in snippet_problems(language, f, shown)]
    for topic in sorted({f.parent for f in files}):
        problems += topic_problems(language, topic, shown)
    return list(dict.fromkeys(problems))  # a broken file is named once


def all_problems() -> list[str]:
    """Every comment problem of every translated language (``nox -s i18n``)."""
    problems = []
    for language in translated_languages():
        shown = shown_lines(language)
        for snippet in sorted(shown):
            problems += snippet_problems(language, snippet, shown)
        for topic in sorted({s.parent for s in shown}):
            problems += topic_problems(language, topic, shown)
    return list(dict.fromkeys(problems))


def counts(language: str) -> tuple[int, int]:
    """(comments the pages of ``language`` show, how many of them are in ``language``)."""
    shown = total = 0
    for snippet, lines in shown_lines(language).items():
        found = shown_comments(snippet, lines)
        total += len(found)
        if language in translated_languages():
            table = translations(snippet, language)
            shown += sum(1 for c in found if c.text in table)
        else:
            shown += len(found)
    return total, shown


def _yaml_key(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip()


def _where(path: Path) -> str:
    """``snippets/...``, as a contributor finds it from the project's root."""
    return f"snippets/{path.relative_to(SNIPPETS_DIR).as_posix()}"


def report() -> list[str]:
    """The lines ``nox -s i18n`` prints about code comments: each problem, then the count."""
    lines = all_problems()
    for language in translated_languages():
        total, translated_count = counts(language)
        lines.append(
            f"Code comments on the '{language}' pages: {translated_count} of {total} shown "
            f"comments are translated."
        )
    return lines


def main() -> int:
    """``python -m site_build.core.code_comments``: the report; 1 if anything is to fix."""
    lines = report()
    print("\n".join(lines))
    return 1 if all_problems() else 0


if __name__ == "__main__":
    sys.exit(main())
