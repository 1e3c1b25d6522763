"""The Fashion-MNIST figures, drawn from the runs' results in every language of the site.

Each figure is written once per language to
``<cache>/site-assets/<language>/generated/fashion/<name>.png``; the MkDocs plugin puts it on
the site at ``generated/fashion/<name>.png``. The figures are keyed on the results they show
(every number of every run) and on this module, so they never show other numbers than the
tables beside them.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on build machines

import matplotlib.pyplot as plt
import numpy as np

from site_build.core.cache import atomic_write_bytes, cache_root, file_digest, fingerprint
from site_build.core.catalog import LANGUAGES, texts
from site_build.core.fashion_runs import FRAMEWORKS, FashionResults
from site_build.core.mnist_plots import COLOURS, _save

FIGURES = ("curves", "seeds")
LABELS = texts("fashion")


def assets_dir(language: str) -> Path:
    return cache_root() / "site-assets" / language / "generated" / "fashion"


def figure_paths(language: str) -> dict[str, Path]:
    return {name: assets_dir(language) / f"{name}.png" for name in FIGURES}


def _footer(fig, results: FashionResults, language: str) -> None:
    description = results.runs["torch"][0]["data"]["description"][language]
    fig.text(
        0.01, 0.01, LABELS[language]["figure_data"].format(description=description), fontsize=8
    )


def _curves(results: FashionResults, language: str, path: Path) -> None:
    text = LABELS[language]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4))
    for framework, runs in results.runs.items():
        epochs = [r["epoch"] for r in runs[0]["history"]]
        for metric, axis in (("test_accuracy", axes[0]), ("loss", axes[1])):
            curves = np.array([[r[metric] for r in run["history"]] for run in runs])
            for index, curve in enumerate(curves):
                axis.plot(
                    epochs,
                    curve,
                    color=COLOURS[framework],
                    alpha=0.35,
                    linewidth=1,
                    label=text["one_seed"].format(framework=FRAMEWORKS[framework])
                    if index == 0
                    else None,
                )
            axis.fill_between(
                epochs, curves.min(axis=0), curves.max(axis=0), color=COLOURS[framework], alpha=0.12
            )
            axis.plot(
                epochs,
                curves.mean(axis=0),
                color=COLOURS[framework],
                linewidth=2.2,
                marker="o",
                markersize=3,
                label=text["mean"].format(framework=FRAMEWORKS[framework], count=len(runs)),
            )
    axes[0].set_ylabel(text["test_accuracy_axis"])
    axes[1].set_ylabel(text["loss_axis"])
    for axis in axes:
        axis.set_xlabel(text["epoch"])
        axis.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(text["curves_title"])
    _footer(fig, results, language)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _save(fig, path, language)


def _seeds(results: FashionResults, language: str, path: Path) -> None:
    text = LABELS[language]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    names = [FRAMEWORKS[f] for f in results.runs]
    for position, (framework, runs) in enumerate(results.runs.items()):
        accuracies = [run["test_accuracy"] for run in runs]
        times = [statistics.mean(run["epoch_seconds"]) for run in runs]
        for axis, values in ((left, accuracies), (right, times)):
            offsets = np.linspace(-0.08, 0.08, len(values))
            axis.scatter(position + offsets, values, color=COLOURS[framework], zorder=3)
            mean = statistics.mean(values)
            axis.hlines(
                mean, position - 0.25, position + 0.25, color=COLOURS[framework], linewidth=2
            )
    for axis, label in ((left, text["test_accuracy_axis"]), (right, text["seconds_axis"])):
        axis.set_xticks(range(len(names)), names)
        axis.set_xlim(-0.6, len(names) - 0.4)
        axis.set_ylabel(label)
        axis.grid(alpha=0.3, axis="y")
    right.set_ylim(bottom=0)
    fig.suptitle(text["seeds_title"])
    _footer(fig, results, language)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _save(fig, path, language)


def plots_key(results: FashionResults) -> str:
    return fingerprint(
        {
            "results": {fw: runs for fw, runs in sorted(results.runs.items())},
            "code": file_digest(Path(__file__)),
            "matplotlib": matplotlib.__version__,
        }
    )


def ensure_plots(results: FashionResults) -> bool:
    """Draw every figure in every language unless they are up to date; True if drawn."""
    key = plots_key(results)
    stamp = cache_root() / "site-assets" / "fashion-plots.key"
    paths = [p for lang in LANGUAGES for p in figure_paths(lang).values()]
    if stamp.is_file() and stamp.read_text() == key and all(p.is_file() for p in paths):
        return False
    for language in LANGUAGES:
        out = figure_paths(language)
        _curves(results, language, out["curves"])
        _seeds(results, language, out["seeds"])
    atomic_write_bytes(stamp, key.encode())
    return True
