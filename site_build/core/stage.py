"""Generation as a stage: every generated thing written into a docs tree, without MkDocs.

``python -m site_build.core.stage`` (``nox -s stage``) trains, measures and draws what is out
of date (``Generated.prepare``, as the build does), then writes a **staged docs tree** into
the cache::

    <cache>/staged/<key>/docs/en/...        every page, its placeholders filled
    <cache>/staged/<key>/docs/es/...
    <cache>/staged/<key>/docs/<lang>/notebooks/NAME.ipynb   each notebook, executed
    <cache>/staged/<key>/docs/<lang>/generated/<family>/NAME.png|csv   figures and data
    <cache>/staged/<key>/snippets/es/...   snippets with their comments in Spanish
    <cache>/staged/<key>/mkdocs.yml        mkdocs.yml without the site-build plugin

A page is filled by ``fill_page``, the function the MkDocs plugin's ``on_page_markdown``
calls too, so there is one mechanism: the ``{{ kind:arg }}`` placeholders
(``placeholders.py``; the claims' footnotes included), the stale-translation notice
(``translation_status.py``) and the line under the title (``verified_line.py``). A page that
points to a file (``<!-- page-source: ... -->``) gets that file's text; a notebook page is
its executed notebook (``notebook_run.py``, the same cached execution the plugin renders
from), and the staged ``mkdocs.yml``'s nav and the pages' links name it. The includes of a
page in another language than the default one name a copy of the snippet with that
language's comments (``as_staged``). Everything else stays as authored: front matter,
includes (``--8<--``), tabs and admonitions are pymdownx features that any MkDocs-compatible
generator renders.

The key covers what the staged tree is made from: the pages, snippets, catalogs, claims, the
build package's code, the git commit (the stale-translation notice reads history), the
results and figures that ``prepare`` produced, the installed framework versions and the day
(the verified line names it), and what the notebooks' outputs depend on. The tree is written
to a temporary folder and renamed into place, so a reader never sees half of it; a key
already staged is reused.

What the stage leaves to the MkDocs plugin (``site_build/mkdocs/plugin.py``): the
HTML-level work (image sizes, table row headers, the notebooks' downloads and shared CSS,
the pages' Markdown copies, llms.txt, sitemaps, the atomic site swap) and the checks and
doctests a build runs first.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from site_build.core import checks, code_comments, translation_status, verified_line
from site_build.core.claims import references
from site_build.core.errors import BuildError
from site_build.core.generated import MEASURED_PAGES, Generated, notebook_key
from site_build.core.kit.cache import (
    cache_root,
    check_writable,
    file_digest,
    fingerprint,
    prune,
    touch,
)
from site_build.core.kit.machine import versions
from site_build.core.kit.records import BUILD_LOG
from site_build.core.layout import FRONT_MATTER, INCLUDE, languages, pages
from site_build.core.notebook_run import executed_notebook
from site_build.core.page_source import page_markdown
from site_build.core.paths import CLAIMS_DIR, CONTRIBUTING, DOCS_DIR, MKDOCS_YML, ROOT, SNIPPETS_DIR
from site_build.core.placeholders import render

KEY_LENGTH = 16
KEYS_KEPT = 4
STAGED_MAX_AGE_DAYS = 7
LEFTOVER_AGE_S = 3600
PLUGIN_LINE = re.compile(r"^  - site-build[ \t]*\n", re.MULTILINE)
# A Markdown link to a notebook page: staged as its executed .ipynb, linked as such.
NOTEBOOK_LINK = re.compile(r"(\]\((?:\.\./)*notebooks/[\w-]+)\.md(?=[)#])")


def fill_page(
    markdown: str,
    language: str,
    page: str,
    generated: Generated,
    built: dt.date,
    first_line: int = 1,
) -> str:
    """The Markdown of ``page`` (its path under ``docs/<language>/``, without front matter)
    with everything generated filled in: placeholders (a broken one raises a
    ``PlaceholderError`` naming the page and the line, counted from ``first_line``), the
    stale-translation notice and the line under the title."""
    cited = references(markdown)  # before the claims become footnotes
    # Placeholders first, so that a broken one is named by its line in the file.
    markdown = render(markdown, language, f"{language}/{page}", generated.kinds(), first_line)
    markdown = translation_status.with_notice(markdown, language, page)
    return verified_line.with_line(markdown, language, page, cited, generated.ledger, built)


def _is_notebook(page: str) -> bool:
    return page.startswith("notebooks/")


def filled_source(page_file: Path, language: str, page: str, generated, built: dt.date) -> str:
    """A page's whole file as staged: front matter kept, the body filled (``fill_page``)."""
    source = page_markdown(page_file)
    header = FRONT_MATTER.match(source)
    head = header[0] if header else ""
    body = source[len(head) :]
    first_line = head.count("\n") + 1
    return head + fill_page(body, language, page, generated, built, first_line)


def as_staged(markdown: str, language: str, snippets: Path) -> str:
    """A filled page as the staged tree holds it: its links to notebook pages point to their
    staged ``.ipynb``, and on a page of another language than the default one, each include
    points to a copy of its snippet with that language's comments
    (``code_comments.in_language``, what the plugin does as pymdownx.snippets reads a file),
    written under ``snippets/<language>/`` of the staged tree."""
    markdown = NOTEBOOK_LINK.sub(r"\1.ipynb", markdown)
    if language == languages()[0]:
        return markdown

    def translated_copy(match: re.Match) -> str:
        target = match["target"]
        file = target.partition(":")[0].strip()
        copy = snippets / language / file
        if not copy.is_file():
            source = SNIPPETS_DIR / file
            text = code_comments.in_language(source, source.read_text(encoding="utf-8"), language)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(text, encoding="utf-8")
        start, end = match.start("target") - match.start(), match.end("target") - match.start()
        return f"{match[0][:start]}{language}/{target}{match[0][end:]}"

    return INCLUDE.sub(translated_copy, markdown)


def staged_name(page: str) -> str:
    """Where a page is in the staged tree: a notebook as its executed ``.ipynb``."""
    return str(Path(page).with_suffix(".ipynb")) if _is_notebook(page) else page


def _digests(paths: Iterable[Path], base: Path = ROOT) -> dict[str, str]:
    """File path (under ``base``) -> sha256 of its content."""
    return {p.relative_to(base).as_posix(): file_digest(p) for p in sorted(paths) if p.is_file()}


def _git_commit() -> str:
    result = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def _results(generated: Generated) -> dict[str, str]:
    """A digest of each measured page's results as prepared (typed records), without what
    only one build's log says (fields marked ``BUILD_LOG``: the seconds a build spent)."""

    def plain(value):
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {
                f.name: plain(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if not f.metadata.get(BUILD_LOG)
            }
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return {
        attribute: fingerprint({"value": plain(getattr(generated, attribute))})
        for _, attribute in MEASURED_PAGES.values()
    }


def stage_key(generated: Generated, built: dt.date) -> str:
    """What the staged tree is made from (module docstring), as one key."""
    figures = [
        p for langs in Generated.figures(languages()).values() for ps in langs.values() for p in ps
    ]
    return fingerprint(
        {
            "pages": _digests(DOCS_DIR.rglob("*")),
            "snippets": _digests(SNIPPETS_DIR.rglob("*.py")),
            "catalogs": _digests((ROOT / "site_build" / "catalogs").glob("*.yaml")),
            "claims": _digests(CLAIMS_DIR.rglob("*.yaml")),
            "code": _digests((ROOT / "site_build").rglob("*.py")),
            "shown": _digests([CONTRIBUTING, MKDOCS_YML]),
            "commit": _git_commit(),
            "results": _results(generated),
            "figures": _digests(figures, cache_root()),
            "versions": versions("torch", "tensorflow", "keras"),
            "notebooks": notebook_key(),
            "built": built.isoformat(),
        }
    )[:KEY_LENGTH]


def staged_root() -> Path:
    return cache_root() / "staged"


def staged_config(staged: Path) -> str:
    """mkdocs.yml for the staged tree in ``staged``, written beside its ``docs/``: the
    site-build plugin removed, the paths that MkDocs would read from the project (the
    theme's overrides, the snippets) made absolute, and the staged tree's translated snippet
    copies (``as_staged``) after the snippets; ``docs_dir`` and ``site_dir`` stay relative to
    it."""
    text = MKDOCS_YML.read_text(encoding="utf-8")
    notebooks = [page for page in pages(languages()[0]) if _is_notebook(page)]
    edits = [
        (PLUGIN_LINE, "", 1),
        (re.compile(r"^watch:\n(?:  - .*\n)+", re.MULTILINE), "", 1),
        (
            re.compile(r"^  custom_dir: overrides$", re.MULTILINE),
            f"  custom_dir: {ROOT / 'overrides'}",
            1,
        ),
        (
            re.compile(r"^      base_path: \[snippets\]$", re.MULTILINE),
            f"      base_path: [{SNIPPETS_DIR}, {staged / 'snippets'}]",
            1,
        ),
        # The nav names each notebook page by its executed copy (``staged_name``).
        (re.compile(r"(?<=: notebooks/)([\w-]+)\.md$", re.MULTILINE), r"\1.ipynb", len(notebooks)),
    ]
    for pattern, replacement, expected in edits:
        text, count = pattern.subn(lambda m, new=replacement: m.expand(new), text)
        if count != expected:
            raise BuildError(
                f"{MKDOCS_YML.name}: the stage rewrites the lines matching "
                f"{pattern.pattern!r} for the staged tree ({expected} expected) and found "
                f"{count}; update staged_config in site_build/core/stage.py to the new layout."
            )
    return text


def _write_tree(folder: Path, generated: Generated, built: dt.date) -> None:
    docs = folder / "docs"
    for language in languages():
        for page, page_file in pages(language).items():
            target = docs / language / staged_name(page)
            target.parent.mkdir(parents=True, exist_ok=True)
            if _is_notebook(page):  # every cell, as the plugin renders it
                shutil.copy2(executed_notebook(page_file)[0], target)
            else:
                text = filled_source(page_file, language, page, generated, built)
                staged = as_staged(text, language, folder / "snippets")
                target.write_text(staged, encoding="utf-8")
        for other in sorted((DOCS_DIR / language).rglob("*")):
            if other.is_file() and other.suffix != ".md":  # anything else a page links
                target = docs / language / other.relative_to(DOCS_DIR / language)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(other, target)
    # Where the plugin puts them (mkdocs/files.py): generated/<family>/NAME beside the pages.
    for family, by_language in Generated.figures(languages()).items():
        for language, paths in by_language.items():
            target = docs / language / "generated" / family
            target.mkdir(parents=True, exist_ok=True)
            for path in paths:
                shutil.copy2(path, target / path.name)


def stage(built: dt.date | None = None, generated: Generated | None = None) -> Path:
    """Prepare what is out of date, then write (or reuse) the staged tree; returns its
    folder (``<cache>/staged/<key>``)."""
    built = built or dt.date.today()
    if errors := checks.include_errors() + checks.placeholder_errors():
        raise BuildError("\n".join(errors))
    check_writable()
    if generated is None:
        generated = Generated()
        generated.load_ledger()
        generated.prepare()
    key = stage_key(generated, built)
    root = staged_root()
    final = root / key
    if not (final / "mkdocs.yml").is_file():
        temporary = root / f".{key}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            _write_tree(temporary, generated, built)
            (temporary / "mkdocs.yml").write_text(staged_config(final), encoding="utf-8")
            try:
                os.rename(temporary, final)
            except OSError:
                if not (final / "mkdocs.yml").is_file():
                    raise
                # Another process staged the same key meanwhile: its tree is the same.
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
    touch(final)
    prune(root, {key}, STAGED_MAX_AGE_DAYS, keep_newest=KEYS_KEPT)
    # What a killed stage left (an interrupted one removes its own folder above).
    for leftover in root.glob(".*.tmp"):
        if leftover.is_dir() and time.time() - leftover.stat().st_mtime > LEFTOVER_AGE_S:
            shutil.rmtree(leftover, ignore_errors=True)
    return final


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m site_build.core.stage",
        description="Train, measure and draw what is out of date, then write the staged docs "
        "tree (every page with its generated content filled) into the cache.",
    )
    parser.parse_args(argv)
    generated = Generated()
    try:
        generated.load_ledger()
        generated.prepare()
        folder = stage(generated=generated)
    except BuildError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    for line in generated.timings:
        print(f"Stage timing | {line}")
    print(f"Staged docs tree: {folder / 'docs'}")
    print(f"Without the site-build plugin: mkdocs build -f {folder / 'mkdocs.yml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
