"""The Fashion-MNIST figures, drawn from the runs' results in every language of the site.

Each figure is written once per language (labels and titles translated) to
``<cache>/site-assets/<language>/generated/fashion/<name>.png``, with the values it plots
beside it as ``<name>.csv`` (``fashion.report.FIGURE_DATA`` says what each figure plots); the
MkDocs plugin puts both on the site at ``generated/fashion/`` beside the pages of that
language, and a page shows them with ``{{ fashion:figure_NAME }}``.

Drawn for a phone in the site's figure style, as the MNIST figures are
(``kit.figure_data.site_style``): panels are stacked, the figure is ``WIDTH`` inches wide and no
text is smaller than ``FONT_PT`` points, so that on a 390-pixel-wide screen every text is at
least 9 CSS pixels high (``kit.figure_data.check_legible`` fails the build otherwise); drawn
for each of Material's colour schemes (``kit.figure_data.SCHEMES``), each on an opaque
background of its scheme, saved as a 256-colour PNG.

Each figure in each language has its own cache key: every number of every run it plots, the
values and words it shows, the code of this module and of the modules it uses, and
matplotlib's version, so it never shows other numbers than the tables beside it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

import numpy as np

from site_build.core.catalog import texts
from site_build.core.fashion import report as fashion_report
from site_build.core.fashion.report import FIGURES
from site_build.core.fashion.results import FashionResults
from site_build.core.i18n_format import percent
from site_build.core.kit import figure_style
from site_build.core.kit.cache import fingerprint
from site_build.core.kit.figure_data import FONT_PT, WIDTH, FigureFiles, Scheme
from site_build.core.kit.figure_style import wrap as _wrap
from site_build.core.kit.frameworks import NAMES

LABELS = texts("fashion")
# The modules that draw these figures besides the kit's (``kit/figure_style.py``: KIT).
CODE = ("fashion/figures.py", "fashion/report.py")


FILES = FigureFiles("fashion", tuple(FIGURES))
assets_dir, figure_paths = FILES.assets_dir, FILES.figure_paths
data_paths, generated_files = FILES.data_paths, FILES.generated_files


def _titles(fig, title: str, results: FashionResults, language: str) -> None:
    """Title on top, the data used below, both wrapped; the panels fill the space between."""
    description = fashion_report.data_sentence(results, language)
    footer = LABELS[language]["figure_data"].format(description=description)
    fig.suptitle(_wrap(title, (FONT_PT + 2) * 1.15), fontweight="bold")  # bold is wider
    fig.supxlabel(_wrap(footer, FONT_PT), fontsize=FONT_PT, ha="left", x=0.02)


def _curves(results: FashionResults, language: str, scheme: Scheme):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    text = LABELS[language]
    colours = scheme.colours
    fig, axes = plt.subplots(2, 1, figsize=(WIDTH, 10.0), layout="constrained", sharex=True)
    for framework, runs in results.runs.items():
        epochs = [c.epoch for c in runs[0].history]
        for metric, axis in (("test_accuracy", axes[0]), ("loss", axes[1])):
            curves = np.array([[getattr(c, metric) for c in run.history] for run in runs])
            for index, curve in enumerate(curves):
                axis.plot(
                    epochs,
                    curve,
                    color=colours[framework],
                    alpha=0.45,
                    linewidth=1,
                    label=text["one_seed"].format(framework=NAMES[framework])
                    if index == 0
                    else None,
                )
            axis.fill_between(
                epochs, curves.min(axis=0), curves.max(axis=0), color=colours[framework], alpha=0.15
            )
            axis.plot(
                epochs,
                curves.mean(axis=0),
                color=colours[framework],
                linewidth=2.4,
                marker="o",
                markersize=4,
                label=text["mean"].format(framework=NAMES[framework], count=len(runs)),
            )
    axes[0].set_ylabel(text["test_accuracy_axis"])
    axes[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, language, 0)))
    axes[1].set_ylabel(_wrap(text["loss_axis"], FONT_PT))
    axes[1].set_xlabel(text["epoch"])
    for axis in axes:
        axis.grid(alpha=0.3)
        # Checkpoints every quarter epoch: halves on a short run, whole epochs on a long one.
        axis.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    axes[0].legend(loc="lower right")
    _titles(fig, text["curves_title"], results, language)
    return fig


def _seeds(results: FashionResults, language: str, scheme: Scheme):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    text = LABELS[language]
    colours = scheme.colours
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(WIDTH, 8.5), layout="constrained")
    names = [NAMES[f] for f in results.runs]
    for position, (framework, runs) in enumerate(results.runs.items()):
        accuracies = [run.test_accuracy for run in runs]
        times = [statistics.mean(run.epoch_seconds) for run in runs]
        for axis, values in ((top, accuracies), (bottom, times)):
            offsets = np.linspace(-0.1, 0.1, len(values))
            axis.scatter(position + offsets, values, s=40, color=colours[framework], zorder=3)
            axis.hlines(
                statistics.mean(values),
                position - 0.25,
                position + 0.25,
                color=colours[framework],
                linewidth=2.4,
            )
    top.set_ylabel(_wrap(text["test_accuracy"], FONT_PT))
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, language, 1)))
    bottom.set_ylabel(_wrap(text["seconds_axis"], FONT_PT))
    bottom.set_ylim(bottom=0)
    for axis in (top, bottom):
        axis.set_xticks(range(len(names)), names)
        axis.set_xlim(-0.6, len(names) - 0.4)
        axis.grid(alpha=0.3, axis="y")
    _titles(fig, text["seeds_title"], results, language)
    return fig


DRAW: dict[str, Callable[[FashionResults, str, Scheme], object]] = {
    "curves": _curves,
    "seeds": _seeds,
}


def render(
    name: str, results: FashionResults, language: str, scheme: str = "light"
) -> tuple[bytes, float]:
    """Figure ``name`` for colour ``scheme`` as PNG bytes, and the size of its smallest text
    on a phone (CSS px); FigureNotLegible when a text would be under 9 CSS px on a phone or
    contrast too little with the scheme's background."""
    return figure_style.render(
        "fashion", name, language, scheme, lambda s: DRAW[name](results, language, s)
    )


def figure_key(name: str, results: FashionResults, language: str) -> str:
    """What figure ``name`` in ``language`` depends on: every number of every run, the values
    and words it shows, the drawing code and matplotlib's version."""
    return fingerprint(
        {
            "figure": name,
            "language": language,
            "results": {
                fw: [run.to_json() for run in runs] for fw, runs in sorted(results.runs.items())
            },
            "data": fashion_report.figure_data(name, results, language).to_json(),
            "labels": LABELS[language],
            "description": fashion_report.data_sentence(results, language),
            **figure_style.drawing(CODE),
        }
    )


def ensure_plots(results: FashionResults) -> bool:
    """Draw each figure, and write its CSV, in each language unless it is up to date;
    True if any was drawn."""
    return FILES.ensure(results, figure_key, render, fashion_report.figure_data)
