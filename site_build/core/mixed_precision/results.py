"""The mixed-precision measurement's results, typed: numbers only, no reader-facing words.

``measure.py`` writes a ``MixedPrecisionResults`` under its cache key and reads it back with
``Record.read`` (``kit/records.py``): a file of another format is measured again.
``report.py`` turns it into the page's tables and sentences.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from site_build.core.kit.onednn import Kernel
from site_build.core.kit.records import Machine, Record

RESULTS_FORMAT = 1
PRECISIONS = ("float32", "bfloat16")  # the table's rows per framework, in this order


@dataclass(frozen=True)
class Settings:
    batch: int  # training batch: the mixed-precision page's own (32)
    short_images: int  # the two training lengths whose difference is timed
    long_images: int
    test_images: int
    test_batch: int
    repeats: int  # interleaved: float32, bfloat16, float32, bfloat16, ...
    seed: int


@dataclass(frozen=True)
class Precision:
    """One precision's repeats: images per second, one value per repeat, in order."""

    train_images_per_second: list[float]
    inference_images_per_second: list[float]
    accuracy: float  # the long run's model on the test images, last repeat

    @property
    def train(self) -> float:
        return statistics.median(self.train_images_per_second)

    @property
    def inference(self) -> float:
        return statistics.median(self.inference_images_per_second)


@dataclass(frozen=True)
class FrameworkResult:
    float32: Precision
    bfloat16: Precision
    kernels: list[Kernel]  # what ran in a bfloat16 training step and prediction
    onednn: str  # the version of the oneDNN that logged them; "" if none did
    versions: dict[str, str]

    def precision(self, name: str) -> Precision:
        return {"float32": self.float32, "bfloat16": self.bfloat16}[name]

    def speed_up(self, task: str) -> float:
        """bfloat16 over float32, medians of ``task`` ("train" or "inference")."""
        return getattr(self.bfloat16, task) / getattr(self.float32, task)

    @property
    def bf16_kernels(self) -> list[Kernel]:
        """The computing kernels (not reorders) that read bfloat16."""
        return [k for k in self.kernels if k.data_type == "bf16" and k.computes]

    @property
    def uses_amx(self) -> bool:
        return any(k.amx for k in self.bf16_kernels)

    def bf16_kinds(self, amx: bool) -> list[str]:
        """The kinds of operation with a bfloat16 kernel on the AMX units (``amx``) or one
        that is not, sorted."""
        return sorted({k.kind for k in self.bf16_kernels if k.amx == amx})


@dataclass(frozen=True)
class MixedPrecisionResults(Record):
    key: str
    created: str
    settings: Settings
    machine: Machine
    cpu_flags: list[str]  # of those the page asks about, the ones /proc/cpuinfo lists
    frameworks: dict[str, FrameworkResult]
    seconds: float
    format: int = field(default=RESULTS_FORMAT)

    FORMAT = RESULTS_FORMAT
    LOG = "[mixed precision]"
    AGAIN = "measured again"
