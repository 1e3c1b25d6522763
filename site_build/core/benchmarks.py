"""The benchmarks page's measurements: PyTorch and TensorFlow side by side, in one run.

Every measurement runs in fresh worker processes, never in the process that builds the
site: one worker per framework and configuration (``bench_workers.py``), which times the
functions that the page shows (``snippets/benchmarks/configs_{torch,tf}.py``). The
orchestrator here keeps a PyTorch worker and a TensorFlow worker of the same kind of
measurement alive together and asks them in turn (torch, tf, torch, tf, ...), so that a slow
minute of a shared machine falls on both frameworks alike.

The machine's limit is the float32 GFLOP/s of a large matrix product in PyTorch,
TensorFlow and NumPy; each configuration's images/s times the CNN's FLOPs per image
(``bench_flops.py``) gives its fraction of it.

One results file per mode (``BenchResults``, ``bench_results.py``) is written atomically
under ``<cache>/benchmarks/``: ``full`` (``nox -s bench``, ``python -m
site_build.core.benchmarks --full``) and ``short`` (what the docs build runs when no result
matches the current code, versions and machine). The workers write their files under
``<cache>/benchmarks/scratch/``, one folder per run, removed when the run ends and, after a
run that was killed, by the next one.

    python -m site_build.core.benchmarks            # the short run, unless cached
    python -m site_build.core.benchmarks --full     # the full run, unless cached (--force: rerun)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from site_build.core import machine
from site_build.core.bench_flops import forward_flops, layer_flops, training_flops
from site_build.core.bench_results import (
    BenchResults,
    Flops,
    Measurement,
    Rates,
    Settings,
    Setup,
    Summary,
    Timed,
    WorkerInfo,
    WorkerRecord,
)
from site_build.core.cache import atomic_write_json, cache_root, file_digest, fingerprint, read_json
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
    "site_build/core/bench_flops.py",
    "site_build/core/bench_results.py",
    "snippets/benchmarks/configs_torch.py",
    "snippets/benchmarks/configs_tf.py",
    "snippets/mnist/model_torch.py",
    "snippets/mnist/model_tf.py",
)

# The full run (nox -s bench) and the short one that a docs build runs on a cache miss
# (it must fit in about 90 s of work on a shared 2-core machine).
MODES = {
    "full": dict(
        repeats=7,
        warmup=3,
        train_batch=64,
        train_batches=20,
        latency_calls=200,
        throughput_batch=256,
        throughput_batches=10,
        matmul_size=2048,
        matmul_calls=5,
    ),
    "short": dict(
        repeats=3,
        warmup=1,
        train_batch=64,
        train_batches=3,
        latency_calls=20,
        throughput_batch=256,
        throughput_batches=2,
        matmul_size=2048,
        matmul_calls=2,
    ),
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


def settings_for(mode: str, threads: int | None = None) -> Settings:
    return Settings(mode=mode, threads=threads or os.cpu_count() or 1, **MODES[mode])


def results_path(mode: str) -> Path:
    return cache_root() / "benchmarks" / f"{mode}.json"


def cache_key(settings: Settings, root: Path = ROOT) -> str:
    return fingerprint(
        {
            "sources": {path: file_digest(root / path) for path in SOURCES},
            "settings": settings.to_json(),
            "versions": machine.versions(*LIBRARIES),
            "machine": machine.describe(),
        }
    )


def read_results(mode: str) -> BenchResults | None:
    """The results file of ``mode``, or None when it is missing or of an older format."""
    data = read_json(results_path(mode))
    try:
        return BenchResults.from_json(data, LIBRARIES) if data else None
    except (KeyError, TypeError, ValueError):
        return None


# The workers' scratch folder: one per run, under the cache -----------------------------------


def scratch_root() -> Path:
    return cache_root() / "benchmarks" / "scratch"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_stale_scratch() -> list[Path]:
    """Remove the folders of runs whose process is gone (killed); returns what it removed."""
    removed = []
    for folder in scratch_root().glob("*") if scratch_root().is_dir() else ():
        match = re.fullmatch(r"run-(\d+)", folder.name)
        if match and _alive(int(match[1])) and int(match[1]) != os.getpid():
            continue  # another build's run, still going
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def scratch_folder() -> Path:
    """A new, empty folder for this process's run, after clearing those of killed runs."""
    clear_stale_scratch()
    folder = scratch_root() / f"run-{os.getpid()}"
    folder.mkdir(parents=True)
    return folder


# Orchestration, in the caller's process ---------------------------------------------------------


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
    # Whatever a library writes to a temporary file stays in the run's folder too.
    (scratch / "tmp").mkdir(parents=True, exist_ok=True)
    env["TMPDIR"] = str(scratch / "tmp")
    return env


class _Process:
    def __init__(
        self, framework: str, kind: str, config: str, settings: Settings, env: dict[str, str]
    ):
        self.label = f"{FRAMEWORKS[framework]} {kind} {config}"
        command = [sys.executable, "-m", "site_build.core.bench_workers", framework, kind]
        command += [config, env["TMPDIR"], json.dumps(settings.to_json())]
        self.process = _launch(command, env)
        self.ready = Setup.from_json(self._receive())

    def _receive(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            tail = self.process.stderr.read().strip().splitlines()[-15:]
            raise BenchmarkFailed(f"{self.label} failed:\n" + "\n".join(tail))
        return json.loads(line)

    def run(self) -> dict[str, Timed]:
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        return {task: Timed(**value) for task, value in self._receive().items()}

    def finish(self) -> float:
        """Peak memory in MiB, once the worker has stopped."""
        self.process.stdin.write("done\n")
        self.process.stdin.flush()
        final = self._receive()
        self.process.communicate()
        return final["max_rss_mib"]


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def measure_imports(settings: Settings, env: dict[str, str]) -> dict[str, Rates]:
    """Seconds to import each framework in a fresh interpreter, interleaved."""
    code = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
    repeats: dict[str, list[float]] = {"torch": [], "tf": []}
    for _ in range(settings.repeats):
        for framework, module in (("torch", "torch"), ("tf", "tensorflow")):
            process = _launch([sys.executable, "-c", code.format(module)], env)
            out, err = process.communicate()
            if process.returncode:
                raise BenchmarkFailed(f"import {module} failed:\n{err[-2000:]}")
            repeats[framework].append(float(out.strip().splitlines()[-1]))
    return {fw: Rates.of(values) for fw, values in repeats.items()}


def interleaved(
    members: list[tuple[str, str, str]], settings: Settings, env: dict[str, str]
) -> list[WorkerRecord]:
    """Start one worker per (framework, kind, config), then ask them in turn for repeats."""
    processes: list[_Process] = []
    try:
        for framework, kind, config in members:
            processes.append(_Process(framework, kind, config, settings, env))
        runs: list[list[dict[str, Timed]]] = [[] for _ in processes]
        for _ in range(settings.repeats):
            for process, collected in zip(processes, runs, strict=True):
                collected.append(process.run())
        return [
            WorkerRecord(*member, process.ready, process.finish(), tuple(collected))
            for member, process, collected in zip(members, processes, runs, strict=True)
        ]
    finally:
        for process in processes:
            if process.process.poll() is None:
                process.process.kill()


def run_benchmarks(settings: Settings) -> BenchResults:
    """Measure everything with ``settings``; returns the results (not written)."""
    scratch = scratch_folder()
    try:
        return _run_benchmarks(settings, worker_env(settings.threads, scratch))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run_benchmarks(settings: Settings, env: dict[str, str]) -> BenchResults:
    started = time.perf_counter()
    timings = {}
    _log(f"{settings.mode} run, {settings.threads} threads")
    t = time.perf_counter()
    imports = measure_imports(settings, env)
    timings["imports"] = time.perf_counter() - t
    _log(f"import times measured ({timings['imports']:.1f} s)")

    t = time.perf_counter()
    peak_records = interleaved([(fw, "peak", "matmul") for fw in PEAK_FRAMEWORKS], settings, env)
    timings["peak"] = time.perf_counter() - t
    _log(f"matrix products ({timings['peak']:.1f} s)")
    pair_records = []
    for kind, torch_config, tf_config in PAIRS:
        t = time.perf_counter()
        pair = [("torch", kind, torch_config), ("tf", kind, tf_config)]
        pair_records.extend(interleaved(pair, settings, env))
        name = f"{kind} {torch_config}/{tf_config}"
        timings[name] = time.perf_counter() - t
        _log(f"{name} ({timings[name]:.1f} s)")
    results = assemble(settings, imports, peak_records, pair_records)
    return replace(results, seconds=time.perf_counter() - started, timings=timings)


def _rates(record: WorkerRecord, task: str, flops_per_image: float, peak: float) -> Measurement:
    timings = [repeat[task] for repeat in record.repeats]
    per_second = Summary.of([t.count / t.seconds for t in timings])
    achieved = per_second.median * flops_per_image / 1e9
    return Measurement(
        framework=record.framework,
        config=record.config,
        task=task,
        images=tuple(int(t.count) for t in timings),
        images_per_second=per_second,
        repeats_seconds=tuple(t.seconds for t in timings),
        gflops=achieved,
        fraction_of_peak=achieved / peak,
        latency_seconds=(
            Summary.of([t.seconds / t.count for t in timings]) if task == "latency" else None
        ),
    )


def assemble(
    settings: Settings,
    imports: dict[str, Rates],
    peak_records: list[WorkerRecord],
    pair_records: list[WorkerRecord],
) -> BenchResults:
    """The results, computed from the workers' raw repeats."""
    peak = {
        r.framework: Rates.of([t["matmul"].count / t["matmul"].seconds / 1e9 for t in r.repeats])
        for r in peak_records
    }
    peak_gflops = max(p.summary.median for p in peak.values())
    counted = next(r.setup.counted_flops for r in peak_records if r.framework == "torch")
    flops = Flops(layer_flops(), forward_flops(), training_flops(), counted)
    measurements, workers = [], []
    for record in pair_records:
        workers.append(
            WorkerInfo(
                record.framework, record.kind, record.config, record.setup, record.max_rss_mib
            )
        )
        for task in ("train",) if record.kind == "train" else ("latency", "throughput"):
            per_image = flops.training if task == "train" else flops.forward
            measurements.append(_rates(record, task, per_image, peak_gflops))
    return BenchResults(
        key=cache_key(settings),
        mode=settings.mode,
        settings=settings,
        machine=machine.describe(),
        versions=machine.versions(*LIBRARIES),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        imports=imports,
        peak=peak,
        peak_gflops=peak_gflops,
        flops=flops,
        measurements=tuple(measurements),
        workers=tuple(workers),
    )


def ensure_results(mode: str = "short", force: bool = False) -> tuple[BenchResults, bool]:
    """Results whose key matches the current code, versions and machine; (results, measured).

    A matching full run is always preferred; otherwise a matching result of ``mode``;
    otherwise ``mode`` is measured now and written.
    """
    candidates = ("full",) if mode == "full" else ("full", mode)
    if not force:
        for candidate in candidates:
            cached = read_results(candidate)
            if cached and cached.key == cache_key(settings_for(candidate)):
                return cached, False
    results = run_benchmarks(settings_for(mode))
    atomic_write_json(results_path(mode), results.to_json())
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
    state = f"measured in {results.seconds:.0f} s" if measured else "cached"
    print(f"{results.mode} benchmarks: {state}; {results_path(results.mode)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
