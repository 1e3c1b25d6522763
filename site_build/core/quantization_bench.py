"""The quantization page's measurements: the matched MNIST CNN before and after int8.

For each framework, in its own process (``python -m site_build.core.quantization_bench
measure torch``), the matched CNN of ``snippets/mnist/`` is trained briefly with the MNIST
snippets' own functions (the MNIST runs keep results, not weights), then measured in
float32 and again after each of the quantization page's recipes (``snippets/quantization/``)
has quantized it: dynamic (int8 weights, activations quantized on the fly) and full
integer (int8 weights and activations, calibrated on training images). For each: file
size, accuracy on the held-out test images and the latency of one image on the CPU.
Nothing here is a second copy of the shown code: the functions are imported from the
snippets.

The results are cached in ``<cache>/quantization/results.json`` under a key made of the
snippet files, this module, the settings, the data's md5 sums, the library versions and
the machine; a build measures again only when one of them changes (about a minute on two
cores).

    python -m site_build.core.quantization_bench            # measure unless cached
    python -m site_build.core.quantization_bench --force    # measure again
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

from site_build.core import machine
from site_build.core.cache import (
    atomic_write_json,
    cache_root,
    entry_lock,
    file_digest,
    fingerprint,
    read_json,
)
from site_build.core.catalog import texts
from site_build.core.errors import BuildError
from site_build.core.i18n_format import number, percent, seconds
from site_build.core.paths import ROOT

FRAMEWORKS = {"torch": "PyTorch", "tf": "TensorFlow"}
LIBRARIES = {
    "torch": ("torch", "torchao", "numpy"),
    "tf": ("tensorflow", "keras", "ai_edge_litert", "litert_quantizer", "numpy"),
}
# The matched settings of the MNIST page (batch, learning rate, seed), for fewer epochs.
SETTINGS = {
    "epochs": 1,
    "batch_size": 64,
    "learning_rate": 0.01,
    "seed": 2026,
    "threads": 1,
    "latency_calls": 50,
    "warmup_calls": 5,
    "calibration_images": 200,  # the first training images, for full integer
}


def sources(framework: str) -> tuple[str, ...]:
    return (
        "site_build/core/quantization_bench.py",
        "site_build/core/mnist_data.py",
        f"snippets/quantization/dynamic_{framework}.py",
        f"snippets/quantization/full_integer_{framework}.py",
        *(f"snippets/mnist/{part}_{framework}.py" for part in ("model", "pipeline", "training")),
    )


class Variant(TypedDict, total=False):
    """One model file measured: float32 or int8."""

    bytes: int
    accuracy: float
    latency_ms: dict[str, float]  # median, min, max of single-image calls
    float_bytes: int  # the float32 model in the same file format, when it differs


VARIANTS = ("float32", "int8", "full_int8")  # the table's rows, in this order


class FrameworkResult(TypedDict):
    float32: Variant
    int8: Variant  # dynamic: int8 weights, activations quantized on the fly
    full_int8: Variant  # full integer: int8 weights and calibrated activations
    train_seconds: float
    quantize_seconds: float
    full_quantize_seconds: float  # calibration included
    versions: dict[str, str]


class Results(TypedDict):
    key: str
    created: str
    settings: dict[str, Any]
    machine: dict[str, Any]
    data: dict[str, Any]
    frameworks: dict[str, FrameworkResult]
    seconds: float


class QuantizationFailed(BuildError):
    """A measuring process failed; the message carries the end of its error output."""


def results_path() -> Path:
    return cache_root() / "quantization" / "results.json"


def cache_key(data_md5s: dict[str, str], root: Path = ROOT) -> str:
    return fingerprint(
        {
            "sources": {
                path: file_digest(root / path) for fw in FRAMEWORKS for path in sources(fw)
            },
            "settings": SETTINGS,
            "data": data_md5s,
            "versions": {fw: machine.versions(*LIBRARIES[fw]) for fw in FRAMEWORKS},
            "machine": machine.describe(),
        }
    )


def _log(message: str) -> None:
    print(f"[quantization] {message}", file=sys.stderr, flush=True)


# Measuring, inside one framework's own process ---------------------------------------------


def _latency(call, calls: int, warmup: int) -> dict[str, float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - started))
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def _train(framework: str, data) -> tuple[Any, Any, float]:
    """The matched CNN, trained with the MNIST snippets; (model, pipeline module, seconds)."""
    model_code, pipeline, training = (
        importlib.import_module(f"snippets.mnist.{name}_{framework}")
        for name in ("model", "pipeline", "training")
    )
    s = SETTINGS
    training.make_reproducible(s["seed"])
    model = model_code.build_model()
    started = time.perf_counter()
    training.train(
        model,
        pipeline.make_batches(
            data.train_images, data.train_labels, s["batch_size"], True, s["seed"]
        ),
        pipeline.make_batches(data.val_images, data.val_labels, s["batch_size"], False),
        s["epochs"],
        s["learning_rate"],
        lambda record: _log(
            f"{FRAMEWORKS[framework]}: epoch {record['epoch']}/{s['epochs']}  "
            f"val_acc {record['val_accuracy']:.4f}  ({record['seconds']:.1f} s)"
        ),
    )
    return model, training, time.perf_counter() - started


def _measure_torch(data) -> dict:
    import torch

    from snippets.quantization import dynamic_torch, full_integer_torch

    model, _, train_seconds = _train("torch", data)  # on every core
    # Training asked for deterministic kernels; inference is measured with the defaults,
    # on as many threads as LiteRT gets.
    torch.use_deterministic_algorithms(False)
    torch.set_num_threads(SETTINGS["threads"])
    test = torch.from_numpy(data.test_images).unsqueeze(1).float() / 255
    labels = torch.from_numpy(data.test_labels)
    one = test[:1].clone()  # a copy: torch.export.save writes its example's whole storage
    calibration = data.train_images[: SETTINGS["calibration_images"]]
    calibration = torch.from_numpy(calibration).unsqueeze(1).float() / 255

    @torch.no_grad()
    def variant(run, n_bytes: int, one_at_a_time: bool = False) -> Variant:
        batches = test.split(1 if one_at_a_time else 500)
        predicted = torch.cat([run(batch).argmax(1) for batch in batches])
        return {
            "bytes": n_bytes,
            "accuracy": float((predicted == labels).float().mean()),
            "latency_ms": _latency(
                lambda: run(one), SETTINGS["latency_calls"], SETTINGS["warmup_calls"]
            ),
        }

    model.eval()
    float32 = variant(model, dynamic_torch.saved_bytes(model))

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
        full_int8 = variant(fast, os.path.getsize(int8_file), one_at_a_time=True)
        full_int8["float_bytes"] = os.path.getsize(float_file)

    started = time.perf_counter()
    dynamic_torch.quantize(model)
    quantize_seconds = time.perf_counter() - started
    return {
        "float32": float32,
        "int8": variant(model, dynamic_torch.saved_bytes(model)),
        "full_int8": full_int8,
        "train_seconds": train_seconds,
        "quantize_seconds": quantize_seconds,
        "full_quantize_seconds": full_quantize_seconds,
    }


def _measure_tf(data) -> dict:
    import numpy as np

    from snippets.quantization import dynamic_tf, full_integer_tf

    model, _, train_seconds = _train("tf", data)
    test = data.test_images[..., np.newaxis].astype("float32") / 255
    calibration = data.train_images[: SETTINGS["calibration_images"], ..., np.newaxis]
    calibration = calibration.astype("float32") / 255

    def variant(path: str, loader=dynamic_tf.load) -> Variant:
        predict = loader(path, threads=SETTINGS["threads"])
        batches = (test[i : i + 500] for i in range(0, len(test), 500))
        predicted = np.concatenate([predict(batch).argmax(1) for batch in batches])
        one = test[:1]
        return {
            "bytes": os.path.getsize(path),
            "accuracy": float((predicted == data.test_labels).mean()),
            "latency_ms": _latency(
                lambda: predict(one), SETTINGS["latency_calls"], SETTINGS["warmup_calls"]
            ),
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
        return {
            "float32": variant(float_file),
            "int8": variant(int8_file),
            "full_int8": variant(full_file, full_integer_tf.load_int8),
            "train_seconds": train_seconds,
            "quantize_seconds": quantize_seconds,
            "full_quantize_seconds": full_quantize_seconds,
        }


def measure(framework: str, output: Path) -> None:
    """Train, quantize and measure one framework; write its part of the results."""
    from site_build.core.mnist_data import load_splits

    data = load_splits()
    result = {"torch": _measure_torch, "tf": _measure_tf}[framework](data)
    result["versions"] = machine.versions(*LIBRARIES[framework])
    result["data"] = {"sizes": data.sizes, "description": data.description}
    atomic_write_json(output, result)


# Orchestration, in the build's process ------------------------------------------------------


def _measure_in_subprocess(framework: str, output: Path) -> None:
    command = [sys.executable, "-m", "site_build.core.quantization_bench", "measure", framework]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}
    process = subprocess.Popen(
        [*command, "--output", str(output)], cwd=ROOT, stderr=subprocess.PIPE, text=True, env=env
    )
    tail: deque[str] = deque(maxlen=20)
    for line in process.stderr:
        tail.append(line.rstrip())
        if line.startswith("[quantization]"):
            sys.stderr.write(line)
            sys.stderr.flush()
    if process.wait() != 0:
        raise QuantizationFailed(
            f"measuring {FRAMEWORKS[framework]} failed; the end of its output:\n" + "\n".join(tail)
        )


def run_all(key: str) -> Results:
    started = time.perf_counter()
    frameworks, data = {}, {}
    with tempfile.TemporaryDirectory(prefix="quantization-") as folder:
        for framework in FRAMEWORKS:
            t = time.perf_counter()
            _log(f"{FRAMEWORKS[framework]}: training the matched CNN, then quantizing it")
            output = Path(folder) / f"{framework}.json"
            _measure_in_subprocess(framework, output)
            part = json.loads(output.read_text(encoding="utf-8"))
            data = part.pop("data")
            frameworks[framework] = part
            _log(f"{FRAMEWORKS[framework]}: measured ({time.perf_counter() - t:.1f} s)")
    return {
        "key": key,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": dict(SETTINGS),
        "machine": machine.describe(),
        "data": data,
        "frameworks": frameworks,
        "seconds": time.perf_counter() - started,
    }


def ensure_results(force: bool = False, data_md5s: dict[str, str] | None = None):
    """(results, measured): the cached results when their key matches, else new ones."""
    if data_md5s is None:
        from site_build.core.mnist_data import locate

        data_md5s = locate().md5s()
    key = cache_key(data_md5s)
    # Two builds at once measure once: the second waits, then finds the result (cache.py).
    with entry_lock(results_path()):
        cached = read_json(results_path())
        if not force and cached and cached.get("key") == key:
            return cached, False
        results = run_all(key)
        atomic_write_json(results_path(), results)
        return results, True


# The page's table and provenance line -------------------------------------------------------

TEXT = texts("quantization")


def _size(n_bytes: int, language: str) -> str:
    return f"{number(n_bytes / 1e6, language, 1)}\u00a0MB"


def _ms(value: float, language: str) -> str:
    return f"{number(value, language, 2)}\u00a0ms"


def table(results: Results, language: str) -> str:
    t, s = TEXT[language], results["settings"]
    header = [t[k] for k in ("framework", "model", "size", "accuracy", "latency", "spread")]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for framework in FRAMEWORKS:  # a cached file lists them sorted; the page keeps this order
        result = results["frameworks"][framework]
        base = result["float32"]["bytes"]
        for variant in VARIANTS:
            v = result[variant]
            size = _size(v["bytes"], language)
            if variant != "float32":
                ratio = v.get("float_bytes", base) / v["bytes"]
                size += " " + t["smaller"].format(ratio=number(ratio, language, 1))
            latency = v["latency_ms"]
            row = [
                FRAMEWORKS[framework],
                t[f"{framework}.{variant}"].format(images=s["calibration_images"]),
                size,
                percent(v["accuracy"], language, 2),
                _ms(latency["median"], language),
                f"{_ms(latency['min'], language)} \u2013 {_ms(latency['max'], language)}",
            ]
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def run(results: Results, language: str) -> str:
    t, s = TEXT[language], results["settings"]
    versions = {
        name: version
        for framework in FRAMEWORKS
        for name, version in results["frameworks"][framework]["versions"].items()
        if name != "numpy"
    }
    fields = machine.provenance_fields(results["machine"], versions, results["created"], language)
    return t["run"].format(
        **{**fields, "date": results["created"][:10]},
        epochs=f"{s['epochs']} {t['epoch' if s['epochs'] == 1 else 'epochs']}",
        data=results["data"]["description"][language],
        test=number(results["data"]["sizes"]["test"], language),
        threads=s["threads"],
        calls=s["latency_calls"],
        seconds=seconds(results["seconds"], language, 0),
    )


GENERATED = {"results": table, "run": run}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the quantized MNIST models.")
    parser.add_argument("command", nargs="?", choices=["measure"], help="internal")
    parser.add_argument("framework", nargs="?", choices=sorted(FRAMEWORKS))
    parser.add_argument("--output", type=Path)
    parser.add_argument("--force", action="store_true", help="measure even when cached")
    args = parser.parse_args(argv)
    if args.command == "measure":
        measure(args.framework, args.output)
        return 0
    try:
        results, measured = ensure_results(args.force)
    except QuantizationFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    state = f"measured in {results['seconds']:.0f} s" if measured else "cached"
    print(f"quantization: {state}; {results_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
