"""The decision page: every verdict says what to choose instead and what would change it.

docs/*/choosing.md opens with a table of situations. Each row names the answer, the answer to
choose instead and when (its third column), and links to the section that gives the reason;
that section ends its reasoning with a paragraph that starts with the flip phrase of the
page's language ("What would change this answer"), so that no verdict is left without the
condition that would overturn it.
"""

from __future__ import annotations

import re

import pytest
from markdown.extensions.toc import slugify

from site_build.core.layout import DOCS_DIR, languages, page_text

PAGE = "choosing.md"
# The bold lead of the paragraph that says what would change a section's answer.
FLIP = {"en": "What would change this answer", "es": "Qué cambiaría esta respuesta"}
ROW = re.compile(r"^\| \[(?P<title>[^\]]+)\]\(#(?P<anchor>[^)]+)\) \|(?P<rest>.*)\|\s*$")
HEADING = re.compile(r"^## (?P<title>.+?)\s*$", re.MULTILINE)


def problems(markdown: str, language: str, where: str) -> list[str]:
    """What the decision page lacks: a row without its alternative, a section without the
    paragraph that says what would change its answer."""
    if language not in FLIP:
        return [
            f"{where}: add the flip phrase of '{language}' (the bold lead of the paragraph "
            "that says what would change an answer) to FLIP in tests/test_decision_page.py"
        ]
    found = []
    headings = list(HEADING.finditer(markdown))
    sections = {}
    for number, heading in enumerate(headings):
        end = headings[number + 1].start() if number + 1 < len(headings) else len(markdown)
        sections[slugify(heading["title"], "-")] = markdown[heading.end() : end]
    rows = [ROW.match(line) for line in markdown.splitlines()]
    rows = [row for row in rows if row]
    if not rows:
        found.append(
            f"{where}: no row of the decision table links to a section (| [title](#anchor) |)"
        )
    for row in rows:
        cells = [cell.strip() for cell in row["rest"].split(" | ")]
        if len(cells) < 3 or not cells[1].strip(" -—"):
            found.append(
                f"{where}: the row '{row['title']}' has no alternative: write in its third "
                "column what to choose instead, and when"
            )
        section = sections.get(row["anchor"])
        if section is None:
            found.append(f"{where}: the row '{row['title']}' links to #{row['anchor']}, no section")
        elif f"**{FLIP[language]}**" not in section:
            found.append(
                f"{where}: the section #{row['anchor']} does not say what would change its "
                f"answer: add a paragraph that starts with **{FLIP[language]}**:"
            )
    return found


@pytest.mark.parametrize("language", languages())
def test_every_verdict_says_what_to_choose_instead_and_what_would_change_it(language: str):
    page = DOCS_DIR / language / PAGE
    found = problems(page_text(page), language, f"docs/{language}/{PAGE}")
    assert not found, "\n".join(found)


PLANTED = """
| Your situation | Choose | Choose instead if | Why |
| --- | --- | --- | --- |
| [Learning](#learning) | PyTorch | Keras 3, for a course about results | The loop |
| [Research](#research) | PyTorch | | Plain classes |
| [Tables](#tables) | Trees | A network, with images | Benchmarks |

## Learning

The loop shows what training is.

**What would change this answer**: a course about results.

## Research

Plain classes.

**What would change this answer**: TPUs.

## Tables

Trees win.
"""


def test_a_row_without_alternative_and_a_section_without_its_flip_are_reported():
    found = problems(PLANTED, "en", "planted.md")
    assert found == [
        "planted.md: the row 'Research' has no alternative: write in its third column what to "
        "choose instead, and when",
        "planted.md: the section #tables does not say what would change its answer: add a "
        "paragraph that starts with **What would change this answer**:",
    ]


def test_a_language_without_its_flip_phrase_is_named():
    (found,) = problems(PLANTED, "fr", "docs/fr/choosing.md")
    assert "FLIP in tests/test_decision_page.py" in found
