"""A measured speed against the machine's two roofs: its compute peak for the precision the
speed was measured in, and its memory bandwidth.

The benchmarks family measures the roofs (``bench/measure.py``) and the model's FLOPs and
bytes (``bench/flops.py``); ``bench/peaks.py`` hands them to other pages as one
``MachineRoofs``, which the build (``generated.py``) passes to the mixed-precision and
quantization reports beside their own results: those pages read the benchmarks' roofs, they
never measure them again. This module holds what both reports compute from it, ``share``,
and no framework or family import.

The rules, which the pages state:

- achieved FLOP/s = images per second x FLOPs per image (forward for a prediction, 3x
  forward for a training step);
- the compute roof of a precision is the benchmarks' peak in that precision (float32,
  bfloat16, int8), taken per thread when the run used fewer threads than the benchmarks:
  peak x threads of the run / threads of the benchmarks;
- the memory roof is the measured bandwidth x the call's arithmetic intensity, whose bytes
  count each number at the size of the precision (``ELEMENT_BYTES``): the least traffic the
  precision allows, so the highest memory roof it can have;
- the roof that binds is the lower of the two; its share is achieved / that roof.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from site_build.core.catalog import texts
from site_build.core.i18n_format import number
from site_build.core.kit import machine

# Bytes per number in each precision's traffic (weights, inputs and outputs of a layer).
ELEMENT_BYTES = {"float32": 4, "bfloat16": 2, "int8": 1}


@dataclass(frozen=True)
class Traffic:
    """FLOPs and bytes of one call; ``intensity`` in FLOPs per byte."""

    flops: float
    bytes: float

    @property
    def intensity(self) -> float:
        return self.flops / self.bytes


def attainable(intensity: float, peak_gflops: float, bandwidth_gbs: float) -> float:
    """The roofline: GFLOP/s at most, the lower of the peak and bandwidth x intensity."""
    return min(peak_gflops, bandwidth_gbs * intensity)


@dataclass(frozen=True)
class MachineRoofs:
    """The benchmarks' roofs and the model's costs, as other pages read them."""

    cpu: str  # the machine the benchmarks ran on
    threads: int  # the thread count of every benchmark
    created: str  # ISO 8601, UTC, of the benchmarks run
    bandwidth: float  # GB/s, median
    peaks: dict[str, float]  # "float32", and where measured "bfloat16", "int8": GFLOP/s
    kernels: dict[str, str]  # "bfloat16", "int8" -> the kernel oneDNN named for that peak
    forward_flops: float  # per image
    training_flops: float  # per image, one training step: 3x forward
    counted_ratio: float  # a training step's FLOPs over the forward's, PyTorch's counter
    weight_bytes: float  # the model's parameters in float32
    last_level_cache_bytes: int | None
    # (batch, precision, training) -> FLOPs and bytes of one call on that batch
    traffic: Callable[[int, str, bool], Traffic]


@dataclass(frozen=True)
class Share:
    """One measured speed placed on the roofs."""

    precision: str  # the compute roof it is set against ("float32", "bfloat16", "int8")
    gflops: float  # achieved
    peak: float  # the compute roof for this precision and thread count
    memory_roof: float  # bandwidth x intensity

    @property
    def of_peak(self) -> float:
        return self.gflops / self.peak

    @property
    def memory_bound(self) -> bool:
        return self.memory_roof < self.peak

    @property
    def ceiling(self) -> float:
        return min(self.peak, self.memory_roof)

    @property
    def of_ceiling(self) -> float:
        return self.gflops / self.ceiling


def roof_precision(roofs: MachineRoofs, precision: str) -> str:
    """The precision whose peak a speed in ``precision`` is set against: its own where the
    benchmarks measured one, else float32 (a CPU without those units)."""
    return precision if precision in roofs.peaks else "float32"


def share(
    roofs: MachineRoofs,
    precision: str,
    images_per_second: float,
    batch: int,
    training: bool,
    threads: int,
) -> Share:
    """``images_per_second`` of a call on ``batch`` images in ``precision`` (a training
    step when ``training``), run on ``threads`` threads, against the roofs."""
    per_image = roofs.training_flops if training else roofs.forward_flops
    gflops = images_per_second * per_image / 1e9
    roof = roof_precision(roofs, precision)
    peak = roofs.peaks[roof] * min(1.0, threads / roofs.threads)
    intensity = roofs.traffic(batch, precision, training).intensity
    return Share(roof, gflops, peak, roofs.bandwidth * intensity)


def caveats(roofs: MachineRoofs, shares: Iterable[Share]) -> list[str]:
    """What a page must add when a speed is above a roof, as catalog keys: ``above_memory``
    (``above_memory_cache`` when the float32 weights fit in the last-level cache, which the
    triad's bandwidth does not measure) and ``above_peak``."""
    found = list(shares)
    keys = []
    if any(f.memory_bound and f.of_ceiling > 1 for f in found):
        cache = roofs.last_level_cache_bytes
        fits = cache is not None and roofs.weight_bytes <= cache
        keys.append("above_memory_cache" if fits else "above_memory")
    if any(f.of_peak > 1 for f in found):
        keys.append("above_peak")
    return keys


def caveat_fields(roofs: MachineRoofs, language: str) -> dict[str, str]:
    """The numbers the caveats' sentences name: the weights' and the cache's megabytes."""
    return {
        "weights": number(roofs.weight_bytes / 1e6, language, 1),
        "cache": number((roofs.last_level_cache_bytes or 0) / 1e6, language, 0),
    }


def roofs_from(
    roofs: MachineRoofs,
    precisions: Iterable[str],
    rate: Callable[[float, str], str],
    joiner: str,
    language: str,
) -> str:
    """The sentence a page sets before its shares: where and when the benchmarks measured the
    roofs, with how many threads, the peaks of ``precisions`` (as ``rate`` writes a peak, in
    the page's unit) and the memory bandwidth."""
    fields = machine.provenance_fields({"cpu": roofs.cpu}, {}, roofs.created, language)
    measured = joiner.join(
        f"{precision} {rate(roofs.peaks[precision], language)}"
        for precision in precisions
        if precision in roofs.peaks
    )
    return texts("roofline")[language]["roofs_from"].format(
        cpu=roofs.cpu,
        date=fields["date"],
        threads=roofs.threads,
        peaks=measured,
        bandwidth=f"{number(roofs.bandwidth, language, 1)}\u00a0GB/s",
    )
