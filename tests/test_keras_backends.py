"""The learning-curve page's table of Keras backends: cached by its key, written as a typed
result, shown in both languages, and trained in a process of its own with KERAS_BACKEND set.

Only the last test trains (one backend, JAX); the others use made-up results and replace the
training function wherever the cache would miss.
"""

from __future__ import annotations

import os
import shutil

import pytest

from site_build.core.generated import Generated
from site_build.core.kit.cache import atomic_write_json
from site_build.core.kit.records import Machine
from site_build.core.learning_curve import backends
from site_build.core.paths import ROOT
from tests.stand_ins import rendered_page

LANGUAGES = ("en", "es")
FAKE_KEY = "e" * 64


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    return tmp_path


def _fake_result(key: str = FAKE_KEY) -> backends.BackendResults:
    runs = tuple(
        backends.BackendRun(
            backend=backend,
            kernel_type=kernel_type,
            first_weight=weight,
            epoch_losses=(1.0126, 0.5, 0.25),
            test_loss=0.2,
            test_accuracy=accuracy,
        )
        for backend, kernel_type, weight, accuracy in (
            ("torch", "Parameter", 0.1234, 0.925),
            ("tensorflow", "ResourceVariable", -0.5, 0.9),
            ("jax", "ArrayImpl", 0.25, 0.875),
        )
    )
    return backends.BackendResults(
        key=key,
        created="2026-12-06T10:00:00+00:00",
        machine=Machine("Test CPU", 2, 8.0, "Linux 6.1", "3.11.7"),
        versions={"keras": "3.15.1", "torch": "2.13.0", "tensorflow": "2.21.0", "jax": "0.10.2"},
        seconds=31.4,
        runs=runs,
    )


def test_the_result_survives_its_json_file(cache):
    result = _fake_result()
    result.write(backends.result_path(result.key))
    assert backends.BackendResults.read(backends.result_path(result.key)) == result


def test_a_file_of_before_the_kits_decoder_is_trained_again_saying_so(cache, capsys):
    """The files written before the kit's decoder read them have no format number."""
    old = _fake_result().to_json()
    del old["format"]
    path = backends.result_path(old["key"])
    atomic_write_json(path, old)
    assert backends.BackendResults.read(path) is None
    assert capsys.readouterr().err.splitlines() == [
        f"[keras-backends] {path} is not in this code's results format (no format number (an "
        "older format); this code reads 1): trained again"
    ]


def test_a_matching_key_is_reused_and_a_stale_one_trained_once(cache, monkeypatch):
    runs = []

    def fake_run(key):
        runs.append(key)
        return _fake_result(key)

    monkeypatch.setattr(backends, "run", fake_run)
    # A result of other code (another key) is not this code's result.
    atomic_write_json(backends.result_path(FAKE_KEY), _fake_result().to_json())
    result, trained = backends.ensure_result()
    assert trained and runs == [backends.cache_key()] and result.key == backends.cache_key()
    assert backends.ensure_result() == (result, False)
    generated = Generated()
    assert generated.prepare_keras_backends().endswith("(cached)")
    assert generated.keras_backends == result and len(runs) == 1
    assert backends.ensure_result(force=True)[1] and len(runs) == 2
    # A file in an older format is trained again.
    atomic_write_json(backends.result_path(result.key), {"key": result.key, "rows": []})
    assert backends.ensure_result()[1] and len(runs) == 3


def test_the_key_follows_the_keras_code_the_page_shows(tmp_path):
    for path in backends.SOURCES:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    before = backends.cache_key(tmp_path)
    assert backends.cache_key(tmp_path) == before
    for path in backends.SOURCES:
        snippet = tmp_path / path
        snippet.write_text(snippet.read_text() + "\n# a change\n")
        after = backends.cache_key(tmp_path)
        assert after != before
        before = after


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_shows_the_three_backends_the_machine_and_the_date(language, cache):
    generated = Generated()
    generated.keras_backends = _fake_result()
    source, rendered = rendered_page(generated, language, "learning_curve.md")
    assert "{{ backends:" not in rendered
    table = backends.table(generated.keras_backends, language)
    assert table in rendered
    rows = table.splitlines()
    assert len(rows) == 5  # the header, the separator and three backends
    assert [row.split(" | ")[0].strip("| ") for row in rows[2:]] == ["PyTorch", "TensorFlow", "JAX"]
    decimal = {"en": ".", "es": ","}[language]
    assert f"| `ArrayImpl` | 0{decimal}2500 | 1{decimal}013 | 0{decimal}250 |" in rows[4]
    assert f"| -0{decimal}5000 |" in rows[3] and f"| 0{decimal}925 |" in rows[2]
    sentence = backends.machine_sentence(generated.keras_backends, language)
    assert sentence in rendered
    date = {"en": "6 December 2026", "es": "6 de diciembre de 2026"}[language]
    assert date in sentence and "Test CPU" in sentence and "jax 0.10.2" in sentence
    assert {"en": "3 epochs", "es": "3 épocas"}[language] in sentence
    # The Keras code runs in three tabs: PyTorch, TensorFlow and JAX (Keras 3).
    for backend in ("torch", "tf", "jax"):
        assert f'--8<-- "learning_curve/keras_backend_{backend}.py:bridge"' in source
    assert '=== "JAX (Keras 3)"' in source


def test_a_backend_trains_the_page_code_in_its_own_process_and_the_choice_stays_there():
    """The real thing, on one backend: the page's Keras code trained on JAX in a process with
    KERAS_BACKEND=jax; this process (TensorFlow's Keras, no KERAS_BACKEND) is untouched."""
    before = os.environ.get("KERAS_BACKEND")
    run = backends.train_in_subprocess("jax")
    assert run.backend == "jax" and run.kernel_type == "ArrayImpl"
    assert len(run.epoch_losses) == 10 and run.epoch_losses[-1] < run.epoch_losses[0] / 2
    assert run.test_accuracy > 0.8  # chance is about 1/3
    assert -1 < run.first_weight < 1 and run.first_weight != 0
    assert os.environ.get("KERAS_BACKEND") == before


def test_a_failed_backend_names_the_backend_and_the_code(monkeypatch):
    # A backend Keras does not know fails in its process; the message says which and where.
    monkeypatch.setitem(backends.BACKENDS, "nonesuch", "Nonesuch")
    with pytest.raises(backends.TrainingFailed, match="Nonesuch backend failed") as error:
        backends.train_in_subprocess("nonesuch")
    assert "snippets/learning_curve/trainer_tf.py" in str(error.value)
