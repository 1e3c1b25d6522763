"""The benchmarks' roofs as other pages read them: one ``kit.roofline.MachineRoofs`` from
one ``BenchResults``.

The mixed-precision and quantization pages set their speeds against the peak of their own
precision and the memory bandwidth that the benchmarks measured in the same build; the build
(``generated.py``) asks this module for them and hands them to those pages' reports, which
import no other family. The traffic of a call comes from ``bench/flops.py``, the one
traffic model, on the layer costs counted from the model's code.
"""

from __future__ import annotations

from site_build.core.bench import flops as bench_flops
from site_build.core.bench.results import BenchResults
from site_build.core.kit.roofline import MachineRoofs


def machine_roofs(results: BenchResults) -> MachineRoofs:
    costs, f = results.flops.costs, results.flops
    return MachineRoofs(
        cpu=results.machine.cpu,
        threads=results.settings.threads,
        created=results.created,
        bandwidth=results.roofs.bandwidth.summary.median,
        peaks={"float32": results.peak_gflops}
        | {name: rates.summary.median for name, rates in results.roofs.peaks.items()},
        kernels=dict(results.roofs.kernels),
        forward_flops=f.forward,
        training_flops=f.training,
        counted_ratio=f.counted.training / f.counted.forward,
        weight_bytes=bench_flops.BYTES * bench_flops.parameters(costs),
        last_level_cache_bytes=results.roofs.last_level_cache_bytes,
        traffic=lambda batch, precision, training: bench_flops.precision_traffic(
            costs, batch, precision, training
        ),
    )
