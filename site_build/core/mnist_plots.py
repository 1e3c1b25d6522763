"""The MNIST figures, drawn from the results files in every language of the site.

Each figure is written once per language (labels and titles translated) to
``<cache>/site-assets/<language>/generated/mnist/<name>.png``; the MkDocs plugin puts
them on the site at ``generated/mnist/<name>.png`` beside the pages of that language.
Figures are redrawn only when the results or this module change.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on build machines

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from site_build.core.cache import atomic_write_bytes, cache_root, file_digest, fingerprint
from site_build.core.catalog import LANGUAGES, texts
from site_build.core.i18n_format import number, percent

FIGURES = ("curves", "speed", "confusion", "article")
MAX_BYTES = 150_000
# Okabe-Ito colours: distinguishable with the common kinds of colour blindness.
COLOURS = {"torch": "#D55E00", "tf": "#0072B2"}
NAMES = {"torch": "PyTorch", "tf": "TensorFlow"}

# Figure labels and titles per language (the mnist_figures section of the catalogs).
LABELS = texts("mnist_figures")


def assets_dir(language: str) -> Path:
    return cache_root() / "site-assets" / language / "generated" / "mnist"


def figure_paths(language: str) -> dict[str, Path]:
    return {name: assets_dir(language) / f"{name}.png" for name in FIGURES}


def _footer(fig, results: dict, language: str) -> None:
    description = results["data"]["description"][language]
    fig.text(0.01, 0.01, LABELS[language]["data"].format(description=description), fontsize=8)


def _localise(fig, language: str) -> None:
    """Spanish tick labels use a decimal comma, as the Spanish tables do."""
    if language != "es":
        return
    comma = FuncFormatter(lambda value, _: f"{value:g}".replace(".", ","))
    for axis in fig.axes:
        axis.yaxis.set_major_formatter(comma)


def _save(fig, path: Path, language: str) -> None:
    from io import BytesIO

    _localise(fig, language)

    buffer = BytesIO()
    # No timestamp in the file, so the same results give the same bytes.
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    plt.close(fig)
    data = buffer.getvalue()
    if len(data) > MAX_BYTES:
        raise ValueError(f"{path.name} is {len(data):,} bytes, above the {MAX_BYTES:,} limit.")
    atomic_write_bytes(path, data)


def _curves(runs: dict, language: str, path: Path, title_key: str, panel_titles=None) -> None:
    text = LABELS[language]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4))
    for framework, results in runs.items():
        epochs = [r["epoch"] for r in results["history"]]
        for metric, axis in (("loss", axes[0]), ("accuracy", axes[1])):
            for prefix, style in (("", "-"), ("val_", "--")):
                axis.plot(
                    epochs,
                    [r[prefix + metric] for r in results["history"]],
                    style,
                    marker="o",
                    markersize=3,
                    color=COLOURS[framework],
                    label=f"{NAMES[framework]}, {text['val' if prefix else 'train']}",
                )
    for metric, axis in (("loss", axes[0]), ("accuracy", axes[1])):
        axis.set_xlabel(text["epoch"])
        axis.set_ylabel(text[metric])
        axis.grid(alpha=0.3)
        axis.xaxis.get_major_locator().set_params(integer=True)
    axes[1].legend(fontsize=8)
    if panel_titles:
        for axis, title in zip(axes, panel_titles, strict=True):
            axis.set_title(title, fontsize=9)
    fig.suptitle(text[title_key])
    _footer(fig, next(iter(runs.values())), language)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _save(fig, path, language)


def _speed(runs: dict, language: str, path: Path) -> None:
    text = LABELS[language]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    names = [NAMES[f] for f in runs]
    colours = [COLOURS[f] for f in runs]
    accuracies = [r["test"]["accuracy"] for r in runs.values()]
    bars = left.bar(names, accuracies, color=colours)
    left.bar_label(bars, labels=[percent(a, language, 2) for a in accuracies])
    left.set_ylim(min(accuracies) - 0.05, 1.0)
    left.set_title(text["test_accuracy"])
    seconds = [float(np.median([e["seconds"] for e in r["history"]])) for r in runs.values()]
    rates = [
        float(np.median([e["images_per_second"] for e in r["history"]])) for r in runs.values()
    ]
    bars = right.bar(names, seconds, color=colours)
    right.bar_label(
        bars,
        labels=[text["images_per_second"].format(value=number(v, language)) for v in rates],
    )
    right.set_ylim(0, max(seconds) * 1.25)
    right.set_title(text["seconds_per_epoch"])
    fig.suptitle(text["speed_title"])
    _footer(fig, next(iter(runs.values())), language)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _save(fig, path, language)


def _confusion(runs: dict, language: str, path: Path) -> None:
    text = LABELS[language]
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.2))
    for axis, (framework, results) in zip(axes, runs.items(), strict=True):
        matrix = np.array(results["test"]["confusion"])
        axis.imshow(matrix, cmap="Blues")
        threshold = matrix.max() / 2
        for (row, column), count in np.ndenumerate(matrix):
            if count:
                colour = "white" if count > threshold else "black"
                axis.text(
                    column, row, str(count), ha="center", va="center", fontsize=7, color=colour
                )
        axis.set_xticks(range(10))
        axis.set_yticks(range(10))
        axis.set_xlabel(text["predicted"])
        axis.set_ylabel(text["true"])
        accuracy = percent(results["test"]["accuracy"], language, 2)
        axis.set_title(f"{NAMES[framework]} ({accuracy})")
    fig.suptitle(text["confusion_title"])
    _footer(fig, next(iter(runs.values())), language)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _save(fig, path, language)


ARTICLE_INPUT_SIZE = {"torch": 8, "tf": 28}


def article_steps_per_epoch(results: dict) -> int:
    return int(np.ceil(results["trained_images"] / results["config"]["batch_size"]))


def _article(runs: dict, language: str, path: Path) -> None:
    text = LABELS[language]
    titles = [
        text["article_panel"].format(
            framework=NAMES[framework],
            steps=article_steps_per_epoch(results),
            batch=results["config"]["batch_size"],
            size=ARTICLE_INPUT_SIZE[framework],
        )
        for framework, results in runs.items()
    ]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
    for axis, title, (framework, results) in zip(axes, titles, runs.items(), strict=True):
        epochs = [r["epoch"] for r in results["history"]]
        for prefix, style in (("", "-"), ("val_", "--")):
            axis.plot(
                epochs,
                [r[prefix + "loss"] for r in results["history"]],
                style,
                marker="o",
                markersize=3,
                color=COLOURS[framework],
                label=text["val" if prefix else "train"],
            )
        axis.set_title(title, fontsize=9)
        axis.set_xlabel(text["epoch"])
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
        axis.xaxis.get_major_locator().set_params(integer=True)
    axes[0].set_ylabel(text["loss"])
    fig.suptitle(text["article_title"])
    _footer(fig, next(iter(runs.values())), language)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _save(fig, path, language)


def plots_key(results: dict[str, dict]) -> str:
    return fingerprint(
        {
            "results": {name: r["key"] for name, r in sorted(results.items())},
            "code": file_digest(Path(__file__)),
            "matplotlib": matplotlib.__version__,
        }
    )


def ensure_plots(results: dict[str, dict]) -> bool:
    """Draw every figure in every language unless they are up to date; True if drawn."""
    key = plots_key(results)
    stamp = cache_root() / "site-assets" / "mnist-plots.key"
    paths = [p for lang in LANGUAGES for p in figure_paths(lang).values()]
    if stamp.is_file() and stamp.read_text() == key and all(p.is_file() for p in paths):
        return False
    matched = {"torch": results["matched-torch"], "tf": results["matched-tf"]}
    article = {"tf": results["article-tf"], "torch": results["article-torch"]}
    for language in LANGUAGES:
        out = figure_paths(language)
        _curves(matched, language, out["curves"], "curves_title")
        _speed(matched, language, out["speed"])
        _confusion(matched, language, out["confusion"])
        _article(article, language, out["article"])
    atomic_write_bytes(stamp, key.encode())
    return True
