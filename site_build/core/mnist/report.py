"""The MNIST pages' generated Markdown: tables, sentences and figures, from the run results.

A page asks for one with ``{{ mnist:NAME }}`` (see site_build/core/generated.py); nothing in
these tables is typed by hand: settings, parameter counts and input sizes are what each run
reported (``mnist.results.RunResult``). ``{{ mnist:figure_NAME }}`` writes a figure with its
alt text, its values in a collapsed table and a link to them as CSV (``kit/figure_data.py``).
"""

from __future__ import annotations

from site_build.core import mnist_data
from site_build.core.catalog import texts
from site_build.core.i18n_format import number, percent, seconds
from site_build.core.kit import figure_data, machine
from site_build.core.kit.frameworks import NAMES
from site_build.core.kit.markdown_table import markdown_table
from site_build.core.mnist import figure_data as mnist_figures
from site_build.core.mnist.figure_data import median_epoch_seconds, median_images_per_second
from site_build.core.mnist.results import RunResult

# Table headers and sentences per language (the mnist_tables section of the catalogs).
TEXT = texts("mnist_tables")
Results = dict[str, RunResult]


def data_sentence(results: Results, language: str) -> str:
    data = results["matched-torch"].data
    return mnist_data.describe(data.full, data.sizes, language)


def settings_table(results: Results, language: str) -> str:
    text = TEXT[language]
    settings = results["matched-torch"].settings
    if settings != results["matched-tf"].settings:
        raise ValueError("the matched runs used different settings; retrain both")
    lr = number(settings.learning_rate, language, 2)
    rows = [
        [text["data"], data_sentence(results, language)],
        [text["optimizer"], text["optimizer_value"].format(lr=lr)],
        [text["loss"], text["loss_value"]],
        [text["batch_size"], str(settings.batch_size)],
        [text["epochs"], str(settings.epochs)],
        [text["seed"], str(settings.seed)],
    ]
    return markdown_table([text["setting"], text["value"]], rows)


def _transposed(text: dict, frameworks: list[str], rows: dict[str, list[str]]) -> str:
    """One row per measure and one column per framework: narrow enough not to scroll."""
    header = [text["measure"], *(NAMES[f] for f in frameworks)]
    return markdown_table(header, [[text[key], *values] for key, values in rows.items()])


def results_table(results: Results, language: str) -> str:
    text = TEXT[language]
    frameworks = ["torch", "tf"]
    runs = [results[f"matched-{framework}"] for framework in frameworks]
    rows = {
        "test_accuracy": [percent(run.test.accuracy, language, 2) for run in runs],
        "val_accuracy": [percent(run.last.val_accuracy, language, 2) for run in runs],
        "train_loss": [number(run.last.loss, language, 4) for run in runs],
        "val_loss": [number(run.last.val_loss, language, 4) for run in runs],
        "epoch_seconds": [seconds(median_epoch_seconds(run), language) for run in runs],
        "images_per_second": [number(median_images_per_second(run), language) for run in runs],
        "total": [seconds(sum(e.seconds for e in run.history), language, 0) for run in runs],
    }
    return _transposed(text, frameworks, rows) + "\n\n" + provenance(*runs, language)


def article_table(results: Results, language: str) -> str:
    text = TEXT[language]
    frameworks = ["tf", "torch"]
    runs = [results[f"article-{framework}"] for framework in frameworks]
    rows = {
        "input": [f"{run.input_size}x{run.input_size}" for run in runs],
        "parameters": [number(run.parameters, language) for run in runs],
        "batch_size": [str(run.settings.batch_size) for run in runs],
        "steps": [number(run.steps_per_epoch, language) for run in runs],
        "all_steps": [number(run.steps_per_epoch * len(run.history), language) for run in runs],
        "train_loss": [number(run.last.loss, language, 4) for run in runs],
        "val_loss": [number(run.last.val_loss, language, 4) for run in runs],
        "val_accuracy": [percent(run.last.val_accuracy, language, 2) for run in runs],
        "test_accuracy": [percent(run.test.accuracy, language, 2) for run in runs],
    }
    return _transposed(text, frameworks, rows) + "\n\n" + provenance(*runs, language)


def provenance(first: RunResult, second: RunResult, language: str) -> str:
    return machine.trained_on(
        TEXT[language]["provenance"],
        first.machine,
        {**first.versions, **second.versions},
        min(first.created, second.created),
        language,
    )


def article_numbers(results: Results, language: str) -> dict[str, str]:
    """Single values the tutorial-replay page quotes in its explanation."""
    tf, torch = results["article-tf"], results["article-torch"]
    return {
        "tf_steps": number(tf.steps_per_epoch, language),
        "torch_steps": number(torch.steps_per_epoch, language),
        "step_ratio": number(tf.steps_per_epoch / torch.steps_per_epoch, language),
        "tf_batch": str(tf.settings.batch_size),
        "torch_batch": str(torch.settings.batch_size),
    }


def _article_number(name: str):
    return lambda results, language: article_numbers(results, language)[name]


def _figure(name: str):
    def markdown(results: Results, language: str) -> str:
        return figure_data.figure_markdown(mnist_figures.figure_data(name, results, language))

    return markdown


# Every `{{ mnist:NAME }}` a page may use: NAME -> f(results, language) -> Markdown.
GENERATED = {
    "data": data_sentence,
    "settings": settings_table,
    "results": results_table,
    "article": article_table,
    **{
        name: _article_number(name)
        for name in ("tf_steps", "torch_steps", "step_ratio", "tf_batch", "torch_batch")
    },
    **{f"figure_{name}": _figure(name) for name in mnist_figures.FIGURES},
}
