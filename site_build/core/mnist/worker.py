"""One MNIST run, trained inside its own process with the code of ``snippets/``.

``mnist/runs.py`` starts ``python -m site_build.core.mnist.runs train NAME``, which calls
``train_run`` here with a ``RunSpec`` of ``mnist/spec.py``. The run's settings are passed to
the snippets that train; what they report back (the settings they ran with, the parameters
of the model they built, the size of its input images) and what this module measures
(losses, timings, predictions) become one ``RunResult``, written atomically. The matched
runs also keep the model they trained: its weights go beside the results file
(``weights_file``), written first, so that a results file never names weights that are not
there; the quantization page builds the snippet's model again and loads them
(``quantization/measure.py``, ``load_model``). A snippet that ran with other settings than
it was given fails the run: the page would otherwise describe a run that did not happen.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import math
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from site_build.core.errors import BuildError
from site_build.core.kit import machine
from site_build.core.kit.cache import atomic_write_bytes
from site_build.core.kit.records import Machine
from site_build.core.mnist.results import (
    DataInfo,
    Epoch,
    Misclassified,
    RunResult,
    Settings,
    TestResult,
    Weights,
)
from site_build.core.mnist.spec import RunSpec
from site_build.core.mnist_data import MnistSplits, load_splits


class TrainingDiverged(BuildError):
    """A loss became NaN or infinite; no result is written and no plot is made from it."""


class SettingsMismatch(BuildError):
    """A snippet reported other settings than the ones it was given."""


def _check_finite(spec: RunSpec, report: Callable[[dict], None]) -> Callable[[dict], None]:
    def on_epoch(record: dict) -> None:
        for metric in ("loss", "val_loss"):
            if not math.isfinite(record[metric]):
                raise TrainingDiverged(
                    f"{spec.label}: the {metric.replace('_', ' ')} is {record[metric]} at epoch "
                    f"{record['epoch']}. Nothing was written and no plot was made. Lower the "
                    f"learning rate in site_build/core/mnist/spec.py or look for the mistake in "
                    f"{', '.join(spec.sources)}."
                )
        report(record)

    return on_epoch


def _snippet(topic: str, name: str, framework: str):
    """A snippet module, imported only inside the run's own process."""
    return importlib.import_module(f"snippets.{topic}.{name}_{framework}")


def _count_parameters(framework: str, model: Any) -> int:
    if framework == "torch":
        return sum(p.numel() for p in model.parameters())
    return int(model.count_params())


def _train_matched(spec: RunSpec, data: MnistSplits, on_epoch) -> dict[str, Any]:
    """The matched runs: the MNIST page's model, pipeline and training loop, given the
    settings; returns what the article snippets return (see ``_train_article``)."""
    model_code, pipeline, training = (
        _snippet("mnist", name, spec.framework) for name in ("model", "pipeline", "training")
    )
    s = spec.settings
    training.make_reproducible(s.seed)
    model = model_code.build_model()

    def batches(images, labels, shuffle):
        return pipeline.make_batches(images, labels, s.batch_size, shuffle, s.seed)

    train_batches = batches(data.train_images, data.train_labels, True)
    history = training.train(
        model,
        train_batches,
        batches(data.val_images, data.val_labels, False),
        s.epochs,
        s.learning_rate,
        on_epoch,
    )
    first_images, _ = next(iter(train_batches))
    test = batches(data.test_images, data.test_labels, False)
    return {
        "history": history,
        "predicted": training.predict_classes(model, test),
        "settings": {
            # the size of a full first batch (a test's short run may have fewer images)
            "batch_size": int(first_images.shape[0])
            if len(data.train_labels) >= s.batch_size
            else s.batch_size,
            "epochs": len(history),
            "learning_rate": s.learning_rate,
            "seed": s.seed,
        },
        "trained_images": len(data.train_labels),
        "parameters": _count_parameters(spec.framework, model),
        "input_size": int(first_images.shape[2]),  # N, C, H, W or N, H, W, C
        "model": model,
    }


def _train_article(spec: RunSpec, data: MnistSplits, on_epoch) -> dict[str, Any]:
    """The article runs: ``run_article_setup`` of snippets/seed_replay/, given the settings.

    The article trains on one array and holds out its last part for validation, so the
    training and validation images are joined again here."""
    article = _snippet("seed_replay", "article_setup", spec.framework)
    images = np.concatenate([data.train_images, data.val_images])
    labels = np.concatenate([data.train_labels, data.val_labels])
    s = spec.settings
    return article.run_article_setup(
        images,
        labels,
        data.test_images,
        on_epoch,
        epochs=s.epochs,
        batch_size=s.batch_size,
        learning_rate=s.learning_rate,
        validation_split=s.validation_split,
        seed=s.seed,
    )


TRAINERS = {"matched": _train_matched, "article": _train_article}

# Keras' save_weights requires the name to end in ".weights.h5".
WEIGHTS_SUFFIX = {"torch": ".weights.pt", "tf": ".weights.h5"}


def weights_file(results_file: Path, framework: str) -> Path:
    """Where the weights of the run whose results are ``results_file`` are kept."""
    return results_file.with_name(results_file.stem + WEIGHTS_SUFFIX[framework])


def _weights_bytes(framework: str, model: Any) -> bytes:
    if framework == "torch":
        import torch

        buffer = io.BytesIO()
        torch.save(model.state_dict(), buffer)
        return buffer.getvalue()
    with tempfile.TemporaryDirectory(prefix="mnist-weights-") as folder:
        path = Path(folder) / f"model{WEIGHTS_SUFFIX['tf']}"
        model.save_weights(str(path))
        return path.read_bytes()


def save_weights(framework: str, model: Any, path: Path) -> Weights:
    """Write ``model``'s weights to ``path`` atomically; what the results record of them."""
    data = _weights_bytes(framework, model)
    atomic_write_bytes(path, data)
    return Weights(file=path.name, sha256=hashlib.sha256(data).hexdigest())


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray) -> list[list[int]]:
    matrix = np.zeros((10, 10), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix.tolist()


def _reported_settings(spec: RunSpec, reported: dict[str, Any]) -> Settings:
    ran = Settings(**reported)
    if ran != spec.settings:
        raise SettingsMismatch(
            f"{spec.label} was asked to train with {spec.settings} but reported {ran}: make "
            f"{' and '.join(spec.sources)} use the settings that "
            "site_build/core/mnist/worker.py passes, and report the ones it used."
        )
    return ran


def _epoch(record: dict[str, Any], trained_images: int) -> Epoch:
    """A snippet's record of one epoch (plain numbers of either framework), typed."""
    values = {name: int(v) if name == "epoch" else float(v) for name, v in record.items()}
    return Epoch(**values, images_per_second=trained_images / values["train_seconds"])


def _limited(data: MnistSplits, limit: int) -> MnistSplits:
    """The first ``limit`` images of each split: a short run, for tests."""
    return MnistSplits(
        data.train_images[:limit],
        data.train_labels[:limit],
        data.val_images[:limit],
        data.val_labels[:limit],
        data.test_images[:limit],
        data.test_labels[:limit],
        full=data.full,
        md5s=data.md5s,
    )


def train_run(
    spec: RunSpec,
    output: Path,
    key: Callable[[MnistSplits], str],
    data: MnistSplits | None = None,
    limit: int | None = None,
) -> RunResult:
    """Train one run and write its results atomically to ``output``."""
    data = data or load_splits()
    if limit:
        data = _limited(data, limit)
    started = time.perf_counter()

    def report(record: dict) -> None:
        print(
            f"[mnist] {spec.label}: epoch {record['epoch']}/{spec.settings.epochs}  "
            f"loss {record['loss']:.4f}  val_loss {record['val_loss']:.4f}  "
            f"val_acc {record['val_accuracy']:.4f}  ({record['seconds']:.1f} s)",
            file=sys.stderr,
            flush=True,
        )

    run = TRAINERS[spec.experiment](spec, data, _check_finite(spec, report))
    settings = _reported_settings(spec, run["settings"])
    trained = int(run["trained_images"])
    labels, predicted = data.test_labels, np.asarray(run["predicted"])
    # The weights first: results that name them are written only once they are there.
    weights = None
    if "model" in run:
        weights = save_weights(spec.framework, run["model"], weights_file(output, spec.framework))
    result = RunResult(
        run=spec.name,
        framework=spec.framework,
        experiment=spec.experiment,
        key=key(data),
        settings=settings,
        parameters=int(run["parameters"]),
        input_size=int(run["input_size"]),
        data=DataInfo(
            full=data.full,
            sizes=data.sizes,
            md5=data.md5s,
            limited_to=limit,
        ),
        trained_images=trained,
        history=[_epoch(record, trained) for record in run["history"]],
        test=TestResult(
            accuracy=float((predicted == labels).mean()),
            confusion=confusion_matrix(labels, predicted),
            misclassified=[
                Misclassified(int(i), int(labels[i]), int(predicted[i]))
                for i in np.flatnonzero(predicted != labels)[:24]
            ],
        ),
        seconds=time.perf_counter() - started,
        versions=machine.versions(*spec.libraries),
        machine=Machine(**machine.describe()),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        weights=weights,
    )
    result.write(output)
    return result
