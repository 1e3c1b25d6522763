"""The data loading page's measurement (site_build/core/data_loading/measure.py): cached by
its key, under the entry's lock, measured once per version of the snippets.

Nothing here times anything or asserts a speed: the results are made up, and the
measuring function is replaced wherever the cache would miss.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_build.core.data_loading import measure as bench
from site_build.core.generated import Generated
from site_build.core.kit import cache as kit_cache
from site_build.core.kit.cache import atomic_write_json
from site_build.core.paths import ROOT
from tests.stand_ins import throughput_result

MD5S = {"t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3"}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(bench, "data_md5s", lambda: MD5S)
    return tmp_path


FAKE_KEY = "f" * 64


def test_a_matching_key_is_reused_and_a_stale_one_measured_once(cache, monkeypatch):
    runs = []

    def fake_run(settings, key):
        runs.append(settings)
        return throughput_result(key)

    monkeypatch.setattr(bench, "run", fake_run)
    # A result of other code (another key) is not this code's result.
    atomic_write_json(bench.result_path(FAKE_KEY), throughput_result().to_json())
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
    monkeypatch.setattr(bench, "run", lambda settings, key: throughput_result(key))
    key = bench.cache_key(bench.SETTINGS, MD5S)
    atomic_write_json(bench.result_path(key), {"key": key, "rows": []})
    assert bench.ensure_result()[1]
    # What it measured replaced the old file, and the next build reads it.
    assert bench.ensure_result()[1] is False


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
        return throughput_result(key)

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

    source = Path(bench.__file__).read_text(encoding="utf-8")
    assert "import make_loader as make" in source and "import make_dataset as make" in source
    assert {"num_workers"} == {
        k for _, a in bench.configurations(bench.SETTINGS)["torch"] for k in a
    }
    assert callable(augmented_torch.make_loader) and callable(augmented_tf.make_dataset)


def test_the_measurement_holds_the_entrys_lock(cache, monkeypatch):
    """A second build waits on the kit's lock of the entry while the first one measures."""
    held = []
    real_lock = kit_cache.entry_lock

    def watched_lock(path):
        held.append(path)
        return real_lock(path)

    def fake_run(settings, key):
        assert held == [bench.result_path(key)]
        return throughput_result(key)

    monkeypatch.setattr(bench, "entry_lock", watched_lock)
    monkeypatch.setattr(bench, "run", fake_run)
    assert bench.ensure_result()[1]
