"""The quantization measurement's cache and table, with a made-up result (nothing is trained).

No time is asserted: the tests check the cache key, the reuse of a cached result, the
table's rows and numbers in both languages, and the placeholder that shows it.
"""

from __future__ import annotations

import pytest

from site_build.core import quantization_bench as qb
from site_build.core.generated import Generated
from site_build.core.placeholders import render

MD5S = {"t10k-images-idx3-ubyte.gz": "abc", "t10k-labels-idx1-ubyte.gz": "def"}


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
            "train_seconds": 12.0,
            "quantize_seconds": 0.1,
            "full_quantize_seconds": 9.0,
            "versions": {"torch": "2.13.0", "torchao": "0.18.0", "numpy": "2.4.6"},
        },
        "tf": {
            "float32": _variant(37_873_176, 0.889, 3.5),
            "int8": _variant(9_488_384, 0.8895, 0.42),
            "full_int8": _variant(9_485_136, 0.888, 0.3),
            "train_seconds": 12.0,
            "quantize_seconds": 0.2,
            "full_quantize_seconds": 1.0,
            "versions": {"tensorflow": "2.21.0", "litert_quantizer": "0.11.0"},
        },
    }
    return {
        "key": key,
        "created": "2026-12-01T16:00:00+00:00",
        "settings": dict(qb.SETTINGS),
        "machine": {"cpu": "Test CPU", "logical_cores": 2, "system": "Linux"},
        "data": {
            "sizes": {"train": 6400, "validation": 1600, "test": 2000},
            "description": {"en": "a test split", "es": "una partición de prueba"},
        },
        "frameworks": frameworks,
        "seconds": 61.0,
    }


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_the_key_changes_with_the_data_and_the_settings(monkeypatch):
    key = qb.cache_key(MD5S)
    assert key == qb.cache_key(dict(MD5S))
    assert key != qb.cache_key({**MD5S, "t10k-labels-idx1-ubyte.gz": "other"})
    monkeypatch.setitem(qb.SETTINGS, "epochs", 3)
    assert key != qb.cache_key(MD5S)


def test_the_key_covers_the_snippets_that_the_page_shows():
    for framework in qb.FRAMEWORKS:
        assert f"snippets/quantization/dynamic_{framework}.py" in qb.sources(framework)
        assert f"snippets/quantization/full_integer_{framework}.py" in qb.sources(framework)
        assert f"snippets/mnist/training_{framework}.py" in qb.sources(framework)


def test_a_matching_result_is_reused_and_a_stale_one_is_measured_again(cache, monkeypatch):
    measured = []

    def fake_run(key):
        measured.append(key)
        return _fake(key)

    monkeypatch.setattr(qb, "run_all", fake_run)
    first, was_measured = qb.ensure_results(data_md5s=MD5S)
    assert was_measured and measured == [qb.cache_key(MD5S)]
    assert qb.results_path().is_file()
    again, was_measured = qb.ensure_results(data_md5s=MD5S)
    assert not was_measured and again == first and len(measured) == 1
    _, was_measured = qb.ensure_results(data_md5s={**MD5S, "t10k-images-idx3-ubyte.gz": "new"})
    assert was_measured and len(measured) == 2


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
        assert "2026-12-01" in line
    assert "for 1 epoch " in qb.run({**_fake(), "settings": {**qb.SETTINGS, "epochs": 1}}, "en")
    assert "durante 2 épocas" in qb.run({**_fake(), "settings": {**qb.SETTINGS, "epochs": 2}}, "es")


def test_the_placeholder_renders_the_table_in_each_language():
    generated = Generated()
    generated.quantization = _fake()
    for language in ("en", "es"):
        page = render("{{ quantization:results }}", language, "page.md", generated.kinds())
        assert page.count("\n") >= 5
