"""What one MNIST run measured, as typed records that read and write their own JSON.

The training process (``mnist/worker.py``) fills a ``RunResult`` from what the snippets
report (the settings they ran with, the parameters of the model they built, the size of the
images it read) and from what it measured (losses, timings, predictions), and writes it to
the cache. The tables (``mnist/report.py``) and figures (``mnist/figures.py``) read these
classes only: no module looks a result up by a string key.

Reading is strict (the decoder of ``kit/records.py``). ``RESULTS_FORMAT`` is part of every run's
cache key: change it whenever a field changes, and results written in an older format are
trained again instead of being misread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from site_build.core.kit.records import Machine, Record

# 3: the matched runs keep their trained weights (``Weights``); 4: no words in the results
# (the data's description is written from ``DataInfo`` when a page is).
RESULTS_FORMAT = 4


@dataclass(frozen=True)
class Settings:
    """What a run trains with. ``validation_split`` is set only for the article runs, which
    hold out the last part of their training arrays as Keras' ``validation_split`` does."""

    batch_size: int
    epochs: int
    learning_rate: float
    seed: int
    validation_split: float | None = None


@dataclass(frozen=True)
class Epoch:
    """One epoch as the training snippets report it, with the build's images per second."""

    epoch: int
    loss: float
    accuracy: float
    val_loss: float
    val_accuracy: float
    seconds: float  # the whole epoch, validation included
    train_seconds: float
    images_per_second: float  # training images / train_seconds


@dataclass(frozen=True)
class DataInfo:
    full: bool
    sizes: dict[str, int]
    md5: dict[str, str]
    limited_to: int | None


@dataclass(frozen=True)
class Misclassified:
    index: int
    label: int
    predicted: int


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest class

    accuracy: float
    confusion: list[list[int]]  # rows: true digit, columns: predicted digit
    misclassified: list[Misclassified]


@dataclass(frozen=True)
class Weights:
    """The trained model's weights, saved by the training process beside the results file:
    ``torch.save`` of the ``state_dict`` (``.weights.pt``) or Keras' ``save_weights``
    (``.weights.h5``). The quantization page loads them into the snippet's model."""

    file: str  # a file name, in the folder of the results file
    sha256: str


@dataclass(frozen=True)
class RunResult(Record):
    """Everything one run measured and the settings it ran with, as it reported them."""

    run: str
    framework: str
    experiment: str
    key: str
    settings: Settings
    parameters: int  # counted on the model the snippet built
    input_size: int  # side in pixels of the images the model read
    data: DataInfo
    trained_images: int
    history: list[Epoch]
    test: TestResult
    seconds: float
    versions: dict[str, str]
    machine: Machine
    created: str
    weights: Weights | None = None  # kept by the matched runs only
    format: int = field(default=RESULTS_FORMAT)

    FORMAT = RESULTS_FORMAT
    LOG = "[mnist]"

    @property
    def last(self) -> Epoch:
        return self.history[-1]

    @property
    def steps_per_epoch(self) -> int:
        """SGD steps in one epoch: every batch, the last smaller one included."""
        return -(-self.trained_images // self.settings.batch_size)
