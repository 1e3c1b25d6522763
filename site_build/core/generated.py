"""Everything a page can ask the build to generate, and where the code that produces it is.

A page writes ``{{ kind:arg }}`` (``placeholders.py``); ``Generated.kinds`` below is the one
registry of kinds. To find what makes a placeholder, look up its kind here:

=====================================  ====================================================
Placeholder                            Produced by (in ``site_build/core/``)
=====================================  ====================================================
``{{ version:NAME }}``                 ``machine.installed_version``: the installed release
``{{ lines:TOPIC/FILE.py:SECTION }}``  ``snippet_lines.snippet_lines``: code lines counted
``{{ mnist:NAME }}``                   ``mnist_report.GENERATED[NAME]``, from the runs of
                                       ``mnist_runs.py``; ``figure_NAME``: the figure of
                                       ``mnist_plots.py`` with its data (``mnist_figures.py``)
``{{ bench:NAME }}``                   ``bench_report.GENERATED[NAME]``, from the results of
                                       ``benchmarks.py`` (figure: ``bench_figure.py``)
``{{ loading:NAME }}``                 ``data_loading_bench.GENERATED[NAME]``: the input
                                       pipelines' throughput, measured by the build
``{{ quantization:NAME }}``            ``quantization_bench.GENERATED[NAME]``, from the
                                       measurements of ``quantization_bench.py``
``{{ claim:ID }}``                     ``claims.claim_kind``: a footnote from ``claims/*.yaml``
``{{ fashion:NAME }}``                 ``fashion_report.GENERATED[NAME]``, from the runs of
                                       ``fashion_runs.py``; ``figure_NAME``: the figure of
                                       ``fashion_plots.py`` with its data
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

from site_build.core import (
    bench_figure,
    bench_report,
    benchmarks,
    claims,
    data_loading_bench,
    fashion_plots,
    fashion_report,
    fashion_runs,
    mnist_data,
    mnist_plots,
    mnist_report,
    quantization_bench,
)
from site_build.core.bench_results import BenchResults
from site_build.core.cache import file_digest, fingerprint
from site_build.core.errors import PlaceholderError
from site_build.core.machine import installed_version, versions
from site_build.core.mnist_results import RunResult
from site_build.core.mnist_runs import ensure_results
from site_build.core.paths import ROOT
from site_build.core.placeholders import Kind
from site_build.core.snippet_lines import lines_kind
from site_build.core.translation_status import forget_history


def _report_kind(kind: str, module, results: Callable[[], dict]) -> Kind:
    """``{{ kind:NAME }}`` -> ``module.GENERATED[NAME](results, language)``."""

    def fill(name: str, language: str, page: str) -> str:
        if name not in module.GENERATED:
            raise PlaceholderError(
                f"{{{{ {kind}:{name} }}}} is not a generated value: use one of "
                f"{', '.join(sorted(module.GENERATED))}, or add {name} to GENERATED in "
                f"site_build/core/{Path(module.__file__).name}."
            )
        return module.GENERATED[name](results(), language)

    return Kind(fill)


class Generated:
    """The results, figures and ledger of one build, and the placeholder kinds that use them."""

    def __init__(self) -> None:
        self.mnist: dict[str, RunResult] = {}
        self.bench: BenchResults | None = None
        self.data_loading: data_loading_bench.ThroughputResult | None = None
        self.quantization: dict = {}
        self.ledger: dict[str, claims.Claim] = {}
        self.language: str | None = None  # the pass being prepared
        # step -> (language, seconds, what it did) of each pass since start_build
        self._passes: dict[str, list[tuple[str | None, float, str]]] = {}
        self.fashion: fashion_runs.FashionResults | None = None

    def kinds(self) -> dict[str, Kind]:
        return {
            "version": Kind(lambda name, language, page: installed_version(name)),
            "lines": lines_kind(),
            "mnist": _report_kind("mnist", mnist_report, lambda: self.mnist),
            "bench": _report_kind("bench", bench_report, lambda: self.bench),
            "loading": _report_kind("loading", data_loading_bench, lambda: self.data_loading),
            "quantization": _report_kind(
                "quantization", quantization_bench, lambda: self.quantization
            ),
            "claim": claims.claim_kind(self.ledger),
            "fashion": _report_kind("fashion", fashion_report, lambda: self.fashion),
        }

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
        self.quantization, measured = quantization_bench.ensure_results()
        state = "measured" if measured else "cached"
        return self._timing("Quantization", time.perf_counter() - started, state)

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
    """What the notebooks' outputs depend on besides their own text: the MNIST snippets, the
    code of this package, the md5 sums of the MNIST files they train on (the full set or the
    test split alone give other outputs) and the library versions (mkdocs-jupyter keys its
    cache on a notebook's source alone)."""
    if data_md5s is None:
        try:
            data_md5s = mnist_data.locate(download=False).md5s()
        except mnist_data.MnistDataError:
            data_md5s = {}  # no data: the build stops at the MNIST runs and says why
    inputs = sorted(
        path
        for folder in ("snippets/mnist", "site_build/core")
        for path in (ROOT / folder).glob("*.py")
    )
    return fingerprint(
        {
            "code": {path.name: file_digest(path) for path in inputs},
            "data": data_md5s,
            "versions": versions("torch", "tensorflow", "keras", "numpy", "matplotlib"),
        }
    )
