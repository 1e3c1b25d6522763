"""The data loading page's results, typed: what each measuring process reports and what the
results file holds.

The measuring processes (``data_loading/measure.py``) report a ``Measurement`` per pipeline;
the build gathers them into a ``ThroughputResult``, writes it under its cache key and reads it
back with ``kit/records.py``'s one decoder (``Record.read``): a file with missing, extra or
mistyped fields, or of another ``FORMAT``, counts as missing and is measured again. The page's
table and sentence (``data_loading/report.py``) read nothing else.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from site_build.core.kit.records import Machine, Record, ordered

# Raise when the fields below change: a file of another format is measured again.
RESULTS_FORMAT = 1
# The libraries whose versions a measurement records, in the order the page lists them.
LIBRARIES = ("torch", "tensorflow", "numpy")


@dataclass(frozen=True)
class Measurement:
    """One pipeline's epochs: the first (with start-up) and the later ones."""

    framework: str
    config: str
    images: int
    first_epoch_seconds: float
    epoch_seconds: list[float]

    @property
    def rates(self) -> list[float]:
        return [self.images / s for s in self.epoch_seconds]

    @property
    def images_per_second(self) -> float:
        return statistics.median(self.rates)


@dataclass(frozen=True)
class ThroughputResult(Record):
    """What the page shows, with what it was measured on and when."""

    key: str
    created: str  # ISO 8601, UTC
    machine: Machine
    versions: dict[str, str]
    settings: dict[str, Any]
    seconds: float
    measurements: list[Measurement]
    format: int = field(default=RESULTS_FORMAT)

    FORMAT = RESULTS_FORMAT
    LOG = "[data-loading]"
    AGAIN = "measured again"

    def ordered_versions(self) -> dict[str, str]:
        """The versions in ``LIBRARIES``' order, also when read back from the JSON file (which
        sorts the names)."""
        return ordered(self.versions, LIBRARIES)
