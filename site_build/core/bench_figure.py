"""The benchmarks page's figure: images per second of every configuration, in each language.

Drawn from the same ``BenchResults`` as the tables (``bench_report.py``). ``figure_data``
describes what it plots (``figure_data.py``): the page's ``{{ bench:figure }}`` becomes the
image with an alt text that gives the fastest configurations, then a collapsed table of
every bar, and ``throughput.csv`` is written beside the PNG. Its cache key is
made of everything the figure shows: the results themselves (not only the inputs of the
run that made them), the words of the catalogs, this module and matplotlib's version; so a
new measurement, even of the same code, always redraws it.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on build machines

import matplotlib.pyplot as plt

from site_build.core.bench_report import CONFIGS, NAMES, TEXT, figure_data, plain
from site_build.core.bench_results import BenchResults
from site_build.core.cache import atomic_write_bytes, cache_root, file_digest, fingerprint
from site_build.core.catalog import LANGUAGES, texts
from site_build.core.errors import BuildError
from site_build.core.figure_data import write_csv
from site_build.core.i18n_format import percent

MAX_BYTES = 150_000
COLOURS = {"torch": "#D55E00", "tf": "#0072B2", "numpy": "#009E73"}


def figure_path(language: str) -> Path:
    return cache_root() / "site-assets" / language / "generated" / "bench" / "throughput.png"


def generated_files(language: str) -> list[Path]:
    """The figure and the CSV of its data, which the site serves under generated/bench/."""
    png = figure_path(language)
    return [png, png.with_suffix(".csv")]


def stamp_path() -> Path:
    return cache_root() / "site-assets" / "bench-figures.key"


def figure_key(results: BenchResults) -> str:
    """What the figure shows and how it is drawn: a change to any of them redraws it."""
    return fingerprint(
        {
            "results": results.to_json(),
            "text": {s: texts(s) for s in ("bench", "bench_configs", "bench_figure_data")},
            "code": {
                name: file_digest(Path(__file__).with_name(name))
                for name in ("bench_figure.py", "figure_data.py", "i18n_format.py")
            },
            "matplotlib": matplotlib.__version__,
        }
    )


def draw(results: BenchResults, language: str) -> bytes:
    t = TEXT[language]
    panels = [
        (t["figure_train"], results.tasks("train")),
        (
            t["figure_infer"].format(batch=results.settings.throughput_batch),
            results.tasks("throughput"),
        ),
    ]
    figure, axes = plt.subplots(
        1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [4, 8]}, layout="constrained"
    )
    for axis, (title, entries) in zip(axes, panels, strict=True):
        labels = [
            f"{NAMES[e.framework]}\n{plain(CONFIGS[language][e.framework, e.config])}"
            for e in entries
        ]
        rates = [e.images_per_second for e in entries]
        medians = [r.median for r in rates]
        positions = range(len(entries))
        axis.barh(
            positions,
            medians,
            xerr=[[r.median - r.min for r in rates], [r.max - r.median for r in rates]],
            color=[COLOURS[e.framework] for e in entries],
            capsize=3,
        )
        for y, (entry, rate) in enumerate(zip(entries, rates, strict=True)):
            axis.text(
                rate.max,
                y,
                "  " + percent(entry.fraction_of_peak, language),
                va="center",
                ha="left",
                fontsize=8,
            )
        axis.set_yticks(list(positions), labels, fontsize=7)
        axis.invert_yaxis()
        axis.set_title(title, fontsize=10)
        axis.set_xlabel(t["figure_x"], fontsize=8)
        axis.set_xlim(0, 1.3 * max(r.max for r in rates))
        axis.tick_params(axis="x", labelsize=8)
    figure.suptitle(t["figure_title"], fontsize=11)
    figure.supxlabel(t["figure_note"], fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return buffer.getvalue()


def ensure_figures(results: BenchResults) -> bool:
    """Draw the figure in every language unless what it shows is unchanged; True if drawn."""
    key = figure_key(results)
    stamp = stamp_path()
    if (
        stamp.exists()
        and stamp.read_text() == key
        and all(path.exists() for lang in LANGUAGES for path in generated_files(lang))
    ):
        return False
    stamp.unlink(missing_ok=True)  # an interrupted redraw must not pass for a finished one
    for language in LANGUAGES:
        data = draw(results, language)
        if len(data) > MAX_BYTES:
            raise BuildError(
                f"the benchmark figure is {len(data)} bytes; keep it under 150 KB "
                "(site_build/core/bench_figure.py: fewer bars, a smaller size or dpi)"
            )
        atomic_write_bytes(figure_path(language), data)
        write_csv(figure_data(results, language), figure_path(language).parent)
    atomic_write_bytes(stamp, key.encode())
    return True
