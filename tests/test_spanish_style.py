"""Spanish pages follow one style: «…» quotes, RAE number grouping, one term per concept.

The rules (CONTRIBUTING.md, "Translations") are checked on page prose only: code, inline
code, URLs and generated values are left out (see `site_build.core.claims.prose_blocks`), and so are
Markdown's own quoted titles (admonitions, tabs, link titles), HTML tags and «quotations»,
which keep their source's exact words.
"""

from __future__ import annotations

import re

import pytest

from site_build.core.claims import prose_blocks
from site_build.core.layout import DOCS_DIR, page_text, pages
from tests.spanish_terms import TERMS

SPANISH_PAGES = sorted(pages("es"))

# Syntax that quotes with "…" on purpose: `!!! note "Título"`, `=== "PyTorch"`, link titles.
_SYNTAX = [
    re.compile(r'^\s*(?:!!!|\?\?\?\+?|===)\s*[\w\s-]*"[^"]*"', re.MULTILINE),
    re.compile(r"<[^>\n]+>"),  # HTML tags and their attributes
    re.compile(r"\{\{[^}]*\}\}"),  # claim references: their ids are not prose
]

NUMBER_RULES = [
    # Five or more digits are grouped in threes with a non-breaking space: 10 000.
    (re.compile(r"(?<![\w.,/#-])\d{5,}(?![\w.,]\d)"), "group the digits: 10 000"),
    # Never with a point or a comma (10.000, 10,000), nor with an ordinary space.
    (re.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?![\w.,]?\d)"), "group with a space: 10 000"),
    (re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3}){2,}(?!\d)"), "group with a space: 10 000 000"),
    (
        re.compile(r"(?<![\w.,])\d{1,3}(?: \d{3})+(?!\d)"),
        "the space that groups digits is a non-breaking one (U+00A0 or U+202F)",
    ),
]


def _prose(page: str) -> list[tuple[int, str]]:
    blocks = []
    for line, text in prose_blocks(page_text(DOCS_DIR / "es" / page)):
        for pattern in _SYNTAX:
            text = pattern.sub(" ", text)
        blocks.append((line, text))
    return blocks


def _problems(page: str) -> list[str]:
    found = []
    for line, text in _prose(page):
        where = f"docs/es/{page}:{line}"
        for quote in re.findall(r"[\"“][^\"“”\n]*[\"”]", text):
            found.append(f'{where}: {quote!r}: Spanish quotes with «…» (English "…" or “…”)')
        # Quotations keep their source's exact words, numbers and terms included.
        text = re.sub(r"«[^»]*»", " ", text)
        for pattern, right in TERMS.items():
            for word in re.findall(pattern, text, flags=re.IGNORECASE):
                found.append(f"{where}: '{word}': write {right}")
        for pattern, rule in NUMBER_RULES:
            for number in pattern.findall(text):
                found.append(f"{where}: '{number}': {rule}")
    return found


@pytest.mark.parametrize("page", SPANISH_PAGES)
def test_spanish_prose_follows_the_style(page: str):
    problems = _problems(page)
    assert not problems, "\n".join(problems)


def test_the_style_check_finds_each_kind_of_mistake(tmp_path, monkeypatch):
    page = tmp_path / "es" / "x.md"
    page.parent.mkdir()
    page.write_text(
        '!!! note "Un título"\n    Dice "hola" en un fichero con 60000 filas, 10.000 o 10 000.\n'
        '\nBien: «hola», 10\u00a0000 archivos, 2.21, `"código"` y 0,5.\n',
        encoding="utf-8",
    )
    monkeypatch.setattr("tests.test_spanish_style.DOCS_DIR", tmp_path)
    problems = _problems("x.md")
    assert len(problems) == 5, "\n".join(problems)
    for expected in ("'\"hola\"'", "'fichero'", "'60000'", "'10.000'", "'10 000'"):
        assert any(expected in problem for problem in problems), (expected, problems)
