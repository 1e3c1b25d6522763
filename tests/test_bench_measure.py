"""The benchmark harness measures what the benchmarks page says it measures.

No number measured here is a threshold: the tests check the harness (same images for both
frameworks, FLOP counts, statistics, the cache and the short run of the build), not speed.
The figure, the scratch folder and the results file have their own test modules
(test_bench_figures.py, test_bench_processes.py, test_bench_results.py).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest

from site_build.core import claims
from site_build.core.bench import figures as bench_figure
from site_build.core.bench import flops as bench_flops
from site_build.core.bench import measure as benchmarks
from site_build.core.bench import processes as bench_processes
from site_build.core.bench import report as bench_report
from site_build.core.bench import worker as bench_workers
from site_build.core.bench.results import (
    Summary,
)
from site_build.core.generated import Generated
from site_build.core.kit.cache import atomic_write_json
from site_build.core.paths import ROOT
from site_build.core.placeholders import render
from tests.stand_ins import fake_results

LANGUAGES = ("en", "es")  # both, in the order the build makes them


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_analytic_flops_match_flop_counter():
    counted = bench_flops.counted_flops()
    assert counted.forward == bench_flops.forward_flops() == 40_517_888
    # Backward: a gradient for the weights of every layer and for the inputs of every layer
    # but the first (the images need none), each as costly as the forward pass.
    layers = bench_flops.layer_flops()
    assert counted.training == bench_flops.training_flops() - layers["conv1"]


def test_summary_statistics_from_given_repeats():
    assert Summary.of([5.0, 1.0, 4.0, 2.0, 3.0]) == Summary(5, 3.0, 1.0, 5.0, 2.0, 4.0)
    even = Summary.of([4.0, 1.0, 3.0, 2.0])
    assert (even.median, even.q1, even.q3) == (2.5, 1.75, 3.25)
    assert Summary.of([7.0]).q1 == 7.0


def test_rates_peak_and_fraction_of_peak_are_computed_from_the_repeats():
    results = fake_results()
    # Matrix products of 2e10 FLOPs in 0.1, 0.2 and 0.4 s: median 100 GFLOP/s.
    assert results.peak["numpy"].summary.median == pytest.approx(100.0)
    assert results.peak_gflops == pytest.approx(100.0)
    train = results.tasks("train")[0]
    # 192 images in 0.5, 0.55 and 0.6 s: the median rate is 192 / 0.55.
    assert train.images_per_second.median == pytest.approx(192 / 0.55)
    expected = 192 / 0.55 * bench_flops.training_flops() / 1e9 / 100.0
    assert train.fraction_of_peak == pytest.approx(expected)
    latency = results.tasks("latency")[0]
    assert latency.latency_seconds.median == pytest.approx(0.55 / 192)


def test_a_tiny_real_run_gives_both_frameworks_the_same_images(cache):
    settings = replace(
        benchmarks.settings_for("short", threads=1),
        repeats=2,
        warmup=0,
        train_batch=8,
        train_batches=2,
    )
    scratch = bench_processes.scratch_folder()
    env = bench_processes.worker_env(1, scratch)
    records = bench_processes.interleaved(
        [("torch", "train", "eager"), ("tf", "train", "graph")], settings, env
    )
    torch_record, tf_record = records
    assert len(torch_record.repeats) == len(tf_record.repeats) == 2
    for torch_repeat, tf_repeat in zip(torch_record.repeats, tf_record.repeats, strict=True):
        assert torch_repeat["train"].count == tf_repeat["train"].count == 16
    # Keras' default on a machine without an accelerator: a graph without XLA.
    assert tf_record.setup.jit_compile is False
    assert torch_record.setup.jit_compile is None
    assert torch_record.max_rss_mib > 0


def test_every_pair_measures_the_same_images_in_both_frameworks():
    assert all(len(pair) == 3 for pair in benchmarks.PAIRS)  # (kind, PyTorch, TensorFlow)
    by_task = {}
    for m in fake_results().measurements:
        by_task.setdefault((m.task, m.framework), []).append(m.images)
    for task in ("train", "latency", "throughput"):
        assert by_task[task, "torch"] == by_task[task, "tf"]


def test_the_workers_time_the_functions_of_the_snippets(monkeypatch, tmp_path):
    """The worker prepares nothing itself: it calls the page's functions and times them."""
    from snippets.benchmarks import configs_tf, configs_torch

    for module in (configs_torch, configs_tf):
        names = ("as_images", "as_labels", "train_step", "eager", "compiled", "export")
        names += ("exported", "export_onnx", "onnx_runtime")
        assert all(callable(getattr(module, name)) for name in names), module.__name__
    called = []

    def eager(model):
        called.append(type(model).__name__)
        return lambda images: images.numpy()[:, :1]

    monkeypatch.setattr(configs_torch, "eager", eager)
    settings = replace(
        benchmarks.settings_for("short", threads=1), warmup=1, latency_calls=2, throughput_batch=4
    )
    worker = bench_workers.ModelWorker("torch", "infer", "eager", settings, tmp_path)
    assert called == ["Sequential"]
    repeat = worker.repeat()
    assert (repeat["latency"].count, repeat["throughput"].count) == (2, 2 * 4)
    # Every configuration of the page maps onto one of the snippets' functions.
    configs = {
        c for _, torch_config, tf_config in benchmarks.PAIRS for c in (torch_config, tf_config)
    }
    assert configs <= set(bench_workers.ROLES)


def test_no_copy_of_the_compared_code_outside_the_snippets():
    compared = (
        "torch.compile(",
        "jit_compile=True",
        "train_on_batch",
        "torch.export.export(",
        "torch.onnx.export(",
        "InferenceSession(",
        "saved_model.load(",
        "optimizer.step()",
    )
    harness = ROOT / "site_build" / "core"
    for path in [harness / "bench/measure.py", *sorted(harness.glob("bench_*.py"))]:
        text = path.read_text(encoding="utf-8")
        found = [snippet for snippet in compared if snippet in text]
        assert not found, (
            f"{path.relative_to(ROOT)} holds {found}: the code the benchmarks time lives in "
            "snippets/benchmarks/configs_{torch,tf}.py only; call it from there."
        )


def test_the_build_runs_the_short_configuration_when_the_key_misses(cache, monkeypatch):
    ran = []

    def fake_run(settings):
        ran.append(settings)
        return replace(fake_results(settings.mode), key=benchmarks.cache_key(settings))

    monkeypatch.setattr(benchmarks, "run_benchmarks", fake_run)
    other_code = "0" * 64  # the short run of other code: another key
    atomic_write_json(
        benchmarks.results_path(other_code), replace(fake_results(), key=other_code).to_json()
    )
    results, measured = benchmarks.ensure_results("short")
    assert measured and ran == [benchmarks.settings_for("short")]
    assert ran[0].repeats < benchmarks.MODES["full"]["repeats"]
    assert benchmarks.results_path(results.key).exists()
    assert benchmarks.read_results(other_code).key == other_code  # kept for that code
    # A second build finds the fresh short run and runs nothing.
    assert benchmarks.ensure_results("short") == (results, False)
    assert len(ran) == 1


def test_a_cached_result_with_a_matching_key_is_reused_without_running(cache, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("nothing may run when the cached key matches")

    monkeypatch.setattr(bench_processes, "launch", refuse)
    full = fake_results("full")
    short = fake_results("short")
    atomic_write_json(benchmarks.results_path(full.key), full.to_json())
    atomic_write_json(benchmarks.results_path(short.key), short.to_json())
    # A matching full run wins over a matching short one.
    assert benchmarks.ensure_results("short") == (full, False)

    generated = Generated()
    generated.prepare_benchmarks()
    assert generated.bench.mode == "full"
    assert all(bench_figure.figure_path(lang).stat().st_size < 150_000 for lang in LANGUAGES)


def test_the_key_follows_the_snippets_and_the_settings(tmp_path):
    for folder in ("snippets", "site_build"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    settings = benchmarks.settings_for("short")
    before = benchmarks.cache_key(settings, tmp_path)
    assert benchmarks.cache_key(benchmarks.settings_for("full"), tmp_path) != before
    for snippet in ("mnist/model_tf.py", "benchmarks/configs_torch.py", "benchmarks/configs_tf.py"):
        path = tmp_path / "snippets" / snippet
        path.write_text(path.read_text() + "\n# a change\n")
        after = benchmarks.cache_key(settings, tmp_path)
        assert after != before, snippet
        before = after


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_placeholder_of_the_page_becomes_a_table_or_text(language, cache):
    generated = Generated()
    generated.bench = fake_results()
    page_source = (ROOT / "docs" / language / "benchmarks.md").read_text(encoding="utf-8")
    page = f"{language}/benchmarks.md"
    kinds = {kind: generated.kinds()[kind] for kind in ("bench", "version")}
    kinds["claim"] = claims.claim_kind(claims.load_ledger())  # the roofs' cited facts
    rendered = render(page_source, language, page, kinds)
    assert "{{ bench:" not in rendered
    for name in (
        "settings",
        "peak",
        "flops",
        "training",
        "inference",
        "startup",
        "artifacts",
        "roofs",
        "layers",
        "roofline",
    ):
        table = bench_report.GENERATED[name](generated.bench, language)
        assert table in rendered
        rows = [line for line in table.splitlines() if re.match(r"^\|.*\|$", line)]
        assert len(rows) >= 3, name  # header, separator and at least one row
    training = bench_report.training(generated.bench, language)
    assert training.count("PyTorch") == training.count("TensorFlow") == 2
    word = {"en": "short", "es": "corta"}[language]
    assert f"**{word}**" in rendered
