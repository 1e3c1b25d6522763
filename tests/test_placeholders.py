"""One placeholder syntax, one registry, one error path (site_build/core/placeholders.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from site_build.core import checks, generated, placeholders
from site_build.core.errors import BuildError
from site_build.core.generated import Generated
from site_build.core.stage import fill_page, filled_source
from tests.contributor_copy import build_problem, build_site, copy_empty_project


def _render(markdown: str) -> str:
    """The page es/mnist.md as the stage fills it (the site's pages come from the stage)."""
    return fill_page(markdown, "es", "mnist.md", Generated(), dt.date.today())


def test_the_registry_lists_every_kind_that_its_docstring_documents():
    documented = set(re.findall(r"``\{\{ (\w+):", generated.__doc__)) - {"kind"}
    assert (
        documented
        == set(Generated().kinds())
        == {
            "version",
            "lines",
            "mnist",
            "bench",
            "loading",
            "quantization",
            "claim",
            "fashion",
            "backends",
            "precision",
        }
    )


@pytest.mark.parametrize(
    ("placeholder", "fix"),
    [
        ("{{ nope:x }}", "site_build/core/generated.py"),
        ("{{ mnist:nope }}", "site_build/core/mnist/report.py"),
        ("{{ bench:nope }}", "site_build/core/bench/report.py"),
        ("{{ version:not_a_library }}", "pyproject.toml"),
        ("{{ claim:not-in-the-ledger }}", "claims/*.yaml"),
        ("{{ lines:tensors/creation_torch.py }}", "TOPIC/FILE.py:SECTION"),
    ],
)
def test_an_unfillable_placeholder_fails_naming_the_page_the_placeholder_and_the_fix(
    placeholder, fix
):
    with pytest.raises(BuildError) as error:
        _render(f"Text {placeholder} more text.")
    message = str(error.value)
    assert message.startswith("es/mnist.md: ") and placeholder in message and fix in message


def test_a_placeholder_in_backticks_is_shown_as_written():
    assert _render("Write `{{ mnist:results }}` on a page.") == (
        "Write `{{ mnist:results }}` on a page."
    )


BROKEN = [
    "{{ mnist:data }",
    "{ mnist:data }}",
    "{{ mnist:data",
    "mnist:data }}",
    "{{ mnist: data }}",
    "{{mnist:data} }",
    "{{ MNIST:data }}",
]
FRONT_MATTER = "---\ndescription: A page.\n---\n\n# Title\n\n"


def _page(tmp_path, src_path: str, text: str) -> SimpleNamespace:
    path = tmp_path / src_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return SimpleNamespace(
        file=SimpleNamespace(src_path=src_path, src_uri=src_path, abs_src_path=str(path))
    )


@pytest.mark.parametrize("broken", BROKEN)
@pytest.mark.parametrize("src_path", ["en/mnist.md", "es/mnist.md", "es/guide/tensors.md"])
def test_a_broken_placeholder_fails_naming_the_page_and_its_line_in_the_file(
    tmp_path, broken, src_path
):
    text = f"{FRONT_MATTER}A first paragraph.\n\nThe data: {broken} and more.\n"
    page = _page(tmp_path, src_path, text)
    language, _, name = src_path.partition("/")
    with pytest.raises(BuildError) as error:
        filled_source(Path(page.file.abs_src_path), language, name, Generated(), dt.date.today())
    message = str(error.value)
    assert message.startswith(f"{src_path}: ")
    assert f"line 9: The data: {broken} and more." in message
    assert "inside backticks" in message


def test_braces_in_code_and_whole_placeholders_are_not_reported():
    markdown = (
        "Write `{{ mnist:data }` as `` {{ x }} ``, or {{ version:torch }}.\n\n"
        "```python\nprint({{1: 2}})  # }}\n```\n\n"
        "    ~~~~text\n    {{ unclosed\n    ~~~~\n"
    )
    assert placeholders.unclosed(markdown) == []
    assert placeholders.unclosed(markdown + "\nAfter the code: }}\n") == [
        (11, "After the code: }}")
    ]


def test_no_page_of_the_site_has_a_broken_placeholder():
    assert checks.placeholder_errors() == []


def test_broken_placeholders_on_pages_are_found_before_anything_is_built(tmp_path, monkeypatch):
    pages = {
        "en": {"index.md": "# Home\n\n{{ mnist:data }\n", "ok.md": "# Ok {{ version:torch }}\n"},
        "es": {"index.md": "# Inicio\n\nBien.\n\n`{{ a }`\n\n{ mnist:data }}\n"},
    }
    for language, files in pages.items():
        for name, text in files.items():
            (tmp_path / language).mkdir(exist_ok=True)
            (tmp_path / language / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(checks, "languages", lambda: ["en", "es"])
    monkeypatch.setattr(
        checks, "pages", lambda language: {p.name: p for p in (tmp_path / language).glob("*.md")}
    )
    errors = checks.placeholder_errors()
    assert len(errors) == 2
    assert errors[0].startswith("docs/en/index.md: ") and "line 3: {{ mnist:data }" in errors[0]
    assert errors[1].startswith("docs/es/index.md: ") and "line 7: { mnist:data }}" in errors[1]


def test_a_build_with_broken_placeholders_stops_before_training_naming_each_page(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    copy_empty_project(project)
    planted = {"en": "The data: {{ mnist:data }.", "es": "Los datos: { mnist:data }}."}
    for language, line in planted.items():
        home = project / "docs" / language / "index.md"
        home.write_text(f"{home.read_text(encoding='utf-8')}\n{line}\n", encoding="utf-8")
    built = build_site(project, tmp_path / "site")
    assert built.returncode == 1, build_problem(built)
    for language, line in planted.items():
        assert f"docs/{language}/index.md: a placeholder is not closed" in built.stderr
        assert f"(line 7: {line})" in built.stderr, built.stderr[-3000:]
    assert "Build timing" not in built.stdout and "training" not in built.stderr
    assert "Traceback" not in built.stderr


def test_a_placeholder_right_after_inline_code_is_filled_and_one_in_a_code_block_is_not():
    kinds = {"v": placeholders.Kind(fill=lambda arg, language, page: f"<{arg}>")}
    markdown = (
        "The call `torch.load`{{ v:one }} and `x`, {{ v:two }}.\n\n```text\n{{ v:three }}\n```\n"
    )
    rendered = placeholders.render(markdown, "en", "en/page.md", kinds)
    assert rendered == "The call `torch.load`<one> and `x`, <two>.\n\n```text\n{{ v:three }}\n```\n"
    assert placeholders.references(markdown, "v") == ["one", "two"]
