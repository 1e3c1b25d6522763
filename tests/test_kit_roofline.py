"""A measured speed set against the roofs: the peak of its own precision, per thread, and the
memory roof at its batch, from the benchmarks' results (made up, in their real format)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from site_build.core.bench import flops as bench_flops
from site_build.core.bench.peaks import machine_roofs
from site_build.core.kit.roofline import ELEMENT_BYTES, roof_precision, share
from tests.stand_ins import bench_roofs, fake_results


def test_the_roofs_are_the_benchmarks_results():
    results = fake_results()
    roofs = machine_roofs(results)
    assert roofs.peaks["float32"] == results.peak_gflops
    assert roofs.peaks["bfloat16"] == results.roofs.peaks["bfloat16"].summary.median
    assert roofs.peaks["int8"] == results.roofs.peaks["int8"].summary.median
    assert roofs.bandwidth == results.roofs.bandwidth.summary.median
    assert roofs.threads == results.settings.threads
    assert roofs.cpu == results.machine.cpu
    assert roofs.forward_flops == results.flops.forward
    assert roofs.training_flops == 3 * results.flops.forward
    assert roofs.counted_ratio == results.flops.counted.training / results.flops.counted.forward


def test_a_float32_prediction_moves_what_the_benchmarks_page_counts():
    results = fake_results()
    roofs = machine_roofs(results)
    for batch in (1, 256):
        page = bench_flops.forward_traffic(results.flops.costs, batch)
        assert roofs.traffic(batch, "float32", False) == page


def test_smaller_numbers_move_fewer_bytes_and_a_step_adds_adams_update():
    results = fake_results()
    roofs = machine_roofs(results)
    float32 = roofs.traffic(32, "float32", False)
    for precision in ("bfloat16", "int8"):
        smaller = roofs.traffic(32, precision, False)
        assert smaller.flops == float32.flops
        assert smaller.bytes * ELEMENT_BYTES["float32"] == float32.bytes * ELEMENT_BYTES[precision]
    step = roofs.traffic(32, "bfloat16", True)
    adam = bench_flops.adam_traffic(results.flops.costs)
    forward = roofs.traffic(32, "bfloat16", False)
    assert step.flops == 3 * forward.flops
    assert step.bytes == 3 * forward.bytes + adam.bytes


@pytest.mark.parametrize("precision", ["float32", "bfloat16", "int8"])
def test_a_speed_is_set_against_the_peak_of_its_own_precision(precision):
    roofs = bench_roofs(threads=2)
    found = share(roofs, precision, 1000.0, 256, False, threads=2)
    assert found.precision == precision
    assert found.gflops == pytest.approx(1000.0 * roofs.forward_flops / 1e9)
    assert found.peak == roofs.peaks[precision]
    assert found.of_peak == pytest.approx(found.gflops / roofs.peaks[precision])
    intensity = roofs.traffic(256, precision, False).intensity
    assert found.memory_roof == pytest.approx(roofs.bandwidth * intensity)


def test_a_training_step_counts_three_forward_passes():
    roofs = bench_roofs()
    found = share(roofs, "float32", 100.0, 32, True, threads=2)
    assert found.gflops == pytest.approx(100.0 * 3 * roofs.forward_flops / 1e9)


def test_fewer_threads_than_the_benchmarks_get_their_part_of_the_peak():
    roofs = bench_roofs(threads=4)
    one = share(roofs, "int8", 500.0, 1, False, threads=1)
    assert one.peak == pytest.approx(roofs.peaks["int8"] / 4)
    more = share(roofs, "int8", 500.0, 1, False, threads=8)
    assert more.peak == roofs.peaks["int8"]  # never above the measured peak
    assert one.memory_roof == more.memory_roof  # the bandwidth is not divided


def test_the_lower_roof_binds():
    roofs = bench_roofs()
    single = share(roofs, "float32", 100.0, 1, False, threads=2)
    assert single.memory_bound  # batch 1 reads every weight for one image
    assert single.ceiling == single.memory_roof
    assert single.of_ceiling == pytest.approx(single.gflops / single.memory_roof)
    fast = replace(roofs, bandwidth=1e9)
    batched = share(fast, "float32", 100.0, 256, False, threads=2)
    assert not batched.memory_bound and batched.ceiling == batched.peak


def test_a_cpu_without_the_units_is_measured_against_the_float32_peak():
    roofs = bench_roofs()
    bare = replace(roofs, peaks={"float32": roofs.peaks["float32"]})
    assert roof_precision(roofs, "bfloat16") == "bfloat16"
    assert roof_precision(bare, "bfloat16") == "float32"
    found = share(bare, "int8", 100.0, 1, False, threads=2)
    assert found.precision == "float32" and found.peak == roofs.peaks["float32"]
