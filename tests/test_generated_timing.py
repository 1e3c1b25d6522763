"""The build's timing summary (site_build/core/generated.py, ``Generated.timings``): one line
per step, with what each language's pass did."""

from __future__ import annotations

import types

from site_build.core import generated

# --- the Build timing summary ---------------------------------------------------------------


class _StandIns:
    """Each step of ``Generated.prepare`` with stand-ins that behave like the real ones: the
    first pass does the work (trains, measures, draws), a later one finds it done. ``todo``
    names the steps that are out of date when the build starts."""

    def __init__(self, monkeypatch, todo: set[str]) -> None:
        self.todo = set(todo)
        spec = types.SimpleNamespace(label="PyTorch, full set")
        fashion = types.SimpleNamespace(mode="build", seconds=0.0, runs={"torch": [1, 2]})
        g = generated
        for module, name, step, result in [
            (g, "ensure_results", "mnist", lambda work: {"torch": _status(spec, work)}),
            (g.mnist_plots, "ensure_plots", "mnist figures", lambda work: work),
            (g.benchmarks, "ensure_results", "bench", lambda work: (_bench(), work)),
            (g.bench_figure, "ensure_figures", "bench figure", lambda work: work),
            (g.data_loading_bench, "ensure_result", "loading", lambda work: (None, work)),
            (g.keras_backends, "ensure_result", "backends", lambda work: (None, work)),
            (g.quantization_bench, "ensure_results", "quantization", lambda work: ({}, work)),
            (g.fashion_runs, "ensure_results", "fashion", lambda work: _fashion(fashion, work)),
            (g.fashion_plots, "ensure_plots", "fashion figures", lambda work: work),
            (g.mixed_precision_bench, "ensure_results", "precision", lambda work: (None, work)),
        ]:
            monkeypatch.setattr(module, name, self._step(step, result))
        # The quantization step is given the MNIST runs' models (the "mnist" step trains them).
        monkeypatch.setattr(g, "trained_models", lambda runs: {})

    def _step(self, step, result):
        def stand_in(*args, **kwargs):
            work = step in self.todo
            self.todo.discard(step)  # done: the next pass finds it in the cache
            return result(work)

        return stand_in


def _status(spec, trained: bool):
    return types.SimpleNamespace(spec=spec, trained=trained, results=None)


def _bench():
    return types.SimpleNamespace(mode="short")


def _fashion(fashion, trained: bool):
    return types.SimpleNamespace(**vars(fashion), trained=["torch seed 1"] if trained else [])


def _two_passes(todo: set[str], monkeypatch, prepared=None) -> dict[str, str]:
    """The timing lines of one build in two languages, by step."""
    _StandIns(monkeypatch, todo)
    prepared = prepared or generated.Generated()
    prepared.start_build()
    for language in ("en", "es"):
        prepared.prepare(language)
    return {line.split(":")[0]: line for line in prepared.timings}


def test_build_timing_says_what_each_language_pass_did_when_figures_are_redrawn(monkeypatch):
    lines = _two_passes({"mnist figures", "bench figure", "fashion figures"}, monkeypatch)
    assert lines["MNIST figures"].endswith("(en: redrawn / es: cached)")
    assert lines["Fashion-MNIST figures"].endswith("(en: redrawn / es: cached)")
    assert lines["Benchmarks"].endswith(
        "(en: short run cached, figure redrawn / es: short run cached, figure cached)"
    )
    assert lines["MNIST runs"].endswith("(en: all 1 cached / es: all 1 cached)")


def test_build_timing_says_what_each_language_pass_did_when_results_are_measured(monkeypatch):
    steps = {"mnist", "bench", "loading", "quantization", "fashion", "backends", "precision"}
    lines = _two_passes(steps, monkeypatch)
    assert lines["Data loading throughput"].endswith("(en: measured / es: cached)")
    assert lines["Keras backends"].endswith("(en: trained / es: cached)")
    assert lines["Mixed precision"].endswith("(en: measured / es: cached)")
    assert lines["Quantization"].endswith("(en: measured / es: cached)")
    assert lines["Benchmarks"].startswith("Benchmarks: ")
    assert "(en: measured the short run, figure cached / es: short run" in lines["Benchmarks"]
    assert lines["MNIST runs"].endswith("(en: trained: PyTorch, full set / es: all 1 cached)")
    fashion = lines["Fashion-MNIST runs"]
    assert "(en: build set; trained: torch seed 1 / es: build set; all 2 cached)" in fashion
    assert len(lines) == 9
    # The next build (``mkdocs serve`` rebuilds in one process) starts its own summary.
    prepared = generated.Generated()
    _two_passes({"loading"}, monkeypatch, prepared)
    _two_passes(set(), monkeypatch, prepared)
    assert "(en: cached / es: cached)" in prepared.timings[3]
