"""The built site (site/, from nox -s docs) in headless Chromium, every page of both languages.

Each test gathers the problems of every page and fails with all of them, one line each,
starting with the page.
"""

from __future__ import annotations

import pytest

from tests.browser import checks
from tests.browser.conftest import NOTES


def _fail_on(problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{len(problems)} problem(s):\n" + "\n".join(problems), pytrace=False)


def _by_language(pages):
    found: dict[str, dict[str, checks.SitePage]] = {}
    for page in pages:
        found.setdefault(page.language, {})[page.source] = page
    return found


def test_every_page_loads_without_errors(visits):
    _fail_on([problem for visit in visits for problem in checks.load_problems(visit)])


def test_no_page_requests_other_hosts(visits):
    _fail_on([problem for visit in visits for problem in checks.external_request_problems(visit)])


def test_images_load_and_have_alt_text_in_their_language(visits):
    problems = [problem for visit in visits for problem in checks.image_problems(visit)]
    by_page = {(visit.page.language, visit.page.source): visit for visit in visits}
    languages = list(dict.fromkeys(visit.page.language for visit in visits))
    default, others = languages[0], languages[1:]
    for (language, source), visit in by_page.items():
        if language == default:
            for other in others:
                if (other, source) in by_page:
                    problems += checks.alt_language_problems(visit, by_page[other, source])
    _fail_on(problems)


def test_code_blocks_have_a_copy_button(visits):
    _fail_on([problem for visit in visits for problem in checks.copy_button_problems(visit)])
    assert sum(visit.code_blocks for visit in visits), "no code block found on any page"


def test_no_serious_accessibility_violation_in_the_light_or_dark_scheme(visits):
    _fail_on([problem for visit in visits for problem in checks.accessibility_problems(visit)])


def test_generated_figures_have_their_values_as_a_collapsed_table(visits):
    _fail_on([problem for visit in visits for problem in checks.figure_table_problems(visit)])


def test_every_page_names_its_language_versions_with_absolute_hreflang(site_dir, pages):
    by_language = _by_language(pages)
    problems = []
    for page in pages:
        twins = {
            language: by_language[language][page.source]
            for language in by_language
            if page.source in by_language[language]
        }
        problems += checks.hreflang_problems(site_dir, page, twins)
    _fail_on(problems)


def test_internal_links_and_anchors_resolve(base_url, visits):
    _fail_on(checks.link_problems(base_url, visits))


def test_language_menu_leads_to_the_same_page_and_back(browser, base_url, pages):
    by_language = _by_language(pages)
    default, *others = by_language
    context = browser.new_context()
    problems = []
    for source, page in by_language[default].items():
        for other in others:
            twin = by_language[other].get(source)
            if twin is None:
                problems.append(f"{page}: no docs/{other}/{source}")
                continue
            problems += checks.language_switch_problems(context, base_url, page, twin)
    context.close()
    _fail_on(problems)


def test_choosing_a_framework_switches_every_tab_set_and_is_kept(browser, base_url, visits):
    problems = []
    for language in dict.fromkeys(visit.page.language for visit in visits):
        tabbed = [v.page for v in visits if v.page.language == language and v.tab_sets >= 2]
        if not tabbed:
            problems.append(f"no page in '{language}' has two or more tab sets to check")
            continue
        # The next page with tabs, or the same page opened again when it is the only one.
        following = tabbed[1] if len(tabbed) > 1 else tabbed[0]
        context = browser.new_context()  # empty localStorage: no earlier choice
        problems += checks.linked_tabs_problems(context, base_url, tabbed[0], following)
        context.close()
    _fail_on(problems)


def test_search_finds_a_word_of_each_language(browser, base_url, pages):
    by_language = _by_language(pages)
    context = browser.new_context()
    problems = []
    for language, (term, source) in checks.SEARCH_TERMS.items():
        home, expected = by_language[language]["index.md"], by_language[language].get(source)
        if expected is None:
            problems.append(f"SEARCH_TERMS: there is no docs/{language}/{source} to find")
            continue
        problems += checks.search_problems(context, base_url, home, term, expected)
    context.close()
    _fail_on(problems)


def test_search_lists_pages_of_the_current_language_only(browser, base_url, pages):
    by_language = _by_language(pages)
    languages = list(by_language)
    problems = []
    for language, term in checks.SEARCH_EVERY_LANGUAGE.items():
        context = browser.new_context()
        home = by_language[language]["index.md"]
        problems += checks.search_language_problems(context, base_url, home, term, languages)
        context.close()
    _fail_on(problems)


def test_light_dark_toggle_changes_the_color_scheme(browser, base_url, pages):
    context = browser.new_context()
    homes = [page for page in pages if page.source == "index.md"]
    problems = [p for home in homes for p in checks.color_scheme_problems(context, base_url, home)]
    context.close()
    _fail_on(problems)


def test_notebook_figures_follow_the_readers_colour_scheme(browser, base_url, pages):
    context = browser.new_context()
    notebooks = [page for page in pages if page.source.startswith("notebooks/")]
    assert notebooks, "no notebook page in the site"
    problems = [
        p for page in notebooks for p in checks.notebook_figure_problems(context, base_url, page)
    ]
    context.close()
    _fail_on(problems)


def test_screenshot_pages_are_built(site_dir, visits):
    problems, notes = checks.screenshot_page_problems(visits, site_dir)
    NOTES.extend(notes)
    _fail_on(problems)
