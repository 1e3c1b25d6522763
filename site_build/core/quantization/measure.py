"""The quantization page's measurements: the matched MNIST CNN before and after int8.

The models measured are the MNIST page's matched runs ("matched-torch", "matched-tf" in
``mnist/runs.py``), fully trained: ``trained_models`` there returns their results
(training them only if they are out of date) and the weights they kept; the build
(``generated.py``) and the command line (``__main__.py``) ask for them and pass them in, so
this folder imports no other measured page. For each framework,
in its own process (``python -m site_build.core.quantization.measure measure torch --weights
FILE``), the CNN of ``snippets/mnist/model_*.py`` is built again, given those weights, and
measured in float32 and again after each of the quantization page's recipes
(``snippets/quantization/``) has quantized it: dynamic (int8 weights, activations
quantized on the fly) and full integer (int8 weights and activations, calibrated on
training images). For each: file size, accuracy on the held-out test images, the latency
of one image and the throughput in batches of ``SETTINGS["batch"]`` on the CPU, the
variants of one framework timed in turns (``_time_interleaved``) on the same images and
thread count. A second, short pass of each framework over its int8 models runs
with ``ONEDNN_VERBOSE=1`` (``kit/onednn.py``): oneDNN's log names the int8 kernels PyTorch
ran and their instruction set (VNNI or AMX); LiteRT does not use oneDNN, so its log stays
empty and the page says that it cannot show LiteRT's kernels.
Nothing here is a second copy of the shown code: the functions are imported from the
snippets.

The float32 accuracy measured here must be the one the MNIST run recorded for the same
test images: otherwise the weights are not that run's, and the measurement fails.

The results are stored under their content key (``kit.cache.keyed_path``:
``<cache>/results/quantization/<key>/results.json``), a key made of the snippet files, the
settings, the MNIST runs' keys and weights digests, the data's md5 sums, the library versions
and the machine; new weights, or any other change, mean a new measurement, and switching back
to code measured before finds its results.

    python -m site_build.core.quantization            # measure unless cached
    python -m site_build.core.quantization --force    # measure again

The results are typed in ``results.py``; the page's tables and sentences are ``report.py``'s.
"""

from __future__ import annotations

import copy
import importlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from site_build.core.errors import BuildError
from site_build.core.kit import machine, measurement_cli, onednn
from site_build.core.kit.cache import (
    atomic_write_json,
    entry_lock,
    file_digest,
    fingerprint,
    keyed_path,
)
from site_build.core.kit.frameworks import COMPARED, NAMES
from site_build.core.kit.process import progress, quiet_tensorflow, run_module
from site_build.core.kit.records import TrainedModel, from_json
from site_build.core.paths import ROOT
from site_build.core.quantization.results import QuantizationResults

LIBRARIES = {
    "torch": ("torch", "torchao", "numpy"),
    "tf": ("tensorflow", "keras", "ai_edge_litert", "litert_quantizer", "numpy"),
}
# The MNIST runs whose trained models are measured.
RUNS = {"torch": "matched-torch", "tf": "matched-tf"}
# The float32 accuracy measured here and the run's may differ by rounding in another
# runtime (LiteRT) or batch size, by a few images at most.
ACCURACY_TOLERANCE = 0.002
SETTINGS = {
    "threads": 1,
    "latency_calls": 50,
    "warmup_calls": 5,
    "calibration_images": 200,  # the first training images, for full integer
    "batch": 256,  # the larger batch whose throughput is measured (the other is 1)
    "batch_repeats": 5,
}
# The short pass whose oneDNN log shows the int8 kernels: fewer images and calls.
TRACE = {**SETTINGS, "latency_calls": 1, "warmup_calls": 0, "batch": 32, "batch_repeats": 1}
TRACE_TEST_IMAGES = 64


def sources(framework: str) -> tuple[str, ...]:
    return (
        f"snippets/quantization/dynamic_{framework}.py",
        f"snippets/quantization/full_integer_{framework}.py",
        f"snippets/mnist/model_{framework}.py",  # builds the model the weights are loaded into
    )


class QuantizationFailed(BuildError):
    """A measuring process failed; the message carries the end of its error output."""


def results_path(key: str) -> Path:
    return keyed_path("quantization", key, "results.json")


def cache_key(data_md5s: dict[str, str], models: dict[str, TrainedModel], root: Path = ROOT) -> str:
    return fingerprint(
        {
            "sources": {path: file_digest(root / path) for fw in COMPARED for path in sources(fw)},
            "settings": SETTINGS,
            "models": {fw: {k: models[fw][k] for k in ("run", "key", "weights")} for fw in models},
            "data": data_md5s,
            "versions": {fw: machine.versions(*LIBRARIES[fw]) for fw in COMPARED},
            "machine": machine.describe(),
        }
    )


_log = progress("quantization")


# Measuring, inside one framework's own process ---------------------------------------------


def _time_interleaved(runs: dict[str, tuple], settings: dict) -> dict[str, dict]:
    """Latency and batch throughput of every variant, timed in turns so that a slower or busier
    moment of the machine falls on all of them alike. ``runs``: variant -> (a call on one
    image, a call on a batch or None, the batch's images). Returns variant -> the fields
    ``latency_ms`` and ``batch_images_per_second``."""
    rounds = 5  # latency calls are split into this many turns per variant
    for one, batch, _ in runs.values():
        for _ in range(settings["warmup_calls"]):
            one()
        if batch is not None:
            batch()
    times: dict[str, list[float]] = {name: [] for name in runs}
    rates: dict[str, list[float]] = {name: [] for name in runs}
    per_round = max(1, settings["latency_calls"] // rounds)
    for _ in range(rounds if settings["latency_calls"] > 1 else 1):
        for name, (one, _, _) in runs.items():
            for _ in range(per_round):
                started = time.perf_counter()
                one()
                times[name].append(1000 * (time.perf_counter() - started))
    for _ in range(settings["batch_repeats"]):
        for name, (_, batch, images) in runs.items():
            if batch is not None:
                started = time.perf_counter()
                batch()
                rates[name].append(images / (time.perf_counter() - started))
    return {
        name: {
            "latency_ms": {
                "median": statistics.median(times[name]),
                "min": min(times[name]),
                "max": max(times[name]),
            },
            "batch_images_per_second": rates[name] if runs[name][1] is not None else None,
        }
        for name in runs
    }


def _load(framework: str, weights: Path) -> tuple[Any, float]:
    """The MNIST run's trained CNN, rebuilt by its snippet; (model, seconds)."""
    started = time.perf_counter()
    model = load_model(framework, weights)
    return model, time.perf_counter() - started


def load_model(framework: str, path: Path) -> Any:
    """The matched model of ``snippets/mnist/model_*.py`` with the weights saved in ``path``."""
    model = importlib.import_module(f"snippets.mnist.model_{framework}").build_model()
    if framework == "torch":
        import torch

        model.load_state_dict(torch.load(path, weights_only=True))
    else:
        model.load_weights(str(path))
    return model


def _measure_torch(data, weights: Path, settings: dict) -> dict:
    import torch

    from snippets.quantization import dynamic_torch, full_integer_torch

    model, load_seconds = _load("torch", weights)
    # Inference is measured with the default kernels, on as many threads as LiteRT gets.
    torch.set_num_threads(settings["threads"])
    test = torch.from_numpy(data.test_images).unsqueeze(1).float() / 255
    labels = torch.from_numpy(data.test_labels)
    one = test[:1].clone()  # a copy: torch.export.save writes its example's whole storage
    big = test[: settings["batch"]]
    calibration = data.train_images[: settings["calibration_images"]]
    calibration = torch.from_numpy(calibration).unsqueeze(1).float() / 255

    runs = {}

    @torch.no_grad()
    def variant(name: str, run, n_bytes: int, one_at_a_time: bool = False) -> dict:
        batches = test.split(1 if one_at_a_time else 500)
        predicted = torch.cat([run(batch).argmax(1) for batch in batches])
        # The full integer program was exported for one image: no batch to time.
        runs[name] = (
            torch.no_grad()(lambda: run(one)),
            None if one_at_a_time else torch.no_grad()(lambda: run(big)),
            len(big),
        )
        return {
            "bytes": n_bytes,
            "accuracy": float((predicted == labels).float().mean()),
            "float_bytes": None,  # the float32 model in another file format: set below
        }

    model.eval()
    float32 = variant("float32", model, dynamic_torch.saved_bytes(model))

    # Full integer first: the dynamic recipe below changes the model in place.
    with tempfile.TemporaryDirectory(prefix="quantization-") as folder:
        float_file, int8_file = f"{folder}/mnist.pt2", f"{folder}/mnist_full_int8.pt2"
        torch.export.save(torch.export.export(model, (one,)), float_file)
        started = time.perf_counter()
        quantized = full_integer_torch.quantize_full_integer(model, calibration)
        full_quantize_seconds = time.perf_counter() - started
        full_integer_torch.save(quantized, int8_file, one)
        # Compiled for one image: the program was exported for that shape.
        fast = full_integer_torch.compile_int8(quantized, one)
        full_int8 = variant("full_int8", fast, os.path.getsize(int8_file), one_at_a_time=True)
        full_int8["float_bytes"] = os.path.getsize(float_file)

    dynamic = copy.deepcopy(model)  # the recipe changes the model in place
    started = time.perf_counter()
    dynamic_torch.quantize(dynamic)
    quantize_seconds = time.perf_counter() - started
    variants = {
        "float32": float32,
        "int8": variant("int8", dynamic, dynamic_torch.saved_bytes(dynamic)),
        "full_int8": full_int8,
    }
    timed = _time_interleaved(runs, settings)
    return {
        **{name: {**fields, **timed[name]} for name, fields in variants.items()},
        "load_seconds": load_seconds,
        "quantize_seconds": quantize_seconds,
        "full_quantize_seconds": full_quantize_seconds,
    }


def _measure_tf(data, weights: Path, settings: dict) -> dict:
    import numpy as np

    from snippets.quantization import dynamic_tf, full_integer_tf

    model, load_seconds = _load("tf", weights)
    test = data.test_images[..., np.newaxis].astype("float32") / 255
    big = test[: settings["batch"]]
    calibration = data.train_images[: settings["calibration_images"], ..., np.newaxis]
    calibration = calibration.astype("float32") / 255

    runs, one = {}, test[:1]

    def variant(name: str, path: str, loader=dynamic_tf.load) -> dict:
        predict = loader(path, threads=settings["threads"])
        batches = (test[i : i + 500] for i in range(0, len(test), 500))
        predicted = np.concatenate([predict(batch).argmax(1) for batch in batches])
        runs[name] = (lambda: predict(one), lambda: predict(big), len(big))
        return {
            "bytes": os.path.getsize(path),
            "accuracy": float((predicted == data.test_labels[: len(test)]).mean()),
            "float_bytes": None,  # the float32 row is a .tflite file too
        }

    with tempfile.TemporaryDirectory(prefix="quantization-") as folder:
        float_file, int8_file = f"{folder}/mnist.tflite", f"{folder}/mnist_int8.tflite"
        full_file = f"{folder}/mnist_full_int8.tflite"
        dynamic_tf.export_float(model, float_file)
        started = time.perf_counter()
        dynamic_tf.quantize(float_file, int8_file)
        quantize_seconds = time.perf_counter() - started
        started = time.perf_counter()
        full_integer_tf.quantize_full_integer(float_file, full_file, calibration)
        full_quantize_seconds = time.perf_counter() - started
        variants = {
            "float32": variant("float32", float_file),
            "int8": variant("int8", int8_file),
            "full_int8": variant("full_int8", full_file, full_integer_tf.load_int8),
        }
        timed = _time_interleaved(runs, settings)
        return {
            **{name: {**fields, **timed[name]} for name, fields in variants.items()},
            "load_seconds": load_seconds,
            "quantize_seconds": quantize_seconds,
            "full_quantize_seconds": full_quantize_seconds,
        }


def measure(framework: str, weights: Path, output: Path | None, trace: bool = False) -> None:
    """Load the trained model, quantize and measure it; write this framework's results.
    ``trace``: the short pass for oneDNN's log, on a few test images; nothing written."""
    import dataclasses

    from site_build.core.mnist_data import load_splits

    data = load_splits()
    settings = TRACE if trace else SETTINGS
    if trace:
        n = TRACE_TEST_IMAGES
        data = dataclasses.replace(
            data, test_images=data.test_images[:n], test_labels=data.test_labels[:n]
        )
    result = {"torch": _measure_torch, "tf": _measure_tf}[framework](data, weights, settings)
    if output is None:
        return
    result["versions"] = machine.versions(*LIBRARIES[framework])
    result["data"] = {"sizes": data.sizes, "full": data.full}
    atomic_write_json(output, result)


# Orchestration, in the build's process ------------------------------------------------------


def _in_subprocess(framework: str, weights: Path, *args: str, **options) -> str:
    return run_module(
        "site_build.core.quantization.measure",
        *("measure", framework, "--weights", str(weights), *args),
        show="[quantization]",
        keep=20,
        failed=lambda reason: QuantizationFailed(
            f"measuring {NAMES[framework]} failed; the end of its output:\n{reason}"
        ),
        **options,
    )


def _check_accuracy(framework: str, model: TrainedModel, measured: float) -> None:
    """The float32 model measured here must score what its MNIST run recorded."""
    if abs(measured - model["accuracy"]) > ACCURACY_TOLERANCE:
        raise QuantizationFailed(
            f"{NAMES[framework]}: the float32 model loaded from {model['path']} scores "
            f"{measured:.4f} on the test images, but its run {model['run']} recorded "
            f"{model['accuracy']:.4f}, so the weights are not that run's. Retrain it with "
            f"'python -m site_build.core.mnist.runs --force {model['run']}' and build again."
        )


def run_all(key: str, models: dict[str, TrainedModel]) -> QuantizationResults:
    started = time.perf_counter()
    frameworks, data = {}, {}
    with tempfile.TemporaryDirectory(prefix="quantization-") as folder:
        for framework in COMPARED:
            t = time.perf_counter()
            model = models[framework]
            weights = Path(model["path"])
            _log(f"{NAMES[framework]}: quantizing the trained CNN of run {model['run']}")
            output = Path(folder) / f"{framework}.json"
            _in_subprocess(framework, weights, "--output", str(output), env=quiet_tensorflow())
            part = json.loads(output.read_text(encoding="utf-8"))
            data = part.pop("data")
            _check_accuracy(framework, model, part["float32"]["accuracy"])
            _log(f"{NAMES[framework]}: the int8 kernels, from oneDNN's log")
            log = _in_subprocess(
                framework,
                weights,
                "--trace",
                env={**quiet_tensorflow(), **onednn.VERBOSE},
                capture=True,
            )
            kernels, _ = onednn.parse_log(log)
            frameworks[framework] = {**part, "kernels": [vars(k) for k in kernels]}
            _log(f"{NAMES[framework]}: measured ({time.perf_counter() - t:.1f} s)")
    return from_json(
        QuantizationResults,
        {
            "key": key,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            # Both runs train with the MNIST page's matched settings: the same epochs.
            "settings": {**SETTINGS, "epochs": models["torch"]["epochs"]},
            "models": models,
            "machine": machine.describe(),
            "cpu_flags": onednn.cpu_flags(),
            "data": data,
            "frameworks": frameworks,
            "seconds": time.perf_counter() - started,
            "format": QuantizationResults.FORMAT,
        },
    )


def ensure_results(
    models: dict[str, TrainedModel],
    force: bool = False,
    data_md5s: dict[str, str] | None = None,
) -> tuple[QuantizationResults, bool]:
    """(results, measured): the cached results when their key matches, else new ones.

    ``models`` are the MNIST runs' trained models (``mnist/runs.py``, ``trained_models``
    of the runs in ``RUNS``): the caller asks that folder for them, so this one imports no
    other measured page."""
    if data_md5s is None:
        from site_build.core.mnist_data import locate

        data_md5s = locate().md5s()
    key = cache_key(data_md5s, models)
    # Two builds at once measure once: the second waits, then finds the result (kit/cache.py).
    with entry_lock(results_path(key)):
        cached = QuantizationResults.read(results_path(key))
        if not force and cached is not None and cached.key == key:
            return cached, False
        results = run_all(key, models)
        results.write(results_path(key))
        return results, True


def main(
    argv: list[str] | None = None,
    trained_models: Callable[[], dict[str, TrainedModel]] | None = None,
) -> int:
    """The command line; ``trained_models`` gives the MNIST models to measure (``__main__.py``
    passes the MNIST page's), not needed by the internal ``measure`` command."""
    parser = measurement_cli.parser(
        "Measure the quantized MNIST models.", "python -m site_build.core.quantization"
    )
    parser.add_argument("command", nargs="?", choices=["measure"], help="internal")
    parser.add_argument("framework", nargs="?", choices=sorted(COMPARED))
    parser.add_argument("--weights", type=Path, help="internal: the trained model's weights")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--trace", action="store_true", help="internal: oneDNN's log pass")
    args = parser.parse_args(argv)
    if args.command == "measure":
        measure(args.framework, args.weights, None if args.trace else args.output, args.trace)
        return 0
    if trained_models is None:
        parser.error("measure the page with 'python -m site_build.core.quantization'")
    # A failed measurement or MNIST run, missing data: an error line, exit status 1.
    return measurement_cli.report(
        lambda: ensure_results(trained_models(), args.force),
        lambda results: ("quantization", results.seconds, results_path(results.key)),
    )


if __name__ == "__main__":
    sys.exit(main())
