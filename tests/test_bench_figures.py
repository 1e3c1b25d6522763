"""The benchmark figure is keyed on the results it plots, not only on the run's inputs.

The fault this guards against (issue 13): a new measurement of the same code (same inputs,
new timings) must redraw the figure, or the page would show new tables beside an old figure.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_hex
from PIL import Image

from site_build.core.bench import figures as bench_figure
from site_build.core.bench import report as bench_report
from site_build.core.bench.results import Summary
from site_build.core.kit import figure_data, figure_style
from site_build.core.kit.figure_data import SCHEMES
from tests.figure_checks import background_luminance, png_size
from tests.stand_ins import (  # noqa: F401 (the fixtures drawn and _drawn_once)
    bench_figures_drawn,
    bench_figures_drawn_once,
    fake_results,
)

LANGUAGES = ("en", "es")  # both, in the order the build makes them


def _figures() -> dict[str, bytes]:
    return {lang: bench_figure.figure_path(lang).read_bytes() for lang in LANGUAGES}


def test_new_results_of_the_same_run_redraw_the_figure(drawn):
    results = drawn  # drawn from nothing by the fixture, which found True
    before = _figures()
    assert bench_figure.ensure_figures(results) is False  # nothing changed: nothing drawn

    # The same code, settings and key, measured again: only the timings differ.
    first = results.measurements[0]
    faster = Summary.of([3 * first.images_per_second.median] * 3)
    remeasured = replace(
        results,
        measurements=(replace(first, images_per_second=faster), *results.measurements[1:]),
    )
    assert remeasured.key == results.key
    assert bench_figure.ensure_figures(remeasured) is True
    after = _figures()
    assert all(after[lang] != before[lang] for lang in LANGUAGES)
    assert bench_figure.ensure_figures(remeasured) is False


def test_a_missing_figure_or_an_interrupted_redraw_is_drawn_again(drawn, monkeypatch):
    results = drawn
    assert bench_figure.ensure_figures(results) is False  # the copy holds every figure
    bench_figure.figure_path("es").unlink()
    assert bench_figure.ensure_figures(results) is True
    # A redraw stopped midway leaves no stamp that would pass for done.
    stamp = bench_figure.FILES.stamp_path("throughput", "en")
    stamp.write_text("a key of other results")

    def interrupted(name, results, language, scheme="light"):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(bench_figure, "render", interrupted)
        bench_figure.ensure_figures(results)
    assert not stamp.exists()
    assert bench_figure.ensure_figures(results) is True


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_figure_comes_with_its_data_alt_text_table_and_csv(drawn, language):
    results = drawn
    assert bench_figure.ensure_figures(results) is False  # the copy holds every figure
    markdown = bench_report.figure(results, language)
    assert markdown.startswith("![") and "(generated/bench/throughput.png#only-light)" in markdown
    assert "(generated/bench/throughput-dark.png#only-dark)" in markdown
    assert "(generated/bench/throughput.csv)" in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("    | ")]
    bars = len(results.tasks("train")) + len(results.tasks("throughput"))
    assert len(rows) == 2 + bars  # the header, its separator and one row per bar
    csv = bench_figure.figure_path(language).with_suffix(".csv")
    lines = csv.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + bars
    # The CSV keeps the plotted median exactly, whatever the page's language.
    first = results.tasks("train")[0].images_per_second.median
    assert lines[1].split(",")[3] == repr(first)
    fastest = {"en": "Fastest in training", "es": "Lo más rápido en entrenamiento"}[language]
    assert fastest in markdown.split("](")[0]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_figure_is_drawn_for_a_phone(language, scheme, monkeypatch):
    """Issue: the figure was 10 in wide at 90 dpi with 7-8 pt text, far under 9 CSS px on a
    390-px phone. Every text must now be legible there, on an opaque 256-colour PNG."""
    results = fake_results()
    drawn = []
    real_check = figure_data.check_legible

    def check(fig, dpi, name, **options):
        drawn.append((fig.get_size_inches()[0] * dpi, figure_data.smallest_text_px(fig, dpi)))
        return real_check(fig, dpi, name, **options)

    monkeypatch.setattr(figure_data, "check_legible", check)  # png_bytes calls it
    data = bench_figure.draw(results, language, scheme)
    [(width_px, (smallest, _))] = drawn  # checked once, after drawing
    assert width_px == 768
    assert smallest >= figure_data.MIN_TEXT_PX
    image = Image.open(io.BytesIO(data))
    assert image.mode == "P" and image.size[0] == 768 and "transparency" not in image.info
    assert len(data) <= figure_data.MAX_BYTES
    # Every bar is still there, each with its share of the peak written beside it.
    bars = len(results.tasks("train")) + len(results.tasks("throughput"))
    shares = {
        bench_figure.percent(m.fraction_of_peak, language)
        for task in ("train", "throughput")
        for m in results.tasks(task)
    }
    with monkeypatch.context() as patched:
        figures = []
        patched.setattr(plt, "close", figures.append)
        bench_figure.draw(results, language, scheme)
    [figure] = figures
    plt.close(figure)
    texts = [t.get_text() for axis in figure.axes for t in axis.texts]
    assert len(texts) == 2 * bars  # a label and a share per bar
    assert shares <= set(s.strip() for s in texts)
    # The error bars are drawn in the scheme's text colour, not in matplotlib's black.
    [bars_colour] = {
        to_hex(colour)
        for axis in figure.axes
        for collection in axis.collections
        for colour in collection.get_colors()
    }
    assert bars_colour == SCHEMES[scheme].text


def test_both_schemes_figures_are_drawn_and_cached_at_one_size(drawn):
    results = drawn
    assert bench_figure.ensure_figures(results) is False  # drawn from nothing by the fixture
    for language in LANGUAGES:
        light, dark = (bench_figure.figure_path(language, s) for s in ("light", "dark"))
        assert png_size(light) == png_size(dark)
        assert background_luminance(light) > 0.9 and background_luminance(dark) < 0.05
    bench_figure.figure_path("es", "dark").unlink()
    assert bench_figure.ensure_figures(results) is True  # a missing dark figure is redrawn
    assert bench_figure.figure_path("es", "dark").is_file()


def test_a_figure_with_text_too_small_for_a_phone_fails_the_build(monkeypatch):
    monkeypatch.setattr(bench_figure, "FONT_PT", 7)
    monkeypatch.setitem(figure_style.STYLE, "font.size", 7)  # the style every figure shares
    monkeypatch.setitem(figure_style.STYLE, "xtick.labelsize", 7)
    with pytest.raises(
        figure_data.FigureNotLegible, match=re.escape("bench/figures.py, es/throughput.png")
    ):
        bench_figure.draw(fake_results(), "es")
