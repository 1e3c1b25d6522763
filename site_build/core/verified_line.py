"""The line under a page's title that says what the page was checked with.

"Page built on 6 December 2026 with PyTorch 2.13.0 and TensorFlow 2.21.0. The oldest sourced
fact on this page was verified on 1 December 2026." The framework versions are those of the
installed packages that ran the page's code (``machine.installed_version``), never typed;
the day is the build's; the second sentence names the oldest ``verified`` day among the
claims the page cites (``core/claims.py``) and is left out on a page that cites none. The
words are the catalogs' ``verified_line`` (one set per language).

Pages without the line, because on them it would say nothing a reader can use:

- the contributor guide (``contributing.md``): it is about working on this project, and
  shows no framework results and cites no facts;
- the sources page (``sources.md``): it lists the two articles this site corrects and its
  sources; the dates there are those of the articles, and a line of framework versions
  above them would read as if the articles had been checked with them;
- the notebooks (``notebooks/``): mkdocs-jupyter renders them, and each notebook shows the
  output of the run that executed it, which is its own record of what it ran with.

The MkDocs plugin calls ``with_line`` from its page hook, after the placeholders are
rendered, so that the Markdown copy of the page has the line too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from site_build.core.catalog import texts
from site_build.core.claims import Claim, format_date
from site_build.core.kit.frameworks import COMPARED, MODULES, NAMES
from site_build.core.kit.machine import installed_version

TEXT = texts("verified_line")
WITHOUT = ("contributing.md", "sources.md")
WITHOUT_FOLDERS = ("notebooks/",)
FIRST_HEADING = re.compile(r"^# .*\n", re.MULTILINE)


def shown_on(page: str) -> bool:
    """Whether ``page`` (its path under ``docs/<language>/``) gets the line."""
    return page not in WITHOUT and not page.startswith(WITHOUT_FOLDERS)


def framework_versions() -> list[tuple[str, str]]:
    """(name, installed version) of each compared framework, in the pages' order."""
    return [(NAMES[key], installed_version(MODULES[key])) for key in COMPARED]


def oldest_verified(cited: Iterable[str], ledger: dict[str, Claim]) -> dt.date | None:
    """The oldest ``verified`` day among the cited claims; None when the page cites none."""
    days = [ledger[claim_id].verified for claim_id in cited if claim_id in ledger]
    return min(days) if days else None


def line(
    language: str,
    built: dt.date,
    versions: list[tuple[str, str]],
    oldest: dt.date | None,
) -> str:
    """The line's text in ``language``."""
    text = TEXT[language]
    frameworks = text["and"].join(f"{name} {version}" for name, version in versions)
    sentence = text["built"].format(built=format_date(built, language), frameworks=frameworks)
    if oldest is not None:
        sentence += " " + text["oldest"].format(oldest=format_date(oldest, language))
    return sentence


def with_line(
    markdown: str,
    language: str,
    page: str,
    cited: Iterable[str],
    ledger: dict[str, Claim],
    built: dt.date,
) -> str:
    """``markdown`` of ``docs/<language>/<page>`` with the line under its title (its first
    ``# `` heading); unchanged on the pages listed in the module's docstring and on Markdown
    without a title, which is no page of its own."""
    heading = FIRST_HEADING.search(markdown)
    if not shown_on(page) or heading is None:
        return markdown
    text = line(language, built, framework_versions(), oldest_verified(cited, ledger))
    rest = markdown[heading.end() :].lstrip("\n")
    return f"{markdown[: heading.end()]}\n*{text}*\n\n{rest}"
