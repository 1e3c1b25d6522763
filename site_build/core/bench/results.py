"""The benchmarks' results, typed: what the workers report and what the results file holds.

The workers (``bench/worker.py``) send ``Setup`` and ``Timed`` values as JSON lines; the
orchestrator (``bench/measure.py``) gathers them into ``WorkerRecord``s and computes
``BenchResults``, which it writes under its cache key (``bench/measure.py``) with ``to_json`` and
reads back with ``from_json``; the page's tables and figure (``bench/report.py``,
``bench/figures.py``) read nothing else. A file that ``from_json`` cannot read (an older
format) counts as missing, so the build measures again.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from site_build.core.kit.frameworks import REGISTRY
from site_build.core.kit.records import ordered

# The order in which the page lists frameworks (a JSON file sorts its keys): the registry's.
FRAMEWORK_ORDER = tuple(REGISTRY)


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
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Settings:
        return cls(**data)


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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        return cls(**data)


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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Roofs:
        return cls(
            **{
                **data,
                "bandwidth": Rates.from_json(data["bandwidth"]),
                "cpu_flags": tuple(data["cpu_flags"]),
                "peaks": {k: Rates.from_json(v) for k, v in data["peaks"].items()},
                "adam": Rates.from_json(data["adam"]),
            }
        )


@dataclass(frozen=True)
class RoofsSetup:
    """What the PyTorch matrix-product worker found before timing its roofs."""

    triad_elements: int
    last_level_cache_bytes: int | None
    cpu_flags: tuple[str, ...]
    kernels: dict[str, str]
    layers: tuple[LayerCost, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RoofsSetup:
        return cls(
            **{
                **data,
                "cpu_flags": tuple(data["cpu_flags"]),
                "layers": tuple(LayerCost(**layer) for layer in data["layers"]),
            }
        )


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
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Setup:
        counted, roofs = data.get("counted_flops"), data.get("roofs")
        return cls(
            **{
                **data,
                "counted_flops": CountedFlops(**counted) if counted else None,
                "roofs": RoofsSetup.from_json(roofs) if roofs else None,
            }
        )


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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkerInfo:
        return cls(**{**data, "setup": Setup.from_json(data["setup"])})


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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Measurement:
        latency = data.get("latency_seconds")
        return cls(
            **{
                **data,
                "images": tuple(data["images"]),
                "images_per_second": Summary.from_json(data["images_per_second"]),
                "repeats_seconds": tuple(data["repeats_seconds"]),
                "latency_seconds": Summary.from_json(latency) if latency else None,
            }
        )


@dataclass(frozen=True)
class Rates:
    """GFLOP/s of the matrix product (``peak``) or seconds of an import, per repeat."""

    repeats: tuple[float, ...]
    summary: Summary

    @classmethod
    def of(cls, values: list[float]) -> Rates:
        return cls(tuple(values), Summary.of(values))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rates:
        return cls(tuple(data["repeats"]), Summary.from_json(data["summary"]))


@dataclass(frozen=True)
class Flops:
    """The CNN's FLOPs per image: per layer and in total, by hand and by PyTorch's counter."""

    layers: dict[str, int]
    forward: int
    training: int
    counted: CountedFlops
    costs: tuple[LayerCost, ...]  # from the model's code (bench/flops.py:layer_costs)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Flops:
        return cls(
            **{
                **data,
                "counted": CountedFlops(**data["counted"]),
                "costs": tuple(LayerCost(**layer) for layer in data["costs"]),
            }
        )


@dataclass(frozen=True)
class BenchResults:
    """One run of the benchmarks, as written by the code that measured it."""

    key: str
    mode: str
    settings: Settings
    machine: dict[str, Any]
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

    def tasks(self, task: str) -> list[Measurement]:
        return [m for m in self.measurements if m.task == task]

    def worker(self, framework: str, kind: str, config: str) -> WorkerInfo:
        for info in self.workers:
            if (info.framework, info.kind, info.config) == (framework, kind, config):
                return info
        raise KeyError((framework, kind, config))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["workers"] = [{**asdict(info), "setup": info.setup.to_json()} for info in self.workers]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], libraries: tuple[str, ...] = ()) -> BenchResults:
        """Raises KeyError, TypeError or ValueError on a file of another format."""
        return cls(
            **{
                **data,
                "settings": Settings.from_json(data["settings"]),
                "versions": ordered(data["versions"], libraries),
                "imports": ordered(
                    {k: Rates.from_json(v) for k, v in data["imports"].items()}, FRAMEWORK_ORDER
                ),
                "peak": ordered(
                    {k: Rates.from_json(v) for k, v in data["peak"].items()}, FRAMEWORK_ORDER
                ),
                "roofs": Roofs.from_json(data["roofs"]),
                "flops": Flops.from_json(data["flops"]),
                "measurements": tuple(Measurement.from_json(m) for m in data["measurements"]),
                "workers": tuple(WorkerInfo.from_json(w) for w in data["workers"]),
            }
        )
