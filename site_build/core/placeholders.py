"""One syntax for everything a page asks the build to generate: ``{{ kind:arg }}``.

``render`` replaces each placeholder by what the registered ``kind`` returns for ``arg`` in
the page's language; ``site_build/core/generated.py`` holds the registry, so the code that
produces a placeholder is one lookup away. Written inside backticks (`` `{{ version:torch }}` ``)
or in a code block, a placeholder is shown as it is: that is how the contributor guide
documents them (``outside_code``).

A ``{{`` or ``}}`` that is not part of a whole placeholder (``{{ mnist:data }`` with a brace
missing, ``{{ mnist: data }}`` with a space) would be published as written, so outside code
(fenced blocks and inline code) it stops the build, naming the page and the line
(``unclosed``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from site_build.core.errors import PlaceholderError

PLACEHOLDER = re.compile(r"(?<!`)\{\{\s*(?P<kind>[a-z]+):(?P<arg>[^\s{}`]+)\s*\}\}(?!`)")
FENCE = re.compile(r"^\s*(?P<run>`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(?P<ticks>`+).+?(?P=ticks)")


@dataclass(frozen=True)
class Kind:
    """How one kind of placeholder is filled.

    ``fill(arg, language, page)`` returns the Markdown that replaces ``{{ kind:arg }}``;
    ``appendix(args, language, page)``, when given, returns Markdown added once at the end of
    a page that uses the kind (the claims' footnotes), from the arguments used, in order.
    """

    fill: Callable[[str, str, str], str]
    appendix: Callable[[list[str], str, str], str] | None = None


def render(
    markdown: str, language: str, page: str, kinds: Mapping[str, Kind], first_line: int = 1
) -> str:
    """Fill every placeholder of ``markdown`` (the page ``page``, in ``language``).

    A ``PlaceholderError`` names the page, the placeholder and the fix; a brace left over
    from a broken placeholder names the page and its line, counting ``markdown``'s first line
    as ``first_line`` (MkDocs hands over a page without its front matter).
    """
    if problems := unclosed(markdown):
        raise PlaceholderError(unclosed_message(page, problems, first_line))
    used: dict[str, list[str]] = {}

    def fill(match: re.Match) -> str:
        kind, arg = match["kind"], match["arg"]
        if kind not in kinds:
            raise PlaceholderError(
                f"{page}: {match[0]}: there is no placeholder kind '{kind}'; use one of "
                f"{', '.join(sorted(kinds))} (site_build/core/generated.py lists them)."
            )
        used.setdefault(kind, [])
        if arg not in used[kind]:
            used[kind].append(arg)
        try:
            return kinds[kind].fill(arg, language, page)
        except PlaceholderError as error:
            named = str(error) if match[0] in str(error) else f"{match[0]}: {error}"
            raise PlaceholderError(f"{page}: {named}") from None

    if "{{" not in markdown:
        return markdown
    body = outside_code(markdown, lambda prose: PLACEHOLDER.sub(fill, prose))
    notes = [
        kinds[kind].appendix(args, language, page)
        for kind, args in used.items()
        if kinds[kind].appendix is not None
    ]
    if not notes:
        return body
    return f"{body.rstrip()}\n\n" + "\n".join(notes) + "\n"


def references(markdown: str, kind: str) -> list[str]:
    """The arguments of every ``{{ kind:... }}`` in ``markdown`` (outside code, where one is
    shown as written), once each, in order."""
    found: list[str] = []

    def collect(prose: str) -> str:
        found.extend(m["arg"] for m in PLACEHOLDER.finditer(prose) if m["kind"] == kind)
        return prose

    outside_code(markdown, collect)
    return list(dict.fromkeys(found))


def _lines(markdown: str) -> Iterator[tuple[int, str, bool]]:
    """(line number, line with its line break, whether it is code) for every line: fenced
    code blocks, their fences included, are code."""
    fence = ""  # the backticks or tildes that opened the code block we are in
    for number, line in enumerate(markdown.splitlines(keepends=True), start=1):
        if opening := FENCE.match(line):
            run = opening["run"]
            if not fence:
                fence = run
            elif run[0] == fence[0] and len(run) >= len(fence) and not line.strip()[len(run) :]:
                fence = ""
            yield number, line, True
        else:
            yield number, line, bool(fence)


def outside_code(markdown: str, change: Callable[[str], str]) -> str:
    """``markdown`` with ``change`` applied to its prose only: fenced code blocks and inline
    code pass unchanged. So a placeholder right after inline code (`` `x`{{ claim:y }} ``)
    is filled like any other, and one inside backticks or a code block is shown as written."""
    parts = []
    for _, line, code in _lines(markdown):
        if code:
            parts.append(line)
            continue
        start = 0
        for inline in INLINE_CODE.finditer(line):
            parts.extend([change(line[start : inline.start()]), inline[0]])
            start = inline.end()
        parts.append(change(line[start:]))
    return "".join(parts)


def unclosed(markdown: str) -> list[tuple[int, str]]:
    """(line number, line) of every line with a ``{{`` or ``}}`` that is not part of a whole
    placeholder, outside fenced code blocks and inline code (where braces are shown as
    written)."""
    found = []
    for number, line, code in _lines(markdown):
        prose = "" if code else PLACEHOLDER.sub("", INLINE_CODE.sub("", line))
        if "{{" in prose or "}}" in prose:
            found.append((number, line.strip()))
    return found


def unclosed_message(page: str, problems: list[tuple[int, str]], first_line: int = 1) -> str:
    """One message for the broken placeholders of ``page``: each line, and the fix."""
    lines = "; ".join(f"line {first_line - 1 + number}: {text}" for number, text in problems)
    return (
        f"{page}: a placeholder is not closed or not written as {{{{ kind:arg }}}} ({lines}). "
        "Write it whole, with two braces on each side and no space after the colon, or show "
        "it as written inside backticks."
    )
