"""The benchmarks page's figures: images per second of every configuration, and the roofline.

Drawn from the same ``BenchResults`` as the tables (``bench/report.py``). ``figure_data``
describes what it plots (``kit/figure_data.py``): the page's ``{{ bench:figure }}`` becomes the
image with an alt text that gives the fastest configurations, then a collapsed table of
every bar, and ``throughput.csv`` is written beside the PNG. ``{{ bench:roofline_figure }}``
is the roofline (``roofline.png``, ``roofline.csv``; ``report.roofline_data``): the memory
bandwidth slope and the float32 peak, the bfloat16 and int8 peaks as dashed lines where they
were measured, and every configuration, batch-1 inference and the Adam update as points.

Drawn for a phone in the site's figure style (``kit.figure_data.site_style``), as the MNIST
figures are: ``WIDTH`` inches wide, the two tasks stacked, each bar labelled above it so that
the bars span the whole width, no text under ``FONT_PT`` points, drawn for each of Material's
colour schemes (``throughput.png``, ``throughput-dark.png``: ``kit.figure_data.SCHEMES``) on an
opaque background of its scheme, saved with 256 colours; ``kit.figure_data.check_legible``
fails the build if any text would be under 9 CSS px on a 390-pixel screen. Its cache key is
made of everything the figure shows: the results themselves (not only the inputs of the run
that made them), the words of the catalogs, this module and matplotlib's version; so a new
measurement, even of the same code, always redraws it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from site_build.core.bench import report
from site_build.core.bench.report import CONFIGS, TEXT, figure_data, plain
from site_build.core.bench.results import BenchResults
from site_build.core.catalog import texts
from site_build.core.i18n_format import number, percent
from site_build.core.kit import figure_style
from site_build.core.kit.cache import fingerprint
from site_build.core.kit.figure_data import FONT_PT, WIDTH, FigureFiles, Scheme
from site_build.core.kit.figure_style import wrap as _wrap
from site_build.core.kit.frameworks import NAMES

# The site's figure style (``kit/figure_style.py``): WIDTH, DPI, FONT_PT, MAX_BYTES.
ROW_INCHES = 0.5  # a bar and the label above it
BAR_HEIGHT = 0.45  # in rows


FILES = FigureFiles("bench", ("throughput", "roofline"))
generated_files = FILES.generated_files
# Each group of the roofline's points: its marker.
MARKERS = {"train": "s", "throughput": "o", "latency": "^", "adam": "D"}


def figure_path(language: str, scheme: str = "light", name: str = "throughput") -> Path:
    return FILES.figure_paths(language, scheme)[name]


def figure_key(name: str, results: BenchResults, language: str) -> str:
    """What figure ``name`` in ``language`` shows and how it is drawn: the results themselves,
    the words of the catalogs, the drawing code and matplotlib's version."""
    return fingerprint(
        {
            "figure": name,
            "language": language,
            "results": results.to_json(),
            "text": {s: texts(s) for s in ("bench", "bench_configs", "bench_figure_data")},
            **figure_style.drawing(("bench/figures.py",)),
        }
    )


def _draw_panel(axis, title: str, entries, language: str, scheme: Scheme) -> None:
    """One task's bars, each labelled above by its framework and configuration, so that the
    bars take the figure's whole width; its share of the peak written after its range."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    rates = [e.images_per_second for e in entries]
    positions = list(range(len(entries)))
    axis.barh(
        positions,
        [r.median for r in rates],
        height=BAR_HEIGHT,
        xerr=[[r.median - r.min for r in rates], [r.max - r.median for r in rates]],
        color=[scheme.colours[e.framework] for e in entries],
        ecolor=scheme.text,  # matplotlib draws error bars black whatever the style
        capsize=4,
    )
    for y, (entry, rate) in enumerate(zip(entries, rates, strict=True)):
        label = (
            f"{NAMES[entry.framework]} · {plain(CONFIGS[language][entry.framework, entry.config])}"
        )
        axis.text(0, y - BAR_HEIGHT / 2 - 0.05, label, va="bottom", ha="left")
        share = percent(entry.fraction_of_peak, language)
        axis.text(rate.max, y, "  " + share, va="center", ha="left")
    axis.set_yticks([])
    axis.set_ylim(len(entries) - 0.5, -1.05)  # first bar on top, room for its label
    axis.set_title(title, loc="left", fontweight="bold")
    axis.set_xlim(0, 1.3 * max(r.max for r in rates))
    axis.xaxis.set_major_locator(MaxNLocator(5))
    axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value, language)))
    for side in ("top", "right", "left"):
        axis.spines[side].set_visible(False)


def _figure(results: BenchResults, language: str, scheme: Scheme):
    import matplotlib.pyplot as plt

    t = TEXT[language]
    panels = [
        (t["figure_train"], results.tasks("train")),
        (
            t["figure_infer"].format(batch=results.settings.throughput_batch),
            results.tasks("throughput"),
        ),
    ]
    rows = [len(entries) + 1 for _, entries in panels]  # a bar a row, and the title's row
    figure, axes = plt.subplots(
        2,
        1,
        figsize=(WIDTH, 2.4 + ROW_INCHES * sum(rows)),
        gridspec_kw={"height_ratios": rows},
        layout="constrained",
    )
    for axis, (title, entries) in zip(axes, panels, strict=True):
        _draw_panel(axis, title, entries, language, scheme)
        axis.set_xlabel(_wrap(t["figure_x"], FONT_PT))
    figure.suptitle(_wrap(t["figure_title"], FONT_PT + 2))
    figure.supxlabel(_wrap(t["figure_note"], FONT_PT), ha="center")
    return figure


def _roofline(results: BenchResults, language: str, scheme: Scheme):
    """Log-log: the two roofs, the low-precision peaks and every point, a label per group."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    t = TEXT[language]
    bandwidth, peak = report.bandwidth(results), results.peak_gflops
    found = report.points(results)
    low = min(p.traffic.intensity for p in found) / 3
    high = max(max(p.traffic.intensity for p in found), report.ridge(results)) * 4
    figure, axis = plt.subplots(figsize=(WIDTH, WIDTH * 1.05), layout="constrained")
    axis.set_xscale("log")
    axis.set_yscale("log")
    ridge = report.ridge(results)
    # The two roofs are named in the legend, where no point can hide their values.
    roofs_label = "\n".join(
        (
            t["roof_label_peak"].format(value=number(peak, language, 1)),
            t["roof_label_bandwidth"].format(value=number(bandwidth, language, 1)),
        )
    )
    axis.plot(
        [low, ridge, high],
        [bandwidth * low, peak, peak],
        color=scheme.text,
        lw=2,
        label=roofs_label,
    )
    top = peak
    for name, rates in results.roofs.peaks.items():
        value = rates.summary.median
        top = max(top, value)
        axis.plot([ridge * value / peak, high], [value, value], color=scheme.grid, lw=1.5, ls="--")
        axis.text(
            high / 1.15,
            value * 1.1,
            t[f"roof_label_{name}"].format(value=number(value, language, 1)),
            va="bottom",
            ha="right",
        )
    for p in found:
        axis.plot(
            p.traffic.intensity,
            p.gflops,
            ls="none",
            marker=MARKERS[p.group],
            markersize=7,
            markeredgecolor=scheme.text,
            markeredgewidth=0.6,
            color=scheme.colours[p.framework or "torch"],
        )
    bottom = min(p.gflops for p in found) / 3
    for group in report.GROUPS:
        members = [p for p in found if p.group == group]
        x = members[0].traffic.intensity
        y = min(p.gflops for p in members)
        label = textwrap.fill(report.group_label(results, group, language), 16)
        if group == "latency":  # beside its column: the Adam update sits under its left
            axis.text(x * 1.25, y, label, va="center", ha="left")
        else:
            axis.text(x, y / 1.35, label, va="top", ha="center")
    axis.set_xlim(low, high)
    axis.set_ylim(bottom / 1.5, top * 3)
    axis.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _: number(v, language, 2 if v < 1 else 0))
    )
    axis.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: number(v, language, 2 if v < 1 else 0))
    )
    axis.set_xlabel(_wrap(t["roof_figure_x"], FONT_PT))
    axis.set_ylabel(t["roof_figure_y"])
    for framework in ("torch", "tf"):
        axis.plot(
            [], [], ls="none", marker="o", color=scheme.colours[framework], label=NAMES[framework]
        )
    axis.legend(loc="upper left", frameon=False)
    for side in ("top", "right"):
        axis.spines[side].set_visible(False)
    figure.suptitle(_wrap(t["roof_figure_title"], FONT_PT + 2))
    return figure


DRAWERS = {"throughput": _figure, "roofline": _roofline}


def render(
    name: str, results: BenchResults, language: str, scheme: str = "light"
) -> tuple[bytes, float]:
    """Figure ``name`` in ``language`` for colour ``scheme`` as a 256-colour PNG on an opaque
    background, and the size of its smallest text on a phone (CSS px); FigureNotLegible when
    any of its texts would be under 9 CSS px on a phone or contrast too little with the
    scheme's background, FigureTooLarge above ``MAX_BYTES``."""
    draw = DRAWERS[name]
    return figure_style.render(
        "bench", name, language, scheme, lambda s: draw(results, language, s)
    )


def draw(
    results: BenchResults, language: str, scheme: str = "light", name: str = "throughput"
) -> bytes:
    """The PNG of ``render``."""
    return render(name, results, language, scheme)[0]


# What each figure plots, as a table and a CSV file beside it (``bench/report.py``).
DATA = {"throughput": figure_data, "roofline": report.roofline_data}


def ensure_figures(results: BenchResults) -> bool:
    """Draw each figure, and write its CSV, in every language and scheme unless what it shows
    is unchanged (``FigureFiles.ensure``); True if any was drawn."""
    return FILES.ensure(
        results, figure_key, render, lambda name, results, language: DATA[name](results, language)
    )
