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


# The third options section, by the slug of its heading in each language.
THIRD_OPTIONS = {
    "en": "when-neither-is-the-answer",
    "es": "cuando-la-respuesta-no-es-ninguno-de-los-dos",
}
LEARNING_CURVE_LINK = re.compile(r"\]\(learning_curve\.md#(?P<anchor>[^)]+)\)")


def _sections(markdown: str) -> dict[str, str]:
    headings = list(HEADING.finditer(markdown))
    return {
        slugify(heading["title"], "-"): markdown[
            heading.end() : headings[n + 1].start() if n + 1 < len(headings) else len(markdown)
        ]
        for n, heading in enumerate(headings)
    }


@pytest.mark.parametrize("language", languages())
def test_the_third_options_link_the_keras_model_run_on_jax_at_build_time(language: str):
    """JAX is argued with sources and with this site's own run: the section links to the
    learning-curve section that runs the Keras code on JAX and shows the generated table."""
    assert language in THIRD_OPTIONS, (
        f"add the slug of docs/{language}/{PAGE}'s third options heading to THIRD_OPTIONS"
    )
    third = _sections(page_text(DOCS_DIR / language / PAGE))[THIRD_OPTIONS[language]]
    anchors = [link["anchor"] for link in LEARNING_CURVE_LINK.finditer(third)]
    assert anchors, f"docs/{language}/{PAGE}: the third options do not link the JAX run"
    learning_curve = _sections(page_text(DOCS_DIR / language / "learning_curve.md"))
    for anchor in anchors:
        assert anchor in learning_curve, f"docs/{language}/{PAGE}: no section #{anchor}"
        section = learning_curve[anchor]
        assert '--8<-- "learning_curve/keras_backend_jax.py:bridge-checks"' in section
        assert "{{ backends:table }}" in section
