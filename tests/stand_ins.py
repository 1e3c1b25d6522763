"""Stand-ins for what the tests must not use for real: an empty cache folder, a trained MNIST
run's results (in memory or written in the cache), a benchmark run's results, Fashion-MNIST
runs' results, the data loading page's throughput, the mixed-precision and quantization
measurements' results, the data sets' download mirrors (one that fails at once, one served
from a local folder), a notebook page's source, a built page's
HTML, and two builds started at once."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from site_build.core.bench import figures as bench_figures
from site_build.core.bench import flops as bench_flops
from site_build.core.bench import measure as benchmarks
from site_build.core.bench.peaks import machine_roofs
from site_build.core.bench.results import (
    BenchResults,
    LayerCost,
    Rates,
    RoofsSetup,
    Setup,
    Timed,
    WorkerRecord,
)
from site_build.core.data_loading import measure as data_loading
from site_build.core.data_loading.results import Measurement, ThroughputResult
from site_build.core.fashion import runs as fashion_runs
from site_build.core.fashion.results import Checkpoint, FashionResults
from site_build.core.fashion.results import DataInfo as FashionDataInfo
from site_build.core.fashion.results import RunResult as FashionRunResult
from site_build.core.generated import Generated
from site_build.core.kit import cache
from site_build.core.kit.onednn import Kernel
from site_build.core.kit.records import Machine
from site_build.core.kit.roofline import MachineRoofs
from site_build.core.layout import languages
from site_build.core.mixed_precision import measure as mixed_precision
from site_build.core.mixed_precision.results import (
    FrameworkResult,
    MixedPrecisionResults,
    Precision,
)
from site_build.core.mnist import spec as mnist_spec
from site_build.core.mnist.results import (
    DataInfo,
    Epoch,
    RunResult,
    Settings,
    TestResult,
    Weights,
)
from site_build.core.mnist_data import IdxSource
from site_build.core.paths import ROOT
from site_build.core.placeholders import render
from site_build.core.quantization import measure as quantization
from site_build.core.quantization.results import QuantizationResults
from tests.static_server import serve


def run_result(spec, key: str = "e" * 64, weights: Weights | None = None) -> RunResult:
    """A stand-in result of the MNIST run ``spec`` with cache key ``key`` (nothing trained)."""
    return RunResult(
        run=spec.name,
        framework=spec.framework,
        experiment=spec.experiment,
        key=key,
        settings=spec.settings,
        parameters=1,
        input_size=28,
        data=DataInfo(full=False, sizes={}, md5={}, limited_to=None),
        trained_images=1,
        history=[],
        test=TestResult(accuracy=0.5, confusion=[], misclassified=[]),
        seconds=1.0,
        versions={},
        machine=Machine(cpu="cpu", logical_cores=1, memory_gib=None, system="", python="3"),
        created="2026-12-01T00:00:00+00:00",
        weights=weights,
    )


def mnist_run(
    framework: str, experiment: str, batch_size: int, trained: int, parameters: int, size: int
) -> RunResult:
    """A finished MNIST run of three epochs whose most frequent mistake is a 4 read as 9."""
    history = [
        Epoch(
            epoch=epoch,
            loss=1.0 / epoch,
            accuracy=0.5 + epoch / 10,
            val_loss=1.2 / epoch,
            val_accuracy=0.45 + epoch / 10,
            seconds=10.0 + epoch,
            train_seconds=8.0,
            images_per_second=trained / 8.0,
        )
        for epoch in (1, 2, 3)
    ]
    confusion = [[10 if row == column else 1 for column in range(10)] for row in range(10)]
    confusion[4][9] = 7  # the most frequent mistake: a 4 read as 9
    return RunResult(
        run=f"{experiment}-{framework}",
        framework=framework,
        experiment=experiment,
        key=f"key-{experiment}-{framework}",
        settings=Settings(batch_size=batch_size, epochs=3, learning_rate=0.01, seed=1),
        parameters=parameters,
        input_size=size,
        data=DataInfo(
            full=False,
            sizes={"train": 6400, "validation": 1600, "test": 2000},
            md5={},
            limited_to=None,
        ),
        trained_images=trained,
        history=history,
        test=TestResult(accuracy=0.875, confusion=confusion, misclassified=[]),
        seconds=40.0,
        versions={"torch" if framework == "torch" else "keras": "1.0", "numpy": "2.0"},
        machine=Machine(
            cpu="Test CPU", logical_cores=2, memory_gib=24.0, system="Linux", python="3.11"
        ),
        created="2026-11-22T10:00:00+00:00",
    )


def mnist_results() -> dict[str, RunResult]:
    """The four runs the MNIST page shows (run name -> result), as mnist_run makes them."""
    return {
        "matched-torch": mnist_run("torch", "matched", 64, 6400, 9_467_274, 28),
        "matched-tf": mnist_run("tf", "matched", 64, 6400, 9_467_274, 28),
        "article-torch": mnist_run("torch", "article", 512, 5600, 29_066, 8),
        "article-tf": mnist_run("tf", "article", 32, 5600, 9_467_274, 28),
    }


def write_run(spec, key: str) -> None:
    """Write a stand-in result in the cache, with a stand-in weights file for matched runs."""
    weights = None
    if spec.experiment == "matched":
        path = mnist_spec.results_path(spec, key).with_name(f"{spec.name}.weights")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"weights of " + spec.name.encode())
        weights = Weights(file=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    run_result(spec, key, weights).write(mnist_spec.results_path(spec, key))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    """An empty cache folder of the test's own (``SITE_CACHE_DIR``)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    return folder


# Benchmarks: the configurations whose workers export a model first.
EXPORTED = ("export", "saved_model", "onnx")


def _record(framework, kind, config, repeats=3, images=192, seconds=0.5) -> WorkerRecord:
    tasks = ("train",) if kind == "train" else ("latency", "throughput")
    setup = Setup(1.0, first_call_seconds=0.5)
    if config in EXPORTED:
        setup = replace(setup, artifact_bytes=38_000_000, export_seconds=1.5)
    return WorkerRecord(
        framework,
        kind,
        config,
        setup,
        500.0,
        tuple({t: Timed(images, seconds * (1 + i / 10)) for t in tasks} for i in range(repeats)),
    )


def fake_results(mode: str = "short") -> BenchResults:
    """Benchmark results assembled by the harness from made-up worker repeats (nothing is
    run)."""
    peak = [
        WorkerRecord(
            fw,
            "peak",
            "matmul",
            Setup(1.0),
            100.0,
            tuple({"matmul": Timed(2e10, s)} for s in (0.2, 0.1, 0.4)),
        )
        for fw in benchmarks.PEAK_FRAMEWORKS
    ]
    counted = bench_flops.CountedFlops(forward=4.0e7, training=1.2e8)
    roofs = RoofsSetup(
        triad_elements=2**27,
        last_level_cache_bytes=2**29,
        cpu_flags=("amx_bf16", "amx_int8"),
        kernels={"bfloat16": "matmul brg_matmul:amx", "int8": "matmul brg_matmul:avx10_1_512_amx"},
        layers=(
            LayerCost("0 (Conv2d)", 320, 784, 21632, 389376),
            LayerCost("6 (Linear)", 9_438_208, 9216, 1024, 18_874_368),
        ),
    )
    # The PyTorch worker times the other roofs beside its product: 3 GB moved a triad repeat,
    # the low-precision products faster than float32, and an Adam update in about 30 ms.
    extra = {
        "triad": Timed(3e9, 0.3),
        "matmul_bfloat16": Timed(2e10, 0.05),
        "matmul_int8": Timed(2e10, 0.08),
        "adam": Timed(1, 0.03),
    }
    peak[0] = replace(
        peak[0],
        setup=Setup(1.0, counted_flops=counted, roofs=roofs),
        repeats=tuple(
            {**r, **{k: Timed(t.count, t.seconds * (1 + i / 10)) for k, t in extra.items()}}
            for i, r in enumerate(peak[0].repeats)
        ),
    )
    pairs = [
        _record(fw, kind, config)
        for kind, torch_config, tf_config in benchmarks.PAIRS
        for fw, config in (("torch", torch_config), ("tf", tf_config))
    ]
    imports = {fw: Rates.of([1.0, 2.0]) for fw in ("torch", "tf")}
    results = benchmarks.assemble(benchmarks.settings_for(mode), imports, peak, pairs)
    return replace(results, seconds=90.0, timings={"imports": 3.0})


def bench_roofs(cpu: str = "Test CPU", threads: int = 2) -> MachineRoofs:
    """The roofs of ``fake_results()``, as the mixed-precision and quantization pages read
    them, measured on ``cpu`` with ``threads`` threads (the stand-ins' machine by default)."""
    return replace(machine_roofs(fake_results()), cpu=cpu, threads=threads)


FASHION_MD5S = {"train-images-idx3-ubyte.gz": "f4a8712d7a061bf5bd6d2ca38dc4d50a"}


def fashion_history(final: float, seconds: float, epochs: int = 2) -> list[Checkpoint]:
    """Made-up Fashion-MNIST checkpoints: four an epoch, accuracy rising to ``final``."""
    history, total = [], 0.0
    for step in range(1, 4 * epochs + 1):
        total += seconds / 4
        accuracy = final - 0.02 * (4 * epochs - step)
        history.append(
            Checkpoint(
                epoch=step / 4,
                loss=1 / step,
                accuracy=accuracy,
                test_loss=1 / step,
                test_accuracy=accuracy,
                train_seconds=total,
            )
        )
    return history


def fashion_result(
    run: fashion_runs.Run, final: float, seconds: float, key: str = "k"
) -> FashionRunResult:
    """A stand-in result of the Fashion-MNIST run ``run`` (nothing trained)."""
    history = fashion_history(final, seconds, run.config.epochs)
    return FashionRunResult(
        run=run.name,
        mode=run.mode,
        framework=run.framework,
        seed=run.seed,
        key=key,
        config=run.config,
        data=FashionDataInfo(
            sizes={"train": 60_000, "test": 10_000},
            md5=FASHION_MD5S,
        ),
        limited_to=None,
        history=history,
        test_accuracy=history[-1].test_accuracy,
        epoch_seconds=fashion_runs.epoch_seconds(history),
        target=fashion_runs.TARGET_ACCURACY,
        time_to_target=fashion_runs.time_to_target(history),
        seconds=seconds * 2,
        versions={"torch": "2.13.0"},
        machine=Machine(
            cpu="CPU", logical_cores=2, memory_gib=8.0, system="Linux 6.1", python="3.11"
        ),
        created="2026-12-01T18:00:00+00:00",
    )


def fashion_results(torch_accuracies, tf_accuracies) -> FashionResults:
    """Three seeds a framework, with these final test accuracies."""
    runs = {}
    for framework, accuracies in (("torch", torch_accuracies), ("tf", tf_accuracies)):
        runs[framework] = [
            fashion_result(
                fashion_runs.Run("build", framework, seed),
                accuracy,
                20.0 if framework == "torch" else 25.0,
            )
            for seed, accuracy in zip((2026, 2027, 2028), accuracies, strict=True)
        ]
    return FashionResults("build", runs, [], 0.0)


def throughput_result(key: str = "f" * 64) -> ThroughputResult:
    """The data loading page's four pipelines of 6400 images; the later epochs take 0.1, 0.2
    and 0.4 s (a median of 32 000 images per second)."""
    measurements = [
        Measurement(framework, config, 6400, 1.25, [0.2, 0.1, 0.4])
        for framework, configs in data_loading.configurations(data_loading.SETTINGS).items()
        for config, _ in configs
    ]
    return ThroughputResult(
        key=key,
        created="2026-11-30T10:00:00+00:00",
        machine=Machine("Test CPU", 2, 8.0, "Linux 6.1", "3.11.7"),
        versions={"torch": "2.13.0", "tensorflow": "2.21.0", "numpy": "2.3.0"},
        settings=dict(data_loading.SETTINGS),
        seconds=9.4,
        measurements=measurements,
    )


# A jupytext notebook as the site's notebook pages write one: its download link in a cell
# tagged page-only, then one code cell.
NOTEBOOK = """---
jupyter:
  kernelspec:
    display_name: Python 3
    language: python
    name: python3
---

# A notebook

<!-- #region tags=["page-only"] -->
<a href="nb.ipynb" download>Download</a>
<!-- #endregion -->

```python
print(6 * 7)
```
"""


def rendered_page(generated: Generated, language: str, page: str) -> tuple[str, str]:
    """``docs/<language>/<page>`` and that page with its placeholders filled from
    ``generated`` (whose results the test sets), the claims ledger read: (source, rendered)."""
    generated.load_ledger()
    source = (ROOT / "docs" / language / page).read_text(encoding="utf-8")
    return source, render(source, language, f"{language}/{page}", generated.kinds())


def built_page(site: Path, language: str, page: str) -> str:
    """The HTML of ``page`` (``tensors.md``) in ``language`` in the built ``site``."""
    prefix = "" if language == languages()[0] else f"{language}/"
    directory = "" if page == "index.md" else page.removesuffix(".md") + "/"
    return (site / prefix / directory / "index.html").read_text(encoding="utf-8")


def at_once(build: Callable[[], object], builds: int = 2) -> list[object]:
    """What ``build`` returned in each of ``builds`` threads started together, as builds in
    two terminals; an exception in a thread (which would otherwise pass unseen) fails here."""
    returned, errors = [], []

    def one() -> None:
        try:
            returned.append(build())
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=one) for _ in range(builds)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return returned


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: IdxSource) -> Path:
    """No folder configured for ``source``, an empty cache under ``tmp_path``, and a mirror on
    a port where nothing listens (a download fails at once); returns ``tmp_path``."""
    monkeypatch.delenv(source.env_var, raising=False)
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(source.mirror_env_var, f"http://127.0.0.1:{_free_port()}/")
    return tmp_path


@contextlib.contextmanager
def mirror(folder: Path) -> Iterator[tuple[Path, str]]:
    """A new, empty ``folder`` served on 127.0.0.1 in place of a data set's official mirror,
    so that the download code runs for real: (folder, its URL)."""
    folder.mkdir()
    with serve(folder) as url:
        yield folder, url


class PageConfig(dict):
    """What a page event needs of MkDocs' config, for the tests that call the plugin's page
    hooks directly: no Markdown extension settings and no other plugin."""

    plugins: dict = {}  # noqa: RUF012 - read only


def page_config() -> PageConfig:
    return PageConfig(mdx_configs={})


# Mixed precision: a measurement made up, not made.
AMX_CONV = Kernel("convolution", "brg_conv_fwd:avx512_core_amx", "bf16", 4)


def mixed_precision_results(key: str = "m" * 64, tf_kernels=()) -> MixedPrecisionResults:
    """PyTorch 1.5 times faster in bfloat16 training (AMX kernels), TensorFlow slower (none
    unless ``tf_kernels`` names some)."""

    def precision(train: float, inference: float) -> Precision:
        return Precision([train * 0.9, train, train * 1.1], [inference] * 3, 0.9)

    versions = {"torch": {"torch": "2.13.0", "numpy": "2.4.6"}, "tf": {"keras": "3.15.1"}}
    frameworks = {
        "torch": FrameworkResult(
            precision(1000.0, 4000.0),
            precision(1500.0, 6000.0),
            [AMX_CONV],
            "3.12.0",
            versions["torch"],
        ),
        "tf": FrameworkResult(
            precision(800.0, 3000.0),
            precision(400.0, 2400.0),
            list(tf_kernels),
            "3.7.3" if tf_kernels else "",
            versions["tf"],
        ),
    }
    return MixedPrecisionResults(
        key=key,
        created="2026-12-01T10:00:00+00:00",
        settings=mixed_precision.SETTINGS,
        machine=Machine("Test CPU", 2, 8.0, "Linux 6.1", "3.11.9"),
        cpu_flags=["avx512_bf16", "amx_bf16", "amx_tile"],
        frameworks=frameworks,
        seconds=120.0,
    )


# Quantization: the matched MNIST runs' models, and a measurement of them made up.
QUANTIZED_MODELS = {
    framework: {
        "run": run,
        "key": f"key of {run}",
        "weights": f"sha256 of {run}",
        "path": f"/cache/mnist-runs/{run}.weights",
        "epochs": 10,
        "accuracy": 0.99,
    }
    for framework, run in quantization.RUNS.items()
}
INT8_CONV = Kernel("convolution", "brg_conv_fwd:avx10_1_512_amx", "u8", 2)


def _variant(n_bytes: int, accuracy: float, median: float, rate: float | None) -> dict:
    return {
        "bytes": n_bytes,
        "accuracy": accuracy,
        "latency_ms": {"median": median, "min": median / 2, "max": median * 3},
        "batch_images_per_second": None if rate is None else [rate * 0.9, rate, rate * 1.2],
        "float_bytes": None,
    }


def quantization_results(key: str = "k", torch_kernels=(INT8_CONV,)) -> QuantizationResults:
    """PyTorch's full integer model runs one image at a time (no batch rate); int8 is faster
    than float32 in both frameworks."""
    frameworks = {
        "torch": {
            "float32": _variant(37_872_205, 0.875, 2.0, 1000.0),
            "int8": _variant(9_536_767, 0.8745, 1.6, 1500.0),
            "full_int8": {
                **_variant(10_173_925, 0.874, 0.5, None),
                "float_bytes": 38_518_045,
            },
            "load_seconds": 0.3,
            "quantize_seconds": 0.1,
            "full_quantize_seconds": 9.0,
            "kernels": [vars(k) for k in torch_kernels],
            "versions": {"torch": "2.13.0", "torchao": "0.18.0", "numpy": "2.4.6"},
        },
        "tf": {
            "float32": _variant(37_873_176, 0.889, 4.0, 800.0),
            "int8": _variant(9_488_384, 0.8895, 0.4, 2000.0),
            "full_int8": _variant(9_485_136, 0.888, 0.25, 3200.0),
            "load_seconds": 0.3,
            "quantize_seconds": 0.2,
            "full_quantize_seconds": 1.0,
            "kernels": [],
            "versions": {"tensorflow": "2.21.0", "litert_quantizer": "0.11.0"},
        },
    }
    return QuantizationResults.from_json(
        {
            "key": key,
            "created": "2026-12-01T16:00:00+00:00",
            "settings": {**quantization.SETTINGS, "epochs": 10},
            "models": QUANTIZED_MODELS,
            "machine": vars(Machine("Test CPU", 2, 8.0, "Linux 6.1", "3.11.9")),
            "cpu_flags": ["avx512_bf16", "amx_bf16", "avx512_vnni", "amx_int8"],
            "data": {"sizes": {"train": 6400, "validation": 1600, "test": 2000}, "full": False},
            "frameworks": frameworks,
            "seconds": 61.0,
            "format": QuantizationResults.FORMAT,
        }
    )


@pytest.fixture(scope="module", name="_drawn_once")
def bench_figures_drawn_once(tmp_path_factory):
    """A cache where every figure of the stand-in results (``fake_results``) was drawn from
    nothing, once for the module that uses it: its tests start from a copy (``drawn``)."""
    folder = tmp_path_factory.mktemp("drawn") / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITE_CACHE_DIR", str(folder))
        results = fake_results()  # "created" is the time of the call: these results are kept
        assert bench_figures.ensure_figures(results) is True  # nothing was there
    return folder, results


@pytest.fixture(name="drawn")
def bench_figures_drawn(_drawn_once, tmp_path, monkeypatch):
    """This test's own copy of that cache, as $SITE_CACHE_DIR; returns the results drawn."""
    folder, results = _drawn_once
    monkeypatch.setenv("SITE_CACHE_DIR", str(shutil.copytree(folder, tmp_path / "cache")))
    return results
