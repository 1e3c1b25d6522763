"""The one writer of the Markdown tables that the build puts on pages.

Every generated table (the measured pages' results, settings and figures' data) is written
here, so they all look alike in the page source and a cell's ``|`` never splits a cell in
two. The first column's cells become row headers later, in the MkDocs adapter
(``site_build/mkdocs/tables.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def escape_cell(text: str) -> str:
    """A cell's text with its ``|`` escaped, so that it stays one cell."""
    return text.replace("|", "\\|")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A pipe table: the header, the separator, one line per row; no trailing newline."""
    lines = ["| " + " | ".join(escape_cell(cell) for cell in header) + " |"]
    lines.append("|" + " --- |" * len(header))
    lines += ["| " + " | ".join(escape_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
