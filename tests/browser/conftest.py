"""Fixtures for the browser checks: one Chromium, the built site served on 127.0.0.1, and
one visit of every page that the per-page checks share.

`nox -s e2e` runs pytest with `--confcutdir tests/browser`, so the root conftest.py (which
needs the shared environment) is not loaded here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser import checks
from tests.static_server import serve

# Lines printed at the end of the run: where the screenshots are, what was excused.
NOTES: list[str] = []


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=checks.CHROMIUM, args=checks.CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site_dir() -> Path:
    if not (checks.SITE_DIR / "index.html").is_file():
        pytest.fail(f"{checks.SITE_DIR} has no index.html: run nox -s docs first", pytrace=False)
    return checks.SITE_DIR


@pytest.fixture(scope="session")
def base_url(site_dir) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def pages(site_dir) -> list[checks.SitePage]:
    return checks.site_pages(site_dir)


@pytest.fixture(scope="session")
def visits(browser, base_url, pages) -> list[checks.PageVisit]:
    """Every page of both languages, loaded once; screenshots of SCREENSHOT_PAGES."""
    context = browser.new_context()
    found = []
    for page in pages:
        screenshot = None
        if page.source in checks.SCREENSHOT_PAGES:
            name = f"{page.language}-{page.source.removesuffix('.md').replace('/', '-')}.png"
            screenshot = checks.SCREENSHOT_DIR / name
        found.append(checks.visit_page(context, base_url, page, screenshot=screenshot))
        checks.CANCELLED_BY_CHECKER.extend(found[-1].aborted_by_checker())
    context.close()
    shots = sorted(p.name for p in checks.SCREENSHOT_DIR.glob("*.png"))
    NOTES.append(f"Screenshots in {checks.SCREENSHOT_DIR}: {', '.join(shots) or 'none'}")
    excused: dict[str, list[str]] = {}
    for visit in found:
        for entry in dict.fromkeys(visit.axe_excused + visit.excused_requests):
            excused.setdefault(entry.replace(base_url, "/"), []).append(visit.page.path)
    for entry, where in excused.items():
        NOTES.append(f"Excused theme issue (see checks.py): {entry} on {len(where)} page(s)")
    return found


def pytest_terminal_summary(terminalreporter) -> None:
    if checks.CANCELLED_BY_CHECKER:
        NOTES.append(
            f"Requests cancelled by the checker's own navigation (not failures): "
            f"{len(checks.CANCELLED_BY_CHECKER)}, e.g. {checks.CANCELLED_BY_CHECKER[0]}"
        )
    for line in NOTES:
        terminalreporter.write_line(line)
