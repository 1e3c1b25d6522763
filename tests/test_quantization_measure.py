"""The quantization measurement around its timing, with made-up results (nothing is trained
or timed): the cache key (which covers the MNIST runs whose trained models are measured),
the reuse of a cached result under the kit's lock, and the check that the measured model is
the run's.
"""

from __future__ import annotations

import pytest

from site_build.core.mnist import runs as mnist_runs
from site_build.core.mnist import spec as mnist_spec
from site_build.core.mnist.results import Weights
from site_build.core.quantization import measure as qb
from tests.stand_ins import QUANTIZED_MODELS, quantization_results, run_result

MD5S = {"t10k-images-idx3-ubyte.gz": "abc", "t10k-labels-idx1-ubyte.gz": "def"}
MODELS = QUANTIZED_MODELS


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_the_key_changes_with_the_data_and_the_settings(monkeypatch):
    key = qb.cache_key(MD5S, MODELS)
    assert key == qb.cache_key(dict(MD5S), dict(MODELS))
    assert key != qb.cache_key({**MD5S, "t10k-labels-idx1-ubyte.gz": "other"}, MODELS)
    monkeypatch.setitem(qb.SETTINGS, "calibration_images", 300)
    assert key != qb.cache_key(MD5S, MODELS)


@pytest.mark.parametrize("field", ["key", "weights"])
def test_the_key_changes_with_the_mnist_runs_whose_models_are_measured(field):
    key = qb.cache_key(MD5S, MODELS)
    retrained = {**MODELS, "tf": {**MODELS["tf"], field: "another"}}
    assert qb.cache_key(MD5S, retrained) != key
    # The same weights elsewhere (another cache folder) are the same measurement.
    moved = {**MODELS, "tf": {**MODELS["tf"], "path": "/elsewhere/matched-tf.weights"}}
    assert qb.cache_key(MD5S, moved) == key


def test_the_key_covers_the_snippets_that_the_page_shows():
    for framework in qb.COMPARED:
        assert f"snippets/quantization/dynamic_{framework}.py" in qb.sources(framework)
        assert f"snippets/quantization/full_integer_{framework}.py" in qb.sources(framework)
        assert f"snippets/mnist/model_{framework}.py" in qb.sources(framework)
        # No training here: the MNIST runs' keys cover their training code.
        assert f"snippets/mnist/training_{framework}.py" not in qb.sources(framework)
        assert qb.RUNS[framework] in mnist_spec.RUNS


def test_the_models_measured_are_the_matched_mnist_runs(tmp_path, monkeypatch):
    """The measurement asks the MNIST runs for their results (they train only if out of
    date) and measures the weights those runs kept."""
    asked = []

    def ensure_results(names):
        asked.append(names)
        statuses = {}
        for name in names:
            spec = mnist_spec.RUNS[name]
            weights = Weights(file=f"{name}.weights", sha256=f"sha of {name}")
            result = run_result(spec, weights=weights)
            statuses[name] = mnist_runs.RunStatus(spec, result, trained=False, seconds=0.0)
        return statuses

    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(mnist_runs, "ensure_results", ensure_results)
    models = mnist_runs.trained_models(qb.RUNS)
    assert asked == [["matched-torch", "matched-tf"]]
    assert models["tf"]["weights"] == "sha of matched-tf"
    key = models["tf"]["key"]  # the weights live beside the run's results, under its key
    assert models["tf"]["path"] == str(
        tmp_path / "results" / "mnist-runs" / key / "matched-tf.weights"
    )
    assert models["torch"]["epochs"] == mnist_spec.MATCHED.epochs
    assert models["torch"]["accuracy"] == 0.5


def test_weights_that_do_not_score_what_their_run_recorded_fail_the_measurement():
    qb._check_accuracy("tf", MODELS["tf"], 0.9895)  # a few images apart: rounding
    with pytest.raises(qb.QuantizationFailed) as error:
        qb._check_accuracy("tf", MODELS["tf"], 0.10)
    message = str(error.value)
    assert "/cache/mnist-runs/matched-tf.weights" in message and "0.9900" in message
    assert "python -m site_build.core.mnist.runs --force matched-tf" in message


def test_a_matching_result_is_reused_and_a_stale_one_is_measured_again(cache, monkeypatch):
    measured = []

    def fake_run(key, models):
        measured.append(key)
        return quantization_results(key)

    monkeypatch.setattr(qb, "run_all", fake_run)
    first, was_measured = qb.ensure_results(MODELS, data_md5s=MD5S)
    assert was_measured and measured == [qb.cache_key(MD5S, MODELS)]
    assert qb.results_path(measured[0]).is_file()
    again, was_measured = qb.ensure_results(MODELS, data_md5s=MD5S)
    assert not was_measured and again == first and len(measured) == 1
    new_data = {**MD5S, "t10k-images-idx3-ubyte.gz": "new"}
    _, was_measured = qb.ensure_results(MODELS, data_md5s=new_data)
    assert was_measured and len(measured) == 2
    # A retrained MNIST run (new weights) means a new measurement.
    retrained = {**MODELS, "torch": {**MODELS["torch"], "weights": "new weights"}}
    _, was_measured = qb.ensure_results(retrained, data_md5s=new_data)
    assert was_measured and len(measured) == 3
    # Back to the first data and models (another branch): their results are still there.
    back, was_measured = qb.ensure_results(MODELS, data_md5s=MD5S)
    assert not was_measured and back == first and len(measured) == 3


def test_the_variants_are_timed_in_turns_and_a_one_image_program_has_no_batch_rate():
    calls = []
    runs = {
        name: (
            lambda name=name: calls.append((name, "one")),
            None if name == "full_int8" else lambda name=name: calls.append((name, "batch")),
            256,
        )
        for name in ("float32", "int8", "full_int8")
    }
    settings = {**qb.SETTINGS, "latency_calls": 10, "warmup_calls": 1, "batch_repeats": 3}
    timed = qb._time_interleaved(runs, settings)
    assert timed["full_int8"]["batch_images_per_second"] is None
    assert len(timed["int8"]["batch_images_per_second"]) == 3
    assert set(timed["float32"]["latency_ms"]) == {"median", "min", "max"}
    timed_one = [name for name, kind in calls[5:] if kind == "one"]  # after the warm-ups
    assert len(timed_one) == 30
    # Five turns of two calls each, not ten calls of one model then ten of the next.
    assert timed_one[:6] == ["float32"] * 2 + ["int8"] * 2 + ["full_int8"] * 2
    assert timed_one[6:8] == ["float32"] * 2
    batches = [name for name, kind in calls[5:] if kind == "batch"]
    assert batches == ["float32", "int8"] * 3
