"""The line under a page's title that says what the page was checked with.

"Page built on 6 December 2026 with PyTorch 2.13.0 and TensorFlow 2.21.0. The oldest sourced
fact on this page was verified on 1 December 2026." The framework versions are those of the
installed packages that ran the page's code (``machine.installed_version``), never typed:
the two compared frameworks on every page, and JAX too on a page that includes a ``_jax``
snippet file (the Keras code of its ``_tf`` twin run on Keras 3's JAX backend, see
``layout.py``), so the page that runs code on JAX says which JAX, and no page is listed by
hand. The day is the build's; the second sentence names the oldest ``verified`` day among the
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
from pathlib import Path

from site_build.core.catalog import texts
from site_build.core.claims import Claim, format_date
from site_build.core.kit.frameworks import COMPARED, MODULES, NAMES
from site_build.core.kit.machine import installed_version
from site_build.core.layout import includes

TEXT = texts("verified_line")
WITHOUT = ("contributing.md", "sources.md")
WITHOUT_FOLDERS = ("notebooks/",)
FIRST_HEADING = re.compile(r"^# .*\n", re.MULTILINE)
# What a page runs besides the compared frameworks, by the suffix of a snippet file it
# includes: (the name the line shows, the import name whose installed version it shows).
ALSO_RUNS = {"_jax": ("JAX", "jax")}


def shown_on(page: str) -> bool:
    """Whether ``page`` (its path under ``docs/<language>/``) gets the line."""
    return page not in WITHOUT and not page.startswith(WITHOUT_FOLDERS)


def framework_versions(markdown: str = "") -> list[tuple[str, str]]:
    """(name, installed version) of each framework whose code a page runs, in the pages' order:
    the compared frameworks, then those that ``ALSO_RUNS`` names for a snippet file that the
    page's Markdown (``markdown``, its includes not yet expanded) includes."""
    found = [(NAMES[key], MODULES[key]) for key in COMPARED]
    stems = {Path(include.file).stem for include in includes(markdown)}
    for suffix, library in ALSO_RUNS.items():
        if any(stem.endswith(suffix) for stem in stems):
            found.append(library)
    return [(name, installed_version(module)) for name, module in found]


def frameworks_text(language: str, versions: list[tuple[str, str]]) -> str:
    """The versions as a list in ``language``: "PyTorch 2.13.0 and TensorFlow 2.21.0", or
    "PyTorch 2.13.0, TensorFlow 2.21.0 and JAX 0.10.2" (the catalog's ``comma`` and ``and``)."""
    text = TEXT[language]
    named = [f"{name} {version}" for name, version in versions]
    if len(named) < 3:
        return text["and"].join(named)
    return text["and"].join([text["comma"].join(named[:-1]), named[-1]])


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
    frameworks = frameworks_text(language, versions)
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
    versions = framework_versions(markdown)
    text = line(language, built, versions, oldest_verified(cited, ledger))
    rest = markdown[heading.end() :].lstrip("\n")
    return f"{markdown[: heading.end()]}\n*{text}*\n\n{rest}"
