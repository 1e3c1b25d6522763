"""The staged docs tree (``site_build/core/stage.py``) renders without the site-build plugin.

The slow tests stage the site (with a warm cache nothing trains or measures again), build
the staged tree from the staged ``mkdocs.yml`` (Material, the i18n plugin and pymdownx, but
no site-build plugin, so none of its events) with MkDocs and with ProperDocs, the
maintained MkDocs 1.x fork, and check that both languages show the generated numbers,
tables, figures, notebooks and the notebooks' downloads; then that the plugin reads each
page as staged (``stage.page_for_build``). The other tests are fast: what the stage keeps
as authored, the staged ``mkdocs.yml``, the loud failure when mkdocs.yml no longer has what
the stage rewrites, the stage key and the record of a strict build's checks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin

import pytest
import yaml

from site_build.core import stage as stage_module
from site_build.core.catalog import texts
from site_build.core.claims import format_date
from site_build.core.errors import BuildError
from site_build.core.generated import Generated
from site_build.core.i18n_format import percent
from site_build.core.layout import (
    DOCS_DIR,
    FRONT_MATTER,
    MKDOCS_YML,
    SNIPPETS_DIR,
    languages,
    pages,
)
from site_build.core.page_source import page_markdown
from site_build.core.placeholders import references, unclosed
from tests.stand_ins import built_page

IMG_SRC = re.compile(r"<img\b[^>]*\bsrc=\"(?P<src>[^\"]+)\"")
TABLE = re.compile(r"<table>.*?</table>", re.DOTALL)
# Pages whose figures and tables are all generated.
FIGURE_PAGES = ("mnist.md", "benchmarks.md", "fashion_mnist.md")


def _staged_mkdocs(tmp_path: Path) -> dict:
    path = tmp_path / "mkdocs.yml"
    path.write_text(stage_module.staged_config(tmp_path), encoding="utf-8")

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def test_staged_mkdocs_yml_has_no_site_build_plugin(tmp_path):
    config = _staged_mkdocs(tmp_path)
    names = [next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]]
    assert "site-build" not in names and "mkdocs-jupyter" not in names
    assert {"search", "i18n"} <= set(names)
    assert config["docs_dir"] == "docs"  # beside the staged mkdocs.yml
    assert Path(config["theme"]["custom_dir"]).is_dir()
    snippets = next(e for e in config["markdown_extensions"] if "pymdownx.snippets" in str(e))
    assert all(Path(p).is_absolute() for p in snippets["pymdownx.snippets"]["base_path"])


def test_a_changed_mkdocs_yml_fails_naming_the_fix(tmp_path, monkeypatch):
    moved = tmp_path / "mkdocs.yml"
    moved.write_text(MKDOCS_YML.read_text(encoding="utf-8").replace("- site-build", "- x"))
    monkeypatch.setattr(stage_module, "MKDOCS_YML", moved)
    with pytest.raises(BuildError, match=r"mkdocs\.yml.*site-build.*found 0.*stage\.py"):
        stage_module.staged_config(tmp_path)


@pytest.mark.parametrize("language", languages())
def test_a_staged_page_keeps_its_markdown_but_the_placeholders(language):
    """Front matter, includes, tabs and admonitions stay as authored: every line without a
    placeholder is in the staged page; the placeholders are filled; lines are only added
    (the line under the title, the claims' footnotes)."""
    page = "tensors.md"
    source = page_markdown(DOCS_DIR / language / page)
    generated = Generated()
    generated.load_ledger()
    staged = stage_module.filled_source(
        DOCS_DIR / language / page, language, page, generated, dt.date(2026, 12, 6)
    )
    header = FRONT_MATTER.match(source)
    assert header and staged.startswith(header[0])
    kept = [line for line in source.splitlines() if "{{" not in line]
    assert any(line.lstrip().startswith("--8<--") for line in kept)
    assert any(line.startswith('=== "') for line in kept)
    assert set(kept) <= set(staged.splitlines())
    assert references(source, "claim") and not references(staged, "claim")
    assert format_date(dt.date(2026, 12, 6), language) in staged  # the build's day


# Two MkDocs-compatible generators build the staged tree: MkDocs itself, without the
# site-build plugin, and ProperDocs, the maintained MkDocs 1.x fork.
GENERATORS = ("mkdocs", "properdocs")


@pytest.fixture(scope="module", params=GENERATORS)
def staged(tmp_path_factory, request):
    """(staged folder, what was prepared, the built site folder): staged once, built once
    by each generator."""
    generated = Generated()
    generated.load_ledger()
    generated.prepare()
    folder = stage_module.ensure(generated)
    site = tmp_path_factory.mktemp(f"staged-site-{request.param}")
    config = str(folder / "mkdocs.yml")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            request.param,
            "build",
            "--strict",
            "-f",
            config,
            "--site-dir",
            str(site),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, (
        f"{request.param} did not build the staged tree:\n{build.stderr[-4000:]}"
    )
    return folder, generated, site


@pytest.mark.slow
def test_the_stage_is_atomic_and_keyed(staged):
    folder, generated, _ = staged
    assert folder.parent == stage_module.staged_root()
    assert folder.name == stage_module.stage_key(generated, dt.date.today())
    assert not list(folder.parent.glob(".*.tmp")), "a temporary folder was left behind"
    for language in languages():
        assert set(pages(language)) == {
            p.relative_to(folder / "docs" / language).as_posix()
            for p in (folder / "docs" / language).rglob("*.md")
        }
    # A folder that a killed stage left an hour ago goes; the same inputs reuse the tree.
    leftover = folder.parent / f".{folder.name}.killed.tmp"
    (leftover / "docs").mkdir(parents=True)
    os.utime(leftover, (time.time() - 7200, time.time() - 7200))
    assert stage_module.ensure(generated) == folder
    assert not leftover.exists()


@pytest.mark.slow
@pytest.mark.parametrize("language", languages())
def test_staged_pages_show_generated_numbers_and_tables(staged, language):
    folder, generated, site = staged
    html = unescape(built_page(site, language, "mnist.md"))
    for run in ("matched-torch", "matched-tf"):
        accuracy = percent(generated.mnist[run].test.accuracy, language, 2)
        assert accuracy in html, f"{run}'s test accuracy {accuracy} is not on the page"
    label = texts("mnist_tables")[language]["test_accuracy"]
    tables = [t for t in TABLE.findall(html) if label in t]
    assert tables, f"no table with the row {label!r} on the {language} MNIST page"
    assert "{{" not in "".join(TABLE.findall(html))
    for page in pages(language):
        if not page.startswith("notebooks/"):
            staged_text = (folder / "docs" / language / page).read_text(encoding="utf-8")
            assert not unclosed(staged_text), f"{page}: a broken placeholder is left"
            left = [kind for kind in generated.kinds() if references(staged_text, kind)]
            assert not left, f"{page}: placeholders of {left} are left"


@pytest.mark.slow
@pytest.mark.parametrize("language", languages())
def test_staged_pages_show_their_figures(staged, language):
    _, _, site = staged
    for page in FIGURE_PAGES:
        html = built_page(site, language, page)
        prefix = "" if language == languages()[0] else f"{language}/"
        url = f"{prefix}{page.removesuffix('.md')}/"
        sources = IMG_SRC.findall(html)
        generated = [s for s in sources if "generated/" in s]
        assert generated, f"{language}/{page}: no generated figure"
        for src in generated:
            target = site / unquote(urldefrag(urljoin(url, src)).url)
            assert target.is_file(), f"{language}/{page}: {src} is not in the built site"


@pytest.mark.slow
def test_translated_pages_show_the_code_comments_in_their_language(staged):
    """Every comment a topic translates and its English page shows is shown translated on
    the page of the other language (the staged includes read translated snippet copies)."""
    _, _, site = staged
    default, *others = languages()
    english = unescape(built_page(site, default, "tensors.md"))
    for language in others:
        table = yaml.safe_load(
            (SNIPPETS_DIR / "tensors" / f"comments.{language}.yaml").read_text(encoding="utf-8")
        )
        shown = {k: v for k, v in table.items() if f"# {k}" in english and v != k}
        assert shown, "the English tensors page shows none of the translated comments"
        page = unescape(built_page(site, language, "tensors.md"))
        for key, value in shown.items():
            assert f"# {value}" in page, f"{language}/tensors.md: {value!r} is not shown"
            assert f"# {key}" not in page, f"{language}/tensors.md shows {key!r} in English"


@pytest.mark.slow
@pytest.mark.parametrize("language", languages())
def test_staged_notebooks_show_their_executed_outputs(staged, language):
    folder, _, site = staged
    for page in [p for p in pages(language) if p.startswith("notebooks/")]:
        executed = stage_module.executed_copy(folder, language, page)
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
        printed = [
            line.strip()
            for cell in cells
            for output in cell.get("outputs", [])
            if output.get("name") == "stdout"
            for line in "".join(output["text"]).splitlines()
            if line.strip()
        ]
        assert printed, f"{language}/{page}: the staged notebook has no printed output"
        html = unescape(built_page(site, language, page))
        # A page of the site's theme, not the notebook's JSON copied as it is.
        assert "md-content" in html and not html.lstrip().startswith("{"), page
        assert printed[-1] in html, f"{language}/{page}: {printed[-1]!r} is not on the page"
        figures = [
            o for c in cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
        ]
        assert len(IMG_SRC.findall(html)) >= len(figures), f"{language}/{page}: figures missing"


@pytest.mark.slow
@pytest.mark.parametrize("language", languages())
def test_notebook_downloads_are_staged_and_linked(staged, language):
    """Each notebook page links its download, which the built site has beside the page:
    the executed notebook the page was rendered from, without the cells only the page
    shows (the download link itself). The site-build plugin adds the same staged file
    (``stage.added_files``)."""
    folder, _, site = staged
    prefix = "" if language == languages()[0] else f"{language}/"
    for page in [p for p in pages(language) if p.startswith("notebooks/")]:
        html = built_page(site, language, page)
        tags = [t for t in re.findall(r"<a\b[^>]*>", html) if re.search(r"\sdownload[=\s>]", t)]
        [link] = [re.search(r'href="([^"]+)"', t)[1] for t in tags]
        assert link.endswith(".ipynb"), f"{language}/{page}: the download link is {link}"
        url = f"{prefix}{page.removesuffix('.md')}/"
        target = site / unquote(urljoin(url, link))
        assert target.is_file(), f"{language}/{page}: its download {link} is not in the site"
        offered = json.loads(target.read_text(encoding="utf-8"))
        executed = stage_module.executed_copy(folder, language, page)
        rendered = json.loads(executed.read_text(encoding="utf-8"))

        def code(notebook: dict) -> list[tuple[str, list[str]]]:
            """Each code cell's source and printed output (the download's figures are the
            light ones only: ``notebook_run.download``)."""
            return [
                (c["source"], [o.get("text") for o in c["outputs"] if o.get("name") == "stdout"])
                for c in notebook["cells"]
                if c["cell_type"] == "code"
            ]

        assert code(offered) == code(rendered), f"{language}/{page}: another execution"
        assert len(offered["cells"]) < len(rendered["cells"]), "the page-only cells stayed"


@pytest.mark.slow
def test_the_plugin_reads_each_page_as_staged(staged):
    """The plugin gives MkDocs the staged MNIST page (numbers filled), with its links and
    includes as the build from docs/ names them; nothing is filled again on the way."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    folder, generated, site = staged
    config = load_config(str(MKDOCS_YML), site_dir=str(site))
    plugin = config.plugins["site-build"]
    plugin.generated = generated
    plugin._staged = folder
    for language in languages():
        file = File(f"{language}/mnist.md", str(DOCS_DIR), str(site), True)
        page = Page(None, file, config)
        source = plugin.on_page_read_source(page=page, config=config)
        staged_text = (folder / "docs" / language / "mnist.md").read_text(encoding="utf-8")
        assert stage_module.as_staged(source, language, folder / "snippets") == staged_text
        body = source[len(FRONT_MATTER.match(source)[0]) :]
        assert plugin.on_page_markdown(body, page=page, config=config) == body
        accuracy = percent(generated.mnist["matched-torch"].test.accuracy, language, 2)
        assert accuracy in body and "{{" not in body


def test_the_key_leaves_out_what_only_a_build_log_says():
    """Two processes that find the same results cached compute the same key: the seconds a
    build spent and the runs it trained are not part of it; every measured page's are."""
    from site_build.core.fashion.results import FashionResults
    from site_build.core.generated import MEASURED_PAGES

    one, other = Generated(), Generated()
    one.fashion = FashionResults("build", {"torch": []}, trained=["torch seed 0"], seconds=12.0)
    other.fashion = FashionResults("build", {"torch": []}, trained=[], seconds=0.1)
    assert stage_module._results(one) == stage_module._results(other)
    other.fashion = FashionResults("full", {"torch": []}, trained=[], seconds=0.1)
    assert stage_module._results(one)["fashion"] != stage_module._results(other)["fashion"]
    assert set(stage_module._results(one)) == {attr for _, attr in MEASURED_PAGES.values()}


def test_a_strict_check_is_recorded_once_and_found_by_the_next_build():
    """``nox -s docs`` checks in the stage, and MkDocs' build after it finds the record for
    the same pages, snippets and versions instead of checking again; a new day is a new key,
    and a build that is not strict records nothing."""
    today = dt.date.today()
    record = stage_module.cache_root() / "checked" / stage_module.checks_key(today)
    record.unlink(missing_ok=True)
    assert "passed already" not in stage_module.check_before_anything(False, today)
    assert not record.exists()
    assert "passed already" not in stage_module.check_before_anything(True, today)
    assert record.is_file()
    assert "passed already" in stage_module.check_before_anything(True, today)
    assert stage_module.checks_key(today + dt.timedelta(days=1)) != record.name
