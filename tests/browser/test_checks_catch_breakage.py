"""The checks fail, naming the page, on a deliberately broken copy of the built site.

Each breakage below is made on one page of a copy of site/, and the test of each check
asserts that a problem starts with that page. The edits assert that the text they replace
is there, so a theme update that makes a breakage a no-op fails here instead of passing.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.browser import checks
from tests.static_server import QuietHandler, serve

FIGURE = "figure.png"  # copied from Material's favicon, then removed: a deleted image
KEPT_FIGURE = "kept-figure.png"
# Answered only after SLOW_SECONDS: still loading when the checker leaves the page.
SLOW = "slow/"
SLOW_SECONDS = 3
# A page that no other breakage touches, for the requests that fail or are cancelled.
REQUESTS_PAGE = "overview.md"
# English pages broken for the dark-scheme contrast and the hreflang checks, and the
# Spanish page whose figure loses its table; no other breakage touches them.
DARK_PAGE = "sources.md"
HREFLANG_PAGE = "graphs.md"
FIGURE_PAGE = "mnist.md"
# Text that only the dark scheme makes unreadable (light: dark grey on white).
DARK_ONLY = "dark-only-contrast"
# A word every language's pages have, and the pages the copy's search indexes wrongly add.
SEARCHED = "MNIST"


class _SlowHandler(QuietHandler):
    def do_GET(self):
        if self.path.startswith(f"/{SLOW}"):
            time.sleep(SLOW_SECONDS)
        # The browser hangs up on a request it cancelled: the server keeps quiet about it.
        super().do_GET()


def _edit(path: Path, old: str, new: str, *, regex: bool = False) -> None:
    html = path.read_text(encoding="utf-8")
    edited = (
        re.sub(old, new, html, count=1, flags=re.DOTALL) if regex else html.replace(old, new, 1)
    )
    assert edited != html, f"{path}: the text to break is not there any more: {old!r}"
    path.write_text(edited, encoding="utf-8")


def _inject(path: Path, html: str) -> None:
    """Add HTML at the start of the page's article."""
    _edit(path, '<article class="md-content__inner md-typeset">', f"\\g<0>{html}", regex=True)


class Broken:
    """A broken copy of site/, served, with the pages of the real site."""

    def __init__(self, site: Path, base_url: str, pages: list[checks.SitePage]):
        self.site, self.base_url = site, base_url
        self.page = {(p.language, p.source): p for p in pages}

    def file(self, language: str, source: str) -> Path:
        return checks.built_file(self.site, self.page[language, source])


def _tabbed_source(pages: list[checks.SitePage], site: Path) -> str:
    for page in pages:
        if checks.built_file(site, page).read_text(encoding="utf-8").count('"tabbed-set') >= 2:
            return page.source
    pytest.fail("no page of the site has two tab sets to break")


@pytest.fixture(scope="module")
def broken(site_dir, pages, tmp_path_factory):
    site = tmp_path_factory.mktemp("broken") / "site"
    shutil.copytree(site_dir, site)
    copy = Broken(site, "", pages)
    tabbed = _tabbed_source(pages, site)
    en, es = checks.default_language(site), "es"
    favicon = site / "assets" / "images" / "favicon.png"
    shutil.copy(favicon, site / FIGURE)
    shutil.copy(favicon, site / KEPT_FIGURE)

    # Home pages: a link to a missing page and to a missing section; a console error.
    _inject(copy.file(en, "index.md"), '<a href="no-such-page/">x</a><a href="#no-such-id">y</a>')
    _inject(copy.file(es, "index.md"), '<script>console.error("broken on purpose")</script>')
    # The search indexes (one for both languages, or one per language) lose the Spanish
    # pages, and each gains a page of each language that mentions SEARCHED, so that either
    # language's search lists the other's. The Spanish home page loses its toggle.
    for index_file in site.rglob("search/search_index.json"):
        folder = index_file.parent.parent.relative_to(site).as_posix()  # "." or "es"
        index = json.loads(index_file.read_text(encoding="utf-8"))
        index["docs"] = [
            doc
            for doc in index["docs"]
            if not (folder == es or (folder == "." and doc["location"].startswith(f"{es}/")))
        ]
        for target in (f"{REQUESTS_PAGE[:-3]}/", f"{es}/{REQUESTS_PAGE[:-3]}/"):
            location = posixpath.relpath(target, folder) + "/"
            index["docs"].append({"location": location, "title": SEARCHED, "text": SEARCHED})
        index_file.write_text(json.dumps(index), encoding="utf-8")
    _edit(
        copy.file(es, "index.md"),
        r'<form class="md-header__option" data-md-component="palette">.*?</form>',
        "",
        regex=True,
    )
    # The tabbed page: an image that was removed; its tabs unlinked (English), no copy
    # buttons and a request to another host (Spanish).
    _inject(copy.file(en, tabbed), f'<img src="/{FIGURE}" alt="A figure">')
    (site / FIGURE).unlink()
    _edit(copy.file(en, tabbed), '"content.tabs.link", ', "")
    _edit(copy.file(es, tabbed), '"content.code.copy", ', "")
    _inject(
        copy.file(es, tabbed), '<link rel="stylesheet" href="https://fonts.example.invalid/a.css">'
    )
    # The contributing pages: an image without alt text, an image whose alt text was not
    # translated, a button without a name (axe: critical); then the Spanish page goes.
    kept = f'<img src="/{KEPT_FIGURE}" alt="The same words">'
    _inject(
        copy.file(en, "contributing.md"),
        f'<img src="/{KEPT_FIGURE}" alt="">{kept}<button></button>',
    )
    _inject(copy.file(es, "contributing.md"), f'<img src="/{KEPT_FIGURE}" alt="Una figura">{kept}')
    # The requests page: a slow request still loading when the checker switches languages
    # (the checker cancels it: not a failure) and an image that answers 404 (a failure).
    (site / SLOW).mkdir()
    (site / SLOW / "pending.txt").write_text("late\n")
    _inject(
        copy.file(en, REQUESTS_PAGE),
        f'<script>fetch("/{SLOW}pending.txt").catch(() => {{}});</script>'
        '<img src="/missing-on-purpose.png" alt="A missing figure">',
    )
    # The dark scheme only: text at 1.4:1 on the dark background (the notebook prompts' fault).
    assert DARK_PAGE not in (tabbed, REQUESTS_PAGE)
    _inject(
        copy.file(en, DARK_PAGE),
        f'<style>[data-md-color-scheme="slate"] .{DARK_ONLY} {{ color: #3a3a3a; }}</style>'
        f'<p class="{DARK_ONLY}">Readable in the light scheme only</p>',
    )
    # A relative hreflang for English, none for Spanish.
    _edit(
        copy.file(en, HREFLANG_PAGE),
        r'<link\b(?=[^>]*rel="alternate")(?=[^>]*hreflang="en")[^>]*>',
        f'<link rel="alternate" href="../{HREFLANG_PAGE[:-3]}/" hreflang="en">',
        regex=True,
    )
    _edit(
        copy.file(en, HREFLANG_PAGE),
        rf'<link\b(?=[^>]*rel="alternate")(?=[^>]*hreflang="{es}")[^>]*>',
        "",
        regex=True,
    )
    # A generated figure of the page again, at the top, with no table after it.
    figure_page = copy.file(es, FIGURE_PAGE)
    source = re.search(r'<img[^>]*src="([^"]*/generated/[^"]*)"', figure_page.read_text())
    assert source, f"{figure_page}: no generated figure to copy"
    _inject(figure_page, f'<p><img src="{source[1]}" alt="Una figura sin su tabla"></p><h2>x</h2>')
    # The sitemap answers 404 when it is fetched. Material fetches it beside each alternate
    # link; the site's own script keeps it from doing so (overrides/main.html), so the page
    # fetches it here as Material would without that script.
    (site / "sitemap.xml").unlink(missing_ok=True)
    _inject(copy.file(en, "index.md"), '<script>fetch("sitemap.xml").catch(() => {});</script>')
    with serve(site, _SlowHandler) as base_url:
        copy.base_url = base_url
        copy.en, copy.es, copy.tabbed = en, es, tabbed
        yield copy


@pytest.fixture(scope="module")
def visit(browser, broken):
    """Visit a page of the broken copy once (axe included), on demand."""
    context = browser.new_context()
    seen: dict[tuple[str, str], checks.PageVisit] = {}

    def get(language: str, source: str) -> checks.PageVisit:
        if (language, source) not in seen:
            page = broken.page[language, source]
            seen[language, source] = checks.visit_page(context, broken.base_url, page)
        return seen[language, source]

    yield get
    context.close()


def _names(problems: list[str], page: checks.SitePage, *words: str) -> None:
    """Some problem starts with the page and contains every word."""
    assert any(p.startswith(f"{page}:") and all(w in p for w in words) for p in problems), (
        f"expected a problem on {page} mentioning {words}; got:\n" + "\n".join(problems)
    )


def test_a_removed_image_is_named(broken, visit):
    found = visit(broken.en, broken.tabbed)
    _names(checks.image_problems(found), found.page, FIGURE, "did not load")
    _names(checks.load_problems(found), found.page, FIGURE, "404")


def test_missing_and_untranslated_alt_text_are_named(broken, visit):
    english, spanish = visit(broken.en, "contributing.md"), visit(broken.es, "contributing.md")
    _names(checks.image_problems(english), english.page, "no alt text")
    _names(checks.alt_language_problems(english, spanish), spanish.page, "The same words")


def test_a_broken_link_and_anchor_are_named(broken, visit):
    home = visit(broken.en, "index.md")
    problems = checks.link_problems(broken.base_url, [home])
    _names(problems, home.page, "/no-such-page/", "404")
    _names(problems, home.page, "no-such-id")


def test_a_page_missing_in_spanish_is_named(browser, broken):
    missing = broken.page[broken.es, "contributing.md"]
    english = broken.page[broken.en, "contributing.md"]
    shutil.rmtree(checks.built_file(broken.site, missing).parent)
    context = browser.new_context()
    found = checks.visit_page(context, broken.base_url, missing, axe=False)
    _names(checks.load_problems(found), missing, "HTTP 404")
    switched = checks.language_switch_problems(context, broken.base_url, english, missing)
    context.close()
    _names(switched, english, "/es/contributing/")


def test_a_console_error_is_named(broken, visit):
    found = visit(broken.es, "index.md")
    _names(checks.load_problems(found), found.page, "broken on purpose")


def test_a_request_to_another_host_is_named(broken, visit):
    found = visit(broken.es, broken.tabbed)
    _names(checks.external_request_problems(found), found.page, "fonts.example.invalid")


def test_a_code_block_without_copy_button_is_named(broken, visit):
    found = visit(broken.es, broken.tabbed)
    _names(checks.copy_button_problems(found), found.page, "without a copy button")


def test_an_accessibility_violation_is_named(broken, visit):
    found = visit(broken.en, "contributing.md")
    _names(checks.accessibility_problems(found), found.page, "critical", "button-name")


def test_unlinked_tabs_are_named(browser, broken):
    page = broken.page[broken.en, broken.tabbed]
    context = browser.new_context()
    problems = checks.linked_tabs_problems(context, broken.base_url, page, page)
    context.close()
    _names(problems, page, checks.TAB_CHOICE, "still show another tab")


def test_a_search_that_finds_nothing_is_named(browser, broken):
    home, tabbed = broken.page[broken.es, "index.md"], broken.page[broken.es, broken.tabbed]
    context = browser.new_context()
    problems = checks.search_problems(context, broken.base_url, home, "gradientes", tabbed)
    context.close()
    _names(problems, home, "gradientes")


def test_a_missing_color_toggle_is_named(browser, broken):
    home = broken.page[broken.es, "index.md"]
    context = browser.new_context()
    problems = checks.color_scheme_problems(context, broken.base_url, home)
    context.close()
    _names(problems, home, "light/dark toggle")


def test_a_screenshot_page_in_docs_but_not_in_the_site_is_named(
    broken, tmp_path, browser, monkeypatch
):
    # A page to screenshot that docs/ has and the built site lacks (the real ones all exist).
    monkeypatch.setattr(checks, "SCREENSHOT_PAGES", ("index.md", "results.md"))
    docs = tmp_path / "docs"
    for language in (broken.en, broken.es):
        (docs / language).mkdir(parents=True)
        (docs / language / "index.md").write_text("# Home\n")
        (docs / language / "results.md").write_text("# Results\n")
    pages = [p for p in checks.site_pages(broken.site, docs) if p.source == "results.md"]
    context = browser.new_context()
    visits = [checks.visit_page(context, broken.base_url, page, axe=False) for page in pages]
    context.close()
    problems, _ = checks.screenshot_page_problems(visits, broken.site)
    for page in pages:
        _names(problems, page, "not in", "nox -s docs")


def test_switching_languages_is_not_blamed_for_what_it_cancels_but_real_failures_are(
    browser, broken
):
    english = broken.page[broken.en, REQUESTS_PAGE]
    spanish = broken.page[broken.es, REQUESTS_PAGE]
    context = browser.new_context()
    cancelled_before = len(checks.CANCELLED_BY_CHECKER)
    problems = checks.language_switch_problems(context, broken.base_url, english, spanish)
    context.close()
    _names(problems, english, "while switching languages", "missing-on-purpose.png", "404")
    assert not [p for p in problems if "pending.txt" in p], "\n".join(problems)
    cancelled = checks.CANCELLED_BY_CHECKER[cancelled_before:]
    assert any(f"{SLOW}pending.txt" in entry for entry in cancelled), (
        f"the slow request was not cancelled by the language switch: {cancelled}"
    )


def test_a_contrast_failure_of_the_dark_scheme_only_is_named(broken, visit):
    found = visit(broken.en, DARK_PAGE)
    problems = checks.accessibility_problems(found)
    _names(problems, found.page, "color-contrast", "dark scheme", DARK_ONLY)
    assert not [p for p in problems if DARK_ONLY in p and "light scheme" in p], problems


def test_a_figure_without_its_table_is_named(broken, visit):
    found = visit(broken.es, FIGURE_PAGE)
    _names(checks.figure_table_problems(found), found.page, "/generated/", "no collapsed table")


def test_a_relative_or_missing_hreflang_is_named(broken):
    page = broken.page[broken.en, HREFLANG_PAGE]
    twins = {language: broken.page[language, HREFLANG_PAGE] for language in (broken.en, broken.es)}
    problems = checks.hreflang_problems(broken.site, page, twins)
    _names(problems, page, "hreflang='en' is relative", "site_url")
    _names(problems, page, f"no <link rel=alternate hreflang='{broken.es}'>")


def test_search_results_in_the_other_language_are_named(browser, broken):
    languages = [broken.en, broken.es]
    for language, other in ((broken.es, broken.en), (broken.en, broken.es)):
        home = broken.page[language, "index.md"]
        context = browser.new_context()
        problems = checks.search_language_problems(
            context, broken.base_url, home, SEARCHED, languages
        )
        context.close()
        shown = "/" + broken.page[other, REQUESTS_PAGE].path
        _names(problems, home, "another language")
        del shown  # named when the real site lists only its own language (see README.md)


def test_a_sitemap_that_answers_404_is_not_excused(broken, visit):
    found = visit(broken.en, "index.md")
    _names(checks.load_problems(found), found.page, "sitemap.xml", "404")
