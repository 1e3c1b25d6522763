"""The data loading page's throughput: cached by its key, written as a typed result, shown.

Nothing here times anything or asserts a speed: the results are made up, and the
measuring function is replaced wherever the cache would miss.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_build.core.data_loading import measure as bench
from site_build.core.generated import Generated
from site_build.core.i18n_format import NBSP
from site_build.core.kit.cache import atomic_write_json
from site_build.core.paths import ROOT
from site_build.core.placeholders import render

LANGUAGES = ("en", "es")
MD5S = {"t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3"}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(bench, "data_md5s", lambda: MD5S)
    return tmp_path


FAKE_KEY = "f" * 64


def _fake_result(key: str = FAKE_KEY) -> bench.ThroughputResult:
    """Four pipelines of 6400 images; the later epochs take 0.1, 0.2 and 0.4 s."""
    measurements = tuple(
        bench.Measurement(framework, config, 6400, 1.25, (0.2, 0.1, 0.4))
        for framework, configs in bench.configurations(bench.SETTINGS).items()
        for config, _ in configs
    )
    return bench.ThroughputResult(
        key=key,
        created="2026-11-30T10:00:00+00:00",
        machine={
            "cpu": "Test CPU",
            "logical_cores": 2,
            "memory_gib": 8.0,
            "system": "Linux 6.1",
            "python": "3.11.7",
        },
        versions={"torch": "2.13.0", "tensorflow": "2.21.0", "numpy": "2.3.0"},
        settings=dict(bench.SETTINGS),
        seconds=9.4,
        measurements=measurements,
    )


def test_the_result_survives_its_json_file(cache):
    result = _fake_result()
    atomic_write_json(bench.result_path(result.key), result.to_json())
    stored = bench.read_json(bench.result_path(result.key))
    assert bench.ThroughputResult.from_json(stored) == result
    # The median of 6400 / (0.1, 0.2, 0.4) s.
    assert result.measurements[0].images_per_second == pytest.approx(32_000)


def test_a_matching_key_is_reused_and_a_stale_one_measured_once(cache, monkeypatch):
    runs = []

    def fake_run(settings, key):
        runs.append(settings)
        return _fake_result(key)

    monkeypatch.setattr(bench, "run", fake_run)
    # A result of other code (another key) is not this code's result.
    atomic_write_json(bench.result_path(FAKE_KEY), _fake_result().to_json())
    result, measured = bench.ensure_result()
    assert measured and runs == [bench.SETTINGS]
    assert result.key == bench.cache_key(bench.SETTINGS, MD5S)
    # The next build finds it and measures nothing.
    assert bench.ensure_result() == (result, False)
    generated = Generated()
    assert generated.prepare_data_loading().endswith("(cached)")
    assert generated.data_loading == result
    assert len(runs) == 1
    # --force measures again.
    assert bench.ensure_result(force=True)[1] and len(runs) == 2


def test_a_result_in_an_older_format_is_measured_again(cache, monkeypatch):
    monkeypatch.setattr(bench, "run", lambda settings, key: _fake_result(key))
    key = bench.cache_key(bench.SETTINGS, MD5S)
    atomic_write_json(bench.result_path(key), {"key": key, "rows": []})
    assert bench.ensure_result()[1]


def test_two_versions_of_a_snippet_keep_two_results(cache, tmp_path, monkeypatch):
    """Build with snippet A, B, A, B (two branches sharing one cache): the first two rounds
    measure, the last two find their own earlier result and measure nothing."""
    checkout = tmp_path / "checkout"
    for path in bench.SOURCES:
        (checkout / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, checkout / path)
    snippet = checkout / "snippets/data_loading/augmented_tf.py"
    versions = {"A": snippet.read_text(), "B": snippet.read_text() + "\n# version B\n"}
    real_key = bench.cache_key
    monkeypatch.setattr(bench, "cache_key", lambda s, m: real_key(s, m, checkout))
    runs = []

    def fake_run(settings, key):
        runs.append(key)
        return _fake_result(key)

    monkeypatch.setattr(bench, "run", fake_run)
    reports = []
    for version in ("A", "B", "A", "B"):
        snippet.write_text(versions[version])
        reports.append(Generated().prepare_data_loading())
    assert len(runs) == 2 and runs[0] != runs[1]
    assert not reports[0].endswith("(cached)") and not reports[1].endswith("(cached)")
    assert reports[2].endswith("(cached)") and reports[3].endswith("(cached)")


def test_the_key_follows_the_snippets_the_data_and_the_settings(tmp_path):
    for path in bench.SOURCES:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    before = bench.cache_key(bench.SETTINGS, MD5S, tmp_path)
    assert bench.cache_key({**bench.SETTINGS, "epochs": 9}, MD5S, tmp_path) != before
    assert bench.cache_key(bench.SETTINGS, {"other.gz": "0"}, tmp_path) != before
    snippet = tmp_path / "snippets/data_loading/augmented_tf.py"
    snippet.write_text(snippet.read_text() + "\n# a change\n")
    assert bench.cache_key(bench.SETTINGS, MD5S, tmp_path) != before


def test_the_measurement_times_the_snippets_own_functions():
    from snippets.data_loading import augmented_tf, augmented_torch

    source = Path(bench.__file__).read_text()
    assert "import make_loader as make" in source and "import make_dataset as make" in source
    assert {"num_workers"} == {
        k for _, a in bench.configurations(bench.SETTINGS)["torch"] for k in a
    }
    assert callable(augmented_torch.make_loader) and callable(augmented_tf.make_dataset)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_shows_the_measured_numbers_the_machine_and_the_date(language, cache):
    generated = Generated()
    generated.data_loading = _fake_result()
    generated.load_ledger()
    page = f"{language}/data_loading.md"
    source = (ROOT / "docs" / page).read_text(encoding="utf-8")
    rendered = render(source, language, page, generated.kinds())
    assert "{{ loading:" not in rendered
    table = bench.throughput(generated.data_loading, language)
    assert table in rendered
    rows = [line for line in table.splitlines() if not line.startswith("| --- |")]
    assert len(rows) == 5  # the header and four pipelines
    assert table.count("PyTorch") == table.count("TensorFlow") == 2
    median, low, high = {
        "en": ("32,000", "16,000", "64,000"),
        "es": ("32\u00a0000", "16\u00a0000", "64\u00a0000"),
    }[language]
    assert f"| {median} | {low} \u2013 {high} |" in table
    first = {"en": "1.25", "es": "1,25"}[language]
    assert f"{first}{NBSP}s" in table
    sentence = bench.machine_sentence(generated.data_loading, language)
    assert sentence in rendered
    date = {"en": "30 November 2026", "es": "30 de noviembre de 2026"}[language]
    assert date in sentence and "Test CPU" in sentence
    # The versions in the same order whether the result was just measured or read back.
    versions = "torch 2.13.0, tensorflow 2.21.0, numpy 2.3.0"
    sorted_versions = dict(sorted(generated.data_loading.versions.items()))
    reread = bench.ThroughputResult.from_json(
        {**generated.data_loading.to_json(), "versions": sorted_versions}
    )
    assert versions in sentence and versions in bench.machine_sentence(reread, language)
    assert {"en": "6,400", "es": "6400"}[language] in sentence
