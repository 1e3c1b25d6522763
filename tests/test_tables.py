"""Comparison tables get row headers (site_build/mkdocs/tables.py)."""

from __future__ import annotations

import markdown

from site_build.mkdocs.tables import with_row_headers


def html(source: str) -> str:
    return markdown.markdown(source, extensions=["tables"])


COMPARISON = """\
| | PyTorch | TensorFlow |
| --- | --- | --- |
| Default device | CPU | first GPU |
| Mixed precision | `torch.autocast` | a policy |
"""


def test_a_table_with_an_empty_corner_gets_a_row_header_per_row():
    out = with_row_headers(html(COMPARISON))
    assert out.count('<th scope="row">') == 2
    assert '<th scope="row">Default device</th>' in out
    assert '<th scope="row">Mixed precision</th>' in out
    assert "<td>CPU</td>" in out and "<td><code>torch.autocast</code></td>" in out
    assert out.count("<td>") == 4  # the other cells stay data cells


def test_aligned_first_columns_keep_their_alignment():
    source = "| | A |\n| :-: | --- |\n| row | 1 |\n"
    out = with_row_headers(html(source))
    assert '<th scope="row" style="text-align: center;">row</th>' in out


def test_a_table_whose_first_heading_is_not_empty_is_left_alone():
    source = "| Setting | PyTorch |\n| --- | --- |\n| seed | 1 |\n"
    assert with_row_headers(html(source)) == html(source)


def test_each_table_of_a_page_is_judged_on_its_own():
    source = COMPARISON + "\ntext\n\n| Name | Value |\n| --- | --- |\n| a | 1 |\n"
    out = with_row_headers(html(source))
    assert out.count('<th scope="row">') == 2 and "<td>a</td>" in out
