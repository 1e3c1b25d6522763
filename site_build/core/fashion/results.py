"""What one Fashion-MNIST run measured, as typed records that read and write their own JSON.

The training process (``fashion.runs.train_framework``) fills a ``RunResult`` from what the
snippets of ``snippets/fashion/`` report at every checkpoint (``Checkpoint``) and from what
it measured around them, and writes it to the cache. The page's tables
(``fashion/report.py``) and figures (``fashion/figures.py``) read these classes only, gathered
in ``FashionResults``: no module looks a result up by a string key.

Reading is strict, as for the MNIST runs: both use the decoder and the ``Machine`` record of
``kit/records.py``: a missing or unexpected field raises
``ResultsFormatError``. ``FASHION_RESULTS_FORMAT`` is part of every run's cache key: change
it whenever a field changes, and results written in an older format are trained again
instead of being misread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from site_build.core.kit.records import BUILD_LOG, Machine, Record, from_json

# 2: typed records, with this number in every file; 1 was the plain mappings before it,
# which had no "format" field. 3: no words in the results (the data's description is
# written from ``DataInfo`` when a page is).
FASHION_RESULTS_FORMAT = 3


@dataclass(frozen=True)
class Checkpoint:
    """One test of the model during training (every quarter of an epoch), as the training
    snippets report it: ``epoch`` counts the epochs done so far (0.25, 0.5, ...), ``loss``
    and ``accuracy`` are those of the training batches since the previous checkpoint, and
    ``train_seconds`` the training time so far, the tests excluded."""

    epoch: float
    loss: float
    accuracy: float
    test_loss: float
    test_accuracy: float
    train_seconds: float

    @classmethod
    def from_report(cls, record: dict[str, Any]) -> Checkpoint:
        """A checkpoint from a snippet's record, whatever number types its framework used;
        ResultsFormatError when the record lacks a field or has one more."""
        return from_json(cls, {name: float(value) for name, value in record.items()})


@dataclass(frozen=True)
class RunConfig:
    """The settings a run trains with: the same for both frameworks and every seed."""

    batch_size: int
    epochs: int
    evals_per_epoch: int
    seed: int
    test_batch_size: int
    threads: int


@dataclass(frozen=True)
class DataInfo:
    sizes: dict[str, int]  # "train", "test" -> images used
    md5: dict[str, str]  # file name -> md5 sum


@dataclass(frozen=True)
class TargetReached:
    """The first checkpoint whose test accuracy reached the target."""

    epoch: float
    seconds: float  # of training, the tests excluded


@dataclass(frozen=True)
class RunResult(Record):
    """Everything one run measured and the settings it ran with."""

    run: str
    mode: str  # "build" or "full" (fashion.runs.MODES)
    framework: str
    seed: int
    key: str
    config: RunConfig
    data: DataInfo
    limited_to: int | None  # trained on the first N images only (tests); never cached
    history: list[Checkpoint]
    test_accuracy: float  # at the last checkpoint
    epoch_seconds: list[float]  # training seconds of each whole epoch
    target: float  # the accuracy that time_to_target is measured for
    time_to_target: TargetReached | None
    seconds: float  # the whole run, tests included
    versions: dict[str, str]
    machine: Machine
    created: str
    format: int = field(default=FASHION_RESULTS_FORMAT)

    FORMAT = FASHION_RESULTS_FORMAT
    LOG = "[fashion]"


@dataclass
class FashionResults:
    """The runs a page shows: one set (``mode``), each framework's runs in seed order, which
    of them this build trained (``trained``, for the build's log) and how long it took."""

    mode: str
    runs: dict[str, list[RunResult]]  # framework -> results, in seed order
    # What this build did, for its log only: no page shows it (``BUILD_LOG``).
    trained: list[str] = field(metadata={BUILD_LOG: True})
    seconds: float = field(metadata={BUILD_LOG: True})

    @property
    def first(self) -> RunResult:
        """The first PyTorch run: the settings, data and machine every run shares."""
        return self.runs["torch"][0]
