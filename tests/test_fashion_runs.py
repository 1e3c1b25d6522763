"""The Fashion-MNIST runs, their typed results, their cache keys and what the page writes
from them (site_build/core/fashion/runs.py, fashion/results.py, fashion/report.py,
fashion/figures.py)."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import time
from pathlib import Path

import pytest

from site_build.core.errors import PlaceholderError
from site_build.core.fashion import figures as fashion_plots
from site_build.core.fashion import report as fashion_report
from site_build.core.fashion import runs as fashion_runs
from site_build.core.fashion.results import (
    FASHION_RESULTS_FORMAT,
    Checkpoint,
    RunResult,
    TargetReached,
)
from site_build.core.fashion.runs import Run
from site_build.core.generated import Generated
from site_build.core.kit import figure_data
from site_build.core.kit.records import ResultsFormatError
from site_build.core.paths import ROOT
from tests.stand_ins import FASHION_MD5S as MD5S
from tests.stand_ins import at_once
from tests.stand_ins import fashion_history as _history
from tests.stand_ins import fashion_result as _result
from tests.stand_ins import fashion_results as _results


def test_epoch_times_and_time_to_target_come_from_the_checkpoints():
    history = _history(0.9, 40.0)
    assert fashion_runs.epoch_seconds(history) == pytest.approx([40.0, 40.0])
    # 0.90 - 0.02 * (8 - step) >= 0.85 first at step 6: epoch 1.5, 60 s of training.
    reached = fashion_runs.time_to_target(history)
    assert reached == TargetReached(epoch=1.5, seconds=pytest.approx(60.0))
    assert fashion_runs.time_to_target(history, target=0.99) is None


def test_a_result_reads_back_from_its_json_as_it_was_written(tmp_path):
    result = _result(Run("build", "tf", 2027), 0.9, 25.0)
    # Through JSON text: no type that JSON cannot hold, nothing lost.
    assert RunResult.from_json(json.loads(json.dumps(result.to_json()))) == result
    path = tmp_path / "build-tf-2027.json"
    result.write(path)
    assert RunResult.read(path) == result
    assert json.loads(path.read_text())["format"] == FASHION_RESULTS_FORMAT
    assert RunResult.read(tmp_path / "missing.json") is None
    never_reached = dataclasses.replace(result, time_to_target=None, limited_to=400)
    assert RunResult.from_json(never_reached.to_json()) == never_reached


def test_two_builds_at_once_train_the_runs_once(tmp_path, monkeypatch):
    """Before, the Fashion-MNIST runs took no cache lock: two builds that started together
    both found nothing cached and both trained every run."""
    trained = _stand_in_training(tmp_path, monkeypatch)
    stand_in = fashion_runs._train_in_subprocesses

    def slow_training(mode, pending):  # slow enough for the other build to arrive meanwhile
        time.sleep(0.3)
        stand_in(mode, pending)

    monkeypatch.setattr(fashion_runs, "_train_in_subprocesses", slow_training)
    found = at_once(fashion_runs.ensure_results)
    assert trained == [("build", {"torch": [2026, 2027, 2028], "tf": [2026, 2027, 2028]})]
    assert sorted(len(result.trained) for result in found) == [0, 2]  # the second waited
    assert found[0].runs == found[1].runs


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda value: value.pop("format"), "no format number (an older format)"),  # plain mappings
        (lambda value: value.pop("epoch_seconds"), "missing ['epoch_seconds']"),
        (lambda value: value.update(accuracy=0.9), "unexpected ['accuracy']"),
        (lambda value: value["history"][0].pop("test_loss"), "missing ['test_loss']"),
        (lambda value: value["config"].update(seed="2027"), "expected int, found '2027'"),
    ],
    ids=["old-format", "missing-field", "extra-field", "missing-in-a-checkpoint", "wrong-type"],
)
def test_a_result_of_another_format_is_refused_not_misread(change, reason):
    value = _result(Run("build", "tf", 2027), 0.9, 25.0).to_json()
    change(value)
    with pytest.raises(ResultsFormatError, match=re.escape(reason)):
        RunResult.from_json(value)


def test_the_results_format_is_part_of_every_runs_cache_key(monkeypatch):
    run = Run("build", "torch", 2026)
    before = fashion_runs.cache_key(run, MD5S)
    monkeypatch.setattr(fashion_runs, "FASHION_RESULTS_FORMAT", FASHION_RESULTS_FORMAT + 1)
    assert fashion_runs.cache_key(run, MD5S) != before


def test_a_checkpoint_the_snippet_reports_wrongly_names_the_snippet():
    run = Run("build", "torch", 2026)
    record = dataclasses.asdict(_history(0.9, 40.0)[0])
    assert fashion_runs._checkpoint(run, {**record, "epoch": 1}) == Checkpoint(
        **{**record, "epoch": 1.0}
    )
    del record["test_loss"]
    with pytest.raises(fashion_runs.RunFailed, match=r"training_torch\.py reported .*test_loss"):
        fashion_runs._checkpoint(run, record)


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
    busy = dataclasses.replace(noisy.runs["tf"][0], epoch_seconds=[5.0, 60.0])  # a busy machine
    noisy.runs["tf"][0] = busy
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
    with pytest.raises(
        PlaceholderError, match=r"add nope to GENERATED in site_build/core/fashion/report\.py"
    ):
        fill("nope", "en", "fashion_mnist.md")
    assert "fashion" in Generated.figures(["en", "es"])


def test_figures_are_keyed_on_the_results(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    results = _results([0.880, 0.890, 0.900], [0.885, 0.895, 0.892])
    assert fashion_plots.ensure_plots(results) is True
    assert fashion_plots.ensure_plots(results) is False
    assert all(path.stat().st_size > 10_000 for path in fashion_plots.figure_paths("es").values())
    assert all(path.stat().st_size > 100 for path in fashion_plots.data_paths("es").values())
    # New numbers, same inputs: redrawn.
    results.runs["tf"][0] = dataclasses.replace(results.runs["tf"][0], test_accuracy=0.5)
    assert fashion_plots.ensure_plots(results) is True


def test_editing_one_frameworks_snippet_changes_only_its_keys(tmp_path, monkeypatch):
    # Only the snippet files are copied: the key reads no file of the build package, so
    # moving or tidying site_build/ trains nothing again (its METHOD number says when the
    # measuring code changed).
    for path in {p for run in fashion_runs.runs("build") for p in run.sources}:
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
    monkeypatch.setattr(fashion_runs, "METHOD", fashion_runs.METHOD + 1)
    assert fashion_runs.cache_key(tf_run, MD5S, tmp_path) != before[tf_run]


def _stand_in_training(tmp_path, monkeypatch) -> list[tuple[str, dict[str, list[int]]]]:
    """A cache in ``tmp_path`` and a training that writes stand-in results (test accuracy 0.9)
    at once; returns the list of what it was asked to train."""
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
                _result(run, 0.9, 10.0, key).write(fashion_runs.results_path(run, key))

    monkeypatch.setattr(fashion_runs, "_train_in_subprocesses", fake_training)
    return trained


def _path(run: Run) -> Path:
    """Where the result of ``run`` with the stand-in data's key lives."""
    return fashion_runs.results_path(run, fashion_runs.cache_key(run, MD5S))


def test_the_build_trains_only_what_is_out_of_date_and_prefers_the_long_set(tmp_path, monkeypatch):
    trained = _stand_in_training(tmp_path, monkeypatch)
    first = fashion_runs.ensure_results()
    assert first.mode == "build" and trained == [
        ("build", {"torch": [2026, 2027, 2028], "tf": [2026, 2027, 2028]})
    ]
    assert first.trained == ["PyTorch seeds 2026, 2027, 2028", "TensorFlow seeds 2026, 2027, 2028"]
    second = fashion_runs.ensure_results()
    assert second.trained == [] and len(trained) == 1
    _path(Run("build", "tf", 2027)).write_text("{ torn")
    assert fashion_runs.ensure_results().trained == ["TensorFlow seeds 2027"]
    fashion_runs.ensure_results("full")  # what `nox -s train -- fashion --full` does
    assert fashion_runs.ensure_results().mode == "full"  # later builds show the long set


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        # The plain mappings written before the records: no "format".
        (lambda value: value.pop("format"), "(an older format); this code reads 3"),
        (lambda value: value.pop("time_to_target"), "missing ['time_to_target'], unexpected []"),
        (lambda value: value.update(final_accuracy=0.5), "unexpected ['final_accuracy']"),
    ],
    ids=["old-format", "missing-field", "extra-field"],
)
def test_a_results_file_of_another_format_is_trained_again_not_misread(
    change, reason, tmp_path, monkeypatch, capsys
):
    """A file with the right key but other fields: without the strict reading, the page
    would show its 50 % (or fail on a missing field); instead the run is trained again."""
    trained = _stand_in_training(tmp_path, monkeypatch)
    fashion_runs.ensure_results()
    run = Run("build", "tf", 2027)
    path = _path(run)
    value = json.loads(path.read_text())
    value["test_accuracy"] = 0.5
    change(value)
    path.write_text(json.dumps(value))
    capsys.readouterr()
    again = fashion_runs.ensure_results()
    assert again.trained == ["TensorFlow seeds 2027"] and trained[-1] == ("build", {"tf": [2027]})
    said = [line for line in capsys.readouterr().err.splitlines() if str(path) in line]
    assert len(said) == 1, said  # one line, naming the file and why
    assert said[0].startswith(f"[fashion] {path} is not in this code's results format (")
    assert reason in said[0] and said[0].endswith("): trained again")
    assert [r.test_accuracy for r in again.runs["tf"]] == [pytest.approx(0.9)] * 3
    assert RunResult.read(path).test_accuracy == pytest.approx(0.9)  # written anew


def test_an_old_long_set_is_not_reported_when_the_short_set_is_shown(tmp_path, monkeypatch, capsys):
    """Old files of the long set are not shown (the short set is), so nothing is said of them."""
    _stand_in_training(tmp_path, monkeypatch)
    fashion_runs.ensure_results()
    old = _result(Run("full", "torch", 2026), 0.9, 10.0).to_json()
    del old["format"]
    path = _path(Run("full", "torch", 2026))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(old))
    capsys.readouterr()
    assert fashion_runs.ensure_results().mode == "build"
    assert "results format" not in capsys.readouterr().err


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
    (folder,) = (tmp_path / "results" / "fashion-runs").iterdir()  # the run's key
    written = sorted(p.name for p in folder.iterdir())
    assert written == ["limited-build-torch-2026.json"]
    result = RunResult.read(folder / written[0])
    assert result.limited_to == 400 and len(result.history) == 8
    assert result.test_accuracy == result.history[-1].test_accuracy
    assert result.config == Run("build", "torch", 2026).config
    assert not fashion_runs.results_path(Run("build", "torch", 2026), folder.name).exists()


def test_one_run_of_the_set_trains_alone_and_the_set_then_trains_the_rest(tmp_path, monkeypatch):
    """A shard of the build's work (site_build/core/units.py) trains its own runs only."""
    trained = _stand_in_training(tmp_path, monkeypatch)
    run = Run("build", "tf", 2027)
    assert fashion_runs.ensure_run(run) is True
    assert fashion_runs.ensure_run(run) is False  # cached now
    assert trained == [("build", {"tf": [2027]})]
    fashion_runs.ensure_results()
    assert trained[1] == ("build", {"torch": [2026, 2027, 2028], "tf": [2026, 2028]})
