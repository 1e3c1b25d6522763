"""The built site served as GitHub Pages serves it (gzip, the root 404.html for any missing
address): the 404 page of each language, the language menu keeping the section, search
result titles, the back-to-top button on a phone and the files for readers' tools.

Each check runs on site/ and, to prove it can fail, on a copy of site/ broken on purpose
(the edits assert that the text they replace is there).
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from tests.browser import checks, reader_checks
from tests.static_server import serve

# Missing addresses, each with the language of the 404 page it must show.
MISSING = (("no-such-page/", "en"), ("es/no-such-page/", "es"), ("es/tensors/gone.html", "es"))
# Pages with several sections, opened at one of them before switching languages.
SECTION_PAGES = ("tensors.md", "mnist.md")
# Words whose results include notebook headings, where the "¶" came from.
SEARCH_TITLE_TERMS = {"en": "predictions", "es": "predicciones"}
# Long pages, read on a phone.
LONG_PAGES = ("mnist.md", "deployment.md")
# Pages whose footer must link llms.txt and claims.json.
FOOTER_PAGES = ("index.md", "tensors.md")


def _fail_on(problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{len(problems)} problem(s):\n" + "\n".join(problems), pytrace=False)


def _page(pages, language: str, source: str) -> checks.SitePage:
    found = [p for p in pages if p.language == language and p.source == source]
    if not found:
        pytest.fail(f"there is no docs/{language}/{source}: update the page lists in {__file__}")
    return found[0]


@pytest.fixture(scope="module")
def host_url(site_dir):
    with serve(site_dir, reader_checks.StaticHost) as url:
        yield url


# ------------------------------------------------------------------------------ the site


def test_a_missing_address_shows_the_404_page_of_its_language(browser, host_url, site_dir):
    context = browser.new_context()
    problems = [
        problem
        for path, language in MISSING
        for problem in reader_checks.not_found_problems(context, host_url, site_dir, path, language)
    ]
    context.close()
    _fail_on(problems)


def test_the_language_menu_keeps_the_section(browser, host_url, pages):
    context = browser.new_context()
    problems = []
    for source in SECTION_PAGES:
        english, spanish = _page(pages, "en", source), _page(pages, "es", source)
        problems += reader_checks.section_kept_problems(context, host_url, english, spanish)
    context.close()
    _fail_on(problems)


def test_search_result_titles_show_no_permalink_sign(browser, host_url, pages):
    context = browser.new_context()
    problems = []
    for language, term in SEARCH_TITLE_TERMS.items():
        home = _page(pages, language, "index.md")
        problems += reader_checks.search_title_problems(context, host_url, home, term)
    context.close()
    _fail_on(problems)


def test_the_back_to_top_button_never_covers_text_on_a_phone(browser, host_url, pages):
    problems = []
    for source in LONG_PAGES:
        for language in ("en", "es"):
            page = _page(pages, language, source)
            problems += reader_checks.back_to_top_problems(browser, host_url, page)
    _fail_on(problems)


def test_the_footer_links_llms_txt_the_markdown_copies_and_the_claims(browser, host_url, pages):
    context = browser.new_context()
    problems = []
    for source in FOOTER_PAGES:
        for language in ("en", "es"):
            page = _page(pages, language, source)
            problems += reader_checks.reader_file_problems(context, host_url, page)
    context.close()
    _fail_on(problems)


# ------------------------------------------------------------- a copy broken on purpose


def _edit(path, old: str, new: str, *, regex: bool = False) -> None:
    text = path.read_text(encoding="utf-8")
    edited = re.sub(old, new, text, count=1, flags=re.S) if regex else text.replace(old, new, 1)
    assert edited != text, f"{path}: the text to break is not there any more: {old!r}"
    path.write_text(edited, encoding="utf-8")


@pytest.fixture(scope="module")
def broken(site_dir, pages, tmp_path_factory):
    """site/ with: no language script on the root 404 page and its menu pointing at a
    notebook; no section-keeping script on the English tensors page; "¶" after the Spanish
    notebook headings in search; the back-to-top button shown on phones on the English
    MNIST page; no claims link in the Spanish home page's footer."""
    site = tmp_path_factory.mktemp("host") / "site"
    shutil.copytree(site_dir, site)
    _edit(site / "404.html", r'<script id="__language-404">.*?</script>', "", regex=True)
    _edit(
        site / "404.html",
        r'(<a href=")[^"]*(" hreflang="es" class="md-select__link">)',
        r"\g<1>/notebooks/mnist_tf/\g<2>",
        regex=True,
    )
    tensors = checks.built_file(site, _page(pages, "en", "tensors.md"))
    _edit(tensors, r'<script src="[^"]*language-section\.js"></script>', "", regex=True)
    index_file = site / "es" / "search" / "search_index.json"
    index = json.loads(index_file.read_text(encoding="utf-8"))
    marked = 0
    for doc in index["docs"]:
        if "predicciones" in doc["title"]:
            doc["title"] += reader_checks.PILCROW
            marked += 1
    assert marked, f"{index_file}: no title with 'predicciones' to break"
    index_file.write_text(json.dumps(index), encoding="utf-8")
    mnist = checks.built_file(site, _page(pages, "en", "mnist.md"))
    _edit(
        mnist,
        "</head>",
        "<style>.md-top { display: block !important; opacity: 1 !important; }</style></head>",
    )
    home = checks.built_file(site, _page(pages, "es", "index.md"))
    _edit(home, r'\s*· <a href="[^"]*claims\.json">[^<]*</a>', "", regex=True)
    with serve(site, reader_checks.StaticHost) as url:
        yield site, url


def test_a_404_page_in_the_wrong_language_and_a_wrong_menu_are_named(browser, broken):
    site, url = broken
    context = browser.new_context()
    spanish = reader_checks.not_found_problems(context, url, site, "es/no-such-page/", "es")
    english = reader_checks.not_found_problems(context, url, site, "no-such-page/", "en")
    context.close()
    assert any("shows the 404 page in 'en'" in p for p in spanish), spanish
    assert any("the language menu leads to" in p and "notebooks" in p for p in english), english


def test_a_menu_that_drops_the_section_is_named(browser, broken, pages):
    _, url = broken
    context = browser.new_context()
    english, spanish = _page(pages, "en", "tensors.md"), _page(pages, "es", "tensors.md")
    problems = reader_checks.section_kept_problems(context, url, english, spanish)
    context.close()
    assert any(p.startswith(f"{english}: at section #") for p in problems), problems


def test_a_search_title_with_a_permalink_sign_is_named(browser, broken, pages):
    _, url = broken
    context = browser.new_context()
    home = _page(pages, "es", "index.md")
    problems = reader_checks.search_title_problems(context, url, home, "predicciones")
    context.close()
    assert any(p.startswith(f"{home}: searching") for p in problems), problems


def test_a_back_to_top_button_over_text_is_named(browser, broken, pages):
    _, url = broken
    page = _page(pages, "en", "mnist.md")
    problems = reader_checks.back_to_top_problems(browser, url, page)
    assert any(p.startswith(f"{page}: on a phone") for p in problems), problems


def test_a_footer_without_the_claims_link_is_named(browser, broken, pages):
    _, url = broken
    context = browser.new_context()
    home = _page(pages, "es", "index.md")
    problems = reader_checks.reader_file_problems(context, url, home)
    context.close()
    assert any(p.startswith(f"{home}: the footer does not link") for p in problems), problems
