"""The MNIST figures, drawn from the typed results in every language of the site.

Each figure is written once per language (labels and titles translated) to
``<cache>/site-assets/<language>/generated/mnist/<name>.png``, with the values it plots
beside it as ``<name>.csv`` (``mnist/figure_data.py`` says what each figure plots); the MkDocs
plugin puts both on the site at ``generated/mnist/`` beside the pages of that language.

Drawn for a phone: panels are stacked, the figure is ``WIDTH`` inches wide and no text is
smaller than ``FONT_PT`` points, so that on a 390-pixel-wide screen every text is at least
9 CSS pixels high (``kit.figure_data.check_legible`` fails the build otherwise). Drawn for each
of Material's colour schemes (``kit.figure_data.SCHEMES``: ``<name>.png`` on the light page,
``<name>-dark.png`` on the dark one), each on an opaque background of its scheme.

Each figure in each language has its own cache key: the results of the runs it plots (not
only the inputs of those runs: a retrained run with new timings redraws it), the values and
words it shows, the code of this module and of the modules it uses, and matplotlib's version.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from site_build.core import mnist_data
from site_build.core.i18n_format import number, percent
from site_build.core.kit import figure_style
from site_build.core.kit.cache import fingerprint
from site_build.core.kit.figure_data import FONT_PT, WIDTH, FigureFiles, Scheme, text_colour_on
from site_build.core.kit.figure_style import wrap as _wrap
from site_build.core.mnist import figure_data as mnist_figures
from site_build.core.mnist.figure_data import (
    FIGURES,
    LABELS,
    NAMES,
    median_epoch_seconds,
    median_images_per_second,
    runs_of,
)
from site_build.core.mnist.results import RunResult

# The modules that draw these figures besides the kit's (``kit/figure_style.py``: KIT).
CODE = ("mnist/figures.py", "mnist/figure_data.py")


FILES = FigureFiles("mnist", tuple(FIGURES))
assets_dir, figure_paths = FILES.assets_dir, FILES.figure_paths
data_paths, generated_files = FILES.data_paths, FILES.generated_files


def _titles(fig, title_key: str, runs: dict[str, RunResult], language: str) -> None:
    """Title on top, the data used below, both wrapped; the panels fill the space between."""
    data = next(iter(runs.values())).data
    description = mnist_data.describe(data.full, data.sizes, language)
    footer = LABELS[language]["data"].format(description=description)
    fig.suptitle(_wrap(LABELS[language][title_key], FONT_PT + 2), fontweight="bold")
    fig.supxlabel(_wrap(footer, FONT_PT), fontsize=FONT_PT, ha="left", x=0.02)


def _figure(rows: int, height: float, **options):
    import matplotlib.pyplot as plt

    return plt.subplots(rows, 1, figsize=(WIDTH, height), layout="constrained", **options)


def _curves(runs: dict[str, RunResult], language: str, scheme: Scheme):
    from matplotlib.ticker import MaxNLocator

    text = LABELS[language]
    fig, axes = _figure(2, 9.0, sharex=True)
    for framework, result in runs.items():
        epochs = [e.epoch for e in result.history]
        for metric, axis in (("loss", axes[0]), ("accuracy", axes[1])):
            for prefix, style in (("", "-"), ("val_", "--")):
                axis.plot(
                    epochs,
                    [getattr(e, prefix + metric) for e in result.history],
                    style,
                    marker="o",
                    markersize=4,
                    color=scheme.colours[framework],
                    label=f"{NAMES[framework]}, {text['val' if prefix else 'train']}",
                )
    for metric, axis in (("loss", axes[0]), ("accuracy", axes[1])):
        axis.set_ylabel(text[metric])
        axis.grid(alpha=0.3)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[1].set_xlabel(text["epoch"])
    axes[0].legend()
    _titles(fig, "curves_title", runs, language)
    return fig


def _speed(runs: dict[str, RunResult], language: str, scheme: Scheme):
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    text = LABELS[language]
    fig, (top, bottom) = _figure(2, 7.5)
    names = [NAMES[f] for f in runs]
    colours = [scheme.colours[f] for f in runs]
    accuracies = [r.test.accuracy for r in runs.values()]
    bars = top.barh(names, accuracies, color=colours)
    top.bar_label(bars, labels=[percent(a, language, 2) for a in accuracies], padding=4)
    top.set_xlim(max(0.0, min(accuracies) - 0.1), 1.0)
    top.xaxis.set_major_locator(MaxNLocator(5))
    top.xaxis.set_major_formatter(FuncFormatter(lambda value, _: percent(value, language, 0)))
    top.set_title(text["test_accuracy"])
    seconds = [median_epoch_seconds(r) for r in runs.values()]
    rates = [median_images_per_second(r) for r in runs.values()]
    bars = bottom.barh(names, seconds, color=colours)
    bottom.bar_label(
        bars,
        labels=[
            f"{number(s, language, 1)} s · "
            + text["images_per_second"].format(value=number(v, language))
            for s, v in zip(seconds, rates, strict=True)
        ],
        padding=4,
    )
    bottom.set_xlim(0, max(seconds) * 1.9)
    bottom.set_title(text["seconds_per_epoch"])
    for axis in (top, bottom):
        axis.invert_yaxis()  # the first framework on top, as in the tables
        axis.grid(axis="x", alpha=0.3)
    _titles(fig, "speed_title", runs, language)
    return fig


def _confusion(runs: dict[str, RunResult], language: str, scheme: Scheme):
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb

    text = LABELS[language]
    fig, axes = _figure(2, 14.0)
    cmap = plt.get_cmap(scheme.heatmap)
    for axis, (framework, result) in zip(axes, runs.items(), strict=True):
        matrix = np.array(result.test.confusion)
        image = axis.imshow(matrix, cmap=cmap)
        for (row, column), count in np.ndenumerate(matrix):
            if count:
                colour = text_colour_on(to_rgb(cmap(image.norm(count))))
                axis.text(column, row, str(count), ha="center", va="center", color=colour)
        axis.set_xticks(range(10))
        axis.set_yticks(range(10))
        axis.set_xlabel(text["predicted"])
        axis.set_ylabel(text["true"])
        accuracy = percent(result.test.accuracy, language, 2)
        axis.set_title(f"{NAMES[framework]} ({accuracy})")
    _titles(fig, "confusion_title", runs, language)
    return fig


def _article(runs: dict[str, RunResult], language: str, scheme: Scheme):
    from matplotlib.ticker import MaxNLocator

    text = LABELS[language]
    fig, axes = _figure(2, 9.0, sharey=True)
    for axis, (framework, result) in zip(axes, runs.items(), strict=True):
        title = text["article_panel"].format(
            framework=NAMES[framework],
            steps=result.steps_per_epoch,
            batch=result.settings.batch_size,
            size=result.input_size,
        )
        epochs = [e.epoch for e in result.history]
        for prefix, style in (("", "-"), ("val_", "--")):
            axis.plot(
                epochs,
                [getattr(e, prefix + "loss") for e in result.history],
                style,
                marker="o",
                markersize=4,
                color=scheme.colours[framework],
                label=text["val" if prefix else "train"],
            )
        axis.set_title(_wrap(title, FONT_PT + 1))
        axis.set_xlabel(text["epoch"])
        axis.set_ylabel(text["loss"])
        axis.grid(alpha=0.3)
        axis.legend()
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    _titles(fig, "article_title", runs, language)
    return fig


DRAW: dict[str, Callable[[dict[str, RunResult], str, Scheme], object]] = {
    "curves": _curves,
    "speed": _speed,
    "confusion": _confusion,
    "article": _article,
}


def render(
    name: str, results: dict[str, RunResult], language: str, scheme: str = "light"
) -> tuple[bytes, float]:
    """Figure ``name`` for colour ``scheme`` as PNG bytes, and the size of its smallest text
    on a phone (CSS px).

    Drawn and saved in the site's style (ticks are made while saving, so the style must
    still hold then); FigureNotLegible when a text would be under 9 CSS px on a phone or
    contrast too little with the scheme's background."""
    return figure_style.render(
        "mnist", name, language, scheme, lambda s: DRAW[name](runs_of(name, results), language, s)
    )


def figure_key(name: str, results: dict[str, RunResult], language: str) -> str:
    """What figure ``name`` in ``language`` depends on: the whole results of the runs it
    plots, the values and words it shows, the drawing code and matplotlib's version."""
    return fingerprint(
        {
            "figure": name,
            "language": language,
            "results": {
                run: fingerprint(results[run].to_json()) for run in mnist_figures.FIGURE_RUNS[name]
            },
            "data": mnist_figures.figure_data(name, results, language).to_json(),
            "labels": LABELS[language],
            "description": {
                run: mnist_data.describe(results[run].data.full, results[run].data.sizes, language)
                for run in mnist_figures.FIGURE_RUNS[name]
            },
            **figure_style.drawing(CODE),
        }
    )


def ensure_plots(results: dict[str, RunResult]) -> bool:
    """Draw each figure in each scheme, and write its CSV, in each language unless it is up
    to date;
    True if any was drawn."""
    return FILES.ensure(results, figure_key, render, mnist_figures.figure_data)
