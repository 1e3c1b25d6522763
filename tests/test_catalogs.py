"""Reader-facing text of the generated content: one catalog per language, complete in each."""

from __future__ import annotations

import shutil
import string

import pytest
import yaml

from site_build.core import catalog as catalogs
from site_build.core import fashion_data, mnist_data
from site_build.core.catalog import CATALOG_DIR, LANGUAGES, catalog
from site_build.core.fashion import runs as fashion_runs
from site_build.core.layout import languages
from site_build.core.mnist import spec as mnist_spec

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


def test_editing_a_spanish_sentence_rewrites_the_page_and_retrains_nothing(tmp_path, monkeypatch):
    """Results hold facts and the pages add the words. Before, the data's description was in
    every MNIST and Fashion-MNIST result and in its cache key, so fixing a typo in es.yaml
    retrained every run."""
    md5s = {"t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3"}
    runs = [*fashion_runs.runs("build"), *fashion_runs.runs("full")]
    mnist_sizes = {"train": 6400, "validation": 1600, "test": 2000}
    fashion_sizes = {"train": 60_000, "test": 10_000}

    def state():
        keys = {name: mnist_spec.cache_key(spec, md5s) for name, spec in mnist_spec.RUNS.items()}
        keys |= {run.name: fashion_runs.cache_key(run, md5s) for run in runs}
        sentences = {
            language: (
                mnist_data.describe(False, mnist_sizes, language),
                fashion_data.describe(fashion_sizes, language),
            )
            for language in LANGUAGES
        }
        return keys, sentences

    keys, sentences = state()
    edited = tmp_path / "catalogs"
    shutil.copytree(CATALOG_DIR, edited)
    spanish = yaml.safe_load((edited / "es.yaml").read_text(encoding="utf-8"))
    spanish["data_description"]["test_only"] += " (revisado)"
    spanish["fashion"]["data_description"] += " (revisado)"
    (edited / "es.yaml").write_text(yaml.safe_dump(spanish, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(catalogs, "CATALOG_DIR", edited)
    catalog.cache_clear()
    try:
        keys_after, sentences_after = state()
    finally:
        monkeypatch.undo()
        catalog.cache_clear()
    assert keys_after == keys  # nothing is trained again
    assert sentences_after["es"] == tuple(f"{s} (revisado)" for s in sentences["es"])
    assert sentences_after["en"] == sentences["en"]
