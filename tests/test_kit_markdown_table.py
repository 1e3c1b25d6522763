"""The one writer of generated Markdown tables (site_build/core/kit/markdown_table.py): what
it writes is a table to Python-Markdown, one cell per value, even with a ``|`` in a value."""

from __future__ import annotations

import markdown
from bs4 import BeautifulSoup

from site_build.core.kit.markdown_table import escape_cell, markdown_table


def _cells(text: str) -> list[list[str]]:
    html = markdown.markdown(text, extensions=["tables"])
    rows = BeautifulSoup(html, "html.parser").find_all("tr")
    return [[cell.get_text() for cell in row.find_all(["th", "td"])] for row in rows]


def test_a_table_is_its_header_and_one_row_per_line():
    text = markdown_table(
        ("Framework", "Accuracy"), [("PyTorch", "98.9 %"), ("TensorFlow", "99.0 %")]
    )
    assert not text.endswith("\n")
    assert _cells(text) == [
        ["Framework", "Accuracy"],
        ["PyTorch", "98.9 %"],
        ["TensorFlow", "99.0 %"],
    ]


def test_a_bar_in_a_value_stays_in_its_cell():
    text = markdown_table(("Setting", "Value"), [("shape", "1 | 28 | 28")])
    assert _cells(text)[1] == ["shape", "1 | 28 | 28"]
    assert escape_cell("a|b") == "a\\|b"
