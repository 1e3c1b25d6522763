"""The mixed-precision measurement around its timing: the cache key, reusing a cached result
under the lock, and what a failed measuring process says. Nothing is timed or trained here."""

from __future__ import annotations

import dataclasses

from site_build.core.kit import cache
from site_build.core.mixed_precision import measure
from tests.stand_ins import cache_dir, mixed_precision_results  # noqa: F401 (a fixture)

MD5S = {"train-images-idx3-ubyte.gz": "abc"}


def test_the_cache_key_covers_the_shown_snippets_settings_and_data(tmp_path, monkeypatch):
    for framework in ("torch", "tf"):
        assert f"snippets/mixed_precision/training_{framework}.py" in measure.sources(framework)
    for framework in ("torch", "tf"):
        for path in measure.sources(framework):
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text(f"# {path}\n")
    key = measure.cache_key(MD5S, tmp_path)
    assert measure.cache_key({"other": "md5"}, tmp_path) != key
    (tmp_path / "snippets/mixed_precision/training_tf.py").write_text("# changed\n")
    changed = measure.cache_key(MD5S, tmp_path)
    assert changed != key
    monkeypatch.setattr(measure, "SETTINGS", dataclasses.replace(measure.SETTINGS, repeats=9))
    assert measure.cache_key(MD5S, tmp_path) != changed


def test_a_cached_result_is_reused_and_force_measures_again(cache_dir, monkeypatch):  # noqa: F811
    measured = []

    def run_all(key):
        measured.append(key)
        return mixed_precision_results(key)

    monkeypatch.setattr(measure, "run_all", run_all)
    first, was_measured = measure.ensure_results(data_md5s=MD5S)
    assert was_measured and measure.results_path(first.key).is_file()
    assert str(measure.results_path(first.key)).startswith(str(cache_dir))
    again, was_measured = measure.ensure_results(data_md5s=MD5S)
    assert not was_measured and again == first and len(measured) == 1
    _, was_measured = measure.ensure_results(force=True, data_md5s=MD5S)
    assert was_measured and len(measured) == 2


def test_the_cache_entry_takes_the_kits_lock(cache_dir, monkeypatch):  # noqa: F811
    locked = []
    real_lock = cache.entry_lock

    def entry_lock(path):
        locked.append(path)
        return real_lock(path)

    monkeypatch.setattr(measure, "entry_lock", entry_lock)
    monkeypatch.setattr(measure, "run_all", mixed_precision_results)
    results, _ = measure.ensure_results(data_md5s=MD5S)
    assert locked == [measure.results_path(results.key)]


def test_a_failed_measuring_process_names_the_framework_and_its_error():
    error = measure._failed("tf")("no MNIST files in /nowhere")
    assert isinstance(error, measure.MixedPrecisionFailed)
    assert str(error).startswith("measuring TensorFlow failed")
    assert str(error).endswith("no MNIST files in /nowhere")
