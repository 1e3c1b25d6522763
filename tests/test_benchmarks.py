"""The benchmark harness measures what the benchmarks page says it measures.

No number measured here is a threshold: the tests check the harness (same images for both
frameworks, FLOP counts, statistics, the cache and the short run of the build), not speed.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest

from site_build.core import bench_report, benchmarks
from site_build.core.cache import atomic_write_json
from site_build.core.generated import Generated
from site_build.core.paths import ROOT
from site_build.core.placeholders import render

LANGUAGES = ("en", "es")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    return tmp_path


def _record(framework, kind, config, repeats=3, images=192, seconds=0.5):
    task_names = ("train",) if kind == "train" else ("latency", "throughput")
    setup = {"ready": True, "setup_seconds": 1.0, "first_call_seconds": 0.5}
    if config in ("export", "saved_model", "onnx"):
        setup.update(artifact_bytes=38_000_000, export_seconds=1.5)
    return {
        "framework": framework,
        "kind": kind,
        "config": config,
        "setup": setup,
        "max_rss_mib": 500.0,
        "repeats": [
            {task: {"images": images, "seconds": seconds * (1 + i / 10)} for task in task_names}
            for i in range(repeats)
        ],
    }


def _fake_results(mode: str = "short") -> dict:
    """Results assembled by the harness from made-up worker repeats (nothing is run)."""
    settings = benchmarks.settings_for(mode)
    peak = [
        {
            **_record(fw, "peak", "matmul"),
            "repeats": [{"matmul": {"flops": 2e10, "seconds": s}} for s in (0.2, 0.1, 0.4)],
        }
        for fw in benchmarks.PEAK_FRAMEWORKS
    ]
    peak[0]["setup"]["counted_flops"] = {"forward": 4.0e7, "training": 1.2e8}
    pairs = [
        _record(fw, kind, config)
        for kind, torch_config, tf_config in benchmarks.PAIRS
        for fw, config in (("torch", torch_config), ("tf", tf_config))
    ]
    imports = {
        fw: {"repeats": [1.0, 2.0], "seconds": benchmarks.summarize([1.0, 2.0])}
        for fw in ("torch", "tf")
    }
    results = benchmarks.assemble(settings, imports, peak, pairs)
    results.update(seconds=90.0, timings={})
    return results


def test_analytic_flops_match_flop_counter():
    counted = benchmarks.counted_flops()
    assert counted["forward"] == benchmarks.forward_flops() == 40_517_888
    # Backward: a gradient for the weights of every layer and for the inputs of every layer
    # but the first (the images need none), each as costly as the forward pass.
    layers = benchmarks.layer_flops()
    assert counted["training"] == benchmarks.training_flops() - layers["conv1"]


def test_summary_statistics_from_given_repeats():
    summary = benchmarks.summarize([5.0, 1.0, 4.0, 2.0, 3.0])
    assert summary == {"n": 5, "median": 3.0, "min": 1.0, "max": 5.0, "q1": 2.0, "q3": 4.0}
    even = benchmarks.summarize([4.0, 1.0, 3.0, 2.0])
    assert (even["median"], even["q1"], even["q3"]) == (2.5, 1.75, 3.25)
    assert benchmarks.summarize([7.0])["q1"] == 7.0


def test_rates_peak_and_fraction_of_peak_are_computed_from_the_repeats():
    results = _fake_results()
    # Matrix products of 2e10 FLOPs in 0.1, 0.2 and 0.4 s: median 100 GFLOP/s.
    assert results["peak"]["numpy"]["gflops"]["median"] == pytest.approx(100.0)
    assert results["peak_gflops"] == pytest.approx(100.0)
    train = next(m for m in results["measurements"] if m["task"] == "train")
    # 192 images in 0.5, 0.55 and 0.6 s: the median rate is 192 / 0.55.
    assert train["images_per_second"]["median"] == pytest.approx(192 / 0.55)
    expected = 192 / 0.55 * benchmarks.training_flops() / 1e9 / 100.0
    assert train["fraction_of_peak"] == pytest.approx(expected)
    latency = next(m for m in results["measurements"] if m["task"] == "latency")
    assert latency["latency_seconds"]["median"] == pytest.approx(0.55 / 192)


def test_a_tiny_real_run_gives_both_frameworks_the_same_images(cache):
    settings = {
        **benchmarks.settings_for("short", threads=1),
        "repeats": 2,
        "warmup": 0,
        "train_batch": 8,
        "train_batches": 2,
    }
    with tempfile.TemporaryDirectory() as scratch:
        env = benchmarks.worker_env(1, Path(scratch))
        records = benchmarks._interleaved(
            [("torch", "train", "eager"), ("tf", "train", "graph")], settings, env
        )
    torch_record, tf_record = records
    assert len(torch_record["repeats"]) == len(tf_record["repeats"]) == 2
    for torch_repeat, tf_repeat in zip(torch_record["repeats"], tf_record["repeats"], strict=True):
        assert torch_repeat["train"]["images"] == tf_repeat["train"]["images"] == 16
    # Keras' default on a machine without an accelerator: a graph without XLA.
    assert tf_record["setup"]["jit_compile"] is False
    assert torch_record["max_rss_mib"] > 0


def test_every_pair_measures_the_same_images_in_both_frameworks():
    assert all(len(pair) == 3 for pair in benchmarks.PAIRS)  # (kind, PyTorch, TensorFlow)
    results = _fake_results()
    by_task = {}
    for m in results["measurements"]:
        by_task.setdefault((m["task"], m["framework"]), []).append(m["images"])
    for task in ("train", "latency", "throughput"):
        assert by_task[task, "torch"] == by_task[task, "tf"]


def test_the_build_runs_the_short_configuration_when_the_key_misses(cache, monkeypatch):
    ran = []

    def fake_run(settings):
        ran.append(settings)
        return {"key": benchmarks.cache_key(settings), "mode": settings["mode"]}

    monkeypatch.setattr(benchmarks, "run_benchmarks", fake_run)
    atomic_write_json(benchmarks.results_path("short"), {"key": "stale", "mode": "short"})
    results, measured = benchmarks.ensure_results("short")
    assert measured and ran == [benchmarks.settings_for("short")]
    assert ran[0]["repeats"] < benchmarks.MODES["full"]["repeats"]
    assert benchmarks.results_path("short").exists()
    # A second build finds the fresh short run and runs nothing.
    assert benchmarks.ensure_results("short") == (results, False)
    assert len(ran) == 1


def test_a_cached_result_with_a_matching_key_is_reused_without_running(cache, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("nothing may run when the cached key matches")

    monkeypatch.setattr(benchmarks, "_launch", refuse)
    full = _fake_results("full")
    atomic_write_json(benchmarks.results_path("full"), full)
    atomic_write_json(benchmarks.results_path("short"), _fake_results("short"))
    # A matching full run wins over a matching short one.
    assert benchmarks.ensure_results("short") == (full, False)

    generated = Generated()
    generated.prepare_benchmarks()
    assert generated.bench["mode"] == "full"
    assert all(bench_report.figure_path(lang).stat().st_size < 150_000 for lang in LANGUAGES)


def test_the_key_follows_the_model_snippets_and_the_settings(tmp_path):
    for folder in ("snippets", "site_build"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    settings = benchmarks.settings_for("short")
    before = benchmarks.cache_key(settings, tmp_path)
    assert benchmarks.cache_key(benchmarks.settings_for("full"), tmp_path) != before
    model = tmp_path / "snippets/mnist/model_tf.py"
    model.write_text(model.read_text() + "\n# a change\n")
    assert benchmarks.cache_key(settings, tmp_path) != before


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_placeholder_of_the_page_becomes_a_table_or_text(language, cache):
    generated = Generated()
    generated.bench = _fake_results()
    page_source = (ROOT / "docs" / language / "benchmarks.md").read_text(encoding="utf-8")
    page = f"{language}/benchmarks.md"
    rendered = render(page_source, language, page, {"bench": generated.kinds()["bench"]})
    assert "{{ bench:" not in rendered
    for name in ("settings", "peak", "flops", "training", "inference", "startup", "artifacts"):
        table = bench_report.GENERATED[name](generated.bench, language)
        assert table in rendered
        rows = [line for line in table.splitlines() if re.match(r"^\|.*\|$", line)]
        assert len(rows) >= 3, name  # header, separator and at least one row
    training = bench_report.training(generated.bench, language)
    assert training.count("PyTorch") == training.count("TensorFlow") == 2
    word = {"en": "short", "es": "corta"}[language]
    assert f"**{word}**" in rendered
