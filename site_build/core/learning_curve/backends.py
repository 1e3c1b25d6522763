"""The learning-curve page's backend table: the page's Keras classifier on each Keras 3 backend.

The page's Keras code (``snippets/learning_curve/trainer_tf.py``, with the network and data of
``classifier_tf.py``) imports only Keras, so the build runs it, never a copy, once per backend
in a fresh interpreter with ``KERAS_BACKEND`` set (``--train BACKEND`` below): Keras reads the
variable once, when it is first imported, and the build's own process never sees it. Same
model, data, seeds, epochs and batches on every backend; what differs is the backend's
arithmetic and its random number generator.

The result (``BackendResults``) is written atomically under its content key
(``kit.cache.keyed_path``: ``<cache>/results/keras-backends/<key>/results.json``), a key made
of the two snippet files, ``METHOD``, the library versions and the machine; a build trains
only when no entry has its key (104 s for the three on a busy two-core machine).

    python -m site_build.core.learning_curve.backends           # train unless cached
    python -m site_build.core.learning_curve.backends --force   # train again

A page shows the result with ``{{ backends:table }}`` (the table) and
``{{ backends:machine }}`` (when, where and with what it was trained).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_build.core.catalog import texts
from site_build.core.errors import BuildError
from site_build.core.i18n_format import number, seconds
from site_build.core.kit import machine, measurement_cli
from site_build.core.kit.cache import entry_lock, file_digest, fingerprint, keyed_path
from site_build.core.kit.frameworks import NAMES
from site_build.core.kit.markdown_table import markdown_table
from site_build.core.kit.process import progress, quiet_tensorflow, run_module
from site_build.core.kit.records import Machine, Record, from_json, ordered
from site_build.core.paths import ROOT

# Raise when a change to this module changes what is trained or recorded: the key covers the
# snippets, versions and machine, not the build package's files.
METHOD = 1
# 1: read by the kit's decoder (a format number, the machine as ``kit.records.Machine``); the
# files of before have none, so each cache trains once again.
RESULTS_FORMAT = 1
SOURCES = (
    "snippets/learning_curve/classifier_tf.py",
    "snippets/learning_curve/trainer_tf.py",
)
# KERAS_BACKEND's value -> the name the table shows, in the page's tab order (JAX is a Keras
# backend, not one of the frameworks the site compares: its name is written here).
BACKENDS = {"torch": NAMES["torch"], "tensorflow": NAMES["tf"], "jax": "JAX"}
LIBRARIES = ("keras", "torch", "tensorflow", "jax", "numpy")
TEXT = texts("keras_backends")


class TrainingFailed(BuildError):
    """A backend's training process failed; the message carries the end of its errors."""


@dataclass(frozen=True)
class BackendRun:
    """What one backend's run of the page's Keras code gave."""

    backend: str  # what keras.backend.backend() said in that process
    kernel_type: str  # the class of the first layer's kernel tensor
    first_weight: float  # kernel[0, 0] of the first layer as make_model() starts it
    epoch_losses: tuple[float, ...]
    test_loss: float
    test_accuracy: float


@dataclass(frozen=True)
class BackendResults(Record):
    """Written under the cache key and read back with ``Record.read`` (``kit/records.py``, the
    one decoder of every family's results): a file of another format is trained again."""

    key: str
    created: str  # ISO 8601, UTC
    machine: Machine
    versions: dict[str, str]
    seconds: float
    runs: tuple[BackendRun, ...]
    format: int = field(default=RESULTS_FORMAT)

    FORMAT = RESULTS_FORMAT
    LOG = "[keras-backends]"


def result_path(key: str) -> Path:
    return keyed_path("keras-backends", key, "results.json")


def cache_key(root: Path = ROOT) -> str:
    return fingerprint(
        {
            "sources": {path: file_digest(root / path) for path in SOURCES},
            "method": METHOD,
            "versions": machine.versions(*LIBRARIES),
            "machine": machine.describe(),
        }
    )


_log = progress("keras-backends")


# In the training process (KERAS_BACKEND set) ----------------------------------------------


def train() -> dict[str, Any]:
    """Import (so run) the page's Keras code on the backend KERAS_BACKEND names."""
    import keras

    from snippets.learning_curve import trainer_tf as keras_code

    kernel = keras_code.model.layers[0].kernel.value
    # make_model() seeds itself, so a new model has the starting weights of the trained one.
    start = keras.ops.convert_to_numpy(keras_code.make_model().layers[0].kernel.value)
    return {
        "backend": keras.backend.backend(),
        "kernel_type": type(kernel).__name__,
        "first_weight": float(start[0, 0]),
        "epoch_losses": [float(x) for x in keras_code.history.history["loss"]],
        "test_loss": float(keras_code.test_loss),
        "test_accuracy": float(keras_code.test_accuracy),
    }


# In the build's process -------------------------------------------------------------------


def train_in_subprocess(backend: str) -> BackendRun:
    """``train`` in a fresh interpreter with ``KERAS_BACKEND=backend``."""
    out = run_module(
        "site_build.core.learning_curve.backends",
        "--train",
        backend,
        env={**quiet_tensorflow(), "KERAS_BACKEND": backend},
        show="[keras-backends]",
        capture=True,
        keep=15,
        failed=lambda reason: TrainingFailed(
            f"training the learning-curve page's Keras model on the {BACKENDS[backend]} "
            f"backend failed (snippets/learning_curve/trainer_tf.py):\n{reason}"
        ),
    )
    found = json.loads(out.strip().splitlines()[-1])
    if found["backend"] != backend:
        raise TrainingFailed(
            f"KERAS_BACKEND={backend} gave Keras the backend {found['backend']!r}: a "
            "keras.json or an earlier import decided it; unset it and build again."
        )
    return from_json(BackendRun, found)


def run(key: str) -> BackendResults:
    started = time.perf_counter()
    runs = []
    for backend, name in BACKENDS.items():
        _log(f"training the Keras classifier on {name} in a fresh process")
        runs.append(train_in_subprocess(backend))
    return BackendResults(
        key=key,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        machine=Machine(**machine.describe()),
        versions=machine.versions(*LIBRARIES),
        seconds=time.perf_counter() - started,
        runs=tuple(runs),
    )


def ensure_result(force: bool = False) -> tuple[BackendResults, bool]:
    """The cached result when its key matches, else a new run; (result, trained)."""
    key = cache_key()
    with entry_lock(result_path(key)):
        if not force:
            cached = BackendResults.read(result_path(key))
            if cached and cached.key == key:
                return cached, False
        result = run(key)
        result.write(result_path(key))
        return result, True


# What the page shows ----------------------------------------------------------------------


def table(result: BackendResults, language: str) -> str:
    t = TEXT[language]
    header = [t["backend"], t["kernel"], t["first_weight"], t["first_loss"], t["last_loss"]]
    header += [t["test_loss"], t["test_accuracy"]]
    rows = [
        [
            BACKENDS.get(run.backend, run.backend),
            f"`{run.kernel_type}`",
            number(run.first_weight, language, 4),
            number(run.epoch_losses[0], language, 3),
            number(run.epoch_losses[-1], language, 3),
            number(run.test_loss, language, 3),
            number(run.test_accuracy, language, 3),
        ]
        for run in result.runs
    ]
    return markdown_table(header, rows)


def machine_sentence(result: BackendResults, language: str) -> str:
    versions = ordered(result.versions, LIBRARIES)
    fields = machine.provenance_fields(vars(result.machine), versions, result.created, language)
    return TEXT[language]["machine"].format(
        **fields,
        epochs=len(result.runs[0].epoch_losses),
        seconds=seconds(result.seconds, language, 0),
    )


GENERATED = {"table": table, "machine": machine_sentence}


def main(argv: list[str] | None = None) -> int:
    parser = measurement_cli.parser(
        __doc__.splitlines()[0], "python -m site_build.core.learning_curve.backends"
    )
    parser.add_argument("--train", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.train:  # the training process: one JSON line on stdout
        print(json.dumps(train()))
        return 0
    return measurement_cli.report(
        lambda: ensure_result(args.force),
        lambda result: ("Keras backends", result.seconds, result_path(result.key)),
    )


if __name__ == "__main__":
    sys.exit(main())
