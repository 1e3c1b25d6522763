"""The MNIST pages' generated Markdown: tables and sentences written from the results files.

A page asks for one with ``{{ mnist:NAME }}`` (see hooks/mnist_results.py); nothing in these
tables is typed by hand.
"""

from __future__ import annotations

import statistics

from experiments.i18n_format import number, percent, seconds
from experiments.mnist_plots import ARTICLE_INPUT_SIZE, NAMES, article_steps_per_epoch

TEXT = {
    "en": {
        "framework": "Framework",
        "test_accuracy": "Test accuracy",
        "val_accuracy": "Final validation accuracy",
        "train_loss": "Final training loss",
        "val_loss": "Final validation loss",
        "epoch_seconds": "Seconds per epoch (median)",
        "images_per_second": "Training images per second",
        "total": "Total training time",
        "setting": "Setting",
        "value": "Value",
        "optimizer": "Optimizer",
        "optimizer_value": "SGD, learning rate {lr}, no momentum",
        "batch_size": "Batch size",
        "epochs": "Epochs",
        "seed": "Seed",
        "loss": "Loss",
        "loss_value": "cross-entropy on logits",
        "data": "Data",
        "input": "Input size",
        "steps": "SGD steps per epoch",
        "all_steps": "SGD steps in all",
        "parameters": "Parameters",
        "provenance": (
            "Trained on {date} on {cpu} ({cores} logical cores, {memory} GiB of memory), "
            "Python {python}, {versions}."
        ),
    },
    "es": {
        "framework": "Framework",
        "test_accuracy": "Exactitud en prueba",
        "val_accuracy": "Exactitud final en validación",
        "train_loss": "Pérdida final en entrenamiento",
        "val_loss": "Pérdida final en validación",
        "epoch_seconds": "Segundos por época (mediana)",
        "images_per_second": "Imágenes de entrenamiento por segundo",
        "total": "Tiempo total de entrenamiento",
        "setting": "Ajuste",
        "value": "Valor",
        "optimizer": "Optimizador",
        "optimizer_value": "SGD, tasa de aprendizaje {lr}, sin momento",
        "batch_size": "Tamaño de lote",
        "epochs": "Épocas",
        "seed": "Semilla",
        "loss": "Pérdida",
        "loss_value": "entropía cruzada sobre logits",
        "data": "Datos",
        "input": "Tamaño de entrada",
        "steps": "Pasos de SGD por época",
        "all_steps": "Pasos de SGD en total",
        "parameters": "Parámetros",
        "provenance": (
            "Entrenado el {date} en {cpu} ({cores} núcleos lógicos, {memory} GiB de memoria), "
            "Python {python}, {versions}."
        ),
    },
}
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


def results_table(results: dict[str, dict], language: str) -> str:
    text = TEXT[language]
    rows = []
    for framework in ("torch", "tf"):
        run = results[f"matched-{framework}"]
        last = run["history"][-1]
        rows.append(
            [
                NAMES[framework],
                percent(run["test"]["accuracy"], language, 2),
                percent(last["val_accuracy"], language, 2),
                number(last["loss"], language, 4),
                number(last["val_loss"], language, 4),
                seconds(_median(run["history"], "seconds"), language),
                number(_median(run["history"], "images_per_second"), language),
                seconds(sum(r["seconds"] for r in run["history"]), language, 0),
            ]
        )
    header = [
        text[key]
        for key in (
            "framework",
            "test_accuracy",
            "val_accuracy",
            "train_loss",
            "val_loss",
            "epoch_seconds",
            "images_per_second",
            "total",
        )
    ]
    return (
        _table(header, rows)
        + "\n\n"
        + provenance(results["matched-torch"], results["matched-tf"], language)
    )


def article_table(results: dict[str, dict], language: str) -> str:
    text = TEXT[language]
    rows = []
    for framework in ("tf", "torch"):
        run = results[f"article-{framework}"]
        last = run["history"][-1]
        steps = article_steps_per_epoch(run)
        size = ARTICLE_INPUT_SIZE[framework]
        rows.append(
            [
                NAMES[framework],
                f"{size}x{size}",
                number(ARTICLE_PARAMETERS[framework], language),
                str(run["config"]["batch_size"]),
                number(steps, language),
                number(steps * run["config"]["epochs"], language),
                number(last["loss"], language, 4),
                number(last["val_loss"], language, 4),
                percent(last["val_accuracy"], language, 2),
                percent(run["test"]["accuracy"], language, 2),
            ]
        )
    header = [
        text[key]
        for key in (
            "framework",
            "input",
            "parameters",
            "batch_size",
            "steps",
            "all_steps",
            "train_loss",
            "val_loss",
            "val_accuracy",
            "test_accuracy",
        )
    ]
    return (
        _table(header, rows)
        + "\n\n"
        + provenance(results["article-tf"], results["article-torch"], language)
    )


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


GENERATED = {
    "data": data_sentence,
    "settings": settings_table,
    "results": results_table,
    "article": article_table,
}
