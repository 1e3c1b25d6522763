"""The MNIST runs: matched models, cache keys, no retraining when nothing changed, NaN losses."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys

import numpy as np
import pytest

from site_build.core import mnist_runs
from site_build.core.cache import atomic_write_json, read_json
from site_build.core.mnist_runs import RUNS
from site_build.core.paths import ROOT

MD5S = {"t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3"}


def test_both_frameworks_build_the_same_network():
    from snippets.mnist import model_tf, model_torch

    torch_shapes = [tuple(p.shape) for p in model_torch.build_model().parameters()]
    keras_shapes = [tuple(w.shape) for w in model_tf.build_model().weights]
    assert len(torch_shapes) == len(keras_shapes) == 8
    for torch_shape, keras_shape in zip(torch_shapes, keras_shapes, strict=True):
        if len(torch_shape) == 4:  # conv kernels: (out, in, h, w) vs (h, w, in, out)
            torch_shape = (*torch_shape[2:], torch_shape[1], torch_shape[0])
        elif len(torch_shape) == 2:  # dense weights: (out, in) vs (in, out)
            torch_shape = torch_shape[::-1]
        assert torch_shape == keras_shape
    assert sum(int(np.prod(s)) for s in keras_shapes) == 9_467_274


def test_matched_runs_use_the_same_settings():
    assert RUNS["matched-torch"].config == RUNS["matched-tf"].config
    assert RUNS["matched-torch"].config["learning_rate"] == 0.01


@pytest.fixture
def project(tmp_path):
    """The files that cache keys read, in a copy that a test may edit."""
    for folder in ("snippets", "site_build"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def _keys(root, md5s=MD5S, runs=RUNS):
    return {name: mnist_runs.cache_key(spec, md5s, root) for name, spec in runs.items()}


def test_editing_the_pytorch_model_changes_only_the_pytorch_key(project):
    before = _keys(project)
    model = project / "snippets/mnist/model_torch.py"
    model.write_text(model.read_text().replace("nn.Linear(9216, 1024)", "nn.Linear(9216, 512)"))
    after = _keys(project)
    assert after["matched-torch"] != before["matched-torch"]
    assert after["matched-tf"] == before["matched-tf"]
    assert after["article-tf"] == before["article-tf"]


def test_editing_the_keras_training_changes_the_keras_runs_only(project):
    before = _keys(project)
    training = project / "snippets/mnist/training_tf.py"
    training.write_text(training.read_text() + "\n# a comment is a change too\n")
    after = _keys(project)
    changed = sorted(name for name in RUNS if after[name] != before[name])
    assert changed == ["article-tf", "matched-tf"]


def test_settings_data_and_versions_are_in_the_key(project, monkeypatch):
    base = _keys(project)
    assert _keys(project, md5s={"t10k-images-idx3-ubyte.gz": "0" * 32}) != base
    faster = {
        name: dataclasses.replace(spec, config={**spec.config, "learning_rate": 0.1})
        for name, spec in RUNS.items()
    }
    assert all(_keys(project, runs=faster)[n] != base[n] for n in RUNS)
    monkeypatch.setattr(mnist_runs.machine, "versions", lambda *names: {n: "0.0" for n in names})
    assert all(_keys(project)[n] != base[n] for n in RUNS)
    assert _keys(project) == _keys(project)  # and nothing else: the key is stable


def test_results_with_a_matching_key_are_used_without_training(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    md5s = mnist_runs.locate().md5s()
    for spec in RUNS.values():
        atomic_write_json(mnist_runs.results_path(spec), {"key": mnist_runs.cache_key(spec, md5s)})
    stale = RUNS["matched-torch"]
    atomic_write_json(mnist_runs.results_path(stale), {"key": "from an older version of the code"})
    trained = []

    def fake_training(spec):  # records which run would have been retrained
        trained.append(spec.name)
        atomic_write_json(mnist_runs.results_path(spec), {"key": mnist_runs.cache_key(spec, md5s)})

    monkeypatch.setattr(mnist_runs, "_train_in_subprocess", fake_training)
    statuses = mnist_runs.ensure_results()
    assert trained == ["matched-torch"]
    assert [n for n, s in statuses.items() if s.trained] == ["matched-torch"]
    assert mnist_runs.ensure_results() and trained == ["matched-torch"]  # second build: nothing


def _train(run: str, output, *options: str) -> subprocess.CompletedProcess[str]:
    """One run in its own process, as the build starts it, on few images and epochs."""
    command = [sys.executable, "-m", "site_build.core.mnist_runs", "train", run, *options]
    return subprocess.run(
        [*command, "--output", str(output)], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("run", ["matched-torch", "matched-tf"])
def test_a_nan_loss_stops_the_run_and_writes_nothing(run, tmp_path):
    output = tmp_path / "results.json"
    settings = ["--limit", "128", "--set", "learning_rate=1e6", "--set", "epochs=2"]
    process = _train(run, output, *settings)
    log = process.stderr
    assert process.returncode == 1, log[-2000:]
    assert "loss is nan" in log or "loss is inf" in log, log[-2000:]
    assert "Nothing was written and no plot was made" in log
    assert not output.exists()


def test_a_short_real_run_writes_complete_results(tmp_path):
    output = tmp_path / "results.json"
    process = _train("matched-torch", output, "--limit", "96", "--set", "epochs=2")
    assert process.returncode == 0, process.stderr[-2000:]
    assert "[mnist] PyTorch (matched): epoch 2/2" in process.stderr  # progress is printed
    results = read_json(output)
    assert [r["epoch"] for r in results["history"]] == [1, 2]
    assert results["data"]["limited_to"] == 96 and results["trained_images"] == 96
    assert sum(map(sum, results["test"]["confusion"])) == 96
    assert set(results["versions"]) == {"torch", "numpy"}


def test_the_article_runs_train_with_the_article_settings(tmp_path):
    output = tmp_path / "results.json"
    process = _train("article-torch", output, "--limit", "200")
    assert process.returncode == 0, process.stderr[-2000:]
    results = read_json(output)
    assert results["config"]["batch_size"] == 512 and len(results["history"]) == 5
    assert results["trained_images"] == 280  # 70% of the 400 training and validation images
