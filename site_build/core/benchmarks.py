"""The benchmarks page's measurements: PyTorch and TensorFlow side by side, in one run.

Every measurement runs in fresh worker processes, never in the process that builds the
site: one worker per framework and configuration (``bench_workers.py``). A worker sets its
thread count, imports its framework, builds the matched CNN of
``snippets/mnist/model_{torch,tf}.py``, prepares its configuration (compiling, exporting)
and warms up; then it runs one timed repeat each time the orchestrator asks. The
orchestrator keeps a PyTorch worker and a TensorFlow worker of the same kind of measurement
alive together and asks them in turn (torch, tf, torch, tf, ...), so that a slow minute of
a shared machine falls on both frameworks alike.

The machine's limit is the float32 GFLOP/s of a large matrix product in PyTorch,
TensorFlow and NumPy; each configuration's images/s times the CNN's FLOPs per image (counted
analytically below, cross-checked with ``torch.utils.flop_counter``) gives its fraction of it.

One results file per mode is written atomically under ``<cache>/benchmarks/``: ``full``
(``nox -s bench``, ``python -m site_build.core.benchmarks --full``) and ``short`` (what the docs
build runs when no result matches the current code, versions and machine).

    python -m site_build.core.benchmarks            # the short run, unless cached
    python -m site_build.core.benchmarks --full     # the full run, unless cached (--force: rerun)

The workers' code is in ``bench_workers.py``; both files are part of the results' cache key.
Slightly over 300 lines: the settings, FLOP counts, statistics and orchestration share the
results' format, which ``assemble`` writes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from site_build.core import machine
from site_build.core.cache import (
    atomic_write_json,
    cache_root,
    entry_lock,
    file_digest,
    fingerprint,
    read_json,
)
from site_build.core.errors import BuildError
from site_build.core.paths import ROOT

FRAMEWORKS = {"torch": "PyTorch", "tf": "TensorFlow", "numpy": "NumPy"}
LIBRARIES = (
    "torch",
    "tensorflow",
    "keras",
    "numpy",
    "onnx",
    "onnxruntime",
    "onnxscript",
    "tf2onnx",
)
SOURCES = (
    "site_build/core/benchmarks.py",
    "site_build/core/bench_workers.py",
    "snippets/mnist/model_torch.py",
    "snippets/mnist/model_tf.py",
)
SEED = 2026
LEARNING_RATE = 0.01

# The full run (nox -s bench) and the short one that a docs build runs on a cache miss
# (it must fit in about 90 s of work on a shared 2-core machine).
MODES = {
    "full": {
        "repeats": 7,
        "warmup": 3,
        "train_batch": 64,
        "train_batches": 20,
        "latency_calls": 200,
        "throughput_batch": 256,
        "throughput_batches": 10,
        "matmul_size": 2048,
        "matmul_calls": 5,
    },
    "short": {
        "repeats": 3,
        "warmup": 1,
        "train_batch": 64,
        "train_batches": 3,
        "latency_calls": 20,
        "throughput_batch": 256,
        "throughput_batches": 2,
        "matmul_size": 2048,
        "matmul_calls": 2,
    },
}

# Each pair runs together, interleaved: (kind, PyTorch configuration, TensorFlow configuration).
PAIRS = (
    ("train", "eager", "graph"),
    ("train", "compile", "xla"),
    ("infer", "eager", "eager"),
    ("infer", "compile", "xla"),
    ("infer", "export", "saved_model"),
    ("infer", "onnx", "onnx"),
)
PEAK_FRAMEWORKS = ("torch", "tf", "numpy")


class BenchmarkFailed(BuildError):
    """A worker process failed; the message carries the end of its error output."""


def settings_for(mode: str, threads: int | None = None) -> dict[str, Any]:
    return {**MODES[mode], "mode": mode, "threads": threads or os.cpu_count() or 1}


def results_path(mode: str) -> Path:
    return cache_root() / "benchmarks" / f"{mode}.json"


def cache_key(settings: dict[str, Any], root: Path = ROOT) -> str:
    return fingerprint(
        {
            "sources": {path: file_digest(root / path) for path in SOURCES},
            "settings": settings,
            "versions": machine.versions(*LIBRARIES),
            "machine": machine.describe(),
        }
    )


# FLOPs: a multiply-add counts as 2 FLOPs; biases, ReLU and pooling are left out -------------


def layer_flops() -> dict[str, int]:
    """Forward FLOPs per image of each layer of the matched CNN, counted by hand."""
    return {
        "conv1": 2 * (26 * 26 * 32) * (1 * 3 * 3),  # each output: a 3x3 window of 1 channel
        "conv2": 2 * (24 * 24 * 64) * (32 * 3 * 3),  # each output: 3x3 windows of 32 channels
        "dense1": 2 * 9216 * 1024,
        "dense2": 2 * 1024 * 10,
    }


def forward_flops() -> int:
    return sum(layer_flops().values())


def training_flops() -> int:
    """The usual convention: backward ≈ 2x forward, so a training step ≈ 3x forward."""
    return 3 * forward_flops()


def counted_flops(batch: int = 2) -> dict[str, float]:
    """FLOPs per image that ``torch.utils.flop_counter.FlopCounterMode`` counts."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from snippets.mnist.model_torch import build_model

    model = build_model()
    images = torch.zeros(batch, 1, 28, 28)
    labels = torch.zeros(batch, dtype=torch.long)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(images)
    forward = counter.get_total_flops() / batch
    with FlopCounterMode(display=False) as counter:
        torch.nn.functional.cross_entropy(model(images), labels).backward()
    return {"forward": forward, "training": counter.get_total_flops() / batch}


# Statistics ------------------------------------------------------------------------------------


def summarize(values: list[float]) -> dict[str, float]:
    """Median, extremes and quartiles (inclusive method: the data's own range) of repeats."""
    ordered = sorted(values)
    if len(ordered) > 1:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "q1": q1,
        "q3": q3,
    }


# Orchestration, in the caller's process --------------------------------------------------------


def _launch(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    """Start a process with pipes; the one place that starts them (tests replace it)."""
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def worker_env(threads: int, scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # NumPy's BLAS and OpenMP get the same thread count as the frameworks.
    env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = str(threads)
    # An empty compiler cache for each run, so compile times are those of a first build.
    env["TORCHINDUCTOR_CACHE_DIR"] = str(scratch / "inductor")
    return env


class _Process:
    def __init__(self, framework: str, kind: str, config: str, settings: dict[str, Any], env: dict):
        self.label = f"{FRAMEWORKS[framework]} {kind} {config}"
        self.process = _launch(
            [
                sys.executable,
                "-m",
                "site_build.core.bench_workers",
                framework,
                kind,
                config,
                json.dumps(settings),
            ],
            env,
        )
        self.ready = self._receive()

    def _receive(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            tail = self.process.stderr.read().strip().splitlines()[-15:]
            raise BenchmarkFailed(f"{self.label} failed:\n" + "\n".join(tail))
        return json.loads(line)

    def run(self) -> dict:
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        return self._receive()

    def finish(self) -> dict:
        self.process.stdin.write("done\n")
        self.process.stdin.flush()
        final = self._receive()
        self.process.communicate()
        return final


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def measure_imports(settings: dict[str, Any], env: dict[str, str]) -> dict[str, dict]:
    """Seconds to import each framework in a fresh interpreter, interleaved."""
    code = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
    repeats: dict[str, list[float]] = {"torch": [], "tf": []}
    for _ in range(settings["repeats"]):
        for framework, module in (("torch", "torch"), ("tf", "tensorflow")):
            process = _launch([sys.executable, "-c", code.format(module)], env)
            out, err = process.communicate()
            if process.returncode:
                raise BenchmarkFailed(f"import {module} failed:\n{err[-2000:]}")
            repeats[framework].append(float(out.strip().splitlines()[-1]))
    return {fw: {"repeats": values, "seconds": summarize(values)} for fw, values in repeats.items()}


def _interleaved(
    members: list[tuple[str, str, str]], settings: dict[str, Any], env: dict[str, str]
) -> list[dict]:
    """Start one worker per (framework, kind, config), then ask them in turn for repeats."""
    processes, records = [], []
    try:
        for framework, kind, config in members:
            processes.append(_Process(framework, kind, config, settings, env))
        runs: list[list[dict]] = [[] for _ in processes]
        for _ in range(settings["repeats"]):
            for process, collected in zip(processes, runs, strict=True):
                collected.append(process.run())
        for (framework, kind, config), process, collected in zip(
            members, processes, runs, strict=True
        ):
            final = process.finish()
            records.append(
                {
                    "framework": framework,
                    "kind": kind,
                    "config": config,
                    "setup": process.ready,
                    "max_rss_mib": final["max_rss_mib"],
                    "repeats": collected,
                }
            )
    finally:
        for process in processes:
            if process.process.poll() is None:
                process.process.kill()
    return records


def _rates(record: dict, task: str, flops_per_image: float, peak: float) -> dict:
    images = [r[task]["images"] for r in record["repeats"]]
    per_second = [r[task]["images"] / r[task]["seconds"] for r in record["repeats"]]
    entry = {
        "framework": record["framework"],
        "config": record["config"],
        "task": task,
        "images": images,
        "images_per_second": summarize(per_second),
        "repeats_seconds": [r[task]["seconds"] for r in record["repeats"]],
    }
    if task == "latency":
        entry["latency_seconds"] = summarize(
            [r[task]["seconds"] / r[task]["images"] for r in record["repeats"]]
        )
    achieved = entry["images_per_second"]["median"] * flops_per_image / 1e9
    entry["gflops"] = achieved
    entry["fraction_of_peak"] = achieved / peak
    return entry


def run_benchmarks(settings: dict[str, Any]) -> dict[str, Any]:
    """Measure everything with ``settings``; returns the results (not written)."""
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        return _run_benchmarks(settings, worker_env(settings["threads"], Path(scratch)))


def _run_benchmarks(settings: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    timings = {}
    _log(f"{settings['mode']} run, {settings['threads']} threads")
    t = time.perf_counter()
    imports = measure_imports(settings, env)
    timings["imports"] = time.perf_counter() - t
    _log(f"import times measured ({timings['imports']:.1f} s)")

    t = time.perf_counter()
    peak_records = _interleaved([(fw, "peak", "matmul") for fw in PEAK_FRAMEWORKS], settings, env)
    timings["peak"] = time.perf_counter() - t
    _log(f"matrix products ({timings['peak']:.1f} s)")
    pair_records = []
    for kind, torch_config, tf_config in PAIRS:
        t = time.perf_counter()
        pair = [("torch", kind, torch_config), ("tf", kind, tf_config)]
        pair_records.extend(_interleaved(pair, settings, env))
        name = f"{kind} {torch_config}/{tf_config}"
        timings[name] = time.perf_counter() - t
        _log(f"{name} ({timings[name]:.1f} s)")
    results = assemble(settings, imports, peak_records, pair_records)
    results["seconds"] = time.perf_counter() - started
    results["timings"] = timings
    return results


def assemble(
    settings: dict[str, Any], imports: dict, peak_records: list[dict], pair_records: list[dict]
) -> dict[str, Any]:
    """The results file's content, computed from the workers' raw repeats."""
    peak = {}
    for record in peak_records:
        gflops = [r["matmul"]["flops"] / r["matmul"]["seconds"] / 1e9 for r in record["repeats"]]
        peak[record["framework"]] = {"gflops": summarize(gflops), "repeats": gflops}
    peak_gflops = max(p["gflops"]["median"] for p in peak.values())
    torch_peak = next(r["setup"] for r in peak_records if r["framework"] == "torch")
    flops = {
        "layers": layer_flops(),
        "forward": forward_flops(),
        "training": training_flops(),
        "counted": torch_peak["counted_flops"],
    }
    measurements, workers = [], []
    for record in pair_records:
        workers.append({k: record[k] for k in ("framework", "kind", "config", "setup")})
        workers[-1]["max_rss_mib"] = record["max_rss_mib"]
        tasks = ("train",) if record["kind"] == "train" else ("latency", "throughput")
        for task in tasks:
            per_image = flops["training"] if task == "train" else flops["forward"]
            measurements.append(_rates(record, task, per_image, peak_gflops))
    return {
        "key": cache_key(settings),
        "mode": settings["mode"],
        "settings": settings,
        "machine": machine.describe(),
        "versions": machine.versions(*LIBRARIES),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "imports": imports,
        "peak": peak,
        "peak_gflops": peak_gflops,
        "flops": flops,
        "measurements": measurements,
        "workers": workers,
    }


def ensure_results(mode: str = "short", force: bool = False) -> tuple[dict, bool]:
    """Results whose key matches the current code, versions and machine; (results, measured).

    A matching full run is always preferred; otherwise a matching result of ``mode``;
    otherwise ``mode`` is measured now and written.
    """
    candidates = ("full",) if mode == "full" else ("full", mode)
    # Two builds at once measure once: the second waits, then finds the result (cache.py).
    with entry_lock(results_path(mode)):
        if not force:
            for candidate in candidates:
                cached = read_json(results_path(candidate))
                if cached and cached.get("key") == cache_key(settings_for(candidate)):
                    return cached, False
        results = run_benchmarks(settings_for(mode))
        atomic_write_json(results_path(mode), results)
        return results, True


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description="Run the benchmarks that are out of date.")
    parser.add_argument("--full", action="store_true", help="the full run (default: short)")
    parser.add_argument("--force", action="store_true", help="measure even when cached")
    args = parser.parse_args(argv)
    try:
        results, measured = ensure_results("full" if args.full else "short", args.force)
    except BenchmarkFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    state = f"measured in {results['seconds']:.0f} s" if measured else "cached"
    print(f"{results['mode']} benchmarks: {state}; {results_path(results['mode'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
