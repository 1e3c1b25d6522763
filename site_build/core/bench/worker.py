"""The benchmark workers: one configuration of one framework, in its own process.

``bench/measure.py`` starts each worker as ``python -m site_build.core.bench.worker FRAMEWORK
KIND CONFIG SCRATCH SETTINGS``. The worker sets its thread count and seed, imports its
framework, builds the matched CNN of ``snippets/mnist/model_{torch,tf}.py`` and prepares its
configuration with the functions the benchmarks page shows,
``snippets/benchmarks/configs_{torch,tf}.py`` (a training step, or a predictor: eager,
compiled, exported or ONNX Runtime); it warms up, answers a JSON line (``Setup``) when
ready, one per ``run`` line on stdin (a timed repeat), and its peak memory on ``done``.

Apart from threads and seeds, nothing here depends on the framework: the worker calls the
snippet module of its framework by the same names and times the callables they return.
Files (exports, compiler caches) go to a folder of its own under SCRATCH, which the
orchestrator removes, also after a run that was killed (``bench.processes.scratch_folder``).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from site_build.core.bench.flops import counted_flops, layer_costs
from site_build.core.bench.results import RoofsSetup, Settings, Setup, Timed

SEED = 2026

# Each configuration as the page's tables name it -> what it runs from the snippet module.
ROLES = {
    "eager": "eager",
    "graph": "eager",  # Keras' default compile(): a graph without XLA on a CPU
    "compile": "compiled",
    "xla": "compiled",
    "export": "exported",
    "saved_model": "exported",
    "onnx": "onnx",
}
# The exported artefact's name in the worker's folder.
ARTIFACTS = {"export": "model.pt2", "saved_model": "saved_model", "onnx": "model.onnx"}


def inputs(batch: int) -> tuple[Any, Any]:
    """Random images (N, 28, 28, 1) and labels with a fixed seed, the same for every worker."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    images = rng.random((batch, 28, 28, 1), dtype=np.float32)
    return images, rng.integers(0, 10, batch).astype(np.int64)


def directory_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def prepare_framework(framework: str, threads: int) -> None:
    """The same thread counts for both frameworks, and their seeds."""
    if framework == "torch":
        import torch

        torch.set_num_threads(threads)
        torch.set_num_interop_threads(threads)
        torch.manual_seed(SEED)
    elif framework == "tf":
        import keras
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        keras.utils.set_random_seed(SEED)


# The CPU flags of the units that multiply 16-bit floats or 8-bit integers faster, and the
# matrix products measured when the CPU lists one of them (bfloat16 in; int8 in, int32 sums).
LOW_PRECISION_FLAGS = {
    "bfloat16": ("amx_bf16", "avx512_bf16"),
    "int8": ("amx_int8", "avx512_vnni", "avx_vnni"),
}
# The int8 product's quantization: the scale of its activations and weights; its uint8 output
# at scale 1 around 128, so that sums of either sign stay in range.
INT8_SCALE = 1 / 128
INT8_OUTPUT_ZERO_POINT = 128
TRIAD_MIN_ELEMENTS = 2**25  # 128 MiB a float32 array, when the cache size is unknown
TRIAD_CALLS = 3


def cpu_flags() -> tuple[str, ...]:
    """Those of LOW_PRECISION_FLAGS' flags that /proc/cpuinfo lists (none elsewhere)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return ()
    listed = next(
        (line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")),
        [],
    )
    wanted = {flag for flags in LOW_PRECISION_FLAGS.values() for flag in flags}
    return tuple(sorted(wanted & set(listed)))


def last_level_cache_bytes() -> int | None:
    """The size of the largest cache that Linux lists for CPU 0."""
    sizes = []
    for index in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            text = (index / "size").read_text().strip()
        except OSError:
            continue
        units = {"K": 2**10, "M": 2**20, "G": 2**30}
        sizes.append(int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text))
    return max(sizes, default=None)


def onednn_kernels(call) -> list[str]:
    """The implementations oneDNN reports for the primitives ``call`` runs (ONEDNN_VERBOSE
    lines ``onednn_verbose,...,exec,cpu,PRIMITIVE,IMPLEMENTATION,...``), read from fd 1."""
    import torch

    with tempfile.TemporaryFile("w+") as log:
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(log.fileno(), 1)
        try:
            with torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):
                call()
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
        log.seek(0)
        lines = [line.split(",") for line in log.read().splitlines() if ",exec,cpu," in line]
    at = [fields.index("exec") for fields in lines]
    return [f"{fields[i + 2]} {fields[i + 3]}".strip() for fields, i in zip(lines, at, strict=True)]


def int8_product(x: Any, w: Any) -> Callable[[], Any]:
    """The int8 peak's product, ``x @ w.T``: a quantized linear layer in oneDNN,
    ``torch.ops.onednn.qlinear_pointwise``, the operation that ``torch.compile`` (Inductor)
    runs for the Linear layers of an int8 model quantized with torchao's x86 recipe, such as
    the quantization page's full integer model: uint8 activations ``x`` (N, K) times int8
    weights ``w`` (M, K) prepacked once for the CPU, summed in int32 and returned as uint8
    (``INT8_SCALE``, ``INT8_OUTPUT_ZERO_POINT``). ``torch._int_mm`` (int8
    times int8 into int32) reaches a oneDNN ``gemm_api`` kernel on this PyTorch instead of the
    AMX units, so it would not be the ceiling of the models that do reach them."""
    import torch

    packed = torch.ops.onednn.qlinear_prepack(w, list(x.shape))
    # One scale per output channel, as the x86 recipe quantizes weights; zero points 0.
    w_scales = torch.full((w.shape[0],), INT8_SCALE)
    w_zero_points = torch.zeros(w.shape[0], dtype=torch.int64)

    def product() -> Any:
        return torch.ops.onednn.qlinear_pointwise(
            x, INT8_SCALE, 0, packed, w_scales, w_zero_points, None,
            1.0, INT8_OUTPUT_ZERO_POINT, torch.uint8, "none", [], "",
        )  # fmt: skip

    return product


class RoofsWorker:
    """The other roofs, measured in the PyTorch worker beside its float32 product: memory
    bandwidth (a triad over arrays larger than the last-level cache), the bfloat16 and int8
    products where the CPU has units for them, and one Adam update of the CNN's parameters."""

    def __init__(self, s: Settings) -> None:
        import torch

        self.s = s
        cache = last_level_cache_bytes()
        # Three arrays, each at least as large as the whole last-level cache.
        n = max(TRIAD_MIN_ELEMENTS, (cache or 0) // 4)
        self.b, self.c = torch.rand(n), torch.rand(n)
        self.a = torch.empty(n)
        self.triad = lambda: torch.add(self.b, self.c, alpha=3.0, out=self.a)
        flags = cpu_flags()
        size = s.matmul_size
        self.products = {}
        kernels = {}
        generator = torch.Generator().manual_seed(SEED)
        if set(flags) & set(LOW_PRECISION_FLAGS["bfloat16"]):
            x = torch.rand(size, size, generator=generator).to(torch.bfloat16)
            y = torch.rand(size, size, generator=generator).to(torch.bfloat16)
            self.products["bfloat16"] = lambda: torch.mm(x, y)
        if set(flags) & set(LOW_PRECISION_FLAGS["int8"]):
            u8 = torch.randint(0, 256, (size, size), dtype=torch.uint8, generator=generator)
            s8 = torch.randint(-128, 128, (size, size), dtype=torch.int8, generator=generator)
            self.products["int8"] = int8_product(u8, s8)
        for name, product in self.products.items():
            kernels[name] = ", ".join(sorted(set(onednn_kernels(product)))) or "?"
        from snippets.mnist.model_torch import build_model

        model = build_model()
        for p in model.parameters():
            p.grad = torch.rand_like(p)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        self.adam = optimizer.step
        self.triad()
        self.adam()
        self.setup = RoofsSetup(n, cache, flags, kernels, layer_costs())

    def repeat(self) -> dict[str, Timed]:
        n, size, calls = self.a.numel(), self.s.matmul_size, self.s.matmul_calls
        # STREAM's count: two arrays read and one written, 4 bytes an element.
        done = {
            "triad": Timed(
                3 * 4 * n * TRIAD_CALLS, timed(lambda: [self.triad() for _ in range(TRIAD_CALLS)])
            )
        }
        for name, product in self.products.items():
            seconds = timed(lambda product=product: [product() for _ in range(calls)])
            done[f"matmul_{name}"] = Timed(2 * size**3 * calls, seconds)
        done["adam"] = Timed(1, timed(self.adam))
        return done


class MatmulWorker:
    """The machine's limit: a large float32 matrix product in one library (and, in the
    PyTorch worker, the other roofs: ``RoofsWorker``)."""

    def __init__(self, framework: str, s: Settings) -> None:
        import numpy as np

        self.s = s
        n = s.matmul_size
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
        self.roofs = RoofsWorker(s) if framework == "torch" else None
        for _ in range(s.warmup):
            self.repeat()
        # The counts are made here, never in the process that builds the site.
        self.setup = (
            Setup(0.0, counted_flops=counted_flops(), roofs=self.roofs.setup)
            if self.roofs
            else Setup(0.0)
        )

    def repeat(self) -> dict[str, Timed]:
        calls, n = self.s.matmul_calls, self.s.matmul_size
        seconds = timed(lambda: [self.product() for _ in range(calls)])
        done = {"matmul": Timed(2 * n**3 * calls, seconds)}
        return {**done, **self.roofs.repeat()} if self.roofs else done


class ModelWorker:
    """The matched CNN in one configuration, prepared by the framework's snippet module."""

    def __init__(self, framework: str, kind: str, config: str, s: Settings, folder: Path):
        self.s, self.kind = s, kind
        configs = importlib.import_module(f"snippets.benchmarks.configs_{framework}")
        model = importlib.import_module(f"snippets.mnist.model_{framework}").build_model()
        role = ROLES[config]
        info: dict[str, Any] = {}
        if kind == "train":
            images, labels = inputs(s.train_batch)
            x, y = configs.as_images(images), configs.as_labels(labels)
            self.step = configs.train_step(model, x, y, compiled=role == "compiled")
            info["first_call_seconds"] = timed(self.step)
            if hasattr(model, "jit_compile"):  # Keras: what "auto" became
                info["jit_compile"] = bool(model.jit_compile)
        else:
            one = configs.as_images(inputs(1)[0])
            many = configs.as_images(inputs(s.throughput_batch)[0])
            self.inputs = (one, many)
            if role in ("exported", "onnx"):
                path = str(folder / ARTIFACTS[config])
                write = configs.export if role == "exported" else configs.export_onnx
                info["export_seconds"] = timed(lambda: write(model, many, path))
                info["artifact_bytes"] = directory_bytes(folder)
                if role == "exported":
                    self.predict = configs.exported(path)
                else:
                    self.predict = configs.onnx_runtime(path, s.threads)
            else:
                self.predict = getattr(configs, role)(model)
            info["first_call_seconds"] = timed(lambda: (self.predict(one), self.predict(many)))
        self.setup = Setup(0.0, **info)
        for _ in range(s.warmup):
            self.repeat()

    def repeat(self) -> dict[str, Timed]:
        if self.kind == "train":
            batches = self.s.train_batches
            seconds = timed(lambda: [self.step() for _ in range(batches)])
            return {"train": Timed(batches * self.s.train_batch, seconds)}
        (one, many), calls, batches = self.inputs, self.s.latency_calls, self.s.throughput_batches
        latency = timed(lambda: [self.predict(one) for _ in range(calls)])
        throughput = timed(lambda: [self.predict(many) for _ in range(batches)])
        return {
            "latency": Timed(calls, latency),
            "throughput": Timed(batches * self.s.throughput_batch, throughput),
        }


def worker_main(framework: str, kind: str, config: str, scratch: Path, s: Settings) -> None:
    """Serve one configuration: a JSON line when ready, then one per ``run`` on stdin."""
    import resource

    # Libraries print progress on stdout; the protocol keeps its own copy of it.
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)

    def send(message: dict) -> None:
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    prepare_framework(framework, s.threads)
    folder = Path(tempfile.mkdtemp(prefix=f"{framework}-{kind}-{config}-", dir=scratch))
    started = time.perf_counter()
    if kind == "peak":
        worker: MatmulWorker | ModelWorker = MatmulWorker(framework, s)
    else:
        worker = ModelWorker(framework, kind, config, s, folder)
    send(replace(worker.setup, setup_seconds=time.perf_counter() - started).to_json())
    for line in sys.stdin:
        if line.strip() != "run":
            break
        send({task: asdict(value) for task, value in worker.repeat().items()})
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    send({"max_rss_mib": peak_kib / 1024})


if __name__ == "__main__":
    framework, kind, config, scratch, settings = sys.argv[1:6]
    worker_main(framework, kind, config, Path(scratch), Settings.from_json(json.loads(settings)))
