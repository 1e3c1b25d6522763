"""The MNIST runs: matched models, cache keys, no retraining when nothing changed, NaN losses."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from site_build.core.kit import machine
from site_build.core.kit.cache import atomic_write_json
from site_build.core.mnist import runs as mnist_runs
from site_build.core.mnist import spec as mnist_spec
from site_build.core.mnist import worker as mnist_training
from site_build.core.mnist.results import RunResult
from site_build.core.mnist.spec import RUNS
from site_build.core.paths import ROOT
from site_build.core.quantization.measure import load_model
from tests.stand_ins import run_result, write_run

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
    assert RUNS["matched-torch"].settings == RUNS["matched-tf"].settings
    assert RUNS["matched-torch"].settings.learning_rate == 0.01


@pytest.fixture
def project(tmp_path):
    """The files that cache keys read, in a copy that a test may edit."""
    for folder in ("snippets", "site_build"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def _keys(root, md5s=MD5S, runs=RUNS):
    return {name: mnist_spec.cache_key(spec, md5s, root) for name, spec in runs.items()}


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
        name: dataclasses.replace(
            spec, settings=dataclasses.replace(spec.settings, learning_rate=0.1)
        )
        for name, spec in RUNS.items()
    }
    assert all(_keys(project, runs=faster)[n] != base[n] for n in RUNS)
    monkeypatch.setattr(machine, "versions", lambda *names: {n: "0.0" for n in names})
    assert all(_keys(project)[n] != base[n] for n in RUNS)
    assert _keys(project) == _keys(project)  # and nothing else: the key is stable


def test_results_with_a_matching_key_are_used_without_training(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    md5s = mnist_runs.locate().md5s()
    stale = RUNS["matched-torch"]
    for spec in RUNS.values():
        if spec is not stale:
            write_run(spec, mnist_spec.cache_key(spec, md5s))
    write_run(stale, "0" * 64)  # the run of another version of the code: another key
    trained = []

    def fake_training(spec):  # records which run would have been retrained
        trained.append(spec.name)
        write_run(spec, mnist_spec.cache_key(spec, md5s))

    monkeypatch.setattr(mnist_runs, "_train_in_subprocess", fake_training)
    statuses = mnist_runs.ensure_results()
    assert trained == ["matched-torch"]
    assert [n for n, s in statuses.items() if s.trained] == ["matched-torch"]
    assert mnist_runs.ensure_results() and trained == ["matched-torch"]  # second build: nothing


def test_runs_cached_in_the_old_layout_are_moved_under_their_key_not_trained(tmp_path, monkeypatch):
    """A cache of earlier code kept one file per run name (mnist-runs/NAME.json, its weights
    beside): the build moves each under its key and trains nothing."""
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    md5s = mnist_runs.locate().md5s()
    old = tmp_path / "mnist-runs"
    for spec in RUNS.values():
        write_run(spec, mnist_spec.cache_key(spec, md5s))
    old.mkdir()
    for written in (tmp_path / "results" / "mnist-runs").glob("*/*"):
        written.rename(old / written.name)
    shutil.rmtree(tmp_path / "results")
    assert len(list(old.glob("*.json"))) == len(RUNS)
    trained = []
    monkeypatch.setattr(mnist_runs, "_train_in_subprocess", lambda spec: trained.append(spec))
    statuses = mnist_runs.ensure_results()
    assert trained == [] and not any(status.trained for status in statuses.values())
    assert not list(old.glob("*.json"))


@pytest.mark.parametrize("damage", ["delete", "change"])
def test_a_matched_run_whose_weights_are_missing_or_changed_is_trained_again(
    tmp_path, monkeypatch, damage
):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    md5s = mnist_runs.locate().md5s()
    spec = RUNS["matched-tf"]
    key = mnist_spec.cache_key(spec, md5s)
    write_run(spec, key)
    results = RunResult.read(mnist_spec.results_path(spec, key))
    weights = mnist_spec.weights_path(spec, results)
    if damage == "delete":
        weights.unlink()
    else:
        weights.write_bytes(b"weights of another training")
    trained = []

    def fake_training(spec):
        trained.append(spec.name)
        write_run(spec, mnist_spec.cache_key(spec, md5s))

    monkeypatch.setattr(mnist_runs, "_train_in_subprocess", fake_training)
    status = mnist_runs.ensure_results(["matched-tf"])["matched-tf"]
    assert trained == ["matched-tf"] and status.trained
    assert mnist_spec.weights_path(spec, status.results).is_file()


def _train(run: str, output, *options: str) -> subprocess.CompletedProcess[str]:
    """One run in its own process, as the build starts it, on few images and epochs."""
    command = [sys.executable, "-m", "site_build.core.mnist.runs", "train", run, *options]
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


# One short real run per matched framework, shared by the tests that read what it wrote.
SHORT = 96  # images; two epochs


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    """run -> (its process, its results file): trained once per module on first use."""
    done: dict[str, tuple[subprocess.CompletedProcess[str], object]] = {}

    def get(run: str):
        if run not in done:
            output = tmp_path_factory.mktemp(f"short-{run}") / "results.json"
            done[run] = _train(run, output, "--limit", str(SHORT), "--set", "epochs=2"), output
        return done[run]

    return get


def test_a_short_real_run_writes_complete_results(short_run):
    process, output = short_run("matched-torch")
    assert process.returncode == 0, process.stderr[-2000:]
    assert "[mnist] PyTorch (matched): epoch 2/2" in process.stderr  # progress is printed
    results = RunResult.read(output)
    assert [e.epoch for e in results.history] == [1, 2]
    assert results.data.limited_to == SHORT and results.trained_images == SHORT
    assert sum(map(sum, results.test.confusion)) == SHORT
    assert set(results.versions) == {"torch", "numpy"}
    # What the run measured of its model, not typed by hand anywhere.
    assert results.settings.epochs == 2 and results.settings.batch_size == 64
    assert results.parameters == 9_467_274 and results.input_size == 28


@pytest.mark.parametrize("run", ["matched-torch", "matched-tf"])
def test_a_matched_run_keeps_weights_that_load_back_into_the_trained_model(run, short_run):
    process, output = short_run(run)
    limit = SHORT
    assert process.returncode == 0, process.stderr[-2000:]
    results = RunResult.read(output)
    assert results.data.limited_to == limit
    spec = RUNS[run]
    weights = output.with_name(results.weights.file)
    assert weights.name == f"results{mnist_training.WEIGHTS_SUFFIX[spec.framework]}"
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == results.weights.sha256
    # No temporaries; the run's folder holds only what it wrote.
    assert not [p.name for p in output.parent.iterdir() if p.name.startswith(".")]
    # The snippet's model, given the weights, predicts what the run recorded on its images.
    model = load_model(spec.framework, weights)  # as the quantization page loads it
    from site_build.core.mnist_data import load_splits

    data = load_splits()
    images, labels = data.test_images[:limit], data.test_labels[:limit]
    pipeline = mnist_training._snippet("mnist", "pipeline", spec.framework)
    training = mnist_training._snippet("mnist", "training", spec.framework)
    batches = pipeline.make_batches(images, labels, spec.settings.batch_size, False)
    predicted = np.asarray(training.predict_classes(model, batches))
    assert float((predicted == labels).mean()) == results.test.accuracy
    assert mnist_training.confusion_matrix(labels, predicted) == results.test.confusion


def test_the_article_runs_train_with_the_article_settings(tmp_path):
    output = tmp_path / "results.json"
    process = _train("article-torch", output, "--limit", "200")
    assert process.returncode == 0, process.stderr[-2000:]
    results = RunResult.read(output)
    assert results.settings.batch_size == 512 and len(results.history) == 5
    assert results.trained_images == 280  # 70% of the 400 training and validation images
    assert results.parameters == 29_066 and results.input_size == 8
    assert results.weights is None and list(tmp_path.iterdir()) == [output]  # no weights kept


def test_the_article_snippets_train_with_the_settings_they_are_passed(tmp_path):
    """Before, the article snippets hard-coded their epochs and batch size: a setting
    changed in mnist/runs.py reached the page's table but not the training."""
    output = tmp_path / "results.json"
    process = _train(
        "article-torch", output, "--limit", "200", "--set", "epochs=2", "--set", "batch_size=64"
    )
    assert process.returncode == 0, process.stderr[-2000:]
    results = RunResult.read(output)
    assert len(results.history) == 2 and results.settings.epochs == 2
    assert results.settings.batch_size == 64 and results.steps_per_epoch == 5  # 280 images


def test_a_snippet_that_ignores_its_settings_fails_the_run(tmp_path, monkeypatch):
    from snippets.seed_replay import article_setup_torch

    original = article_setup_torch.run_article_setup

    def ignores_epochs(*args, epochs=5, **settings):  # as the snippets did before
        return original(*args, **settings)

    monkeypatch.setattr(article_setup_torch, "run_article_setup", ignores_epochs)
    spec = RUNS["article-torch"]
    spec = dataclasses.replace(spec, settings=dataclasses.replace(spec.settings, epochs=1))
    output = tmp_path / "results.json"
    with pytest.raises(mnist_training.SettingsMismatch) as error:
        mnist_training.train_run(spec, output, key=lambda data: "key", limit=100)
    message = str(error.value)
    assert "epochs=1" in message and "epochs=5" in message
    assert "snippets/seed_replay/article_setup_torch.py" in message
    assert not output.exists()


# The command line (python -m site_build.core.mnist.runs, and nox -s train -- ...) ----------


def test_a_short_run_without_output_refuses_to_replace_the_cached_result(tmp_path, monkeypatch):
    """Before, `train NAME --limit N` (or --set) wrote over the good cached result."""
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    spec = RUNS["matched-torch"]
    cached = mnist_spec.results_path(spec, mnist_spec.cache_key(spec, mnist_runs.locate().md5s()))
    run_result(spec, "the good, full run").write(cached)
    before = cached.read_bytes()
    for options in (["--limit", "96"], ["--set", "epochs=1"]):
        command = [sys.executable, "-m", "site_build.core.mnist.runs", "train", spec.name]
        process = subprocess.run(
            [*command, *options], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert process.returncode == 2, process.stderr[-2000:]
        message = process.stderr
        assert options[0] in message and f"the cached one of {spec.name}" in message, message
        assert "--output FILE" in message and f"/tmp/{spec.name}.json" in message, message
        assert cached.read_bytes() == before


def test_runs_are_named_the_same_way_with_and_without_train(tmp_path, monkeypatch, capsys):
    """Before, `nox -s train -- article-torch` was rejected: only `train article-torch` took
    a run's name."""
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    spec = RUNS["article-torch"]
    key = mnist_spec.cache_key(spec, mnist_runs.locate().md5s())
    run_result(spec, key).write(mnist_spec.results_path(spec, key))
    assert mnist_runs.main(["article-torch"]) == 0
    assert "PyTorch (article): cached, test accuracy 0.5000" in capsys.readouterr().out
    for argv in (["article-pytorch"], ["train", "article-pytorch"]):
        with pytest.raises(SystemExit) as exit_:
            mnist_runs.main(argv)
        assert exit_.value.code == 2
        message = capsys.readouterr().err
        assert "there is no run 'article-pytorch'" in message
        assert "matched-torch, matched-tf, article-torch, article-tf" in message


def test_an_unknown_setting_is_named(tmp_path, capsys):
    code = mnist_runs.main(
        ["train", "matched-tf", "--set", "lr=0.1", "--output", str(tmp_path / "r.json")]
    )
    assert code == 2
    assert "--set lr=0.1: write KEY=VALUE with KEY one of" in capsys.readouterr().err


def test_results_of_the_older_untyped_format_are_trained_again_not_misread(tmp_path):
    spec = RUNS["article-tf"]
    path = tmp_path / "article-tf.json"
    old = run_result(spec, "key").to_json()
    old.pop("format")
    old["config"] = old.pop("settings")  # the layout before results were typed
    atomic_write_json(path, old)
    assert RunResult.read(path) is None
    run_result(spec, "key").write(path)
    assert RunResult.read(path) == run_result(spec, "key")  # and the typed one round-trips


def test_weights_changed_after_one_build_checked_them_are_trained_again_in_the_next(
    tmp_path, monkeypatch
):
    # `mkdocs serve` builds again in the same process: a check read once is not trusted after
    # the file changed.
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    md5s = mnist_runs.locate().md5s()
    spec = RUNS["matched-tf"]
    write_run(spec, mnist_spec.cache_key(spec, md5s))
    trained = []

    def fake_training(spec):
        trained.append(spec.name)
        write_run(spec, mnist_spec.cache_key(spec, md5s))

    monkeypatch.setattr(mnist_runs, "_train_in_subprocess", fake_training)
    status = mnist_runs.ensure_results(["matched-tf"])["matched-tf"]
    assert not status.trained and trained == []
    weights = mnist_spec.weights_path(spec, status.results)
    before = weights.stat().st_mtime_ns
    with weights.open("r+b") as stream:  # the same file, changed in place
        stream.write(b"x")
    # Its modification time moves on (set here: a coarse clock could give the same tick).
    os.utime(weights, ns=(before + 10**7, before + 10**7))
    assert mnist_runs.ensure_results(["matched-tf"])["matched-tf"].trained
    assert trained == ["matched-tf"]
