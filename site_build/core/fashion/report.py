"""The Fashion-MNIST page's generated Markdown: tables, sentences and figures from the runs.

A page asks for one with ``{{ fashion:NAME }}``; every number comes from the typed results
of ``fashion/runs.py`` (``fashion/results.py``), and every word from the ``fashion`` section
of the catalogs.
``{{ fashion:figure_NAME }}`` writes a figure of ``fashion/figures.py`` with its alt text, its
values in a collapsed table and a link to them as CSV (``kit/figure_data.py``); ``FIGURE_DATA``
says what each figure plots, and ``fashion/figures.py`` keys the image on it.

Why this module is longer than the project's usual 300 lines: it is every generated value of
one page, and the figures' data sits beside the tables whose numbers it repeats.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Callable

from site_build.core import fashion_data
from site_build.core.catalog import texts
from site_build.core.fashion.results import FashionResults
from site_build.core.fashion.runs import MODES, TARGET_ACCURACY
from site_build.core.i18n_format import number, percent, seconds
from site_build.core.kit import machine
from site_build.core.kit.figure_data import Column, FigureData, figure_markdown
from site_build.core.kit.frameworks import COMPARED, NAMES
from site_build.core.kit.markdown_table import markdown_table

TEXT = texts("fashion")
PARAMETERS = 105_914  # checked by the doctests of snippets/fashion/model_*.py
DROPOUT = 0.3
DASH = " \u2013 "  # between the lowest and highest value


def accuracies(results: FashionResults, framework: str) -> list[float]:
    return [run.test_accuracy for run in results.runs[framework]]


def epoch_times(results: FashionResults, framework: str) -> list[float]:
    """Every whole epoch of every seed, in seconds of training."""
    return [s for run in results.runs[framework] for s in run.epoch_seconds]


def _sd(values: list[float]) -> float:
    return statistics.stdev(values) if len(values) > 1 else 0.0


def _points(fraction: float, language: str) -> str:
    return number(100 * fraction, language, 2)


def data_sentence(results: FashionResults, language: str) -> str:
    return fashion_data.describe(results.first.data.sizes, language)


def mode_sentence(results: FashionResults, language: str) -> str:
    mode = MODES[results.mode]
    return TEXT[language][f"{results.mode}_set"].format(
        epochs=mode["epochs"],
        seeds=len(mode["seeds"]),
        full_epochs=MODES["full"]["epochs"],
        full_seeds=len(MODES["full"]["seeds"]),
    )


def settings_table(results: FashionResults, language: str) -> str:
    text = TEXT[language]
    config = results.first.config
    for runs in results.runs.values():
        for run in runs:
            if dataclasses.replace(run.config, seed=config.seed) != config:
                raise ValueError("the Fashion-MNIST runs used different settings; retrain them")
    sizes = results.first.data.sizes
    rows = [
        [text["data"], data_sentence(results, language)],
        [
            text["model"],
            text["model_value"].format(
                parameters=number(PARAMETERS, language), dropout=number(DROPOUT, language, 1)
            ),
        ],
        [
            text["optimizer"],
            text["optimizer_value"].format(lr=number(0.001, language, 3), epsilon="10⁻⁷"),
        ],
        [text["loss"], text["loss_value"]],
        [text["batch_size"], str(config.batch_size)],
        [text["epochs"], str(config.epochs)],
        [text["seeds"], ", ".join(str(run.seed) for run in results.runs["torch"])],
        [
            text["checkpoints"],
            text["checkpoints_value"].format(
                count=config.evals_per_epoch, test=number(sizes["test"], language)
            ),
        ],
        [text["threads"], text["threads_value"].format(threads=config.threads)],
    ]
    return markdown_table([text["setting"], text["value"]], rows)


def _target_cells(results: FashionResults, framework: str, language: str) -> tuple[str, str]:
    text = TEXT[language]
    runs = results.runs[framework]
    reached = [run.time_to_target for run in runs if run.time_to_target]
    if not reached:
        return text["not_reached"], text["not_reached"]
    count = {"count": len(reached), "total": len(runs)}
    time_value = seconds(statistics.mean(r.seconds for r in reached), language)
    epoch_value = number(statistics.mean(r.epoch for r in reached), language, 2)
    return (
        text["reached"].format(value=time_value, **count),
        text["reached"].format(value=epoch_value, **count),
    )


def summary_table(results: FashionResults, language: str) -> str:
    text = TEXT[language]
    frameworks = list(COMPARED)
    target = percent(TARGET_ACCURACY, language, 0)
    rows: dict[str, list[str]] = {
        text["accuracy_mean"]: [],
        text["accuracy_range"]: [],
        text["epoch_seconds"]: [],
        text["first_epoch"]: [],
        text["target_time"].format(target=target): [],
        text["target_epoch"].format(target=target): [],
    }
    cells = list(rows.values())
    for framework in frameworks:
        values = accuracies(results, framework)
        times = epoch_times(results, framework)
        firsts = [run.epoch_seconds[0] for run in results.runs[framework]]
        cells[0].append(
            f"{percent(statistics.mean(values), language, 2)} ± {_points(_sd(values), language)}"
        )
        cells[1].append(
            f"{percent(min(values), language, 2)}{DASH}{percent(max(values), language, 2)}"
        )
        cells[2].append(
            f"{seconds(statistics.mean(times), language)} ± {number(_sd(times), language, 1)}"
        )
        cells[3].append(seconds(statistics.mean(firsts), language))
        time_cell, epoch_cell = _target_cells(results, framework, language)
        cells[4].append(time_cell)
        cells[5].append(epoch_cell)
    header = [text["measure"], *(NAMES[f] for f in frameworks)]
    body = markdown_table(header, [[label, *values] for label, values in rows.items()])
    return body + "\n\n" + provenance(results, language)


def seeds_table(results: FashionResults, language: str) -> str:
    text = TEXT[language]
    rows = []
    for framework, runs in results.runs.items():
        for run in runs:
            target = run.time_to_target
            rows.append(
                [
                    NAMES[framework],
                    str(run.seed),
                    percent(run.test_accuracy, language, 2),
                    seconds(statistics.mean(run.epoch_seconds), language),
                    seconds(target.seconds, language) if target else text["not_reached"],
                ]
            )
    header = [
        text["framework"],
        text["seed"],
        text["test_accuracy"],
        text["epoch_seconds"].split(",")[0],
        text["target_time"].format(target=percent(TARGET_ACCURACY, language, 0)).split(",")[0],
    ]
    return markdown_table(header, rows)


def gap_and_spread(results: FashionResults) -> tuple[float, float]:
    """The gap between the frameworks' mean accuracies, and the widest range of one's seeds."""
    means = [statistics.mean(accuracies(results, f)) for f in COMPARED]
    spread = max(max(accuracies(results, f)) - min(accuracies(results, f)) for f in COMPARED)
    return abs(means[0] - means[1]), spread


def conclusion(results: FashionResults, language: str) -> str:
    gap, spread = gap_and_spread(results)
    key = "conclusion_within" if gap <= spread else "conclusion_beyond"
    return TEXT[language][key].format(
        gap=_points(gap, language),
        spread=_points(spread, language),
        seeds=len(results.runs["torch"]),
    )


def speed_sentence(results: FashionResults, language: str) -> str:
    means = {f: statistics.mean(epoch_times(results, f)) for f in COMPARED}
    spread = max(_sd(epoch_times(results, f)) for f in COMPARED)
    if abs(means["torch"] - means["tf"]) <= spread:  # noise, not a ranking
        return TEXT[language]["speed_noisy"].format(
            first=NAMES["torch"],
            second=NAMES["tf"],
            first_seconds=seconds(means["torch"], language),
            second_seconds=seconds(means["tf"], language),
            spread=seconds(spread, language),
        )
    faster, slower = sorted(means, key=means.get)
    return TEXT[language]["speed"].format(
        faster=NAMES[faster],
        slower=NAMES[slower],
        faster_seconds=seconds(means[faster], language),
        slower_seconds=seconds(means[slower], language),
        ratio=number(means[slower] / means[faster], language, 2),
    )


def provenance(results: FashionResults, language: str) -> str:
    runs = [run for runs in results.runs.values() for run in runs]
    versions = {k: v for run in runs for k, v in run.versions.items()}
    created = min(run.created for run in runs)
    return machine.trained_on(
        TEXT[language]["provenance"], results.first.machine, versions, created, language
    )


def _apart(results: FashionResults) -> bool:
    """Whether the final test accuracies of one framework's seeds all lie above the other's."""
    torch, tf = accuracies(results, "torch"), accuracies(results, "tf")
    return min(torch) > max(tf) or min(tf) > max(torch)


def curves_data(results: FashionResults, language: str) -> FigureData:
    """What the curves figure plots: every checkpoint of every seed (the mean and the band
    are drawn from these values)."""
    text = TEXT[language]
    first = results.first
    highlights: list[tuple[str, float | str, str]] = []
    for f in COMPARED:
        values = accuracies(results, f)
        highlights.append(
            (
                text["mean_accuracy_of"].format(framework=NAMES[f]),
                statistics.mean(values),
                "percent:2",
            )
        )
        highlights.append(
            (
                text["accuracy_range_of"].format(framework=NAMES[f]),
                text["from_to"].format(
                    low=percent(min(values), language, 2), high=percent(max(values), language, 2)
                ),
                "text",
            )
        )
    key = "curves_description_apart" if _apart(results) else "curves_description"
    return FigureData(
        folder="fashion",
        name="curves",
        language=language,
        title=text["curves_title"],
        description=text[key].format(seeds=len(results.runs["torch"]), epochs=first.config.epochs),
        columns=(
            Column(text["framework"]),
            Column(text["seed"]),
            Column(text["epoch"], "decimal:2"),
            Column(text["test_accuracy_axis"], "percent:2"),
            Column(text["loss_axis"], "decimal:4"),
        ),
        rows=tuple(
            (NAMES[f], run.seed, c.epoch, c.test_accuracy, c.loss)
            for f, runs in results.runs.items()
            for run in runs
            for c in run.history
        ),
        highlights=tuple(highlights),
    )


def seeds_data(results: FashionResults, language: str) -> FigureData:
    """What the seeds figure plots: each seed's final test accuracy and mean epoch time."""
    text = TEXT[language]
    highlights: list[tuple[str, float | str, str]] = []
    for f, runs in results.runs.items():
        highlights.append(
            (
                text["accuracies_of"].format(framework=NAMES[f]),
                ", ".join(percent(run.test_accuracy, language, 2) for run in runs),
                "text",
            )
        )
        highlights.append(
            (
                text["seconds_of"].format(framework=NAMES[f]),
                ", ".join(seconds(statistics.mean(run.epoch_seconds), language) for run in runs),
                "text",
            )
        )
    return FigureData(
        folder="fashion",
        name="seeds",
        language=language,
        title=text["seeds_title"],
        description=text["seeds_description"],
        columns=(
            Column(text["framework"]),
            Column(text["seed"]),
            Column(text["test_accuracy"], "percent:2"),
            Column(text["seconds_column"], "decimal:1"),
        ),
        rows=tuple(
            (
                NAMES[f],
                run.seed,
                run.test_accuracy,
                statistics.mean(run.epoch_seconds),
            )
            for f, runs in results.runs.items()
            for run in runs
        ),
        highlights=tuple(highlights),
    )


# What each figure of fashion/figures.py plots, in the order the page shows them.
FIGURE_DATA: dict[str, Callable[[FashionResults, str], FigureData]] = {
    "curves": curves_data,
    "seeds": seeds_data,
}
FIGURES = tuple(FIGURE_DATA)


def figure_data(name: str, results: FashionResults, language: str) -> FigureData:
    return FIGURE_DATA[name](results, language)


def _figure(name: str) -> Callable[[FashionResults, str], str]:
    """``{{ fashion:figure_NAME }}``: the image, its alt text, its values and their CSV."""

    def markdown(results: FashionResults, language: str) -> str:
        return figure_markdown(figure_data(name, results, language))

    return markdown


def _target(results: FashionResults, language: str) -> str:
    return percent(TARGET_ACCURACY, language, 0)


# Every `{{ fashion:NAME }}` a page may use: NAME -> f(results, language) -> Markdown.
GENERATED = {
    "data": data_sentence,
    "mode": mode_sentence,
    "settings": settings_table,
    "summary": summary_table,
    "seeds": seeds_table,
    "conclusion": conclusion,
    "speed": speed_sentence,
    "target": _target,
    **{f"figure_{name}": _figure(name) for name in FIGURES},
}
