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

The result (``ThroughputResult``, ``data_loading/results.py``) is written atomically under its
content key (``kit.cache.keyed_path``: ``<cache>/results/data-loading/<key>/throughput.json``),
under the entry's lock (two builds at once measure once), and read back with the kit's one
decoder (``kit/records.py``); a key made
of the snippet files, ``METHOD`` (not this module's text), the settings, the MNIST files' md5
sums, the library versions and the machine; a build measures only when no entry has its key
(a few seconds, most of it importing the frameworks). Each version of the snippets keeps its
own entry, so switching back to one measured before measures nothing.

    python -m site_build.core.data_loading.measure           # measure unless cached
    python -m site_build.core.data_loading.measure --force   # measure again

A page shows the result with ``{{ loading:throughput }}`` (the table) and
``{{ loading:machine }}`` (when, where and with what it was measured): ``data_loading/report.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from site_build.core.data_loading.results import LIBRARIES, Measurement, ThroughputResult
from site_build.core.errors import BuildError
from site_build.core.kit import machine, measurement_cli
from site_build.core.kit.cache import entry_lock, file_digest, fingerprint, keyed_path
from site_build.core.kit.frameworks import COMPARED, NAMES
from site_build.core.kit.process import progress, quiet_tensorflow, run_module
from site_build.core.kit.records import Machine, from_json
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
SETTINGS = {"images": 6400, "batch_size": 64, "epochs": 4, "workers": 2}


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


_log = progress("data-loading")


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
    for framework in COMPARED:
        _log(f"measuring {NAMES[framework]} in a fresh process")
        records += measure_in_subprocess(framework, settings)
    return ThroughputResult(
        key=key,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        machine=from_json(Machine, machine.describe()),
        versions=machine.versions(*LIBRARIES),
        settings=settings,
        seconds=time.perf_counter() - started,
        measurements=[from_json(Measurement, record) for record in records],
    )


def ensure_result(force: bool = False) -> tuple[ThroughputResult, bool]:
    """The cached result when its key matches, else a new measurement; (result, measured)."""
    settings = dict(SETTINGS)
    key = cache_key(settings, data_md5s())
    # Two builds at once measure once: the second waits, then finds the result (kit/cache.py).
    with entry_lock(result_path(key)):
        if not force:
            cached = ThroughputResult.read(result_path(key))
            if cached is not None and cached.key == key:
                return cached, False
        result = run(settings, key)
        result.write(result_path(key))
        return result, True


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
