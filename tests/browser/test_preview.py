"""The preview (`nox -s serve`) in Chromium while a contributor makes a mistake and fixes it.

A copy of the project gets a new topic from the scaffold (tests/contributor_copy.py), then a
section name on its English page is mistyped. The preview must not leave the browser waiting:
the English and the Spanish page both show the problem with its file, line and fix, and when
the file is saved fixed, both tabs come back to the page by themselves (MkDocs' live reload),
no one reloading them.

The copy and the preview run in the shared environment (`.nox/shared`, the one `nox -s
serve` runs in; `nox -s docs`, which the browser checks need first, creates it), since this
folder's own environment has Playwright only.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.preview import ROOT, SHARED_PYTHON, page_showing, preview, replace

PAGE = "docs/en/shapes.md"
MISTYPED = ("broadcasting_torch.py:example-checks", "broadcasting_torch.py:example-check")
# What each language's problem page says (site_build/catalogs/*.yaml, preview_problem.title).
PROBLEM_TITLES = {
    "shapes/": "The preview stopped on a problem",
    "es/shapes/": "La vista previa se ha detenido por un problema",
}
# The one message, naming the page and its line, and the fix.
MESSAGE = re.compile(
    r"docs/en/shapes\.md:\d+ includes section 'example-check' of "
    r"shapes/broadcasting_torch\.py, which marks only \['example', 'example-checks'\]: "
    r"add '# --8<-- \[start:example-check\]'"
)
# A first build, then a full rebuild with the pair's doctests, on a busy two-core machine.
SECONDS = 240


@pytest.fixture
def project(tmp_path) -> Path:
    if not SHARED_PYTHON.is_file():
        pytest.fail(f"{SHARED_PYTHON} is missing: run nox -s docs first", pytrace=False)
    folder = tmp_path / "project"
    folder.mkdir()
    scaffolded = subprocess.run(
        [str(SHARED_PYTHON), "-m", "tests.contributor_copy", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert scaffolded.returncode == 0, scaffolded.stdout + scaffolded.stderr
    return folder


def test_the_preview_shows_a_mistake_on_every_page_and_returns_when_it_is_fixed(
    browser, project, tmp_path
):
    page_file = project / PAGE
    fixed = page_file.read_text(encoding="utf-8")
    replace(page_file, *MISTYPED)
    context = browser.new_context()
    with preview(project, tmp_path / "serve.log", python=SHARED_PYTHON) as site:
        page_showing(site, PROBLEM_TITLES["shapes/"], seconds=SECONDS)  # the first build
        tabs = {}
        for path, title in PROBLEM_TITLES.items():
            tab = context.new_page()
            tab.goto(site + path, timeout=SECONDS * 1000)
            expect(tab.locator("h1")).to_contain_text(title)
            message = tab.locator("article pre").first.inner_text()
            assert MESSAGE.search(message), f"/{path} shows another message:\n{message}"
            tabs[path] = tab
        # The contributor fixes the page and saves; nobody touches the browser.
        page_file.write_text(fixed, encoding="utf-8")
        for path, tab in tabs.items():
            expect(tab.locator("h1")).to_contain_text("Shapes", timeout=SECONDS * 1000)
            expect(tab.locator("article label", has_text="TensorFlow").first).to_be_visible()
            assert tab.url == site + path, f"/{path} came back as {tab.url}"
    context.close()
