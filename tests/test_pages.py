"""Rules for pages: every page in every language, with the same snippets and images."""

from __future__ import annotations

import pytest
import yaml

from site_build.core.layout import (
    DOCS_DIR,
    MKDOCS_YML,
    SNIPPETS_DIR,
    Include,
    description_problem,
    i18n_config,
    images,
    include_problem,
    includes,
    languages,
    mkdocs_config,
    page_text,
    pages,
    relative,
    sections,
    snippet_files,
    structure,
)

LANGUAGES = languages()
DEFAULT, *TRANSLATIONS = LANGUAGES
ALL_PAGES = sorted({name for lang in LANGUAGES for name in pages(lang)})


def _text(language: str, page: str) -> str:
    return page_text(DOCS_DIR / language / page)


def test_site_has_a_default_language_and_a_translation():
    assert DEFAULT == "en" and TRANSLATIONS == ["es"], LANGUAGES
    assert {p.name for p in DOCS_DIR.iterdir() if p.is_dir()} == set(LANGUAGES), (
        "docs/ holds one folder per language of the i18n plugin in mkdocs.yml and nothing else"
    )


@pytest.mark.parametrize("page", ALL_PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_exists_in_every_language(page: str, language: str):
    if page in pages(language):
        return
    present = [lang for lang in LANGUAGES if page in pages(lang)]
    source = DOCS_DIR / present[0] / page
    pytest.fail(
        f"docs/{language}/{page} is missing: translate {relative(source)} into '{language}' "
        "and save it under that path (same file name in every language)."
    )


@pytest.mark.parametrize("page", ALL_PAGES)
@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translation_shows_the_same_snippets_and_images(page: str, language: str):
    if page not in pages(language) or page not in pages(DEFAULT):
        pytest.skip("the missing page is reported by test_page_exists_in_every_language")
    original, translated = _text(DEFAULT, page), _text(language, page)
    for kind, extract in (("snippet includes", includes), ("images", images)):
        expected, found = sorted(extract(original)), sorted(extract(translated))
        missing = [str(x) for x in expected if x not in found]
        extra = [str(x) for x in found if x not in expected]
        assert not missing and not extra, (
            f"docs/{language}/{page} and docs/{DEFAULT}/{page} differ in {kind}: "
            f"missing in {language}: {missing}; only in {language}: {extra}. "
            "Both languages must show the same code and figures."
        )


def _all_includes() -> list[tuple[str, Include]]:
    return [
        (f"docs/{lang}/{name}", inc)
        for lang in LANGUAGES
        for name, path in pages(lang).items()
        for inc in includes(page_text(path))
    ]


@pytest.mark.parametrize(("page", "include"), _all_includes(), ids=str)
def test_include_names_an_existing_snippet_section(page: str, include: Include):
    # The build stops on the same message before it renders anything (core/checks.py).
    problem = include_problem(page, include)
    assert problem is None, problem


@pytest.mark.parametrize("snippet", snippet_files(), ids=relative)
@pytest.mark.parametrize("language", LANGUAGES)
def test_snippet_and_each_of_its_sections_are_shown(snippet, language: str):
    file = snippet.relative_to(SNIPPETS_DIR).as_posix()
    shown = {
        inc.section
        for path in pages(language).values()
        for inc in includes(page_text(path))
        if inc.file == file
    }
    assert shown, (
        f"{relative(snippet)} is not shown on any page in docs/{language}/: add a tab block "
        f'with --8<-- "{file}:SECTION" to the page of its topic in every language.'
    )
    unshown = sorted(set(sections(snippet.read_text(encoding="utf-8"))) - shown)
    assert not unshown, (
        f"{relative(snippet)} marks sections {unshown} that no page in docs/{language}/ shows: "
        "include them on the topic's page or remove their markers."
    )


def _nav_entries(nav) -> list[tuple[str, str | list]]:
    entries = []
    for item in nav:
        if isinstance(item, dict):
            for title, target in item.items():
                entries.append((title, target))
                if isinstance(target, list):
                    entries.extend(_nav_entries(target))
    return entries


def test_navigation_lists_every_page_with_translated_titles():
    nav = _nav_entries(mkdocs_config()["nav"])
    listed = {target for _, target in nav if isinstance(target, str)}
    unlisted = sorted(set(ALL_PAGES) - listed)
    assert not unlisted, f"add these pages to the nav in mkdocs.yml: {unlisted}"
    for lang in i18n_config()["languages"]:
        if lang.get("default"):
            continue
        translated = lang.get("nav_translations") or {}
        untranslated = sorted({title for title, _ in nav} - set(translated))
        assert not untranslated, (
            f"mkdocs.yml: the i18n language '{lang['locale']}' needs nav_translations for "
            f"{untranslated}"
        )


@pytest.mark.parametrize("page", ALL_PAGES)
@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translation_has_the_same_structure(page: str, language: str):
    """Same headings, admonitions, tables, tabs and generated values as the original."""
    if page not in pages(language) or page not in pages(DEFAULT):
        pytest.skip("the missing page is reported by test_page_exists_in_every_language")
    # The parts counted, outside code fences, are layout.STRUCTURE: the preview counts the same.
    original = structure(_text(DEFAULT, page))
    translated = structure(_text(language, page))
    for kind, expected in original.items():
        found = translated[kind]
        assert expected == found, (
            f"docs/{language}/{page} has {found} {kind} where docs/{DEFAULT}/{page} has "
            f"{expected}: translate every part of the page, and nothing more."
        )


@pytest.mark.parametrize("page", ALL_PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_has_a_description(page: str, language: str):
    if page not in pages(language):
        pytest.skip("the missing page is reported by test_page_exists_in_every_language")
    problem = description_problem(DOCS_DIR / language / page)
    assert problem is None, problem


class _UniqueKeysLoader(yaml.SafeLoader):
    """Reads YAML and refuses a key given twice in one mapping (YAML keeps the last)."""


def _unique_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{key}' is given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeysLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)
_UniqueKeysLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def test_mkdocs_yml_gives_each_key_once():
    try:
        yaml.load(MKDOCS_YML.read_text(encoding="utf-8"), Loader=_UniqueKeysLoader)
    except yaml.constructor.ConstructorError as error:
        pytest.fail(
            f"mkdocs.yml:{error.problem_mark.line + 1}: {error.problem}; YAML keeps only the "
            "last one: remove the other (a nav title is translated once under nav_translations)."
        )


def test_a_caller_that_changes_its_mkdocs_config_changes_no_one_elses():
    # mkdocs.yml is parsed once per content; each caller gets its own copy.
    mine = mkdocs_config()
    mine["nav"].clear()
    mine["plugins"] = []
    assert mkdocs_config()["nav"] and mkdocs_config()["plugins"]
