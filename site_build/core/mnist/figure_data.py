"""What each MNIST figure plots, as ``FigureData`` (``kit/figure_data.py``): alt text, table, CSV.

``mnist/figures.py`` draws the figures from the same results, and keys each figure on the
results it plots and on the ``FigureData`` below, so the image, its alt text, its table and
its CSV file always show the same numbers. A page shows a figure with ``{{ mnist:figure_NAME }}``
(``mnist.report.GENERATED``), which writes the image and its data together.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

import numpy as np

from site_build.core.catalog import texts
from site_build.core.i18n_format import number
from site_build.core.kit.figure_data import Column, FigureData
from site_build.core.kit.frameworks import NAMES
from site_build.core.mnist.results import RunResult

# Which runs each figure plots, in the order it shows them (top to bottom).
FIGURE_RUNS = {
    "curves": ("matched-torch", "matched-tf"),
    "speed": ("matched-torch", "matched-tf"),
    "confusion": ("matched-torch", "matched-tf"),
    "article": ("article-tf", "article-torch"),
}
FIGURES = tuple(FIGURE_RUNS)

TEXT = texts("mnist_figure_data")
LABELS = texts("mnist_figures")


def runs_of(name: str, results: dict[str, RunResult]) -> dict[str, RunResult]:
    """framework -> result of the runs that figure ``name`` plots, in its order."""
    return {results[run].framework: results[run] for run in FIGURE_RUNS[name]}


def median_epoch_seconds(result: RunResult) -> float:
    return statistics.median(e.seconds for e in result.history)


def median_images_per_second(result: RunResult) -> float:
    return statistics.median(e.images_per_second for e in result.history)


def _curves(runs: dict[str, RunResult], language: str) -> FigureData:
    text = TEXT[language]
    epochs = next(iter(runs.values())).settings.epochs
    return FigureData(
        folder="mnist",
        name="curves",
        language=language,
        title=LABELS[language]["curves_title"],
        description=text["curves"].format(epochs=epochs),
        columns=(
            Column(text["framework"]),
            Column(text["epoch"], "integer"),
            Column(text["train_loss"], "decimal:4"),
            Column(text["val_loss"], "decimal:4"),
            Column(text["train_accuracy"], "percent:2"),
            Column(text["val_accuracy"], "percent:2"),
        ),
        rows=tuple(
            (NAMES[f], e.epoch, e.loss, e.val_loss, e.accuracy, e.val_accuracy)
            for f, run in runs.items()
            for e in run.history
        ),
        highlights=(
            *(
                (
                    text["final_val_accuracy"].format(framework=NAMES[f]),
                    r.last.val_accuracy,
                    "percent:2",
                )
                for f, r in runs.items()
            ),
            *(
                (text["final_val_loss"].format(framework=NAMES[f]), r.last.val_loss, "decimal:4")
                for f, r in runs.items()
            ),
        ),
    )


def _speed(runs: dict[str, RunResult], language: str) -> FigureData:
    text = TEXT[language]
    test = next(iter(runs.values())).data.sizes["test"]
    rows = tuple(
        (NAMES[f], r.test.accuracy, median_epoch_seconds(r), median_images_per_second(r))
        for f, r in runs.items()
    )
    return FigureData(
        folder="mnist",
        name="speed",
        language=language,
        title=LABELS[language]["speed_title"],
        description=text["speed"].format(test=number(test, language)),
        columns=(
            Column(text["framework"]),
            Column(text["test_accuracy"], "percent:2"),
            Column(text["epoch_seconds"], "decimal:1"),
            Column(text["images_per_second"], "integer"),
        ),
        rows=rows,
        highlights=tuple(
            highlight
            for name, accuracy, seconds, rate in rows
            for highlight in (
                (text["test_accuracy_of"].format(framework=name), accuracy, "percent:2"),
                (text["epoch_seconds_of"].format(framework=name), seconds, "seconds:1"),
                (text["images_per_second_of"].format(framework=name), rate, "integer"),
            )
        ),
    )


def most_frequent_mistake(confusion: list[list[int]]) -> tuple[int, int, int]:
    """(true digit, predicted digit, count) of the largest cell off the diagonal."""
    matrix = np.array(confusion)
    np.fill_diagonal(matrix, -1)
    true, predicted = np.unravel_index(int(matrix.argmax()), matrix.shape)
    return int(true), int(predicted), int(matrix[true, predicted])


def _confusion(runs: dict[str, RunResult], language: str) -> FigureData:
    text = TEXT[language]
    test = sum(map(sum, next(iter(runs.values())).test.confusion))
    highlights = []
    for f, r in runs.items():
        true, predicted, count = most_frequent_mistake(r.test.confusion)
        highlights.append(
            (text["test_accuracy_of"].format(framework=NAMES[f]), r.test.accuracy, "percent:2")
        )
        mistake = text["mistake"].format(
            count=number(count, language), true=true, predicted=predicted
        )
        highlights.append(
            (text["most_frequent_mistake"].format(framework=NAMES[f]), mistake, "text")
        )
    return FigureData(
        folder="mnist",
        name="confusion",
        language=language,
        title=LABELS[language]["confusion_title"],
        description=text["confusion"].format(test=number(test, language)),
        columns=(
            Column(text["framework"]),
            Column(text["true_digit"], "integer"),
            *(Column(text["predicted_digit"].format(digit=d), "integer") for d in range(10)),
        ),
        rows=tuple(
            (NAMES[f], digit, *counts)
            for f, r in runs.items()
            for digit, counts in enumerate(r.test.confusion)
        ),
        highlights=tuple(highlights),
    )


def _article(runs: dict[str, RunResult], language: str) -> FigureData:
    text = TEXT[language]
    return FigureData(
        folder="mnist",
        name="article",
        language=language,
        title=LABELS[language]["article_title"],
        description=text["article"].format(
            tf_steps=number(runs["tf"].steps_per_epoch, language),
            torch_steps=number(runs["torch"].steps_per_epoch, language),
        ),
        columns=(
            Column(text["framework"]),
            Column(text["epoch"], "integer"),
            Column(text["train_loss"], "decimal:4"),
            Column(text["val_loss"], "decimal:4"),
            Column(text["val_accuracy"], "percent:2"),
        ),
        rows=tuple(
            (NAMES[f], e.epoch, e.loss, e.val_loss, e.val_accuracy)
            for f, run in runs.items()
            for e in run.history
        ),
        highlights=tuple(
            (
                text["train_loss_from_to"].format(framework=NAMES[f], epochs=len(r.history)),
                text["from_to"].format(
                    first=number(r.history[0].loss, language, 4),
                    last=number(r.last.loss, language, 4),
                ),
                "text",
            )
            for f, r in runs.items()
        ),
    )


BUILDERS: dict[str, Callable[[dict[str, RunResult], str], FigureData]] = {
    "curves": _curves,
    "speed": _speed,
    "confusion": _confusion,
    "article": _article,
}


def figure_data(name: str, results: dict[str, RunResult], language: str) -> FigureData:
    """What figure ``name`` plots from ``results`` (run name -> result), in ``language``."""
    return BUILDERS[name](runs_of(name, results), language)
