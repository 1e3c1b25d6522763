"""The benchmarks' two roofs: memory bandwidth beside the float32 peak, the model's intensities
generated from its code, the roofline figure and the page's prediction in both languages.

Issue 30: the share of one peak could not explain why batch-1 inference and the optimizer
step cost what they cost; the page now places every configuration on a roofline whose
intensities come from the model itself (``bench/flops.py``), never from typed numbers.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from site_build.core.bench import figures as bench_figure
from site_build.core.bench import flops as bench_flops
from site_build.core.bench import measure as benchmarks
from site_build.core.bench import report as bench_report
from site_build.core.bench import worker
from site_build.core.bench.results import Rates
from site_build.core.kit.cache import atomic_write_json
from tests.figure_checks import png_size
from tests.stand_ins import (  # noqa: F401 (the fixtures drawn and _drawn_once)
    bench_figures_drawn,
    bench_figures_drawn_once,
    fake_results,
)

LANGUAGES = ("en", "es")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    return tmp_path


# The model's costs, read off the PyTorch model ---------------------------------------------


def test_layer_costs_come_from_the_model_and_match_an_independent_count():
    costs = bench_flops.layer_costs()
    # Every layer with weights, in the model's order, with the FLOPs counted by hand.
    assert [c.flops for c in costs] == list(bench_flops.layer_flops().values())
    assert bench_flops.parameters(costs) == 9_467_274  # the count the MNIST page shows
    dense = next(c for c in costs if c.parameters > 1_000_000)
    # The first dense layer, counted here from its shape: 9216 features in, 1024 out.
    assert (dense.inputs, dense.outputs) == (64 * 12 * 12, 1024)
    assert dense.parameters == 9216 * 1024 + 1024
    for batch in (1, 256):
        traffic = bench_flops.layer_traffic(dense, batch)
        assert traffic.flops == batch * 2 * 9216 * 1024
        assert traffic.bytes == 4 * (9216 * 1024 + 1024) + 4 * batch * (9216 + 1024)
    # Batch 1 is memory-bound (about one FLOP a byte), a large batch is not.
    one = bench_flops.forward_traffic(costs, 1).intensity
    assert 0.9 < one < 1.2
    assert bench_flops.forward_traffic(costs, 256).intensity > 50 * one


def test_the_adam_update_moves_28_bytes_a_parameter_whatever_the_batch():
    costs = bench_flops.layer_costs()
    adam = bench_flops.adam_traffic(costs)
    n = sum(c.parameters for c in costs)
    # weight read + write, gradient read, two moments read + write: 7 float32 accesses.
    assert adam.bytes == (2 + 1 + 2 + 2) * 4 * n
    assert adam.intensity == pytest.approx(12 / 28)
    # A training step moves 3x its forward bytes and its SGD update.
    step = bench_flops.training_traffic(costs, 64)
    forward = bench_flops.forward_traffic(costs, 64)
    assert step.bytes == 3 * forward.bytes + 3 * 4 * n and step.flops == 3 * forward.flops


def test_the_roofline_is_the_lower_of_the_two_roofs():
    assert bench_flops.attainable(0.5, peak_gflops=100.0, bandwidth_gbs=10.0) == 5.0
    assert bench_flops.attainable(50.0, peak_gflops=100.0, bandwidth_gbs=10.0) == 100.0


# What the worker finds and measures --------------------------------------------------------


def test_cpu_flags_are_read_from_proc_cpuinfo():
    listed = Path("/proc/cpuinfo").read_text().split()  # every word, not only the flags line
    wanted = {f for flags in worker.LOW_PRECISION_FLAGS.values() for f in flags}
    assert set(worker.cpu_flags()) == wanted & set(listed)


def test_onednn_names_the_kernel_of_a_bfloat16_product():
    if not set(worker.cpu_flags()) & set(worker.LOW_PRECISION_FLAGS["bfloat16"]):
        pytest.skip("this CPU has no bfloat16 units")
    import torch

    a = torch.ones(64, 64, dtype=torch.bfloat16)
    kernels = worker.onednn_kernels(lambda: torch.mm(a, a))
    assert kernels and all(k.startswith("matmul") for k in kernels), kernels


def test_the_int8_product_is_a_quantized_linear_layer_of_x_and_w():
    import torch

    generator = torch.Generator().manual_seed(1)
    x = torch.randint(0, 256, (48, 256), dtype=torch.uint8, generator=generator)
    w = torch.randint(-128, 128, (32, 256), dtype=torch.int8, generator=generator)
    out = worker.int8_product(x, w)()
    # x @ w.T summed exactly, at the scales of both operands, as uint8 around the zero point.
    sums = x.double() @ w.double().T * worker.INT8_SCALE**2
    expected = (sums.round() + worker.INT8_OUTPUT_ZERO_POINT).clamp(0, 255)
    assert out.dtype == torch.uint8 and out.shape == (48, 32)
    assert torch.equal(out.double(), expected)
    # No sum was clipped: the comparison is of the sums themselves, not of 0s and 255s.
    assert expected.min() > 0 and expected.max() < 255


def test_onednn_runs_the_int8_product_on_the_amx_units():
    """Issue 30: ``torch._int_mm`` ran oneDNN's ``gemm_api``, not the AMX units that the
    quantization page's int8 models reach, so its speed was no ceiling for them."""
    if "amx_int8" not in worker.cpu_flags():
        pytest.skip("this CPU has no AMX int8 units")
    import torch

    x = torch.randint(0, 256, (256, 256), dtype=torch.uint8)
    w = torch.randint(-128, 128, (256, 256), dtype=torch.int8)
    kernels = worker.onednn_kernels(worker.int8_product(x, w))
    assert kernels and all(k.startswith("matmul") and "amx" in k for k in kernels), kernels


def test_the_int8_peak_reaches_the_page_in_the_workers_own_format(cache, monkeypatch):
    """The PyTorch peak worker, in this process on a small product, its messages through
    JSON and the decoders that read the workers' lines, then the results file."""
    if not set(worker.cpu_flags()) & set(worker.LOW_PRECISION_FLAGS["int8"]):
        pytest.skip("this CPU has no int8 units")
    import json
    from dataclasses import asdict

    from site_build.core.bench.peaks import machine_roofs
    from site_build.core.bench.results import Setup, Timed, WorkerRecord

    # Small arrays for the triad: this test is about the int8 product, not the bandwidth.
    monkeypatch.setattr(worker, "TRIAD_MIN_ELEMENTS", 2**16)
    monkeypatch.setattr(worker, "last_level_cache_bytes", lambda: 2**18)
    settings = replace(
        benchmarks.settings_for("short"), matmul_size=256, matmul_calls=2, warmup=0, repeats=3
    )
    peak = worker.MatmulWorker("torch", settings)
    setup = Setup.from_json(json.loads(json.dumps(peak.setup.to_json())))
    repeats = []
    for _ in range(settings.repeats):
        line = json.dumps({task: asdict(value) for task, value in peak.repeat().items()})
        repeats.append({task: Timed(**value) for task, value in json.loads(line).items()})
    record = WorkerRecord("torch", "peak", "matmul", setup, 100.0, tuple(repeats))
    results = benchmarks.assemble(settings, {}, [record], [])
    atomic_write_json(benchmarks.results_path(results.key), results.to_json())
    read = benchmarks.read_results(results.key)
    assert read == results
    # 2 x 256^3 operations a product, two products a repeat: GOP/s from the repeats' seconds.
    rates = [2 * 256**3 * 2 / r["matmul_int8"].seconds / 1e9 for r in repeats]
    assert all(r["matmul_int8"].count == 2 * 256**3 * 2 for r in repeats)
    assert read.roofs.peaks["int8"].repeats == pytest.approx(tuple(rates))
    assert machine_roofs(read).peaks["int8"] == pytest.approx(sorted(rates)[1])
    kernel = read.roofs.kernels["int8"]
    assert kernel.startswith("matmul"), kernel
    if "amx_int8" in worker.cpu_flags():
        assert "amx" in kernel, kernel
    for language in LANGUAGES:
        table = bench_report.roofs(read, language)
        assert f"`{kernel}`" in table and "`torch.ops.onednn.qlinear_pointwise`" in table


# Results: typed fields, and older files measured again -------------------------------------


def test_the_roofs_are_typed_fields_that_survive_the_results_file(cache):
    results = fake_results()
    roofs = results.roofs
    # 3 GB a triad repeat in 0.3, 0.33 and 0.36 s: the median is 3 GB / 0.33 s.
    assert roofs.bandwidth.summary.median == pytest.approx(3 / 0.33)
    assert set(roofs.peaks) == {"bfloat16", "int8"} == set(roofs.kernels)
    assert roofs.adam.summary.median == pytest.approx(0.033)
    assert [c.name for c in results.flops.costs] == ["0 (Conv2d)", "6 (Linear)"]
    atomic_write_json(benchmarks.results_path(results.key), results.to_json())
    assert benchmarks.read_results(results.key) == results


def test_a_results_file_without_the_roofs_is_measured_again(cache, monkeypatch):
    old = fake_results().to_json()
    del old["roofs"]
    del old["flops"]["costs"]
    atomic_write_json(benchmarks.results_path(old["key"]), old)
    assert benchmarks.read_results(old["key"]) is None
    fresh = fake_results()
    monkeypatch.setattr(benchmarks, "run_benchmarks", lambda settings: fresh)
    assert benchmarks.ensure_results("short") == (fresh, True)


def test_the_method_is_in_the_cache_key(monkeypatch):
    settings = benchmarks.settings_for("short")
    key = benchmarks.cache_key(settings)
    monkeypatch.setattr(benchmarks, "METHOD", benchmarks.METHOD - 1)
    assert benchmarks.cache_key(settings) != key


# The page: prediction, measurement, verdicts, in both languages ----------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_prediction_is_bandwidth_times_intensity(language):
    results = fake_results()
    adam = bench_flops.adam_traffic(results.flops.costs)
    bandwidth = results.roofs.bandwidth.summary.median
    expected = bandwidth * adam.intensity
    assert bench_report.predicted(results, "adam") == pytest.approx(expected)
    assert bench_report.memory_bound(results, "adam")
    text = bench_report.prediction(results, language)
    value = bench_report._gflops(expected, language)
    assert value in text
    decimal = {"en": ".", "es": ","}[language]
    assert f"{int(bandwidth)}{decimal}" in text  # e.g. 9.1 / 9,1 GB/s


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_verdicts_say_where_measurement_and_prediction_disagree(language):
    results = fake_results()
    t = bench_report.TEXT[language]
    lines = bench_report.verdicts(results, language).splitlines()
    assert len(lines) == len(bench_report.GROUPS)
    # An Adam update 100x slower than the fake one: far under its memory roof, for the
    # reason of an optimizer (separate element-wise passes), not of the model's layers.
    slow = replace(results, roofs=replace(results.roofs, adam=Rates.of([3.0, 3.3, 3.6])))
    adam_line = bench_report.verdicts(slow, language).splitlines()[-1]
    assert t["verdict_below_adam"] in adam_line
    assert bench_report.TEXT[language]["roof_adam_point"] in adam_line
    # 1000x faster: above the bandwidth roof, which the page explains by the cache.
    fast = replace(results, roofs=replace(results.roofs, adam=Rates.of([3e-5, 3e-5, 3e-5])))
    assert t["verdict_above_memory"] in bench_report.verdicts(fast, language).splitlines()[-1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_roofs_table_names_each_kernel_and_only_what_was_measured(language):
    results = fake_results()
    table = bench_report.roofs(results, language)
    rows = [line for line in table.splitlines() if line.startswith("|")][2:]
    assert len(rows) == 4  # bandwidth, float32, bfloat16, int8
    assert "`matmul brg_matmul:amx`" in table
    assert "`matmul brg_matmul:avx10_1_512_amx`" in table
    bare = replace(results, roofs=replace(results.roofs, peaks={}, kernels={}, cpu_flags=()))
    rows = [line for line in bench_report.roofs(bare, language).splitlines()][2:]
    assert len(rows) == 2
    assert bench_report.roof_flags(bare, language) == bench_report.TEXT[language]["roof_no_flags"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_new_placeholder_fills_in_both_languages(language):
    results = fake_results()
    for name in (
        "roofs",
        "roof_flags",
        "bandwidth_value",
        "ridge_value",
        "layers",
        "prediction",
        "roofline",
        "verdicts",
    ):
        text = bench_report.GENERATED[name](results, language)
        assert text and "{" not in text, name


# The figure ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_roofline_figure_comes_with_its_table_and_csv(drawn, language):
    results = drawn
    assert bench_figure.ensure_figures(results) is False  # the copy holds every figure
    markdown = bench_report.roofline_figure(results, language)
    assert "(generated/bench/roofline.png#only-light)" in markdown
    assert "(generated/bench/roofline-dark.png#only-dark)" in markdown
    points = bench_report.points(results)
    rows = [line for line in markdown.splitlines() if line.startswith("    | ")]
    assert len(rows) == 2 + len(points)  # header, separator, a row per point
    csv = bench_figure.figure_path(language, name="roofline").with_suffix(".csv")
    lines = csv.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + len(points)
    # The Adam point is last, at its intensity, 12 FLOPs for 28 bytes.
    assert float(lines[-1].split(",")[2]) == pytest.approx(12 / 28)
    light, dark = (bench_figure.figure_path(language, s, "roofline") for s in ("light", "dark"))
    assert png_size(light) == png_size(dark)
