"""What each MNIST figure plots (site_build/core/mnist/figure_data.py): the values of the
runs it shows, taken from their results, the same in both languages but for the words."""

from __future__ import annotations

import statistics
from dataclasses import replace

import pytest

from site_build.core.catalog import LANGUAGES
from site_build.core.kit.frameworks import NAMES
from site_build.core.mnist import figure_data as mnist_figures
from tests.stand_ins import mnist_results


def test_each_figure_plots_the_runs_it_names_in_the_pages_order():
    results = mnist_results()
    for name, runs in mnist_figures.FIGURE_RUNS.items():
        plotted = mnist_figures.runs_of(name, results)
        assert list(plotted.values()) == [results[run] for run in runs]
        assert list(plotted) == [results[run].framework for run in runs]


def test_the_speed_figure_plots_each_runs_accuracy_and_median_speeds():
    results = mnist_results()
    slow = [replace(epoch, seconds=epoch.seconds * 3) for epoch in results["matched-tf"].history]
    results["matched-tf"] = replace(results["matched-tf"], history=slow)
    data = mnist_figures.figure_data("speed", results, "en")
    rows = {row[0]: row[1:] for row in data.rows}
    for run in ("matched-torch", "matched-tf"):
        result = results[run]
        assert rows[NAMES[result.framework]] == (
            result.test.accuracy,
            statistics.median(e.seconds for e in result.history),
            statistics.median(e.images_per_second for e in result.history),
        )
    assert rows["TensorFlow"][1] == 3 * rows["PyTorch"][1]


def test_the_curves_have_one_row_per_epoch_of_each_run():
    results = mnist_results()
    data = mnist_figures.figure_data("curves", results, "en")
    epochs = [(row[0], row[1]) for row in data.rows]
    assert epochs == [(NAMES[f], e) for f in ("torch", "tf") for e in (1, 2, 3)]


def test_the_most_frequent_mistake_is_the_largest_cell_off_the_diagonal():
    confusion = [[50 if row == column else 0 for column in range(10)] for row in range(10)]
    confusion[7][1], confusion[4][9], confusion[9][4] = 3, 5, 4
    assert mnist_figures.most_frequent_mistake(confusion) == (4, 9, 5)


@pytest.mark.parametrize("name", mnist_figures.FIGURES)
def test_both_languages_plot_the_same_values_with_their_own_words(name):
    """The same rows and key numbers ("text" highlights are written in the language)."""
    results = mnist_results()
    english, spanish = (mnist_figures.figure_data(name, results, lang) for lang in LANGUAGES)
    assert english.rows == spanish.rows
    numbers = [
        [v for _, v, kind in data.highlights if kind != "text"] for data in (english, spanish)
    ]
    assert numbers[0] == numbers[1]
    assert english.title != spanish.title and english.description != spanish.description
