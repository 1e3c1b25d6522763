"""Everything a page can ask the build to generate, and where the code that produces it is.

A page writes ``{{ kind:arg }}`` (``placeholders.py``); ``Generated.kinds`` below is the one
registry of kinds, and ``MEASURED_PAGES`` the line of each measured page in it. To find what
makes a placeholder, look up its kind here (paths in ``site_build/core/``):

=====================================  ====================================================
Placeholder                            Produced by
=====================================  ====================================================
``{{ version:NAME }}``                 ``kit/machine.py``, ``installed_version``: the
                                       installed release
``{{ lines:TOPIC/FILE.py:SECTION }}``  ``snippet_lines.py``, ``snippet_lines``: code lines
                                       counted
``{{ mnist:NAME }}``                   ``mnist/report.py``, ``GENERATED[NAME]``, from the
                                       runs of ``mnist/runs.py``; ``figure_NAME``: the
                                       figure of ``mnist/figures.py`` with its data
                                       (``mnist/figure_data.py``)
``{{ bench:NAME }}``                   ``bench/report.py``, ``GENERATED[NAME]``, from the
                                       results of ``bench/measure.py`` (figure:
                                       ``bench/figures.py``)
``{{ loading:NAME }}``                 ``data_loading/report.py``, ``GENERATED[NAME]``: the
                                       input pipelines' throughput, measured by
                                       ``data_loading/measure.py``
``{{ quantization:NAME }}``            ``quantization/report.py``, ``GENERATED[NAME]``,
                                       from ``quantization/measure.py``'s measurements of
                                       the MNIST runs' models; ``ON_ROOFS[NAME]``: their
                                       speed against the benchmarks' roofs
``{{ precision:NAME }}``               ``mixed_precision/report.py``, ``GENERATED[NAME]``,
                                       from ``mixed_precision/measure.py``'s float32
                                       against bfloat16 speed; ``ON_ROOFS[NAME]``: that
                                       speed against the benchmarks' roofs
                                       (``bench/peaks.py``)
``{{ claim:ID }}``                     ``claims.py``, ``claim_kind``: a footnote from
                                       ``claims/*.yaml``
``{{ fashion:NAME }}``                 ``fashion/report.py``, ``GENERATED[NAME]``, from the
                                       runs of ``fashion/runs.py``; ``figure_NAME``: the
                                       figure of ``fashion/figures.py`` with its data
``{{ backends:NAME }}``                ``learning_curve/backends.py``, ``GENERATED[NAME]``:
                                       the Keras classifier trained on each Keras 3 backend
=====================================  ====================================================

``Generated`` holds what one build prepared (results, the ledger), so nothing here is
module-level state: the MkDocs plugin makes one and asks it before each build.

Each language's pass prepares again (the second finds everything done); ``timings`` sums
the passes of one build and says what each did, so that a Spanish pass that found the
results cached never hides that the English pass measured, trained or redrew them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from site_build.core import claims, mnist_data
from site_build.core.bench import figures as bench_figure
from site_build.core.bench import measure as benchmarks
from site_build.core.bench import peaks as bench_peaks
from site_build.core.bench import report as bench_report
from site_build.core.bench.results import BenchResults
from site_build.core.data_loading import measure as data_loading_bench
from site_build.core.data_loading import report as data_loading_report
from site_build.core.data_loading.results import ThroughputResult
from site_build.core.errors import PlaceholderError
from site_build.core.fashion import figures as fashion_plots
from site_build.core.fashion import report as fashion_report
from site_build.core.fashion import runs as fashion_runs
from site_build.core.kit.cache import file_digest, fingerprint
from site_build.core.kit.machine import installed_version, versions
from site_build.core.kit.roofline import MachineRoofs
from site_build.core.learning_curve import backends as keras_backends
from site_build.core.mixed_precision import measure as mixed_precision_bench
from site_build.core.mixed_precision import report as mixed_precision_report
from site_build.core.mixed_precision.results import MixedPrecisionResults
from site_build.core.mnist import figures as mnist_plots
from site_build.core.mnist import report as mnist_report
from site_build.core.mnist.results import RunResult
from site_build.core.mnist.runs import ensure_results, trained_models
from site_build.core.paths import ROOT
from site_build.core.placeholders import Kind
from site_build.core.quantization import measure as quantization_bench
from site_build.core.quantization import report as quantization_report
from site_build.core.quantization.results import QuantizationResults
from site_build.core.snippet_lines import lines_kind
from site_build.core.translation_status import forget_history


def _report_kind(
    kind: str, module, results: Callable[[], dict], roofs: Callable[[], MachineRoofs | None]
) -> Kind:
    """``{{ kind:NAME }}`` -> ``module.GENERATED[NAME](results, language)``, or, for a value
    set against the benchmarks' roofs, ``module.ON_ROOFS[NAME](results, roofs, language)``."""

    def fill(name: str, language: str, page: str) -> str:
        on_roofs = getattr(module, "ON_ROOFS", {})
        if name in on_roofs:
            return on_roofs[name](results(), roofs(), language)
        if name not in module.GENERATED:
            raise PlaceholderError(
                f"{{{{ {kind}:{name} }}}} is not a generated value: use one of "
                f"{', '.join(sorted([*module.GENERATED, *on_roofs]))}, or add {name} to "
                f"GENERATED in {Path(module.__file__).relative_to(ROOT).as_posix()}."
            )
        return module.GENERATED[name](results(), language)

    return Kind(fill)


# The measured pages, one line each: placeholder kind -> (the module of the page's folder
# whose GENERATED fills it, the attribute of ``Generated`` that holds its results, which
# ``Generated.prepare`` reads or measures).
MEASURED_PAGES = {
    "mnist": (mnist_report, "mnist"),
    "bench": (bench_report, "bench"),
    "loading": (data_loading_report, "data_loading"),
    "quantization": (quantization_report, "quantization"),
    "fashion": (fashion_report, "fashion"),
    "backends": (keras_backends, "keras_backends"),
    "precision": (mixed_precision_report, "mixed_precision"),
}


class Generated:
    """The results, figures and ledger of one build, and the placeholder kinds that use them."""

    def __init__(self) -> None:
        self.mnist: dict[str, RunResult] = {}
        self.bench: BenchResults | None = None
        self.data_loading: ThroughputResult | None = None
        self.quantization: QuantizationResults | None = None
        self.ledger: dict[str, claims.Claim] = {}
        self.language: str | None = None  # the pass being prepared
        # step -> (language, seconds, what it did) of each pass since start_build
        self._passes: dict[str, list[tuple[str | None, float, str]]] = {}
        self.fashion: fashion_runs.FashionResults | None = None
        self.keras_backends: keras_backends.BackendResults | None = None
        self.mixed_precision: MixedPrecisionResults | None = None

    def kinds(self) -> dict[str, Kind]:
        measured = {
            kind: _report_kind(
                kind,
                module,
                lambda attribute=attribute: getattr(self, attribute),
                lambda: self.roofs,
            )
            for kind, (module, attribute) in MEASURED_PAGES.items()
        }
        return {
            "version": Kind(lambda name, language, page: installed_version(name)),
            "lines": lines_kind(),
            **measured,
            "claim": claims.claim_kind(self.ledger),
        }

    @property
    def roofs(self) -> MachineRoofs | None:
        """The benchmarks' roofs of this build, which the mixed-precision and quantization
        pages set their speeds against (read, never measured again)."""
        return None if self.bench is None else bench_peaks.machine_roofs(self.bench)

    def load_ledger(self) -> None:
        """Read claims/ again (`mkdocs serve` rebuilds in one process); fails on a bad entry."""
        self.ledger.clear()
        self.ledger.update(claims.load_ledger())

    def start_build(self) -> None:
        """A new build (``mkdocs serve`` rebuilds in one process): its timings start empty."""
        self._passes.clear()
        self.language = None

    @property
    def timings(self) -> list[str]:
        """One line per step, summed over the passes of this build: the seconds of all of
        them, and what each language's pass did (``en: measured / es: cached``)."""
        lines = []
        for step, passes in self._passes.items():
            seconds = sum(spent for _, spent, _ in passes)
            did = " / ".join(f"{lang}: {what}" if lang else what for lang, _, what in passes)
            lines.append(f"{step}: {seconds:.1f} s ({did})")
        return lines

    def note_timing(self, step: str, seconds: float, what: str) -> None:
        """Note a step done outside ``prepare`` (the staged tree, ``stage.py``)."""
        self._timing(step, seconds, what)

    def _timing(self, step: str, seconds: float, what: str) -> str:
        """Note what this pass did for ``step``; returns this pass's own line."""
        self._passes.setdefault(step, []).append((self.language, seconds, what))
        return f"{step}: {seconds:.1f} s ({what})"

    def prepare(self, language: str | None = None) -> None:
        """Before each language's build: train, measure and draw what is out of date; read
        the rest."""
        self.language = language
        forget_history()
        started = time.perf_counter()
        statuses = ensure_results()
        self.mnist = {name: status.results for name, status in statuses.items()}
        trained = [s.spec.label for s in statuses.values() if s.trained]
        self._timing(
            "MNIST runs",
            time.perf_counter() - started,
            f"trained: {', '.join(trained)}" if trained else f"all {len(statuses)} cached",
        )
        started = time.perf_counter()
        drawn = mnist_plots.ensure_plots(self.mnist)
        self._timing(
            "MNIST figures", time.perf_counter() - started, "redrawn" if drawn else "cached"
        )
        self.prepare_benchmarks()
        self.prepare_data_loading()
        self.prepare_quantization()
        self.prepare_fashion()
        self.prepare_keras_backends()
        self.prepare_mixed_precision()

    def prepare_benchmarks(self) -> str:
        """Reuse or measure the benchmarks and draw their figure; returns the timing line."""
        started = time.perf_counter()
        try:
            self.bench, measured = benchmarks.ensure_results("short")
        except benchmarks.BenchmarkFailed as error:
            raise benchmarks.BenchmarkFailed(f"benchmarks: {error}") from None
        mode = self.bench.mode
        state = f"measured the {mode} run" if measured else f"{mode} run cached"
        drawn = bench_figure.ensure_figures(self.bench)
        return self._timing(
            "Benchmarks",
            time.perf_counter() - started,
            f"{state}, figure " + ("redrawn" if drawn else "cached"),
        )

    def prepare_data_loading(self) -> str:
        """Reuse or measure the data loading page's throughput; returns the timing line."""
        started = time.perf_counter()
        self.data_loading, measured = data_loading_bench.ensure_result()
        state = "measured" if measured else "cached"
        return self._timing("Data loading throughput", time.perf_counter() - started, state)

    def prepare_quantization(self) -> str:
        """Reuse or measure the quantized MNIST models; returns the timing line."""
        started = time.perf_counter()
        models = trained_models(quantization_bench.RUNS)
        self.quantization, measured = quantization_bench.ensure_results(models)
        state = "measured" if measured else "cached"
        return self._timing("Quantization", time.perf_counter() - started, state)

    def prepare_keras_backends(self) -> str:
        """Reuse or train the learning-curve page's Keras model on each backend; returns the
        timing line."""
        started = time.perf_counter()
        self.keras_backends, trained = keras_backends.ensure_result()
        state = "trained" if trained else "cached"
        return self._timing("Keras backends", time.perf_counter() - started, state)

    def prepare_mixed_precision(self) -> str:
        """Reuse or measure float32 against bfloat16 speed; returns the timing line."""
        started = time.perf_counter()
        self.mixed_precision, measured = mixed_precision_bench.ensure_results()
        state = "measured" if measured else "cached"
        return self._timing("Mixed precision", time.perf_counter() - started, state)

    def prepare_fashion(self) -> list[str]:
        """Reuse or train the Fashion-MNIST runs and draw their figures; the timing lines."""
        self.fashion = fashion_runs.ensure_results()
        trained = self.fashion.trained
        started = time.perf_counter()
        drawn = fashion_plots.ensure_plots(self.fashion)
        return [
            self._timing(
                "Fashion-MNIST runs",
                self.fashion.seconds,
                f"{self.fashion.mode} set; "
                + (
                    f"trained: {'; '.join(trained)}"
                    if trained
                    else f"all {sum(map(len, self.fashion.runs.values()))} cached"
                ),
            ),
            self._timing(
                "Fashion-MNIST figures",
                time.perf_counter() - started,
                "redrawn" if drawn else "cached",
            ),
        ]

    @staticmethod
    def figures(languages) -> dict[str, dict[str, list[Path]]]:
        """folder under ``generated/`` -> language -> generated files (figures and the CSV
        files of their data), kept outside docs/."""
        return {
            "mnist": {lang: mnist_plots.generated_files(lang) for lang in languages},
            "bench": {lang: bench_figure.generated_files(lang) for lang in languages},
            "fashion": {lang: fashion_plots.generated_files(lang) for lang in languages},
        }


def notebook_key(data_md5s: dict[str, str] | None = None) -> str:
    """What the notebooks' outputs depend on besides their own text: the code they import
    (the MNIST snippets and ``mnist_data.py``), the md5 sums of the MNIST files they train on
    (the full set or the test split alone give other outputs) and the library versions
    (mkdocs-jupyter keys its cache on a notebook's source alone). The rest of the build
    package is not part of it: moving or tidying it executes no notebook again."""
    if data_md5s is None:
        try:
            data_md5s = mnist_data.locate(download=False).md5s()
        except mnist_data.MnistDataError:
            data_md5s = {}  # no data: the build stops at the MNIST runs and says why
    inputs = sorted((ROOT / "snippets/mnist").glob("*.py"))
    inputs.append(Path(mnist_data.__file__))
    return fingerprint(
        {
            "code": {path.name: file_digest(path) for path in inputs},
            "data": data_md5s,
            "versions": versions("torch", "tensorflow", "keras", "numpy", "matplotlib"),
        }
    )
