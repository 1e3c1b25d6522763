"""Generation as a stage: every generated thing written into a docs tree, without MkDocs.

``ensure`` trains, measures and draws what is out of date (``Generated.prepare``), then
writes a **staged docs tree** into the cache, the one source of everything generated that
the site shows::

    <cache>/staged/<key>/docs/en/...        every page, its placeholders filled
    <cache>/staged/<key>/docs/es/...
    <cache>/staged/<key>/docs/<lang>/notebooks/NAME.md   each notebook, executed, as HTML
    <cache>/staged/<key>/docs/<lang>/notebooks/NAME/NAME.ipynb   its download
    <cache>/staged/<key>/executed/<lang>/notebooks/NAME.ipynb   what the plugin renders
    <cache>/staged/<key>/docs/<lang>/generated/<family>/NAME.png|csv   figures and data
    <cache>/staged/<key>/snippets/es/...   snippets with their comments in Spanish
    <cache>/staged/<key>/mkdocs.yml        mkdocs.yml without the site-build plugin

``nox -s docs`` runs ``python -m site_build.core.stage`` (``nox -s stage``), then
``mkdocs build``, whose site-build plugin calls ``ensure`` once per build in
``on_pre_build``: the key is staged already, so it only computes the key. Under
``mkdocs serve``, an edit changes the key and the next rebuild writes the tree again. The
plugin then reads from the tree alone: each page's staged Markdown (``page_for_build``,
nothing filled again), the figures, their data and the downloads (``added_files``) and each
notebook's executed ``.ipynb`` (``executed_copy``). The staged ``mkdocs.yml`` builds the
same tree with plain MkDocs, none of the plugin's events (``tests/test_stage.py``).

A page is filled by ``fill_page``, one mechanism: the ``{{ kind:arg }}`` placeholders
(``placeholders.py``; the claims' footnotes included), the stale-translation notice
(``translation_status.py``) and the line under the title (``verified_line.py``). A page that
points to a file (``<!-- page-source: ... -->``) gets that file's text; a notebook page is
executed (``notebook_run.py``, cached on the notebook and what its outputs depend on) and
staged three times from that one execution: as a Markdown page holding its HTML
(``notebook_page``, what any generator renders), as the ``.ipynb`` the plugin has
mkdocs-jupyter render (``executed_copy``), and as its download, without the ``page-only``
cells, at the address the page links (``download_path``). The includes of a page in another
language than the default one name a copy of the snippet with that language's comments
(``as_staged``). Everything else stays as authored: front matter,
includes (``--8<--``), tabs and admonitions are pymdownx features that any MkDocs-compatible
generator renders.

The key covers what the staged tree is made from: the pages, snippets, catalogs, claims, the
build package's code, the git commit (the stale-translation notice reads history), the
results and figures that ``prepare`` produced, the installed framework versions and the day
(the verified line names it), and what the notebooks' outputs depend on. The tree is written
to a temporary folder and renamed into place, so a reader never sees half of it; a key
already staged is reused.

What the stage leaves to the MkDocs plugin (``site_build/mkdocs/plugin.py``): the
HTML-level work (image sizes, table row headers, the notebooks' shared CSS, the pages'
Markdown copies, llms.txt, sitemaps, the atomic site swap), the checks and doctests a build
runs first, and the problem pages of the preview.
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

from site_build.core import checks, code_comments, doctest_record, translation_status, verified_line
from site_build.core.claims import references
from site_build.core.errors import BuildError
from site_build.core.generated import MEASURED_PAGES, Generated, notebook_key
from site_build.core.kit.cache import (
    atomic_write_bytes,
    cache_root,
    check_writable,
    file_digest,
    fingerprint,
    prune,
    touch,
)
from site_build.core.kit.machine import versions
from site_build.core.kit.records import BUILD_LOG
from site_build.core.layout import (
    FRONT_MATTER,
    INCLUDE,
    dump_mkdocs_yml,
    languages,
    load_mkdocs_yml,
    pages,
)
from site_build.core.notebook_run import download, download_name, executed_notebook
from site_build.core.page_source import page_markdown
from site_build.core.paths import CLAIMS_DIR, CONTRIBUTING, DOCS_DIR, MKDOCS_YML, ROOT, SNIPPETS_DIR
from site_build.core.placeholders import render

KEY_LENGTH = 16
KEYS_KEPT = 4
STAGED_MAX_AGE_DAYS = 7
LEFTOVER_AGE_S = 3600
PLUGIN = "site-build"
# Renders a notebook for the plugin only (``executed_copy``); the staged notebook pages are
# Markdown, so the staged mkdocs.yml leaves it out.
NOTEBOOK_PLUGIN = "mkdocs-jupyter"
# A Markdown link to a notebook page: staged as its executed .ipynb, linked as such.


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
    """A filled page as the staged tree holds it: on a page of another language than the
    default one, each include points to a copy of its snippet with that language's comments
    (``code_comments.in_language``, what the plugin does as pymdownx.snippets reads a file),
    written under ``snippets/<language>/`` of the staged tree."""
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


def executed_copy(folder: Path, language: str, page: str) -> Path:
    """The executed notebook a notebook page is rendered from, in the staged tree ``folder``:
    outside its ``docs/``, since only the site-build plugin renders it (with mkdocs-jupyter)."""
    return folder / "executed" / language / Path(page).with_suffix(".ipynb")


def notebook_page(executed: Path) -> str:
    """A notebook page as any MkDocs-compatible generator renders it: the executed notebook
    as HTML (nbconvert's basic template: every cell, its outputs, its figures inline) in a
    Markdown page. mkdocs-jupyter cannot render it there: under the i18n plugin, an
    ``.ipynb`` page is copied as it is. Kept in the cache by the executed notebook's
    content, so that staging again after an edit elsewhere does not convert it again."""
    folder = cache_root() / "notebook-pages"
    kept = folder / f"{file_digest(executed)[:KEY_LENGTH]}.md"
    if kept.is_file():
        touch(kept)
        return kept.read_text(encoding="utf-8")
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(executed, as_version=4)
    body, _ = HTMLExporter(template_name="basic").from_notebook_node(notebook)
    page = f'<div class="staged-notebook" markdown="0">\n{body.strip()}\n</div>\n'
    atomic_write_bytes(kept, page.encode("utf-8"))
    prune(folder, {kept.name}, STAGED_MAX_AGE_DAYS, keep_newest=4 * KEYS_KEPT)
    return page


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
            **_sources(),
            "results": _results(generated),
            "figures": _digests(figures, cache_root()),
            "versions": versions("torch", "tensorflow", "keras"),
            "notebooks": notebook_key(),
            "built": built.isoformat(),
        }
    )[:KEY_LENGTH]


def _sources() -> dict:
    """What the pages and the checks of a build read (the stage key's first part)."""
    return {
        "pages": _digests(DOCS_DIR.rglob("*")),
        "snippets": _digests(SNIPPETS_DIR.rglob("*.py")),
        "catalogs": _digests((ROOT / "site_build" / "catalogs").glob("*.yaml")),
        "claims": _digests(CLAIMS_DIR.rglob("*.yaml")),
        "code": _digests((ROOT / "site_build").rglob("*.py")),
        "shown": _digests([CONTRIBUTING, MKDOCS_YML]),
        "commit": _git_commit(),
    }


def checks_key(today: dt.date) -> str:
    """What the checks a strict build runs first depend on: the pages, every file of the
    snippets (comment tables included), the catalogs, claims and code, the git commit, the
    installed distributions (as the doctest records key them) and the day."""
    sources = _sources()
    snippets = (p for p in SNIPPETS_DIR.rglob("*") if "__pycache__" not in p.parts)
    sources["snippets"] = _digests(snippets)
    return fingerprint(
        {**sources, "environment": doctest_record.environment(), "day": today.isoformat()}
    )[:KEY_LENGTH]


def check_before_anything(strict: bool, today: dt.date | None = None) -> str:
    """What a build checks before it trains, measures or renders anything; returns the
    timing line. Every include shows an existing section of valid Python and no placeholder
    is broken; a strict build also breaks no page rule of the tests (``checks.py``); the
    cache is writable; the included snippets' doctests pass (``doctest_record.py``).

    A strict pass is recorded under ``<cache>/checked/`` by ``checks_key``: ``nox -s docs``
    checks in the stage, and MkDocs' build after it finds the record and checks nothing
    twice. Any edit to what the checks read changes the key."""
    today = today or dt.date.today()
    check_writable()
    record = cache_root() / "checked" / checks_key(today) if strict else None
    if record is not None and record.is_file():
        touch(record)
        return (
            "Checks and snippet doctests: passed already for these pages, snippets and "
            f"installed versions (record {record.name})"
        )
    if errors := checks.include_errors() + checks.placeholder_errors():
        raise BuildError("\n".join(errors))
    if strict and (problems := checks.site_problems()):
        # The strict build would fail on these warnings after training; say so first.
        raise BuildError("\n".join(problems))
    timing = doctest_record.check_included().timing()
    if record is not None:
        atomic_write_bytes(record, b"passed\n")
        prune(record.parent, {record.name}, STAGED_MAX_AGE_DAYS, keep_newest=KEYS_KEPT)
    return timing


def staged_root() -> Path:
    return cache_root() / "staged"


def _layout_changed(what: str, found: int) -> BuildError:
    return BuildError(
        f"{MKDOCS_YML.name}: the stage rewrites {what} for the staged tree (1 expected) and "
        f"found {found}; update staged_config in site_build/core/stage.py to the new layout."
    )


def staged_config(staged: Path) -> str:
    """mkdocs.yml for the staged tree in ``staged``, written beside its ``docs/``: the
    site-build plugin, mkdocs-jupyter and the watched folders removed, the paths that MkDocs
    would read from the project (the theme's overrides, the snippets) made absolute, and the
    staged tree's translated snippet copies (``as_staged``) after the snippets; ``docs_dir``
    and ``site_dir`` stay relative to it. Its comments are not kept."""
    settings = load_mkdocs_yml(MKDOCS_YML.read_text(encoding="utf-8"))
    plugins = settings.get("plugins") or []
    kept = [p for p in plugins if p != PLUGIN and not (isinstance(p, dict) and PLUGIN in p)]
    if len(plugins) - len(kept) != 1:
        raise _layout_changed(f"the plugins, removing {PLUGIN},", len(plugins) - len(kept))
    settings["plugins"] = [
        p
        for p in kept
        if p != NOTEBOOK_PLUGIN and not (isinstance(p, dict) and NOTEBOOK_PLUGIN in p)
    ]
    settings.pop("watch", None)
    theme = settings.get("theme") or {}
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str(ROOT / theme["custom_dir"])
    snippets = [
        e["pymdownx.snippets"]
        for e in settings.get("markdown_extensions") or []
        if isinstance(e, dict) and "pymdownx.snippets" in e
    ]
    if len(snippets) != 1:
        raise _layout_changed("pymdownx.snippets' base_path", len(snippets))
    base = snippets[0].get("base_path", ["."])
    base = [base] if isinstance(base, str) else base
    snippets[0]["base_path"] = [str(ROOT / path) for path in base] + [str(staged / "snippets")]
    return dump_mkdocs_yml(settings)


def download_path(page: str) -> str:
    """Where a notebook page's download is, from its language's folder: beside the page's
    HTML (``notebooks/NAME/`` with directory URLs), as the page's link
    ``<a href="NAME.ipynb" download>`` expects."""
    stem = Path(page).stem
    return f"{Path(page).parent.as_posix()}/{stem}/{download_name(Path(page))}"


def added_files(folder: Path) -> dict[str, list[str]]:
    """language -> what the stage adds beside that language's pages in ``folder``, as paths
    under ``docs/<language>/``: the figures and their data (``generated/``) and the notebooks'
    downloads (``download_path``). A build from the project's docs/ adds these."""
    found = {}
    for language in languages():
        docs = folder / "docs" / language
        notebooks = [page for page in pages(language) if _is_notebook(page)]
        added = [p.relative_to(docs).as_posix() for p in sorted(docs.glob("generated/*/*"))]
        found[language] = added + [download_path(page) for page in notebooks]
    return found


def _write_tree(folder: Path, generated: Generated, built: dt.date) -> list[tuple[str, bool]]:
    """Write the tree; returns each notebook page and whether it was executed now."""
    docs = folder / "docs"
    runs = []
    for language in languages():
        for page, page_file in pages(language).items():
            target = docs / language / page
            target.parent.mkdir(parents=True, exist_ok=True)
            if _is_notebook(page):  # every cell, as the page renders it
                executed, ran = executed_notebook(page_file)
                runs.append((f"{language}/{page}", ran))
                rendered = executed_copy(folder, language, page)
                rendered.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(executed, rendered)
                target.write_text(notebook_page(executed), encoding="utf-8")
                # The download: the same execution, without the cells only the page shows.
                offered = docs / language / download_path(page)
                offered.parent.mkdir(parents=True, exist_ok=True)
                offered.write_bytes(download(executed))
            else:
                text = filled_source(page_file, language, page, generated, built)
                staged = as_staged(text, language, folder / "snippets")
                target.write_text(staged, encoding="utf-8")
        for other in sorted((DOCS_DIR / language).rglob("*")):
            if other.is_file() and other.suffix != ".md":  # anything else a page links
                target = docs / language / other.relative_to(DOCS_DIR / language)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(other, target)
    # Beside the pages, as they link them: generated/<family>/NAME.
    for family, by_language in Generated.figures(languages()).items():
        for language, paths in by_language.items():
            target = docs / language / "generated" / family
            target.mkdir(parents=True, exist_ok=True)
            for path in paths:
                shutil.copy2(path, target / path.name)
    return runs


def _notebook_timing(runs: list[tuple[str, bool]]) -> str:
    """What the stage did for the notebooks: which it executed, which it found cached."""
    ran = [page for page, executed in runs if executed]
    cached = len(runs) - len(ran)
    what = [f"executed once each: {', '.join(ran)}"] if ran else []
    if cached:
        what.append(f"{cached} cached" if ran else f"all {cached} cached")
    return "; ".join(what)


def ensure(
    generated: Generated | None = None, built: dt.date | None = None, checked: bool = False
) -> Path:
    """The staged tree of what the project holds now: its folder (``<cache>/staged/<key>``).

    Without ``generated``, first prepares what is out of date (``Generated.prepare``); with
    it, uses what it holds. Without ``checked``, first checks every include and placeholder
    (a build checks them before it prepares). When the key is staged already, this only
    computes the key; otherwise it writes the tree (module docstring). The time it took and
    what it did go to ``generated.timings``."""
    built = built or dt.date.today()
    if not checked and (errors := checks.include_errors() + checks.placeholder_errors()):
        raise BuildError("\n".join(errors))
    check_writable()
    if generated is None:
        generated = Generated()
        generated.load_ledger()
        generated.prepare()
    started = time.perf_counter()
    key = stage_key(generated, built)
    root = staged_root()
    final = root / key
    what = f"key {key} staged already"
    if not (final / "mkdocs.yml").is_file():
        temporary = root / f".{key}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            runs = _write_tree(temporary, generated, built)
            (temporary / "mkdocs.yml").write_text(staged_config(final), encoding="utf-8")
            try:
                os.rename(temporary, final)
            except OSError:
                if not (final / "mkdocs.yml").is_file():
                    raise
                # Another process staged the same key meanwhile: its tree is the same.
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        what = f"key {key} written; notebooks: {_notebook_timing(runs)}"
    touch(final)
    prune(root, {key}, STAGED_MAX_AGE_DAYS, keep_newest=KEYS_KEPT)
    # What a killed stage left (an interrupted one removes its own folder above).
    for leftover in root.glob(".*.tmp"):
        if leftover.is_dir() and time.time() - leftover.stat().st_mtime > LEFTOVER_AGE_S:
            shutil.rmtree(leftover, ignore_errors=True)
    generated.note_timing("Staged docs tree", time.perf_counter() - started, what)
    return final


def page_for_build(folder: Path, language: str, page: str) -> str:
    """A staged page's whole file (front matter included) as the build from the project's
    docs/ reads it: the inverse of ``as_staged``, so that its includes name the snippets
    themselves, whose comments that build translates as it reads them
    (``mkdocs/comment_includes.py``)."""
    text = (folder / "docs" / language / page).read_text(encoding="utf-8")
    if language == languages()[0]:
        return text
    prefix = f"{language}/"

    def original(match: re.Match) -> str:
        start, end = match.start("target") - match.start(), match.end("target") - match.start()
        target = match["target"]
        if not target.startswith(prefix):
            raise BuildError(
                f"{folder / 'docs' / language / page}: the include {target!r} does not name "
                f"the staged {language} copy of its snippet; stage the tree again "
                "(python -m site_build.core.stage)."
            )
        return f"{match[0][:start]}{target[len(prefix) :]}{match[0][end:]}"

    return INCLUDE.sub(original, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m site_build.core.stage",
        description="Check the pages and the included snippets' doctests, train, measure and "
        "draw what is out of date, then write the staged docs tree (every page with its "
        "generated content filled) into the cache.",
    )
    parser.parse_args(argv)
    generated = Generated()
    try:
        # What the strict build checks before anything runs, checked before any training.
        doctests = check_before_anything(strict=True)
        generated.load_ledger()
        generated.prepare()
        folder = ensure(generated, checked=True)
    except BuildError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    for line in [doctests, *generated.timings]:
        print(f"Stage timing | {line}")
    print(f"Staged docs tree: {folder / 'docs'}")
    print(f"Without the site-build plugin: mkdocs build -f {folder / 'mkdocs.yml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
