"""The MNIST pages' generated Markdown: tables and sentences written from the results files.

A page asks for one with ``{{ mnist:NAME }}`` (see site_build/mkdocs/plugin.py); nothing in these
tables is typed by hand.
"""

from __future__ import annotations

import statistics

from site_build.core.catalog import texts
from site_build.core.i18n_format import number, percent, seconds
from site_build.core.mnist_plots import ARTICLE_INPUT_SIZE, NAMES, article_steps_per_epoch

# Table headers and sentences per language (the mnist_tables section of the catalogs).
TEXT = texts("mnist_tables")
ARTICLE_PARAMETERS = {"torch": 29_066, "tf": 9_467_274}


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def data_sentence(results: dict[str, dict], language: str) -> str:
    return results["matched-torch"]["data"]["description"][language]


def settings_table(results: dict[str, dict], language: str) -> str:
    text = TEXT[language]
    config = results["matched-torch"]["config"]
    if config != results["matched-tf"]["config"]:
        raise ValueError("the matched runs used different settings; retrain both")
    lr = number(config["learning_rate"], language, 2)
    rows = [
        [text["data"], data_sentence(results, language)],
        [text["optimizer"], text["optimizer_value"].format(lr=lr)],
        [text["loss"], text["loss_value"]],
        [text["batch_size"], str(config["batch_size"])],
        [text["epochs"], str(config["epochs"])],
        [text["seed"], str(config["seed"])],
    ]
    return _table([text["setting"], text["value"]], rows)


def _median(history: list[dict], key: str) -> float:
    return statistics.median(record[key] for record in history)


def _transposed(text: dict, frameworks: list[str], rows: dict[str, list[str]]) -> str:
    """One row per measure and one column per framework: narrow enough not to scroll."""
    header = [text["measure"], *(NAMES[f] for f in frameworks)]
    return _table(header, [[text[key], *values] for key, values in rows.items()])


def results_table(results: dict[str, dict], language: str) -> str:
    text = TEXT[language]
    frameworks = ["torch", "tf"]
    runs = [results[f"matched-{framework}"] for framework in frameworks]
    lasts = [run["history"][-1] for run in runs]
    rows = {
        "test_accuracy": [percent(run["test"]["accuracy"], language, 2) for run in runs],
        "val_accuracy": [percent(last["val_accuracy"], language, 2) for last in lasts],
        "train_loss": [number(last["loss"], language, 4) for last in lasts],
        "val_loss": [number(last["val_loss"], language, 4) for last in lasts],
        "epoch_seconds": [seconds(_median(run["history"], "seconds"), language) for run in runs],
        "images_per_second": [
            number(_median(run["history"], "images_per_second"), language) for run in runs
        ],
        "total": [seconds(sum(r["seconds"] for r in run["history"]), language, 0) for run in runs],
    }
    return _transposed(text, frameworks, rows) + "\n\n" + provenance(*runs, language)


def article_table(results: dict[str, dict], language: str) -> str:
    text = TEXT[language]
    frameworks = ["tf", "torch"]
    runs = [results[f"article-{framework}"] for framework in frameworks]
    lasts = [run["history"][-1] for run in runs]
    steps = [article_steps_per_epoch(run) for run in runs]
    rows = {
        "input": [f"{ARTICLE_INPUT_SIZE[f]}x{ARTICLE_INPUT_SIZE[f]}" for f in frameworks],
        "parameters": [number(ARTICLE_PARAMETERS[f], language) for f in frameworks],
        "batch_size": [str(run["config"]["batch_size"]) for run in runs],
        "steps": [number(n, language) for n in steps],
        "all_steps": [
            number(n * run["config"]["epochs"], language)
            for n, run in zip(steps, runs, strict=True)
        ],
        "train_loss": [number(last["loss"], language, 4) for last in lasts],
        "val_loss": [number(last["val_loss"], language, 4) for last in lasts],
        "val_accuracy": [percent(last["val_accuracy"], language, 2) for last in lasts],
        "test_accuracy": [percent(run["test"]["accuracy"], language, 2) for run in runs],
    }
    return _transposed(text, frameworks, rows) + "\n\n" + provenance(*runs, language)


def provenance(first: dict, second: dict, language: str) -> str:
    versions = {**first["versions"], **second["versions"]}
    machine = first["machine"]
    return TEXT[language]["provenance"].format(
        date=min(first["created"], second["created"])[:10],
        cpu=machine["cpu"],
        cores=machine["logical_cores"],
        memory=number(machine["memory_gib"] or 0, language, 1),
        python=machine["python"],
        versions=", ".join(f"{name} {version}" for name, version in sorted(versions.items())),
    )


def article_numbers(results: dict[str, dict], language: str) -> dict[str, str]:
    """Single figures the seed-replay page quotes in its explanation."""
    tf, torch = results["article-tf"], results["article-torch"]
    return {
        "tf_steps": number(article_steps_per_epoch(tf), language),
        "torch_steps": number(article_steps_per_epoch(torch), language),
        "step_ratio": number(
            article_steps_per_epoch(tf) / article_steps_per_epoch(torch), language
        ),
    }


def _article_number(name: str):
    return lambda results, language: article_numbers(results, language)[name]


# Every `{{ mnist:NAME }}` a page may use: NAME -> f(results, language) -> Markdown.
GENERATED = {
    "data": data_sentence,
    "settings": settings_table,
    "results": results_table,
    "article": article_table,
    **{name: _article_number(name) for name in ("tf_steps", "torch_steps", "step_ratio")},
}
