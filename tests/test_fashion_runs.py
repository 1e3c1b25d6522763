"""The Fashion-MNIST runs, their cache keys and what the page writes from them
(site_build/core/fashion_runs.py, fashion_report.py, fashion_plots.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_build.core import fashion_plots, fashion_report, fashion_runs, figure_data
from site_build.core.errors import PlaceholderError
from site_build.core.fashion_runs import FashionResults, Run
from site_build.core.generated import Generated
from site_build.core.paths import ROOT

MD5S = {"train-images-idx3-ubyte.gz": "f4a8712d7a061bf5bd6d2ca38dc4d50a"}


def _history(final: float, seconds: float, epochs: int = 2) -> list[dict]:
    history, total = [], 0.0
    for step in range(1, 4 * epochs + 1):
        total += seconds / 4
        accuracy = final - 0.02 * (4 * epochs - step)
        history.append(
            {
                "epoch": step / 4,
                "loss": 1 / step,
                "accuracy": accuracy,
                "test_loss": 1 / step,
                "test_accuracy": accuracy,
                "train_seconds": total,
            }
        )
    return history


def _result(run: Run, final: float, seconds: float, key: str = "k") -> dict:
    history = _history(final, seconds, run.config["epochs"])
    return {
        "run": run.name,
        "mode": run.mode,
        "framework": run.framework,
        "seed": run.seed,
        "key": key,
        "config": run.config,
        "data": {
            "sizes": {"train": 60_000, "test": 10_000},
            "md5": MD5S,
            "description": {"en": "official Fashion-MNIST", "es": "Fashion-MNIST oficial"},
        },
        "history": history,
        "test_accuracy": history[-1]["test_accuracy"],
        "epoch_seconds": fashion_runs.epoch_seconds(history),
        "target": fashion_runs.TARGET_ACCURACY,
        "time_to_target": fashion_runs.time_to_target(history),
        "seconds": seconds * 2,
        "versions": {"torch": "2.13.0"},
        "machine": {"cpu": "CPU", "logical_cores": 2, "memory_gib": 8.0, "python": "3.11"},
        "created": "2026-12-01T18:00:00+00:00",
    }


def _results(torch_accuracies, tf_accuracies) -> FashionResults:
    runs = {}
    for framework, accuracies in (("torch", torch_accuracies), ("tf", tf_accuracies)):
        runs[framework] = [
            _result(Run("build", framework, seed), accuracy, 20.0 if framework == "torch" else 25.0)
            for seed, accuracy in zip((2026, 2027, 2028), accuracies, strict=True)
        ]
    return FashionResults("build", runs, [], 0.0)


def test_epoch_times_and_time_to_target_come_from_the_checkpoints():
    history = _history(0.9, 40.0)
    assert fashion_runs.epoch_seconds(history) == pytest.approx([40.0, 40.0])
    # 0.90 - 0.02 * (8 - step) >= 0.85 first at step 6: epoch 1.5, 60 s of training.
    assert fashion_runs.time_to_target(history) == {"epoch": 1.5, "seconds": pytest.approx(60.0)}
    assert fashion_runs.time_to_target(history, target=0.99) is None


def test_the_conclusion_compares_the_gap_between_frameworks_with_the_seeds_spread():
    within = _results([0.880, 0.890, 0.900], [0.885, 0.895, 0.892])
    assert "less than the spread" in fashion_report.conclusion(within, "en")
    assert "menos que la dispersión" in fashion_report.conclusion(within, "es")
    beyond = _results([0.880, 0.881, 0.882], [0.900, 0.901, 0.902])
    text = fashion_report.conclusion(beyond, "en")
    assert "differ by 2.00 percentage points" in text and "up to 0.20 points" in text
    assert "difieren en 2,00 puntos" in fashion_report.conclusion(beyond, "es")


def test_tables_figures_alt_texts_and_data_in_both_languages():
    results = _results([0.880, 0.890, 0.900], [0.885, 0.895, 0.892])
    summary = fashion_report.summary_table(results, "en")
    assert "| Final test accuracy, mean ± standard deviation | 89.00% ± 1.00 |" in summary
    assert "Trained on 2026-12-01 on CPU" in summary
    spanish = fashion_report.summary_table(results, "es")
    assert "89,00\u00a0%" in spanish
    assert "(3 of 3 seeds)" in summary  # every seed reached the target
    assert fashion_report.speed_sentence(results, "en").startswith(
        "On this machine, PyTorch trained an epoch in 20.0\u00a0s on average and TensorFlow in "
        "25.0\u00a0s (1.25 times as long)"
    )
    noisy = _results([0.880, 0.890, 0.900], [0.885, 0.895, 0.892])
    noisy.runs["tf"][0]["epoch_seconds"] = [5.0, 60.0]  # a busy machine
    assert "these times do not rank the frameworks" in fashion_report.speed_sentence(noisy, "en")
    assert "no ordenan a los frameworks" in fashion_report.speed_sentence(noisy, "es")
    alt = figure_data.alt_text(fashion_report.curves_data(results, "en"))
    assert "PyTorch, mean final test accuracy: 89.00%" in alt
    assert "PyTorch, final test accuracy of the seeds: 88.00% to 90.00%" in alt
    assert "curves of the two frameworks overlap." in alt
    apart = _results([0.880, 0.881, 0.882], [0.900, 0.901, 0.902])
    assert "do not overlap." in figure_data.alt_text(fashion_report.curves_data(apart, "en"))
    data = fashion_report.curves_data(results, "en")
    assert len(data.rows) == 2 * 3 * 8  # every checkpoint of every seed
    assert "2 epochs for each of 3 seeds" in fashion_report.mode_sentence(results, "en")


def test_the_page_kind_is_registered_and_names_its_module():
    generated = Generated()
    generated.fashion = _results([0.88, 0.89, 0.9], [0.88, 0.89, 0.9])
    fill = generated.kinds()["fashion"].fill
    assert fill("target", "es", "fashion_mnist.md") == "85\u00a0%"
    with pytest.raises(PlaceholderError, match=r"add nope to GENERATED in .*fashion_report\.py"):
        fill("nope", "en", "fashion_mnist.md")
    assert "fashion" in Generated.figures(["en", "es"])


def test_figures_are_keyed_on_the_results(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    results = _results([0.880, 0.890, 0.900], [0.885, 0.895, 0.892])
    assert fashion_plots.ensure_plots(results) is True
    assert fashion_plots.ensure_plots(results) is False
    assert all(path.stat().st_size > 10_000 for path in fashion_plots.figure_paths("es").values())
    assert all(path.stat().st_size > 100 for path in fashion_plots.data_paths("es").values())
    results.runs["tf"][0]["test_accuracy"] = 0.5  # new numbers, same inputs: redrawn
    assert fashion_plots.ensure_plots(results) is True


def test_editing_one_frameworks_snippet_changes_only_its_keys(tmp_path):
    for path in {p for run in fashion_runs.runs("build") for p in run.sources} | set(
        fashion_runs.RUNNER_SOURCES
    ):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / path, tmp_path / path)
    torch_run, tf_run = Run("build", "torch", 2026), Run("build", "tf", 2026)
    before = {run: fashion_runs.cache_key(run, MD5S, tmp_path) for run in (torch_run, tf_run)}
    model = tmp_path / "snippets/fashion/model_torch.py"
    model.write_text(model.read_text().replace("DROPOUT = 0.3", "DROPOUT = 0.4"))
    assert fashion_runs.cache_key(torch_run, MD5S, tmp_path) != before[torch_run]
    assert fashion_runs.cache_key(tf_run, MD5S, tmp_path) == before[tf_run]
    assert fashion_runs.cache_key(tf_run, {**MD5S, "x": "y"}, tmp_path) != before[tf_run]
    other_seed = Run("build", "tf", 2027)
    assert fashion_runs.cache_key(other_seed, MD5S, tmp_path) != before[tf_run]


def test_the_build_trains_only_what_is_out_of_date_and_prefers_the_long_set(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(fashion_runs.fashion_data, "locate", lambda: {})
    monkeypatch.setattr(fashion_runs.fashion_data, "md5s", lambda paths: MD5S)
    trained = []

    def fake_training(mode, pending):
        trained.append((mode, pending))
        for framework, seeds in pending.items():
            for seed in seeds:
                run = Run(mode, framework, seed)
                key = fashion_runs.cache_key(run, MD5S)
                fashion_runs.atomic_write_json(
                    fashion_runs.results_path(run), _result(run, 0.9, 10.0, key)
                )

    monkeypatch.setattr(fashion_runs, "_train_in_subprocesses", fake_training)
    first = fashion_runs.ensure_results()
    assert first.mode == "build" and trained == [
        ("build", {"torch": [2026, 2027, 2028], "tf": [2026, 2027, 2028]})
    ]
    assert first.trained == ["PyTorch seeds 2026, 2027, 2028", "TensorFlow seeds 2026, 2027, 2028"]
    second = fashion_runs.ensure_results()
    assert second.trained == [] and len(trained) == 1
    fashion_runs.results_path(Run("build", "tf", 2027)).write_text("{ torn")
    assert fashion_runs.ensure_results().trained == ["TensorFlow seeds 2027"]
    fashion_runs.ensure_results("full")  # what `nox -s train -- fashion --full` does
    assert fashion_runs.ensure_results().mode == "full"  # later builds show the long set


def test_a_misconfigured_data_folder_stops_the_build_before_training(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("FASHION_MNIST_DIR", str(tmp_path / "missing"))
    with pytest.raises(
        fashion_runs.DataError, match=r"FASHION_MNIST_DIR=.*missing is not a folder"
    ):
        fashion_runs.ensure_results()


def test_a_short_real_run_is_written_beside_never_over_the_cached_one(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    fashion_runs.train_framework("torch", "build", [2026], limit=400)
    written = sorted(p.name for p in (tmp_path / "fashion-runs").iterdir())
    assert written == ["limited-build-torch-2026.json"]
    result = fashion_runs.read_json(tmp_path / "fashion-runs" / written[0])
    assert result["limited_to"] == 400 and len(result["history"]) == 8
    assert not Path(fashion_runs.results_path(Run("build", "torch", 2026))).exists()
