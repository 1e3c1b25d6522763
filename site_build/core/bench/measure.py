"""The benchmarks page's measurements: PyTorch and TensorFlow side by side, in one run.

Every measurement runs in fresh worker processes, never in the process that builds the
site: one worker per framework and configuration (``bench/worker.py``), which times the
functions that the page shows (``snippets/benchmarks/configs_{torch,tf}.py``). A PyTorch
worker and a TensorFlow worker of the same kind of measurement stay alive together and are
asked in turn (torch, tf, torch, tf, ...), so that a slow minute of a shared machine falls
on both frameworks alike.

The machine's limit is the float32 GFLOP/s of a large matrix product in PyTorch,
TensorFlow and NumPy; each configuration's images/s times the CNN's FLOPs per image
(``bench/flops.py``) gives its fraction of it. The PyTorch worker of that product also
measures the machine's other roofs in the same run (``worker.RoofsWorker``): memory
bandwidth, the bfloat16 and int8 products where the CPU has units for them, and an Adam
update; the page places every configuration on the roofline they draw (``bench/report.py``).

Each run's results (``BenchResults``, ``bench/results.py``) are written atomically under their
content key (``kit.cache.keyed_path``: ``<cache>/results/benchmarks/<key>/results.json``); the
key covers the mode, so a ``full`` run (``nox -s bench``, ``python -m
site_build.core.bench.measure --full``) and a ``short`` one (what the docs build runs when no
result matches the current code, versions and machine) are two entries, and so are two
versions of the code. Starting, interleaving and cleaning up
after the worker processes is ``bench/processes.py``.

    python -m site_build.core.bench.measure         # the short run, unless cached
    python -m site_build.core.bench.measure --full  # the full run, unless cached (--force: again)
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from site_build.core.bench.flops import forward_flops, layer_flops, training_flops
from site_build.core.bench.processes import (
    BenchmarkFailed,  # noqa: F401 (the docs build catches benchmarks.BenchmarkFailed)
    interleaved,
    log,
    measure_imports,
    scratch_folder,
    worker_env,
)
from site_build.core.bench.results import (
    LIBRARIES,
    BenchResults,
    Flops,
    Measurement,
    Rates,
    Roofs,
    Settings,
    Summary,
    WorkerInfo,
    WorkerRecord,
)
from site_build.core.kit import machine, measurement_cli
from site_build.core.kit.cache import entry_lock, file_digest, fingerprint, keyed_path
from site_build.core.kit.records import Machine
from site_build.core.paths import ROOT

# Raise when a change to this folder's code changes what is measured: the key covers the
# shown snippets, settings, data, versions and machine, not the build package's own files, so
# moving or tidying them measures nothing again.
METHOD = 3  # 2: the roofs (bandwidth, bfloat16 and int8 peaks, Adam) and layer costs;
# 3: the int8 peak from oneDNN's quantized linear layer (AMX) instead of torch._int_mm
SOURCES = (
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


def settings_for(mode: str, threads: int | None = None) -> Settings:
    return Settings(mode=mode, threads=threads or os.cpu_count() or 1, **MODES[mode])


def results_path(key: str) -> Path:
    return keyed_path("benchmarks", key, "results.json")


def cache_key(settings: Settings, root: Path = ROOT) -> str:
    return fingerprint(
        {
            "sources": {path: file_digest(root / path) for path in SOURCES},
            "method": METHOD,
            "settings": settings.to_json(),
            "versions": machine.versions(*LIBRARIES),
            "machine": machine.describe(),
        }
    )


def read_results(key: str) -> BenchResults | None:
    """The results stored under ``key``, or None when missing, corrupt or of another format
    (``Record.read``: one line names the file, and the build measures again)."""
    return BenchResults.read(results_path(key))


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
    log(f"{settings.mode} run, {settings.threads} threads")
    t = time.perf_counter()
    imports = measure_imports(settings, env)
    timings["imports"] = time.perf_counter() - t
    log(f"import times measured ({timings['imports']:.1f} s)")

    t = time.perf_counter()
    peak_records = interleaved([(fw, "peak", "matmul") for fw in PEAK_FRAMEWORKS], settings, env)
    timings["peak"] = time.perf_counter() - t
    log(f"matrix products ({timings['peak']:.1f} s)")
    pair_records = []
    for kind, torch_config, tf_config in PAIRS:
        t = time.perf_counter()
        pair = [("torch", kind, torch_config), ("tf", kind, tf_config)]
        pair_records.extend(interleaved(pair, settings, env))
        name = f"{kind} {torch_config}/{tf_config}"
        timings[name] = time.perf_counter() - t
        log(f"{name} ({timings[name]:.1f} s)")
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
    torch_peak = next(r for r in peak_records if r.framework == "torch")
    found = torch_peak.setup.roofs
    flops = Flops(
        layer_flops(),
        forward_flops(),
        training_flops(),
        torch_peak.setup.counted_flops,
        found.layers,
    )
    repeats = torch_peak.repeats
    roofs = Roofs(
        bandwidth=Rates.of([t["triad"].count / t["triad"].seconds / 1e9 for t in repeats]),
        triad_elements=found.triad_elements,
        last_level_cache_bytes=found.last_level_cache_bytes,
        cpu_flags=found.cpu_flags,
        peaks={
            name: Rates.of(
                [t[f"matmul_{name}"].count / t[f"matmul_{name}"].seconds / 1e9 for t in repeats]
            )
            for name in found.kernels
        },
        kernels=found.kernels,
        adam=Rates.of([t["adam"].seconds / t["adam"].count for t in repeats]),
    )
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
        machine=Machine(**machine.describe()),
        versions=machine.versions(*LIBRARIES),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        imports=imports,
        peak=peak,
        peak_gflops=peak_gflops,
        roofs=roofs,
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
    # The key of the files as they were when the run started, even if one changes.
    key = cache_key(settings_for(mode))
    # Two builds at once measure once: the second waits, then finds the result (kit/cache.py).
    with entry_lock(results_path(key)):
        if not force:
            for candidate in candidates:
                candidate_key = key if candidate == mode else cache_key(settings_for(candidate))
                cached = read_results(candidate_key)
                if cached and cached.key == candidate_key:
                    return cached, False
        results = replace(run_benchmarks(settings_for(mode)), key=key)
        results.write(results_path(key))
        return results, True


def main(argv: list[str] | None = None) -> int:
    parser = measurement_cli.parser(
        "Run the benchmarks that are out of date.", "python -m site_build.core.bench.measure"
    )
    parser.add_argument("--full", action="store_true", help="the full run (default: short)")
    args = parser.parse_args(argv)
    return measurement_cli.report(
        lambda: ensure_results("full" if args.full else "short", args.force),
        lambda results: (f"{results.mode} benchmarks", results.seconds, results_path(results.key)),
    )


if __name__ == "__main__":
    sys.exit(main())
