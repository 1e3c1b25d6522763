"""A page whose whole source is ``<!-- page-source: PATH -->`` shows the file PATH.

The contributor guide is written once, as CONTRIBUTING.md at the project root where code
hosts show it, and docs/en/contributing.md points to it. The pymdownx.snippets syntax that
the guide teaches is escaped on the way in (a leading ``;``, which pymdownx removes), so the
site shows the examples instead of executing them.
"""

from __future__ import annotations

import re
from pathlib import Path

from site_build.core.errors import BuildError
from site_build.core.paths import ROOT

POINTER = re.compile(r"\A\s*<!--\s*page-source:\s*(?P<path>\S+)\s*-->\s*\Z")
SECTION_MARKER = re.compile(r"(?<![;-])(-+8<-+[ \t]+\[[ \t]*(?:start|end)[ \t]*:)")
INCLUDE_LINE = re.compile(r"^([ \t]*)(-+8<-+[ \t]+[\"'])", re.MULTILINE)


def escape_snippet_syntax(markdown: str) -> str:
    """Make pymdownx.snippets show its own directives and section markers literally."""
    return INCLUDE_LINE.sub(r"\1;\2", SECTION_MARKER.sub(r";\1", markdown))


def pointed_file(page_file: Path) -> Path | None:
    """The file a pointer page shows, or None for an ordinary page."""
    pointer = POINTER.match(page_file.read_text(encoding="utf-8"))
    if pointer is None:
        return None
    target = ROOT / pointer["path"]
    if not target.is_file():
        raise BuildError(
            f"{page_file}: page-source names {pointer['path']}, which does not exist at the "
            "project root; fix the path."
        )
    return target


def shown_markdown(page_file: Path) -> str | None:
    """The escaped text of the file a pointer page shows, or None for an ordinary page."""
    target = pointed_file(page_file)
    return escape_snippet_syntax(target.read_text(encoding="utf-8")) if target else None


def page_markdown(page_file: Path) -> str:
    """The Markdown a page shows: its own text, or the escaped file it points to."""
    shown = shown_markdown(page_file)
    return page_file.read_text(encoding="utf-8") if shown is None else shown
