"""The data loading page's throughput table: images per second of the page's own pipelines.

The build times the functions the page shows, imported from the snippets, never a copy:
``make_loader`` of ``snippets/data_loading/augmented_torch.py`` with 0 and 2 worker
processes, and ``make_dataset`` of ``augmented_tf.py`` with and without parallel calls and
prefetching, on the MNIST page's training images (``mnist_data.load_splits``).

Each framework is measured in a fresh interpreter (``--measure torch`` / ``--measure tf``
below): the DataLoader's workers start from a clean process, and neither framework shares a
process with the other or with MkDocs. A configuration's first epoch includes building the
pipeline (converting the images, starting the workers, tracing the map function, filling
tf.data's cache); then every configuration of the framework runs ``epochs`` more epochs in
turn, so that a slow moment of a shared machine falls on all of them alike. The table shows
the median rate of those later epochs, their range and the first epoch's time.

The result (``ThroughputResult``) is written atomically under its content key
(``kit.cache.keyed_path``: ``<cache>/results/data-loading/<key>/throughput.json``), a key made
of the snippet files, ``METHOD`` (not this module's text), the settings, the MNIST files' md5
sums, the library versions and the machine; a build measures only when no entry has its key
(a few seconds, most of it importing the frameworks). Each version of the snippets keeps its
own entry, so switching back to one measured before measures nothing.

    python -m site_build.core.data_loading.measure           # measure unless cached
    python -m site_build.core.data_loading.measure --force   # measure again

A page shows the result with ``{{ loading:throughput }}`` (the table) and
``{{ loading:machine }}`` (when, where and with what it was measured).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from site_build.core.catalog import texts
from site_build.core.errors import BuildError
from site_build.core.i18n_format import NBSP, number, seconds
from site_build.core.kit import machine, measurement_cli
from site_build.core.kit.cache import (
    atomic_write_json,
    entry_lock,
    file_digest,
    fingerprint,
    keyed_path,
    read_json,
)
from site_build.core.kit.frameworks import COMPARED, NAMES
from site_build.core.kit.markdown_table import markdown_table
from site_build.core.kit.process import quiet_tensorflow, run_module
from site_build.core.mnist_data import load_splits, locate
from site_build.core.paths import ROOT

# Raise when a change to this folder's code changes what is measured: the key covers the
# shown snippets, settings, data, versions and machine, not the build package's own files, so
# moving or tidying them measures nothing again.
METHOD = 1
SOURCES = (
    "snippets/data_loading/augmented_torch.py",
    "snippets/data_loading/augmented_tf.py",
)
LIBRARIES = ("torch", "tensorflow", "numpy")
SETTINGS = {"images": 6400, "batch_size": 64, "epochs": 4, "workers": 2}
TEXT = texts("data_loading")


def configurations(settings: dict[str, Any]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """framework -> [(configuration, keyword arguments of the snippet's function)]."""
    return {
        "torch": [
            ("workers_0", {"num_workers": 0}),
            ("workers_n", {"num_workers": settings["workers"]}),
        ],
        "tf": [("sequential", {"parallel": False}), ("parallel", {"parallel": True})],
    }


class MeasurementFailed(BuildError):
    """A measuring process failed; the message carries the end of its error output."""


@dataclass(frozen=True)
class Measurement:
    """One pipeline's epochs: the first (with start-up) and the later ones."""

    framework: str
    config: str
    images: int
    first_epoch_seconds: float
    epoch_seconds: tuple[float, ...]

    @property
    def rates(self) -> list[float]:
        return [self.images / s for s in self.epoch_seconds]

    @property
    def images_per_second(self) -> float:
        return statistics.median(self.rates)


@dataclass(frozen=True)
class ThroughputResult:
    """What the page shows, with what it was measured on and when."""

    key: str
    created: str  # ISO 8601, UTC
    machine: dict[str, Any]
    versions: dict[str, str]
    settings: dict[str, Any]
    seconds: float
    measurements: tuple[Measurement, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ThroughputResult:
        measurements = tuple(
            Measurement(**{**m, "epoch_seconds": tuple(m["epoch_seconds"])})
            for m in data["measurements"]
        )
        return cls(**{**data, "measurements": measurements})


def result_path(key: str) -> Path:
    return keyed_path("data-loading", key, "throughput.json")


def data_md5s() -> dict[str, str]:
    return locate(download=False).md5s()


def cache_key(settings: dict[str, Any], md5s: dict[str, str], root: Path = ROOT) -> str:
    return fingerprint(
        {
            "sources": {path: file_digest(root / path) for path in SOURCES},
            "method": METHOD,
            "settings": settings,
            "data": md5s,
            "versions": machine.versions(*LIBRARIES),
            "machine": machine.describe(),
        }
    )


def _log(message: str) -> None:
    print(f"[data-loading] {message}", file=sys.stderr, flush=True)


# In the measuring process -----------------------------------------------------------------


def _epoch(pipeline) -> int:
    """Read every batch once; returns the number of images."""
    return sum(len(labels) for _, labels in pipeline)


def measure(framework: str, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Time the snippet's own function in each configuration (run in a fresh process)."""
    if framework == "torch":
        from snippets.data_loading.augmented_torch import make_loader as make
    else:
        from snippets.data_loading.augmented_tf import make_dataset as make
    data = load_splits()
    n = min(settings["images"], len(data.train_labels))
    images, labels = data.train_images[:n], data.train_labels[:n]
    pipelines, records = {}, {}
    for config, arguments in configurations(settings)[framework]:
        started = time.perf_counter()
        pipelines[config] = make(images, labels, settings["batch_size"], **arguments)
        count = _epoch(pipelines[config])
        first = time.perf_counter() - started
        records[config] = {"framework": framework, "config": config, "images": count}
        records[config].update(first_epoch_seconds=first, epoch_seconds=[])
        _log(f"{NAMES[framework]} {config}: first epoch {first:.2f} s")
    for epoch in range(settings["epochs"]):
        for config, pipeline in pipelines.items():
            started = time.perf_counter()
            if _epoch(pipeline) != records[config]["images"]:
                raise RuntimeError(f"{config}: an epoch gave a different number of images")
            records[config]["epoch_seconds"].append(time.perf_counter() - started)
        _log(f"{NAMES[framework]}: epoch {epoch + 2} of {settings['epochs'] + 1} read")
    return list(records.values())


# In the build's process -------------------------------------------------------------------


def measure_in_subprocess(framework: str, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """``measure`` in a fresh interpreter; its progress lines are passed on as they come."""
    out = run_module(
        "site_build.core.data_loading.measure",
        *("--measure", framework, json.dumps(settings)),
        env=quiet_tensorflow(),
        show="[data-loading]",
        capture=True,
        keep=15,
        failed=lambda reason: MeasurementFailed(
            f"measuring the {NAMES[framework]} pipelines failed:\n{reason}"
        ),
    )
    return json.loads(out.strip().splitlines()[-1])


def run(settings: dict[str, Any], key: str) -> ThroughputResult:
    started = time.perf_counter()
    records = []
    for framework in ("torch", "tf"):
        _log(f"measuring {NAMES[framework]} in a fresh process")
        records += measure_in_subprocess(framework, settings)
    return ThroughputResult(
        key=key,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        machine=machine.describe(),
        versions=machine.versions(*LIBRARIES),
        settings=settings,
        seconds=time.perf_counter() - started,
        measurements=tuple(
            Measurement(**{**r, "epoch_seconds": tuple(r["epoch_seconds"])}) for r in records
        ),
    )


def ensure_result(force: bool = False) -> tuple[ThroughputResult, bool]:
    """The cached result when its key matches, else a new measurement; (result, measured)."""
    settings = dict(SETTINGS)
    key = cache_key(settings, data_md5s())
    # Two builds at once measure once: the second waits, then finds the result (kit/cache.py).
    with entry_lock(result_path(key)):
        if not force:
            cached = read_json(result_path(key))
            if cached and cached.get("key") == key:
                try:
                    return ThroughputResult.from_json(cached), False
                except (KeyError, TypeError):
                    pass  # an older format: measure again
        result = run(settings, key)
        atomic_write_json(result_path(key), result.to_json())
        return result, True


# What the page shows ----------------------------------------------------------------------


def _rate(value: float, language: str) -> str:
    return number(value, language, 0)


def throughput(result: ThroughputResult, language: str) -> str:
    t = TEXT[language]
    header = [t["framework"], t["pipeline"], t["ips"], t["spread"], t["first_epoch"]]
    rows = []
    for m in result.measurements:
        label = t["configs"][f"{m.framework}.{m.config}"].format(**result.settings)
        rates = m.rates
        spread = f"{_rate(min(rates), language)} \u2013 {_rate(max(rates), language)}"
        cells = [NAMES[m.framework], label, _rate(m.images_per_second, language), spread]
        cells.append(seconds(m.first_epoch_seconds, language, 2))
        rows.append(cells)
    return markdown_table(header, rows)


def machine_sentence(result: ThroughputResult, language: str) -> str:
    s = result.settings
    # LIBRARIES' order, also when read back from the JSON file (which sorts the names).
    names = sorted(result.versions, key=lambda n: LIBRARIES.index(n) if n in LIBRARIES else 99)
    versions = {name: result.versions[name] for name in names}
    return (
        TEXT[language]["machine"]
        .format(
            **machine.provenance_fields(result.machine, versions, result.created, language),
            images=number(result.measurements[0].images, language),
            batch=s["batch_size"],
            epochs=s["epochs"],
            seconds=seconds(result.seconds, language, 0),
        )
        .replace(" GiB", f"{NBSP}GiB")
    )


GENERATED = {"throughput": throughput, "machine": machine_sentence}


def main(argv: list[str] | None = None) -> int:
    parser = measurement_cli.parser(
        __doc__.splitlines()[0], "python -m site_build.core.data_loading.measure"
    )
    parser.add_argument("--measure", choices=COMPARED, help=argparse.SUPPRESS)
    parser.add_argument("settings", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # the measuring process: one JSON line on stdout
        print(json.dumps(measure(args.measure, json.loads(args.settings))))
        return 0
    return measurement_cli.report(
        lambda: ensure_result(args.force),
        lambda result: ("data loading throughput", result.seconds, result_path(result.key)),
        digits=1,
    )


if __name__ == "__main__":
    sys.exit(main())
