"""The benchmark harness measures what the benchmarks page says it measures.

No number measured here is a threshold: the tests check the harness (same images for both
frameworks, FLOP counts, statistics, the cache and the short run of the build), not speed.
The figure, the scratch folder and the results file have their own test modules
(test_bench_figure.py, test_bench_scratch.py, test_bench_results.py).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest

from site_build.core import (
    bench_figure,
    bench_flops,
    bench_processes,
    bench_report,
    bench_workers,
    benchmarks,
)
from site_build.core.bench_results import (
    BenchResults,
    Rates,
    Setup,
    Summary,
    Timed,
    WorkerRecord,
)
from site_build.core.cache import atomic_write_json
from site_build.core.generated import Generated
from site_build.core.paths import ROOT
from site_build.core.placeholders import render

LANGUAGES = ("en", "es")
EXPORTED = ("export", "saved_model", "onnx")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    return tmp_path


def _record(framework, kind, config, repeats=3, images=192, seconds=0.5) -> WorkerRecord:
    tasks = ("train",) if kind == "train" else ("latency", "throughput")
    setup = Setup(1.0, first_call_seconds=0.5)
    if config in EXPORTED:
        setup = replace(setup, artifact_bytes=38_000_000, export_seconds=1.5)
    return WorkerRecord(
        framework,
        kind,
        config,
        setup,
        500.0,
        tuple({t: Timed(images, seconds * (1 + i / 10)) for t in tasks} for i in range(repeats)),
    )


def fake_results(mode: str = "short") -> BenchResults:
    """Results assembled by the harness from made-up worker repeats (nothing is run)."""
    peak = [
        WorkerRecord(
            fw,
            "peak",
            "matmul",
            Setup(1.0),
            100.0,
            tuple({"matmul": Timed(2e10, s)} for s in (0.2, 0.1, 0.4)),
        )
        for fw in benchmarks.PEAK_FRAMEWORKS
    ]
    counted = bench_flops.CountedFlops(forward=4.0e7, training=1.2e8)
    peak[0] = replace(peak[0], setup=Setup(1.0, counted_flops=counted))
    pairs = [
        _record(fw, kind, config)
        for kind, torch_config, tf_config in benchmarks.PAIRS
        for fw, config in (("torch", torch_config), ("tf", tf_config))
    ]
    imports = {fw: Rates.of([1.0, 2.0]) for fw in ("torch", "tf")}
    results = benchmarks.assemble(benchmarks.settings_for(mode), imports, peak, pairs)
    return replace(results, seconds=90.0, timings={"imports": 3.0})


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
    for path in [harness / "benchmarks.py", *sorted(harness.glob("bench_*.py"))]:
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
    atomic_write_json(benchmarks.results_path("short"), replace(fake_results(), key="x").to_json())
    results, measured = benchmarks.ensure_results("short")
    assert measured and ran == [benchmarks.settings_for("short")]
    assert ran[0].repeats < benchmarks.MODES["full"]["repeats"]
    assert benchmarks.results_path("short").exists()
    # A second build finds the fresh short run and runs nothing.
    assert benchmarks.ensure_results("short") == (results, False)
    assert len(ran) == 1


def test_a_cached_result_with_a_matching_key_is_reused_without_running(cache, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("nothing may run when the cached key matches")

    monkeypatch.setattr(bench_processes, "launch", refuse)
    full = fake_results("full")
    atomic_write_json(benchmarks.results_path("full"), full.to_json())
    atomic_write_json(benchmarks.results_path("short"), fake_results("short").to_json())
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
    rendered = render(page_source, language, page, kinds)
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
