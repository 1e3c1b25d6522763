"""The quantization measurement's cache and table, with a made-up result (nothing is trained).

No time is asserted: the tests check the cache key (which covers the MNIST runs whose
trained models are measured), the reuse of a cached result, the check that the measured
model is the run's, the table's rows and numbers in both languages, and the placeholder
that shows it.
"""

from __future__ import annotations

import pytest

from site_build.core.generated import Generated
from site_build.core.mnist import runs as mnist_runs
from site_build.core.mnist import spec as mnist_spec
from site_build.core.mnist.results import Weights
from site_build.core.placeholders import render
from site_build.core.quantization import measure as qb
from tests.stand_ins import run_result

MD5S = {"t10k-images-idx3-ubyte.gz": "abc", "t10k-labels-idx1-ubyte.gz": "def"}
MODELS = {
    framework: {
        "run": run,
        "key": f"key of {run}",
        "weights": f"sha256 of {run}",
        "path": f"/cache/mnist-runs/{run}.weights",
        "epochs": 10,
        "accuracy": 0.99,
    }
    for framework, run in qb.RUNS.items()
}


def _variant(n_bytes: int, accuracy: float, median: float) -> dict:
    return {
        "bytes": n_bytes,
        "accuracy": accuracy,
        "latency_ms": {"median": median, "min": median / 2, "max": median * 3},
    }


def _fake(key: str = "k") -> dict:
    frameworks = {
        "torch": {
            "float32": _variant(37_872_205, 0.875, 1.9),
            "int8": _variant(9_536_767, 0.8745, 1.8),
            "full_int8": {**_variant(10_173_925, 0.874, 0.6), "float_bytes": 38_518_045},
            "load_seconds": 0.3,
            "quantize_seconds": 0.1,
            "full_quantize_seconds": 9.0,
            "versions": {"torch": "2.13.0", "torchao": "0.18.0", "numpy": "2.4.6"},
        },
        "tf": {
            "float32": _variant(37_873_176, 0.889, 3.5),
            "int8": _variant(9_488_384, 0.8895, 0.42),
            "full_int8": _variant(9_485_136, 0.888, 0.3),
            "load_seconds": 0.3,
            "quantize_seconds": 0.2,
            "full_quantize_seconds": 1.0,
            "versions": {"tensorflow": "2.21.0", "litert_quantizer": "0.11.0"},
        },
    }
    return {
        "key": key,
        "created": "2026-12-01T16:00:00+00:00",
        "settings": {**qb.SETTINGS, "epochs": 10},
        "models": MODELS,
        "machine": {"cpu": "Test CPU", "logical_cores": 2, "system": "Linux"},
        "data": {
            "sizes": {"train": 6400, "validation": 1600, "test": 2000},
            "full": False,
        },
        "frameworks": frameworks,
        "seconds": 61.0,
    }


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
        return _fake(key)

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


@pytest.mark.parametrize(
    ("language", "size", "ratio", "accuracy"),
    [
        ("en", "9.5\u00a0MB", "(4.0\u00d7 smaller)", "87.45%"),
        ("es", "9,5\u00a0MB", "(4,0 veces", "87,45"),
    ],
)
def test_the_table_has_a_row_per_framework_and_variant(language, size, ratio, accuracy):
    table = qb.table(_fake(), language)
    rows = table.splitlines()[2:]
    assert len(rows) == 6
    # A cached file lists the frameworks sorted (tf first); the table keeps PyTorch first.
    assert list(_fake()["frameworks"]) == ["torch", "tf"]
    reordered = {**_fake(), "frameworks": dict(sorted(_fake()["frameworks"].items()))}
    assert qb.table(reordered, language) == table
    assert [row.split(" | ")[0].strip("| ") for row in rows] == ["PyTorch"] * 3 + ["TensorFlow"] * 3
    assert size in rows[1] and ratio in rows[1] and accuracy in rows[1]


@pytest.mark.parametrize(
    ("language", "pytorch", "tensorflow"),
    [("en", "(3.8\u00d7 smaller)", "(4.0\u00d7 smaller)"), ("es", "(3,8 veces", "(4,0 veces")],
)
def test_full_integer_rows_compare_with_a_float_file_of_the_same_format(
    language, pytorch, tensorflow
):
    # The PyTorch row is a .pt2 file: its ratio is to the float .pt2, not to torch.save's
    # file of the float32 row; the LiteRT row has no float_bytes and uses the float32 row.
    rows = qb.table(_fake(), language).splitlines()[2:]
    assert pytorch in rows[2] and tensorflow in rows[5]
    assert "200" in rows[2] and "200" in rows[5]  # the calibration images


def test_the_run_line_names_the_machine_and_the_versions():
    for language in ("en", "es"):
        line = qb.run(_fake(), language)
        assert "Test CPU" in line and "torchao 0.18.0" in line and "numpy" not in line
        assert {"en": "1 December 2026", "es": "1 de diciembre de 2026"}[language] in line
    assert "for 1 epoch " in qb.run({**_fake(), "settings": {**qb.SETTINGS, "epochs": 1}}, "en")
    assert "durante 2 épocas" in qb.run({**_fake(), "settings": {**qb.SETTINGS, "epochs": 2}}, "es")


def test_the_placeholder_renders_the_table_in_each_language():
    generated = Generated()
    generated.quantization = _fake()
    for language in ("en", "es"):
        page = render("{{ quantization:results }}", language, "page.md", generated.kinds())
        assert page.count("\n") >= 5
