"""``{{ lines:TOPIC/FILE.py:SECTION }}``: the code lines of a snippet section, counted.

The placeholder becomes the number of lines of that section that are
neither blank nor comments, counted from the file in ``snippets/`` when the site is built.
A page that compares how much code each framework needs therefore shows the count of the
code it includes, and the count follows every edit of the snippet. A missing file or
section fails the build with a message that names the page and the placeholder.
"""

from __future__ import annotations

from pathlib import Path

from site_build.core.errors import PlaceholderError
from site_build.core.layout import section_line_numbers
from site_build.core.paths import SNIPPETS_DIR
from site_build.core.placeholders import Kind, render


def section_lines(text: str, section: str) -> list[str] | None:
    """The lines between the start and end markers of `section`, or None if it is not marked.

    Marker lines of other sections nested inside are left out, as pymdownx.snippets does.
    """
    numbers = section_line_numbers(text, section)
    if numbers is None:
        return None
    lines = text.splitlines()
    return [lines[number - 1] for number in numbers]


def count_code_lines(lines: list[str]) -> int:
    """Lines that are neither blank nor a comment only."""
    return sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))


def snippet_lines(file: str, section: str, base: Path = SNIPPETS_DIR) -> int:
    """The number of code lines in section `section` of ``snippets/<file>``."""
    path = base / file
    if not path.is_file():
        raise PlaceholderError(
            f"{{{{ lines:{file}:{section} }}}}: snippets/{file} does not exist; give the path "
            "under snippets/, as in the page's --8<-- includes."
        )
    lines = section_lines(path.read_text(encoding="utf-8"), section)
    if lines is None:
        raise PlaceholderError(
            f"{{{{ lines:{file}:{section} }}}}: snippets/{file} has no complete section "
            f"'{section}'; mark it with '# --8<-- [start:{section}]' and "
            f"'# --8<-- [end:{section}]', or fix the name."
        )
    return count_code_lines(lines)


def lines_kind(base: Path = SNIPPETS_DIR) -> Kind:
    """``{{ lines:TOPIC/FILE.py:SECTION }}`` -> the count, as text."""

    def fill(arg: str, language: str, page: str) -> str:
        file, colon, section = arg.rpartition(":")
        if not colon or not file:
            raise PlaceholderError(
                f"{{{{ lines:{arg} }}}}: write {{{{ lines:TOPIC/FILE.py:SECTION }}}}, the file "
                "under snippets/ and the section, as in the page's --8<-- includes."
            )
        return str(snippet_lines(file, section, base))

    return Kind(fill)


def replace_placeholders(markdown: str, base: Path = SNIPPETS_DIR, page: str = "") -> str:
    """Fill the ``lines`` placeholders of ``markdown`` only (the tests use it)."""
    return render(markdown, "en", page, {"lines": lines_kind(base)})
