"""The MNIST training runs behind the MNIST pages: run each one once, cache its results.

Each run trains a model with the code of ``snippets/`` (the code the pages show) and writes
one JSON file of results. Its cache key covers everything that could change the result: the
run's snippet files and this module, its settings, the data's md5 sums and the library
versions. A key that matches means nothing is trained; editing only the PyTorch snippets
retrains only the PyTorch runs.

Each run trains in its own Python process (``python -m site_build.core.mnist_runs train NAME``)
so that one framework's settings (threads, determinism) never leak into the other's, and
the process that builds the site never holds a model in memory.

    python -m site_build.core.mnist_runs            # train whatever is out of date
    python -m site_build.core.mnist_runs --force    # retrain everything

Why over 300 lines: the training side (in the run's process) and the orchestration (in the
build's process) share RunSpec and the cache key, and this file is part of that key.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from site_build.core import machine, mnist_data
from site_build.core.cache import (
    atomic_write_json,
    cache_root,
    entry_lock,
    file_digest,
    fingerprint,
    read_json,
)
from site_build.core.errors import BuildError
from site_build.core.mnist_data import MnistDataError, MnistSplits, load_splits, locate
from site_build.core.paths import ROOT

FRAMEWORKS = {"torch": "PyTorch", "tf": "TensorFlow"}
LIBRARIES = {"torch": ("torch", "numpy"), "tf": ("tensorflow", "keras", "numpy")}
RUNNER_SOURCES = ("site_build/core/mnist_runs.py", "site_build/core/mnist_data.py")

# The matched comparison: the same settings for both frameworks.
MATCHED = {"batch_size": 64, "epochs": 10, "learning_rate": 0.01, "seed": 2026}
# The seed article's own settings (see docs/*/seed_replay.md): Keras' default batch of 32
# with validation_split=0.3, and PyTorch with batch 512 on 8x8 images; 5 epochs each.
ARTICLE = {"epochs": 5, "learning_rate": 0.01, "seed": 2026, "validation_split": 0.3}


class TrainingDiverged(BuildError):
    """A loss became NaN or infinite; no result is written and no plot is made from it."""


class RunFailed(BuildError):
    """A training process failed; its message says why and what to do."""


@dataclass(frozen=True)
class RunSpec:
    name: str
    framework: str
    experiment: str
    sources: tuple[str, ...]
    config: dict[str, Any] = field(hash=False)

    @property
    def label(self) -> str:
        return f"{FRAMEWORKS[self.framework]} ({self.experiment})"


def _matched(framework: str) -> RunSpec:
    return RunSpec(
        name=f"matched-{framework}",
        framework=framework,
        experiment="matched",
        sources=tuple(
            f"snippets/mnist/{part}_{framework}.py" for part in ("model", "pipeline", "training")
        ),
        config=dict(MATCHED),
    )


def _article(framework: str, batch_size: int) -> RunSpec:
    return RunSpec(
        name=f"article-{framework}",
        framework=framework,
        experiment="article",
        sources=(
            f"snippets/seed_replay/article_setup_{framework}.py",
            f"snippets/mnist/training_{framework}.py",
        ),
        config={**ARTICLE, "batch_size": batch_size},
    )


RUNS = {
    spec.name: spec
    for spec in (_matched("torch"), _matched("tf"), _article("torch", 512), _article("tf", 32))
}


def results_dir() -> Path:
    return cache_root() / "mnist-runs"


def results_path(spec: RunSpec) -> Path:
    return results_dir() / f"{spec.name}.json"


def cache_key(
    spec: RunSpec, data_md5s: dict[str, str], root: Path = ROOT, limit: int | None = None
) -> str:
    parts = {
        "sources": {p: file_digest(root / p) for p in (*spec.sources, *RUNNER_SOURCES)},
        "config": spec.config,
        "data": data_md5s,
        "descriptions": mnist_data.DESCRIPTIONS,
        "versions": machine.versions(*LIBRARIES[spec.framework]),
    }
    if limit:  # a shortened run must never pass for the full one
        parts["limit"] = limit
    return fingerprint(parts)


# Training, inside the run's own process ----------------------------------------------------


def _check_finite(spec: RunSpec, report: Callable[[dict], None]) -> Callable[[dict], None]:
    def on_epoch(record: dict) -> None:
        for metric in ("loss", "val_loss"):
            if not math.isfinite(record[metric]):
                raise TrainingDiverged(
                    f"{spec.label}: the {metric.replace('_', ' ')} is {record[metric]} at epoch "
                    f"{record['epoch']}. Nothing was written and no plot was made. Lower the "
                    f"learning rate in site_build/core/mnist_runs.py or look for the mistake in "
                    f"{', '.join(spec.sources)}."
                )
        report(record)

    return on_epoch


def _snippet(topic: str, name: str, framework: str):
    """A snippet module, imported only inside the run's own process."""
    return importlib.import_module(f"snippets.{topic}.{name}_{framework}")


def _train_matched(spec: RunSpec, data: MnistSplits, on_epoch):
    model_code, pipeline, training = (
        _snippet("mnist", name, spec.framework) for name in ("model", "pipeline", "training")
    )
    cfg = spec.config
    training.make_reproducible(cfg["seed"])
    model = model_code.build_model()

    def batches(images, labels, shuffle):
        return pipeline.make_batches(images, labels, cfg["batch_size"], shuffle, cfg["seed"])

    history = training.train(
        model,
        batches(data.train_images, data.train_labels, True),
        batches(data.val_images, data.val_labels, False),
        cfg["epochs"],
        cfg["learning_rate"],
        on_epoch,
    )
    test = batches(data.test_images, data.test_labels, False)
    return history, training.predict_classes(model, test), len(data.train_labels)


def _train_article(spec: RunSpec, data: MnistSplits, on_epoch):
    article = _snippet("seed_replay", "article_setup", spec.framework)
    # The article trains on one array and lets Keras hold out its last 30% for validation.
    images = np.concatenate([data.train_images, data.val_images])
    labels = np.concatenate([data.train_labels, data.val_labels])
    history, predicted = article.run_article_setup(images, labels, data.test_images, on_epoch)
    return history, predicted, math.ceil(len(labels) * (1 - ARTICLE["validation_split"]))


TRAINERS = {"matched": _train_matched, "article": _train_article}


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray) -> list[list[int]]:
    matrix = np.zeros((10, 10), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix.tolist()


def train_run(
    spec: RunSpec, output: Path, data: MnistSplits | None = None, limit: int | None = None
) -> dict:
    """Train one run and write its results atomically to ``output``."""
    data = data or load_splits()
    if limit:  # a short run on the first images, for tests
        data = MnistSplits(
            data.train_images[:limit],
            data.train_labels[:limit],
            data.val_images[:limit],
            data.val_labels[:limit],
            data.test_images[:limit],
            data.test_labels[:limit],
            full=data.full,
            md5s=data.md5s,
        )
    key = cache_key(spec, data.md5s, limit=limit)
    started = time.perf_counter()
    total = spec.config["epochs"]

    def report(record: dict) -> None:
        print(
            f"[mnist] {spec.label}: epoch {record['epoch']}/{total}  loss {record['loss']:.4f}  "
            f"val_loss {record['val_loss']:.4f}  val_acc {record['val_accuracy']:.4f}  "
            f"({record['seconds']:.1f} s)",
            file=sys.stderr,
            flush=True,
        )

    history, predicted, n_trained = TRAINERS[spec.experiment](
        spec, data, _check_finite(spec, report)
    )
    test_labels = data.test_labels
    for record in history:
        record["images_per_second"] = n_trained / record["train_seconds"]
    results = {
        "run": spec.name,
        "framework": spec.framework,
        "experiment": spec.experiment,
        "key": key,
        "config": spec.config,
        "data": {
            "full": data.full,
            "sizes": data.sizes,
            "md5": data.md5s,
            "description": data.description,
            "limited_to": limit,
        },
        "trained_images": n_trained,
        "history": history,
        "test": {
            "accuracy": float((predicted == test_labels).mean()),
            "confusion": confusion_matrix(test_labels, predicted),
            "misclassified": [
                {"index": int(i), "label": int(test_labels[i]), "predicted": int(predicted[i])}
                for i in np.flatnonzero(predicted != test_labels)[:24]
            ],
        },
        "seconds": time.perf_counter() - started,
        "versions": machine.versions(*LIBRARIES[spec.framework]),
        "machine": machine.describe(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write_json(output, results)
    return results


# Orchestration, in the build's process -------------------------------------------------------


@dataclass
class RunStatus:
    spec: RunSpec
    results: dict
    trained: bool
    seconds: float


def ensure_results(names: list[str] | None = None, force: bool = False) -> dict[str, RunStatus]:
    """Results of every run, training (in a separate process) only those out of date."""
    md5s = locate().md5s()
    statuses = {}
    for name in names or list(RUNS):
        spec = RUNS[name]
        key = cache_key(spec, md5s)
        # Two builds at once train a run once: the second waits, then finds it (cache.py).
        with entry_lock(results_path(spec)):
            cached = read_json(results_path(spec))
            if not force and cached and cached.get("key") == key:
                statuses[name] = RunStatus(spec, cached, trained=False, seconds=0.0)
                continue
            print(f"[mnist] training {spec.label}: its code, settings, data or versions changed")
            started = time.perf_counter()
            _train_in_subprocess(spec)
            results = read_json(results_path(spec))
            if not results or results.get("key") != key:
                raise RunFailed(f"{spec.label}: the training process wrote no valid results.")
            statuses[name] = RunStatus(spec, results, True, time.perf_counter() - started)
    return statuses


def _train_in_subprocess(spec: RunSpec) -> None:
    command = [sys.executable, "-m", "site_build.core.mnist_runs", "train", spec.name]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    tail: deque[str] = deque(maxlen=30)
    for line in process.stderr:  # pass progress lines on as they come
        sys.stderr.write(line)
        sys.stderr.flush()
        tail.append(line.rstrip())
    if process.wait() != 0:
        messages = [line.removeprefix("error: ") for line in tail if line.startswith("error: ")]
        reason = messages[-1] if messages else "\n".join(tail)
        raise RunFailed(f"Training {spec.label} failed: {reason}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the MNIST runs that are out of date.")
    parser.add_argument("command", nargs="?", choices=["train"], help="train one run (internal)")
    parser.add_argument("run", nargs="?", choices=sorted(RUNS))
    parser.add_argument("--force", action="store_true", help="retrain even when cached")
    parser.add_argument("--output", type=Path, help="results file (default: the cache)")
    parser.add_argument("--limit", type=int, help="use only the first N images of each split")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting, e.g. --set learning_rate=1e6 (tests use it)",
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            spec = RUNS[args.run]
            if args.set:
                overrides = {k: json.loads(v) for k, v in (item.split("=", 1) for item in args.set)}
                spec = RunSpec(**{**spec.__dict__, "config": {**spec.config, **overrides}})
            train_run(spec, args.output or results_path(spec), limit=args.limit)
        else:
            for status in ensure_results([args.run] if args.run else None, args.force).values():
                state = f"trained in {status.seconds:.0f} s" if status.trained else "cached"
                accuracy = status.results["test"]["accuracy"]
                print(f"{status.spec.label}: {state}, test accuracy {accuracy:.4f}")
    except (TrainingDiverged, RunFailed, MnistDataError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
