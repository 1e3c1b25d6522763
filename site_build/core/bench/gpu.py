"""The benchmarks' GPU rows: measured only on a machine with a GPU, as a unit of its own.

The CPU benchmarks (``measure.py``) run wherever the site is built; these need a GPU, so they
are the unit ``bench-gpu`` (``units.py``) that a GPU machine runs. Each framework that sees a
GPU (``torch.cuda.is_available()``, TensorFlow's list of GPU devices) times a large float32
matrix product and the MNIST CNN of ``snippets/mnist/model_*.py`` on batches of images, in
its own process. The result records the device's name and is stored under a key that covers
the snippets, the settings, ``METHOD``, the device and the versions it ran with.

The page (``report.gpu``) shows these rows only when the cache holds such a result for the
current snippets and settings and the installed framework releases; a machine without a GPU
builds the page without them (``cached_result`` scans the stored results: the builder cannot
compute the key itself, since the key names a device it does not have).

    python -m site_build.core.bench.gpu             # measure, if a GPU is here and not cached
    python -m site_build.core.bench.gpu worker FRAMEWORK --output FILE
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from site_build.core.errors import BuildError
from site_build.core.kit import machine
from site_build.core.kit.cache import (
    RESULTS_FOLDER,
    atomic_write_json,
    cache_root,
    entry_lock,
    file_digest,
    fingerprint,
    keyed_path,
    read_json,
)
from site_build.core.kit.process import run_module
from site_build.core.paths import ROOT

FAMILY = "bench-gpu"
METHOD = 1
SOURCES = ("snippets/mnist/model_torch.py", "snippets/mnist/model_tf.py")
SETTINGS = {"matmul_size": 4096, "matmul_calls": 20, "batch": 1024, "batches": 20, "warmup": 3}
LIBRARIES = {"torch": ("torch",), "tf": ("tensorflow", "keras")}
NO_GPU = "torch.cuda.is_available() is False and TensorFlow lists no GPU device"


class GpuBenchmarkFailed(BuildError):
    """A GPU measuring process failed; the message carries the end of its error output."""


def _torch_device() -> str | None:
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def _tf_device() -> str | None:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return None
    details = tf.config.experimental.get_device_details(gpus[0])
    return str(details.get("device_name") or gpus[0].name)


def devices() -> dict[str, str]:
    """framework -> the name of the GPU it sees; empty on a machine without one."""
    found = {}
    for framework, probe in (("torch", _torch_device), ("tf", _tf_device)):
        if name := probe():
            found[framework] = name
    return found


def device() -> str | None:
    """The GPU's name, or None when no framework sees one."""
    found = devices()
    return next(iter(found.values()), None)


def _key(device_name: str, versions: dict[str, dict[str, str]], root: Path = ROOT) -> str:
    return fingerprint(
        {
            "sources": {path: file_digest(root / path) for path in SOURCES},
            "method": METHOD,
            "settings": SETTINGS,
            "device": device_name,
            "versions": versions,
        }
    )


def _versions(frameworks) -> dict[str, dict[str, str]]:
    return {fw: machine.versions(*LIBRARIES[fw]) for fw in frameworks}


def current_key() -> str | None:
    """The key this machine's result has; None without a GPU."""
    found = devices()
    return _key(next(iter(found.values())), _versions(found)) if found else None


def _release(version: str) -> str:
    return version.split("+")[0]  # 2.13.0+cu128 on the GPU machine is the release 2.13.0


def valid(record: object, folder_key: str) -> bool:
    """Whether ``record`` is a GPU result for the current snippets and settings, stored under
    its own key, measured with the framework releases installed here."""
    if not isinstance(record, dict) or record.get("key") != folder_key:
        return False
    try:
        versions = record["versions"]
        if _key(record["device"], versions) != folder_key:
            return False
        installed = _versions(versions)
    except (KeyError, TypeError, AttributeError):
        return False
    return all(
        _release(str(versions[fw].get(lib))) == _release(str(installed[fw].get(lib)))
        for fw in versions
        for lib in LIBRARIES[fw]
    )


def cached_result() -> dict | None:
    """The newest valid GPU result in the cache, or None (then the page shows no GPU rows)."""
    found = []
    for entry in sorted((cache_root() / RESULTS_FOLDER / FAMILY).glob("*/results.json")):
        record = read_json(entry)
        if valid(record, entry.parent.name):
            found.append(record)
    return max(found, key=lambda r: r.get("created", "")) if found else None


def ensure_result(force: bool = False) -> bool:
    """Measure on this machine's GPU unless cached; whether it measured. Without a GPU it
    raises: ``units.py`` skips the unit there with a message instead of calling this."""
    found = devices()
    if not found:
        raise GpuBenchmarkFailed(f"bench-gpu needs a GPU: {NO_GPU}.")
    key = _key(next(iter(found.values())), _versions(found))
    path = keyed_path(FAMILY, key, "results.json")
    with entry_lock(path):
        if not force and valid(read_json(path), key):
            return False
        rows = []
        for framework in found:
            output = path.with_name(f".{framework}.measured.json")
            run_module(
                "site_build.core.bench.gpu",
                *("worker", framework, "--output", str(output)),
                failed=lambda reason, fw=framework: GpuBenchmarkFailed(
                    f"bench-gpu, {fw}: {reason}"
                ),
            )
            rows.extend(json.loads(output.read_text()))
            output.unlink()
        atomic_write_json(
            path,
            {
                "key": key,
                "device": next(iter(found.values())),
                "devices": found,
                "settings": SETTINGS,
                "versions": _versions(found),
                "machine": machine.describe(),
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "rows": rows,
            },
        )
    return True


# In the framework's own process -------------------------------------------------------------


def _timed(call, calls: int, warmup: int, sync) -> float:
    for _ in range(warmup):
        call()
    sync()
    started = time.perf_counter()
    for _ in range(calls):
        call()
    sync()
    return (time.perf_counter() - started) / calls


def _measure_torch() -> list[dict]:
    import torch

    from snippets.mnist import model_torch

    size, s = SETTINGS["matmul_size"], SETTINGS
    gpu = torch.device("cuda")
    a, b = torch.randn(size, size, device=gpu), torch.randn(size, size, device=gpu)
    matmul = _timed(lambda: a @ b, s["matmul_calls"], s["warmup"], torch.cuda.synchronize)
    model = model_torch.build_model().to(gpu).eval()
    images = torch.randn(s["batch"], 1, 28, 28, device=gpu)
    with torch.no_grad():
        batch = _timed(lambda: model(images), s["batches"], s["warmup"], torch.cuda.synchronize)
    return [
        {"framework": "torch", "task": "matmul", "gflops": 2 * size**3 / matmul / 1e9},
        {"framework": "torch", "task": "infer", "images_per_second": s["batch"] / batch},
    ]


def _measure_tf() -> list[dict]:
    import tensorflow as tf

    from snippets.mnist import model_tf

    size, s = SETTINGS["matmul_size"], SETTINGS
    with tf.device("/GPU:0"):
        a, b = tf.random.normal((size, size)), tf.random.normal((size, size))
        last = {}

        def matmul_call():
            last["value"] = tf.matmul(a, b)

        def sync():
            if "value" in last:
                last["value"].numpy()

        matmul = _timed(matmul_call, s["matmul_calls"], s["warmup"], sync)
        model = model_tf.build_model()
        images = tf.random.normal((s["batch"], 28, 28, 1))

        def infer():
            last["value"] = model(images, training=False)

        batch = _timed(infer, s["batches"], s["warmup"], sync)
    return [
        {"framework": "tf", "task": "matmul", "gflops": 2 * size**3 / matmul / 1e9},
        {"framework": "tf", "task": "infer", "images_per_second": s["batch"] / batch},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m site_build.core.bench.gpu")
    parser.add_argument("command", nargs="?", choices=["worker"])
    parser.add_argument("framework", nargs="?", choices=list(LIBRARIES))
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    if args.command == "worker":
        measure = _measure_torch if args.framework == "torch" else _measure_tf
        atomic_write_json(args.output, measure())
        return 0
    if device() is None:
        print(f"No GPU here ({NO_GPU}): nothing measured.")
        return 0
    measured = ensure_result()
    print("bench-gpu: " + ("measured" if measured else "cached"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
