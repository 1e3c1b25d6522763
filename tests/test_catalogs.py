"""Reader-facing text of the generated content: one catalog per language, complete in each."""

from __future__ import annotations

import string

import pytest
import yaml

from site_build.core.catalog import CATALOG_DIR, LANGUAGES, catalog
from site_build.core.layout import languages

DEFAULT, *TRANSLATIONS = LANGUAGES


def _leaves(value, path=()):
    """(key path, text) of every string in a catalog; lists are indexed."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, str(index)))
    else:
        yield ".".join(path), value


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_there_is_a_catalog_for_each_language_of_mkdocs_yml_and_no_other():
    assert tuple(languages()) == LANGUAGES
    files = sorted(path.stem for path in CATALOG_DIR.glob("*.yaml"))
    assert files == sorted(LANGUAGES), (
        f"site_build/catalogs/ holds {files}; mkdocs.yml declares {sorted(LANGUAGES)}: add "
        "or remove catalogs to match."
    )


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_key_exists_in_every_language(language):
    original = dict(_leaves(catalog(DEFAULT)))
    translated = dict(_leaves(catalog(language)))
    missing = sorted(set(original) - set(translated))
    extra = sorted(set(translated) - set(original))
    assert not missing and not extra, (
        f"site_build/catalogs/{language}.yaml: translate the missing keys {missing}; remove "
        f"the keys that {DEFAULT}.yaml does not have {extra}."
    )
    for key, text in original.items():
        assert isinstance(translated[key], str) and translated[key].strip(), (
            f"site_build/catalogs/{language}.yaml: '{key}' is empty: translate it."
        )
        assert _fields(translated[key]) == _fields(text), (
            f"site_build/catalogs/{language}.yaml: '{key}' must use the same {{fields}} as "
            f"{DEFAULT}.yaml: {sorted(_fields(text))}."
        )


def test_catalogs_are_plain_yaml_mappings():
    for language in LANGUAGES:
        text = (CATALOG_DIR / f"{language}.yaml").read_text(encoding="utf-8")
        assert isinstance(yaml.safe_load(text), dict)
