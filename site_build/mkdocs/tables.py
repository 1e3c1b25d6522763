"""Comparison tables get row headers, so a screen reader names the row of every cell.

The site's side-by-side tables leave their top-left cell empty and put what each row
compares in its first column::

    |                | PyTorch | TensorFlow |
    | Default device | CPU     | first GPU  |

Markdown writes that first column as ordinary cells, so a screen reader reads "CPU" under
"PyTorch" without saying which row it is in, and axe's ``td-has-header`` rule fails for
the cells under the empty heading. ``with_row_headers`` turns the first cell of every body
row of such a table (and only such a table: its first heading is empty) into
``<th scope="row">``. The plugin calls it from ``on_page_content``.
"""

from __future__ import annotations

import re

TABLE = re.compile(r"<table>(?P<body>.*?)</table>", re.DOTALL)
EMPTY_CORNER = re.compile(r"^\s*<thead>\s*<tr>\s*<th(?:\s[^>]*)?>\s*</th>")
# The first cell of a body row: what follows <tbody><tr>, or </tr><tr> between two rows.
ROW_START = re.compile(
    r"(<tbody>\s*<tr>|</tr>\s*<tr>)\s*<td(?P<attributes>(?:\s[^>]*)?)>(?P<cell>.*?)</td>",
    re.DOTALL,
)


def with_row_headers(html: str) -> str:
    def table(match: re.Match) -> str:
        body = match["body"]
        if not EMPTY_CORNER.match(body):
            return match[0]
        body = ROW_START.sub(
            lambda row: f'{row[1]}\n<th scope="row"{row["attributes"]}>{row["cell"]}</th>', body
        )
        return f"<table>{body}</table>"

    return TABLE.sub(table, html)
