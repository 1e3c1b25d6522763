"""The MNIST figures and tables: both languages, the size limit, numbers written per language."""

from __future__ import annotations

import pytest

from site_build.core import mnist_plots, mnist_report
from site_build.core.i18n_format import number, percent
from site_build.core.mnist_results import (
    DataInfo,
    Epoch,
    Machine,
    RunResult,
    Settings,
    TestResult,
)


def _run(
    framework: str, experiment: str, batch_size: int, trained: int, parameters: int, size: int
) -> RunResult:
    history = [
        Epoch(
            epoch=epoch,
            loss=1.0 / epoch,
            accuracy=0.5 + epoch / 10,
            val_loss=1.2 / epoch,
            val_accuracy=0.45 + epoch / 10,
            seconds=10.0 + epoch,
            train_seconds=8.0,
            images_per_second=trained / 8.0,
        )
        for epoch in (1, 2, 3)
    ]
    confusion = [[10 if row == column else 1 for column in range(10)] for row in range(10)]
    confusion[4][9] = 7  # the most frequent mistake: a 4 read as 9
    return RunResult(
        run=f"{experiment}-{framework}",
        framework=framework,
        experiment=experiment,
        key=f"key-{experiment}-{framework}",
        settings=Settings(batch_size=batch_size, epochs=3, learning_rate=0.01, seed=1),
        parameters=parameters,
        input_size=size,
        data=DataInfo(
            full=False,
            sizes={"train": 6400, "validation": 1600, "test": 2000},
            md5={},
            description={"en": "English data", "es": "datos en español"},
            limited_to=None,
        ),
        trained_images=trained,
        history=history,
        test=TestResult(accuracy=0.875, confusion=confusion, misclassified=[]),
        seconds=40.0,
        versions={"torch" if framework == "torch" else "keras": "1.0", "numpy": "2.0"},
        machine=Machine(
            cpu="Test CPU", logical_cores=2, memory_gib=24.0, system="Linux", python="3.11"
        ),
        created="2026-11-22T10:00:00+00:00",
    )


@pytest.fixture
def results():
    return {
        "matched-torch": _run("torch", "matched", 64, 6400, 9_467_274, 28),
        "matched-tf": _run("tf", "matched", 64, 6400, 9_467_274, 28),
        "article-torch": _run("torch", "article", 512, 5600, 29_066, 8),
        "article-tf": _run("tf", "article", 32, 5600, 9_467_274, 28),
    }


def test_figure_labels_exist_in_both_languages():
    english, spanish = mnist_plots.LABELS["en"], mnist_plots.LABELS["es"]
    assert set(english) == set(spanish)
    assert all(english[key] != spanish[key] for key in english if key != "data")
    assert set(mnist_report.TEXT["en"]) == set(mnist_report.TEXT["es"])


def test_figures_are_drawn_per_language_within_the_size_limit(results, tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    assert mnist_plots.ensure_plots(results) is True
    for language in mnist_plots.LANGUAGES:
        for path in mnist_plots.figure_paths(language).values():
            assert 0 < path.stat().st_size <= mnist_plots.MAX_BYTES, path
    assert mnist_plots.ensure_plots(results) is False  # unchanged results: nothing redrawn
    results["matched-tf"]["key"] = "retrained"
    assert mnist_plots.ensure_plots(results) is True


def test_tables_write_numbers_as_each_language_does(results):
    english = mnist_report.results_table(results, "en")
    spanish = mnist_report.results_table(results, "es")
    assert "| Measure | PyTorch | TensorFlow |" in english
    assert "| Test accuracy | 87.50% | 87.50% |" in english
    assert "| Exactitud en prueba | 87,50\u00a0% | 87,50\u00a0% |" in spanish
    assert "Test CPU (2 logical cores, 24.0 GiB" in english
    assert "Test CPU (2 núcleos lógicos, 24,0 GiB" in spanish
    article = mnist_report.article_table(results, "en")
    assert "| Measure | TensorFlow | PyTorch |" in article
    assert "| Input size | 28x28 | 8x8 |" in article
    assert "| Parameters | 9,467,274 | 29,066 |" in article
    assert "| SGD steps per epoch | 175 | 11 |" in article
    assert "| SGD steps in all | 525 | 33 |" in article
    assert mnist_report.article_numbers(results, "es")["step_ratio"] == "16"


def test_number_formats():
    assert number(1234567.891, "en", 2) == "1,234,567.89"
    assert number(1234567.891, "es", 2) == "1\u00a0234\u00a0567,89"
    assert number(6400, "es") == "6400" and number(12000, "es") == "12\u00a0000"
    assert percent(0.9731, "en") == "97.3%" and percent(0.9731, "es") == "97,3\u00a0%"
