"""Notebook pages: mkdocs-jupyter's inlined assets move to shared files and the page must
link its download (site_build/mkdocs/notebook_pages.py); one execution serves the page and
the download (site_build/core/notebook_run.py; the staged download: tests/test_stage.py)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from site_build.core import notebook_run
from site_build.core.errors import BuildError
from site_build.mkdocs import notebook_pages
from tests.stand_ins import NOTEBOOK

HEAD = "<html><head><title>t</title></head><body>"
ARTICLE = '<article class="md-content__inner md-typeset">'


def _page_html(body: str = "<p>cell</p>", link: str = "nb.ipynb") -> str:
    return (
        f"{HEAD}{ARTICLE}\n<script>copy()</script>\n"
        '<style type="text/css">\n.jp-Cell { color: red }\n</style>\n'
        '<script src=""> </script>\n<script type="text/x-mathjax-config">mj()</script>\n'
        '<script type="module">mermaid()</script>\n<style>.jp-Mermaid { x: y }</style>\n'
        f'<div class="jupyter-wrapper"><a href="{link}" download>Download</a>{body}</div>'
        "</article></body></html>"
    )


def test_inlined_styles_and_scripts_leave_the_article():
    html, css, scripts = notebook_pages.split_inlined_assets(_page_html())
    assert ".jp-Cell { color: red }" in css and ".jp-Mermaid" in css
    assert "copy()" in scripts
    # No formula and no diagram: MathJax and Mermaid loaders go.
    assert "<style" not in html and "<script" not in html
    assert "<p>cell</p>" in html


def test_a_diagram_keeps_its_loader():
    html, _, _ = notebook_pages.split_inlined_assets(_page_html('<div class="jp-Mermaid">'))
    assert "mermaid()" in html and "mj()" not in html


@pytest.mark.parametrize(
    ("url", "prefix"), [("notebooks/nb/", "../../"), ("es/notebooks/nb/", "../../../")]
)
def test_shared_files_are_linked_from_head_relative_to_the_page(tmp_path, url, prefix):
    html = notebook_pages.link_assets(_page_html('<div class="jp-Cell">'), url, tmp_path)
    [css] = (tmp_path / "assets" / "stylesheets").glob("notebook.*.css")
    [js] = (tmp_path / "assets" / "javascripts").glob("notebook.*.js")
    head = html.split("</head>")[0]
    assert f'href="{prefix}assets/stylesheets/{css.name}"' in head
    assert f'src="{prefix}assets/javascripts/{js.name}"' in head
    assert ".jp-Cell{color: red}" in css.read_text()


def _page(tmp_path, source):
    dest = tmp_path / "site" / "notebooks" / "nb" / "index.html"
    file = SimpleNamespace(
        abs_src_path=str(source), src_path="en/notebooks/nb.md", abs_dest_path=str(dest)
    )
    return SimpleNamespace(file=file, url="notebooks/nb/")


def test_a_notebook_page_without_its_download_link_fails_naming_the_file(tmp_path):
    source = tmp_path / "nb.md"
    source.write_text("# x\n")
    page = _page(tmp_path, source)
    with pytest.raises(BuildError, match=r"en/notebooks/nb\.md.*page-only.*nb\.ipynb"):
        notebook_pages.finish_page(
            _page_html(link="other.ipynb"), page, {"site_dir": tmp_path / "site"}
        )


def test_the_css_keeps_what_the_page_can_use():
    css = (
        "/* Keyword */\n.jp-Cell .kn { color: var(--keyword) }\n"
        ".jp-Toolbar { color: red }\n"
        ".jupyter-wrapper :root { --everything: 1 }\n"
        ".jupyter-wrapper { --keyword: var(--green); --green: #080; --unused: 1; --md-x: 2 }\n"
        "@media print { .jp-Cell { color: black } .jp-Toolbar { x: y } }\n"
        '.jp-Icon { background: url("data:image/svg+xml;utf8,<svg>;</svg>") }\n'
    )
    html = '<div class="jupyter-wrapper"><div class="jp-Cell"><span class="kn">'
    pruned = notebook_pages.prune_css(css, html)
    assert ".jp-Cell .kn{color: var(--keyword)}" in pruned  # a comment is no selector
    assert "--keyword: var(--green)" in pruned and "--green: #080" in pruned
    assert "--md-x: 2" in pruned  # Material's properties stay
    assert "@media print{.jp-Cell{color: black}}" in pruned
    for gone in ("jp-Toolbar", ":root", "--unused", "jp-Icon"):
        assert gone not in pruned


def test_one_execution_serves_the_page_and_the_download(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "en" / "notebooks" / "nb.md"
    source.parent.mkdir(parents=True)
    source.write_text(NOTEBOOK)
    executed, ran = notebook_run.executed_notebook(source)
    assert ran and executed.name == "nb.ipynb" and executed.parent.name == "notebooks"
    # The page renders every cell, the download link included; the download has no link.
    page_cells = json.loads(executed.read_text())["cells"]
    assert any("download" in "".join(cell["source"]) for cell in page_cells)
    downloaded = json.loads(notebook_run.download(executed))
    assert [c for c in downloaded["cells"] if "download" in "".join(c["source"])] == []
    assert [c for c in page_cells if c["cell_type"] == "code"] == [
        c for c in downloaded["cells"] if c["cell_type"] == "code"
    ]
    # Asked again (the download, the other pass), it is the same file, not a new execution.
    monkeypatch.setattr(notebook_run, "_execute", lambda source: pytest.fail("executed"))
    assert notebook_run.executed_notebook(source) == (executed, False)


def test_a_damaged_cached_notebook_is_executed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "en" / "notebooks" / "nb.md"
    source.parent.mkdir(parents=True)
    source.write_text(NOTEBOOK)
    executed, _ = notebook_run.executed_notebook(source)
    executed.write_text('{"cells": [')
    again, ran = notebook_run.executed_notebook(source)
    assert ran and again == executed
    assert json.loads(again.read_text())["cells"]


def test_tensorflow_start_up_logs_leave_the_outputs_and_other_stderr_stays():
    import nbformat

    chatter = (
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "I0000 00:00:1796554821.956856   17470 port.cc:153] oneDNN custom operations are on.\n"
    )
    outputs = [
        nbformat.v4.new_output("stream", name="stderr", text=chatter),
        nbformat.v4.new_output("stream", name="stderr", text=chatter + "UserWarning: real\n"),
        nbformat.v4.new_output("stream", name="stdout", text="I0000 printed by the cell\n"),
    ]
    kept = notebook_run._without_startup_logs(outputs)
    assert [output["text"] for output in kept] == [
        "UserWarning: real\n",
        "I0000 printed by the cell\n",
    ]
