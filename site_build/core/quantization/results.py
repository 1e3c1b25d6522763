"""The quantization measurement's results, typed: numbers only, no reader-facing words.

``measure.py`` writes a ``QuantizationResults`` under its cache key and reads it back with
``Record.read`` (``kit/records.py``, the one decoder): a file of another format, such as one
written before the speeds were measured, is measured again. ``report.py`` writes the page's
tables and sentences from it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from site_build.core.kit.onednn import Kernel
from site_build.core.kit.records import Machine, Record, TrainedModel

RESULTS_FORMAT = 1
VARIANTS = ("float32", "int8", "full_int8")  # the tables' rows per framework, in this order


@dataclass(frozen=True)
class Settings:
    threads: int
    latency_calls: int
    warmup_calls: int
    calibration_images: int  # the first training images, for full integer
    batch: int  # the larger batch whose throughput is measured
    batch_repeats: int
    epochs: int  # of the MNIST runs that trained the models


@dataclass(frozen=True)
class Latency:
    """Milliseconds per single-image call."""

    median: float
    min: float
    max: float


@dataclass(frozen=True)
class Variant:
    """One model file measured: float32 or int8."""

    bytes: int
    accuracy: float
    latency_ms: Latency
    # images per second in batches of Settings.batch, one value per repeat; None when the
    # program takes one image at a time (PyTorch's full integer model, exported for that shape)
    batch_images_per_second: list[float] | None
    float_bytes: int | None = None  # the float32 model in the same file format, when it differs

    @property
    def single_images_per_second(self) -> float:
        """Batch 1, from the median latency."""
        return 1000 / self.latency_ms.median

    @property
    def batch_rate(self) -> float | None:
        rates = self.batch_images_per_second
        return statistics.median(rates) if rates else None


@dataclass(frozen=True)
class FrameworkResult:
    float32: Variant
    int8: Variant  # dynamic: int8 weights, activations quantized on the fly
    full_int8: Variant  # full integer: int8 weights and calibrated activations
    quantize_seconds: float
    full_quantize_seconds: float  # calibration included
    load_seconds: float  # building the model and loading its weights
    kernels: list[Kernel]  # oneDNN's log of a short pass over the int8 models
    versions: dict[str, str]

    def variant(self, name: str) -> Variant:
        return {"float32": self.float32, "int8": self.int8, "full_int8": self.full_int8}[name]

    @property
    def int8_kernels(self) -> list[Kernel]:
        """The computing kernels (not reorders) that read 8-bit integers."""
        return [k for k in self.kernels if k.data_type in ("u8", "s8") and k.computes]


@dataclass(frozen=True)
class Data:
    sizes: dict[str, int]
    full: bool


@dataclass(frozen=True)
class QuantizationResults(Record):
    key: str
    created: str
    settings: Settings
    models: dict[str, TrainedModel]  # the MNIST runs whose trained models were measured
    machine: Machine
    cpu_flags: list[str]  # of those the page names, the ones /proc/cpuinfo lists
    data: Data
    frameworks: dict[str, FrameworkResult]
    seconds: float
    format: int = field(default=RESULTS_FORMAT)

    FORMAT = RESULTS_FORMAT
    LOG = "[quantization]"
    AGAIN = "measured again"
