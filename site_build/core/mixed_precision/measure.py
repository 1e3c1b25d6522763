"""The mixed-precision page's measurement: float32 against bfloat16 speed, in each
framework's own process, with the code the page shows.

For each framework (``python -m site_build.core.mixed_precision.measure measure torch
--output FILE``), the functions of ``snippets/mixed_precision/training_*.py`` are timed as
they are: ``train_one_epoch(batches, mixed)`` trains the MNIST page's CNN with
``torch.autocast("cpu", dtype=torch.bfloat16)`` or the ``mixed_bfloat16`` Keras policy, and
``accuracy`` predicts the test images with the trained model. Training is timed on two
lengths of the same data (``short_images`` and ``long_images``) and its speed is the
difference of images over the difference of seconds, so that building the model, Keras'
``compile`` and tracing (the same in both runs) cancel out. Float32 and bfloat16 alternate
in every repeat, with the same batches and seeds; the page shows the medians.

A second process per framework runs one bfloat16 step and prediction with
``ONEDNN_VERBOSE=1``: both frameworks compute convolutions and matrix products with oneDNN
on x86 CPUs, and its log names each kernel's implementation and instruction set
(``amx`` in the name: the AMX units). That list, and the CPU's flags, are how the page
shows whether the bfloat16 units were used.

    python -m site_build.core.mixed_precision.measure            # measure unless cached
    python -m site_build.core.mixed_precision.measure --force    # measure again
"""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

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
from site_build.core.kit.records import Machine, from_json
from site_build.core.mixed_precision.results import FrameworkResult, MixedPrecisionResults, Settings
from site_build.core.paths import ROOT

LIBRARIES = {"torch": ("torch", "numpy"), "tf": ("tensorflow", "keras", "numpy")}
SETTINGS = Settings(
    batch=32,
    short_images=320,
    long_images=1280,
    test_images=2048,
    test_batch=256,
    repeats=3,
    seed=2026,
)
TRACE_IMAGES = 64  # the oneDNN trace: two training steps and one prediction batch


class MixedPrecisionFailed(BuildError):
    """A measuring process failed; the message carries the end of its error output."""


def sources(framework: str) -> tuple[str, ...]:
    return (
        f"snippets/mixed_precision/training_{framework}.py",
        f"snippets/mnist/model_{framework}.py",
        f"snippets/mnist/pipeline_{framework}.py",
        f"snippets/mnist/training_{framework}.py",
    )


def results_path(key: str) -> Path:
    return keyed_path("mixed-precision", key, "results.json")


def cache_key(data_md5s: dict[str, str], root: Path = ROOT) -> str:
    return fingerprint(
        {
            "sources": {path: file_digest(root / path) for fw in COMPARED for path in sources(fw)},
            "settings": SETTINGS.__dict__,
            "data": data_md5s,
            "versions": {fw: machine.versions(*LIBRARIES[fw]) for fw in COMPARED},
            "machine": machine.describe(),
        }
    )


_log = progress("mixed precision")


# In one framework's own process --------------------------------------------------------------


def _snippets(framework: str):
    shown = importlib.import_module(f"snippets.mixed_precision.training_{framework}")
    pipeline = importlib.import_module(f"snippets.mnist.pipeline_{framework}")
    return shown, pipeline.make_batches


def _accuracy(shown, framework: str, model, batches, labels, mixed: bool) -> float:
    if framework == "torch":  # autocast is the loop's, so prediction is told
        return shown.accuracy(model, batches, labels, mixed)
    return shown.accuracy(model, batches, labels)  # the policy is the model's


def _seconds(call, *args):
    """(seconds, value) of ``call(*args)``."""
    started = time.perf_counter()
    value = call(*args)
    return time.perf_counter() - started, value


def measure(framework: str, output: Path) -> None:
    """Time training and prediction in both precisions; write this framework's numbers."""
    from site_build.core.mnist_data import load_splits

    s, data = SETTINGS, load_splits()
    shown, make_batches = _snippets(framework)

    def train_batches(n: int):
        return make_batches(data.train_images[:n], data.train_labels[:n], s.batch, True, s.seed)

    short, long = train_batches(s.short_images), train_batches(s.long_images)
    labels = data.test_labels[: s.test_images]
    test = make_batches(data.test_images[: s.test_images], labels, s.test_batch, shuffle=False)
    timed = {p: {"train": [], "inference": [], "accuracy": 0.0} for p in ("float32", "bfloat16")}
    for repeat in range(s.repeats):
        for precision in ("float32", "bfloat16"):  # interleaved
            mixed = precision == "bfloat16"
            short_seconds, _ = _seconds(shown.train_one_epoch, short, mixed, s.seed)
            long_seconds, model = _seconds(shown.train_one_epoch, long, mixed, s.seed)
            if long_seconds <= short_seconds:
                raise MixedPrecisionFailed(
                    f"{NAMES[framework]} {precision}: {s.long_images} images trained in "
                    f"{long_seconds:.2f} s, no longer than {s.short_images} images "
                    f"({short_seconds:.2f} s); raise long_images in SETTINGS of {__file__}."
                )
            extra = s.long_images - s.short_images
            _accuracy(shown, framework, model, test, labels, mixed)  # warm-up, tracing
            seconds, accuracy = _seconds(_accuracy, shown, framework, model, test, labels, mixed)
            t = timed[precision]
            t["train"].append(extra / (long_seconds - short_seconds))
            t["inference"].append(s.test_images / seconds)
            t["accuracy"] = accuracy
            _log(
                f"{NAMES[framework]} {precision}, repeat {repeat + 1}/{s.repeats}: "
                f"train {t['train'][-1]:.0f}, inference {t['inference'][-1]:.0f} images/s"
            )
    atomic_write_json(
        output,
        {
            precision: {
                "train_images_per_second": t["train"],
                "inference_images_per_second": t["inference"],
                "accuracy": t["accuracy"],
            }
            for precision, t in timed.items()
        }
        | {"versions": machine.versions(*LIBRARIES[framework])},
    )


def trace(framework: str) -> None:
    """One short bfloat16 training and prediction, for oneDNN's log (``ONEDNN_VERBOSE``)."""
    from site_build.core.mnist_data import load_splits

    data, n = load_splits(), TRACE_IMAGES
    shown, make_batches = _snippets(framework)
    train = make_batches(data.train_images[:n], data.train_labels[:n], SETTINGS.batch, True)
    labels = data.test_labels[:n]
    test = make_batches(data.test_images[:n], labels, n, shuffle=False)
    model = shown.train_one_epoch(train, True)
    _accuracy(shown, framework, model, test, labels, True)


# In the build's process ------------------------------------------------------------------------


def _failed(framework: str):
    return lambda reason: MixedPrecisionFailed(
        f"measuring {NAMES[framework]} failed; the end of its output:\n{reason}"
    )


def run_all(key: str) -> MixedPrecisionResults:
    started = time.perf_counter()
    frameworks = {}
    module = "site_build.core.mixed_precision.measure"
    with tempfile.TemporaryDirectory(prefix="mixed-precision-") as folder:
        for framework in COMPARED:
            _log(f"{NAMES[framework]}: float32 against bfloat16, {SETTINGS.repeats} repeats")
            output = Path(folder) / f"{framework}.json"
            run_module(
                module,
                *("measure", framework, "--output", str(output)),
                env=quiet_tensorflow(),
                show="[mixed precision]",
                failed=_failed(framework),
            )
            log = run_module(
                module,
                *("trace", framework),
                env={**quiet_tensorflow(), **onednn.VERBOSE},
                show="[mixed precision]",
                capture=True,
                failed=_failed(framework),
            )
            kernels, version = onednn.parse_log(log)
            part = json.loads(output.read_text(encoding="utf-8"))
            frameworks[framework] = from_json(
                FrameworkResult,
                {**part, "kernels": [vars(k) for k in kernels], "onednn": version},
            )
    return MixedPrecisionResults(
        key=key,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        settings=SETTINGS,
        machine=Machine(**machine.describe()),
        cpu_flags=onednn.cpu_flags(),
        frameworks=frameworks,
        seconds=time.perf_counter() - started,
    )


def ensure_results(
    force: bool = False, data_md5s: dict[str, str] | None = None
) -> tuple[MixedPrecisionResults, bool]:
    """(results, measured): the cached results when their key matches, else new ones."""
    if data_md5s is None:
        from site_build.core.mnist_data import locate

        data_md5s = locate().md5s()
    key = cache_key(data_md5s)
    # Two builds at once measure once: the second waits, then finds the result (kit/cache.py).
    with entry_lock(results_path(key)):
        cached = MixedPrecisionResults.read(results_path(key))
        if not force and cached is not None and cached.key == key:
            return cached, False
        results = run_all(key)
        results.write(results_path(key))
        return results, True


def main(argv: list[str] | None = None) -> int:
    parser = measurement_cli.parser(
        "Measure float32 against bfloat16 training and inference speed.",
        "python -m site_build.core.mixed_precision.measure",
    )
    parser.add_argument("command", nargs="?", choices=["measure", "trace"], help="internal")
    parser.add_argument("framework", nargs="?", choices=sorted(COMPARED))
    parser.add_argument("--output", type=Path, help="internal")
    args = parser.parse_args(argv)
    if args.command == "measure":
        measure(args.framework, args.output)
        return 0
    if args.command == "trace":
        trace(args.framework)
        return 0
    return measurement_cli.report(
        lambda: ensure_results(args.force),
        lambda results: ("mixed precision", results.seconds, results_path(results.key)),
    )


if __name__ == "__main__":
    sys.exit(main())
