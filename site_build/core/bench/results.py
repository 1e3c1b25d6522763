"""The benchmarks' results, typed: what the workers report and what the results file holds.

The workers (``bench/worker.py``) send ``Setup`` and ``Timed`` values as JSON lines; the
orchestrator (``bench/measure.py``) gathers them into ``WorkerRecord``s and computes
``BenchResults``, which it writes under its cache key (``bench/measure.py``) and reads back
with ``Record.read`` (``kit/records.py``, the one decoder of every family's results): a
file of another format counts as missing, with one line naming it, so the build measures
again. The page's tables and figure (``bench/report.py``, ``bench/figures.py``) read nothing
else. The messages between workers and orchestrator go through the same decoder
(``from_json``), so a worker of another version fails with ``ResultsFormatError``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from typing import Any

from site_build.core.kit.frameworks import REGISTRY
from site_build.core.kit.records import Machine, Record, from_json, ordered, to_json

# 2: read by the kit's decoder: a format number, the machine as ``kit.records.Machine``, and
# every field of a worker's ``Setup`` written (None where it does not apply). The files of
# before have no format number: read as missing, so each cache measures once again.
RESULTS_FORMAT = 2

# The order in which the page lists frameworks (a JSON file sorts its keys): the registry's.
FRAMEWORK_ORDER = tuple(REGISTRY)
# The libraries whose versions a run records, in the order the page lists them.
LIBRARIES = (
    "torch",
    "tensorflow",
    "keras",
    "numpy",
    "onnx",
    "onnxruntime",
    "onnxscript",
    "tf2onnx",
)


@dataclass(frozen=True)
class Settings:
    """How much one run measures; ``threads`` is the count given to every framework."""

    mode: str
    repeats: int
    warmup: int
    train_batch: int
    train_batches: int
    latency_calls: int
    throughput_batch: int
    throughput_batches: int
    matmul_size: int
    matmul_calls: int
    threads: int

    def to_json(self) -> dict[str, Any]:
        return to_json(self)

    @classmethod
    def from_json(cls, data: Any) -> Settings:
        return from_json(cls, data)


@dataclass(frozen=True)
class Summary:
    """Median, extremes and quartiles (inclusive method: the data's own range) of repeats."""

    n: int
    median: float
    min: float
    max: float
    q1: float
    q3: float

    @classmethod
    def of(cls, values: list[float] | tuple[float, ...]) -> Summary:
        ordered = sorted(values)
        if len(ordered) > 1:
            q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        else:
            q1 = q3 = ordered[0]
        return cls(len(ordered), statistics.median(ordered), ordered[0], ordered[-1], q1, q3)


@dataclass(frozen=True)
class Timed:
    """One timed repeat of one task: ``count`` images (or FLOPs for ``matmul``) in seconds."""

    count: float
    seconds: float


@dataclass(frozen=True)
class CountedFlops:
    """FLOPs per image that ``torch.utils.flop_counter.FlopCounterMode`` counts."""

    forward: float
    training: float


@dataclass(frozen=True)
class LayerCost:
    """One layer with weights of the benchmarks' CNN, as the PyTorch model reports it.

    Written by ``bench/flops.py:layer_costs`` from ``snippets/mnist/model_torch.py`` itself:
    its parameters, the elements it reads and writes per image, and the FLOPs per image that
    ``FlopCounterMode`` counts for it.
    """

    name: str
    parameters: int
    inputs: int  # elements read per image
    outputs: int  # elements written per image
    flops: int  # forward, per image


@dataclass(frozen=True)
class Roofs:
    """The machine's second roof and its other peaks, measured beside the float32 matrix
    product: sustained memory bandwidth (a triad ``a = b + s * c`` over three arrays of
    ``triad_elements`` float32 each), and the bfloat16 and int8 matrix-product peaks where the
    CPU's flags list their units (``peaks``, GFLOP/s; ``kernels``: what oneDNN ran)."""

    bandwidth: Rates  # GB/s
    triad_elements: int
    last_level_cache_bytes: int | None
    cpu_flags: tuple[str, ...]  # those of LOW_PRECISION_FLAGS that /proc/cpuinfo lists
    peaks: dict[str, Rates]  # "bfloat16", "int8" -> GFLOP/s (int8: GOP/s)
    kernels: dict[str, str]  # the same keys -> the kernel oneDNN reported
    adam: Rates  # seconds of one Adam update of the CNN's parameters


@dataclass(frozen=True)
class RoofsSetup:
    """What the PyTorch matrix-product worker found before timing its roofs."""

    triad_elements: int
    last_level_cache_bytes: int | None
    cpu_flags: tuple[str, ...]
    kernels: dict[str, str]
    layers: tuple[LayerCost, ...]


@dataclass(frozen=True)
class Setup:
    """What a worker measured while it prepared its configuration, before any repeat."""

    setup_seconds: float
    first_call_seconds: float | None = None  # the first step or prediction, compiling
    export_seconds: float | None = None  # exported configurations: writing the artefact
    artifact_bytes: int | None = None
    jit_compile: bool | None = None  # Keras training: what jit_compile became
    counted_flops: CountedFlops | None = None  # the PyTorch matrix-product worker
    roofs: RoofsSetup | None = None  # the PyTorch matrix-product worker

    def to_json(self) -> dict[str, Any]:
        return to_json(self)

    @classmethod
    def from_json(cls, data: Any) -> Setup:
        return from_json(cls, data)


@dataclass(frozen=True)
class WorkerRecord:
    """Everything one worker process reported: its setup, its repeats and its peak memory."""

    framework: str
    kind: str  # "train", "infer" or "peak"
    config: str
    setup: Setup
    max_rss_mib: float
    repeats: tuple[dict[str, Timed], ...]


@dataclass(frozen=True)
class WorkerInfo:
    """A worker's setup and memory, as the results file keeps them."""

    framework: str
    kind: str
    config: str
    setup: Setup
    max_rss_mib: float


@dataclass(frozen=True)
class Measurement:
    """One task of one configuration: images per second over the repeats, share of peak."""

    framework: str
    config: str
    task: str  # "train", "latency" or "throughput"
    images: tuple[int, ...]  # per repeat
    images_per_second: Summary
    repeats_seconds: tuple[float, ...]
    gflops: float  # median images/s x FLOPs per image
    fraction_of_peak: float
    latency_seconds: Summary | None = None  # latency: seconds per image


@dataclass(frozen=True)
class Rates:
    """GFLOP/s of the matrix product (``peak``) or seconds of an import, per repeat."""

    repeats: tuple[float, ...]
    summary: Summary

    @classmethod
    def of(cls, values: list[float]) -> Rates:
        return cls(tuple(values), Summary.of(values))


@dataclass(frozen=True)
class Flops:
    """The CNN's FLOPs per image: per layer and in total, by hand and by PyTorch's counter."""

    layers: dict[str, int]
    forward: int
    training: int
    counted: CountedFlops
    costs: tuple[LayerCost, ...]  # from the model's code (bench/flops.py:layer_costs)


@dataclass(frozen=True)
class BenchResults(Record):
    """One run of the benchmarks, as written by the code that measured it."""

    key: str
    mode: str
    settings: Settings
    machine: Machine
    versions: dict[str, str]
    created: str  # ISO 8601, UTC
    imports: dict[str, Rates]  # framework -> seconds of `import` in a fresh interpreter
    peak: dict[str, Rates]  # library -> GFLOP/s of the matrix product
    peak_gflops: float
    roofs: Roofs
    flops: Flops
    measurements: tuple[Measurement, ...]
    workers: tuple[WorkerInfo, ...]
    seconds: float = 0.0  # the whole run
    timings: dict[str, float] = field(default_factory=dict)  # seconds of each step
    format: int = field(default=RESULTS_FORMAT)

    FORMAT = RESULTS_FORMAT
    LOG = "[benchmarks]"
    AGAIN = "measured again"

    def tasks(self, task: str) -> list[Measurement]:
        return [m for m in self.measurements if m.task == task]

    def worker(self, framework: str, kind: str, config: str) -> WorkerInfo:
        for info in self.workers:
            if (info.framework, info.kind, info.config) == (framework, kind, config):
                return info
        raise KeyError((framework, kind, config))

    @classmethod
    def from_json(cls, value: Any) -> BenchResults:
        """The results in parsed JSON (``Record.from_json``: ResultsFormatError when of another
        format), with frameworks and libraries in the page's order (the file sorts its keys)."""
        results = super().from_json(value)
        return replace(
            results,
            versions=ordered(results.versions, LIBRARIES),
            imports=ordered(results.imports, FRAMEWORK_ORDER),
            peak=ordered(results.peak, FRAMEWORK_ORDER),
        )
