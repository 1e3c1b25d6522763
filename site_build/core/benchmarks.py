"""The benchmarks page's measurements: PyTorch and TensorFlow side by side, in one run.

Every measurement runs in fresh worker processes, never in the process that builds the
site: one worker per framework and configuration (``python -m site_build.core.benchmarks worker
FRAMEWORK CONFIG SETTINGS``). A worker sets its thread count, imports its framework, builds
the matched CNN of ``snippets/mnist/model_{torch,tf}.py``, prepares its configuration
(compiling, exporting) and warms up; then it runs one timed repeat each time the
orchestrator asks. The orchestrator keeps a PyTorch worker and a TensorFlow worker of the
same kind of measurement alive together and asks them in turn (torch, tf, torch, tf, ...),
so that a slow minute of a shared machine falls on both frameworks alike.

The machine's limit is the float32 GFLOP/s of a large matrix product in PyTorch,
TensorFlow and NumPy; each configuration's images/s times the CNN's FLOPs per image (counted
analytically below, cross-checked with ``torch.utils.flop_counter``) gives its fraction of it.

One results file per mode is written atomically under ``<cache>/benchmarks/``: ``full``
(``nox -s bench``, ``python -m site_build.core.benchmarks --full``) and ``short`` (what the docs
build runs when no result matches the current code, versions and machine).

    python -m site_build.core.benchmarks            # the short run, unless cached
    python -m site_build.core.benchmarks --full     # the full run, unless cached (--force: rerun)

Why one long module: the workers and the orchestrator speak one line protocol and share the
settings, and this file is part of the results' cache key; splitting the workers out (into
a module that the key also covers) is planned, not done.
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


# Workers: each runs in its own process ----------------------------------------------------------


def _inputs(batch: int, channels_first: bool):
    import numpy as np

    rng = np.random.default_rng(SEED)
    images = rng.random((batch, 28, 28, 1), dtype=np.float32)
    labels = rng.integers(0, 10, batch).astype(np.int64)
    if channels_first:
        images = np.ascontiguousarray(images.transpose(0, 3, 1, 2))
    return images, labels


def _directory_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


class Worker:
    """One configuration in one process: ``setup()`` once, then ``repeat()`` on request."""

    def __init__(self, settings: dict[str, Any], workdir: Path):
        self.s = settings
        self.workdir = workdir
        self.info: dict[str, Any] = {}

    def warm_up(self) -> None:
        for _ in range(self.s["warmup"]):
            self.repeat()


class MatmulWorker(Worker):
    def setup(self, framework: str) -> None:
        import numpy as np

        n = self.s["matmul_size"]
        rng = np.random.default_rng(SEED)
        a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
        if framework == "torch":
            import torch

            a, b = torch.from_numpy(a), torch.from_numpy(b)
            self.product = lambda: torch.mm(a, b)
        elif framework == "tf":
            import tensorflow as tf

            a, b = tf.constant(a), tf.constant(b)
            # Reading one element back waits for the product, without copying all of it.
            self.product = lambda: tf.linalg.matmul(a, b)[0, 0].numpy()
        else:
            self.product = lambda: a @ b
        self.product()
        self.warm_up()
        if framework == "torch":  # the count is made here, never in the caller's process
            self.info["counted_flops"] = counted_flops()

    def repeat(self) -> dict[str, Any]:
        calls, n = self.s["matmul_calls"], self.s["matmul_size"]
        seconds = _timed(lambda: [self.product() for _ in range(calls)])
        return {"matmul": {"flops": 2 * n**3 * calls, "seconds": seconds}}


class ModelWorker(Worker):
    """A worker that times the matched CNN: ``setup`` leaves a training step or a predictor."""

    def repeat(self) -> dict[str, Any]:
        if self.kind == "train":
            batches = self.s["train_batches"]
            seconds = _timed(lambda: [self.step() for _ in range(batches)])
            return {"train": {"images": batches * self.s["train_batch"], "seconds": seconds}}
        return _inference_repeat(self.predict, *self.inputs, self.s)


class TorchWorker(ModelWorker):
    def setup(self, kind: str, config: str) -> None:
        import torch

        from snippets.mnist.model_torch import build_model

        torch.manual_seed(SEED)
        self.model = model = build_model()
        self.kind = kind
        if kind == "train":
            images, labels = _inputs(self.s["train_batch"], channels_first=True)
            x, y = torch.from_numpy(images), torch.from_numpy(labels)
            optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
            forward = torch.compile(model) if config == "compile" else model

            def step():
                optimizer.zero_grad(set_to_none=True)
                loss = torch.nn.functional.cross_entropy(forward(x), y)
                loss.backward()
                optimizer.step()
                return loss.item()

            self.step = step
            self.info["first_call_seconds"] = _timed(step)
        else:
            model.eval()
            one = torch.from_numpy(_inputs(1, True)[0])
            many = torch.from_numpy(_inputs(self.s["throughput_batch"], True)[0])
            self.inputs = (one, many)
            predict = self._predictor(config, model, many)
            self.predict = predict
            self.info["first_call_seconds"] = _timed(lambda: (predict(one), predict(many)))
        self.warm_up()

    def _predictor(self, config: str, model, example):
        import torch

        dynamic = ({0: torch.export.Dim.DYNAMIC},)
        if config == "eager":
            forward = model
        elif config == "compile":
            # Static shapes: batch 1 and batch 256 get a graph each (timed in the first call).
            forward = torch.compile(model, dynamic=False)
        elif config == "export":
            path = self.workdir / "model.pt2"
            started = time.perf_counter()
            torch.export.save(torch.export.export(model, (example,), dynamic_shapes=dynamic), path)
            self.info["export_seconds"] = time.perf_counter() - started
            self.info["artifact_bytes"] = _directory_bytes(path)
            forward = torch.export.load(path).module()
        elif config == "onnx":
            path = self.workdir / "model.onnx"
            started = time.perf_counter()
            torch.onnx.export(model, (example,), path, dynamo=True, dynamic_shapes=dynamic)
            self.info["export_seconds"] = time.perf_counter() - started
            self.info["artifact_bytes"] = _directory_bytes(self.workdir)
            return _ort_predictor(path, self.s["threads"])
        else:
            raise ValueError(config)

        def predict(x):
            with torch.inference_mode():
                return forward(x).numpy()

        return predict


class KerasWorker(ModelWorker):
    def setup(self, kind: str, config: str) -> None:
        import keras
        import tensorflow as tf

        from snippets.mnist.model_tf import build_model

        keras.utils.set_random_seed(SEED)
        self.model = model = build_model()
        self.kind = kind
        if kind == "train":
            images, labels = _inputs(self.s["train_batch"], channels_first=False)
            x, y = tf.constant(images), tf.constant(labels)
            model.compile(
                optimizer=keras.optimizers.SGD(LEARNING_RATE),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                # "graph": Keras' default ("auto"); "xla": XLA asked for explicitly.
                **({"jit_compile": True} if config == "xla" else {}),
            )
            self.step = lambda: model.train_on_batch(x, y)
            self.info["first_call_seconds"] = _timed(self.step)
            # What "auto" became: Keras turns XLA off on a machine without an accelerator.
            self.info["jit_compile"] = bool(model.jit_compile)
        else:
            one = tf.constant(_inputs(1, False)[0])
            many = tf.constant(_inputs(self.s["throughput_batch"], False)[0])
            self.inputs = (one, many)
            model(one)  # Keras' ONNX export needs a model that has been called once
            predict = self._predictor(config, model)
            self.predict = predict
            self.info["first_call_seconds"] = _timed(lambda: (predict(one), predict(many)))
        self.warm_up()

    def _predictor(self, config: str, model):
        import tensorflow as tf

        if config == "eager":
            return lambda x: model(x, training=False).numpy()
        if config == "xla":
            forward = tf.function(lambda x: model(x, training=False), jit_compile=True)
            return lambda x: forward(x).numpy()
        if config == "saved_model":
            path = self.workdir / "saved_model"
            started = time.perf_counter()
            model.export(path, format="tf_saved_model", verbose=False)
            self.info["export_seconds"] = time.perf_counter() - started
            self.info["artifact_bytes"] = _directory_bytes(path)
            loaded = tf.saved_model.load(str(path))
            self._loaded = loaded  # keep the loaded object (and its variables) alive
            return lambda x: loaded.serve(x).numpy()
        if config == "onnx":
            path = self.workdir / "model.onnx"
            started = time.perf_counter()
            model.export(path, format="onnx", verbose=False)
            self.info["export_seconds"] = time.perf_counter() - started
            self.info["artifact_bytes"] = _directory_bytes(self.workdir)
            return _ort_predictor(path, self.s["threads"])
        raise ValueError(config)


def _ort_predictor(path: Path, threads: int):
    """Predictions of an exported ONNX file, run by ONNX Runtime with the given threads."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = threads
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: session.run(None, {name: x.numpy()})[0]


def _inference_repeat(predict, one, many, s: dict[str, Any]) -> dict[str, Any]:
    calls, batches = s["latency_calls"], s["throughput_batches"]
    latency = _timed(lambda: [predict(one) for _ in range(calls)])
    throughput = _timed(lambda: [predict(many) for _ in range(batches)])
    return {
        "latency": {"images": calls, "seconds": latency},
        "throughput": {"images": batches * s["throughput_batch"], "seconds": throughput},
    }


def _set_threads(framework: str, threads: int) -> None:
    if framework == "torch":
        import torch

        torch.set_num_threads(threads)
        torch.set_num_interop_threads(threads)
    elif framework == "tf":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def worker_main(framework: str, kind: str, config: str, settings: dict[str, Any]) -> None:
    """Serve one configuration: a JSON line when ready, then one per ``run`` on stdin."""
    import resource

    # Libraries print progress on stdout (torch.onnx does); the protocol keeps its own copy.
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)

    def send(message: dict) -> None:
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    _set_threads(framework, settings["threads"])
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        started = time.perf_counter()
        if kind == "peak":
            worker: Worker = MatmulWorker(settings, Path(workdir))
            worker.setup(framework)
        else:
            worker = (TorchWorker if framework == "torch" else KerasWorker)(settings, Path(workdir))
            worker.setup(kind, config)
        send({"ready": True, "setup_seconds": time.perf_counter() - started, **worker.info})
        for line in sys.stdin:
            if line.strip() == "run":
                send(worker.repeat())
            else:
                break
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        send({"max_rss_mib": peak_kib / 1024})


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
                "site_build.core.benchmarks",
                "worker",
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
    if argv[:1] == ["worker"]:
        framework, kind, config, settings = argv[1:5]
        worker_main(framework, kind, config, json.loads(settings))
        return 0
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
