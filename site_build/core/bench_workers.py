"""The benchmark workers: one configuration of one framework, in its own process.

``benchmarks.py`` starts each worker as ``python -m site_build.core.bench_workers FRAMEWORK
KIND CONFIG SETTINGS``. The worker sets its thread count, imports its framework, builds the
matched CNN of ``snippets/mnist/model_{torch,tf}.py``, prepares its configuration
(compiling, exporting) and warms up; it then answers a JSON line when ready and one per
``run`` line on stdin (a timed repeat), and its peak memory on ``done``.

Why over 300 lines: one class per framework, each with every configuration the page
compares, side by side so that the two are prepared alike.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from site_build.core.benchmarks import LEARNING_RATE, SEED, counted_flops

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


if __name__ == "__main__":
    framework, kind, config, settings = sys.argv[1:5]
    worker_main(framework, kind, config, json.loads(settings))
