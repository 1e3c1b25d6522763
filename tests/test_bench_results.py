"""The benchmarks' typed results: written by the code that measured them, read back alike.

The results file is JSON with sorted keys; what is read back must equal what was measured,
list the frameworks and libraries in the page's order, and a file of an older format must
count as missing, as every family's results do (the kit's one decoder). The run sentence
(``{{ bench:run }}``) comes from machine.provenance_fields.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from site_build.core.bench import measure as benchmarks
from site_build.core.bench import report as bench_report
from site_build.core.kit.cache import atomic_write_json
from site_build.core.kit.records import Machine, ResultsFormatError
from tests.stand_ins import fake_results

LANGUAGES = ("en", "es")  # both, in the order the build makes them


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_results_survive_their_json_file_in_the_pages_order(cache):
    results = fake_results()
    results.write(benchmarks.results_path(results.key))
    # The file sorts its keys (numpy, tf, torch); what is read back lists them as measured.
    stored = json.loads(benchmarks.results_path(results.key).read_text())
    assert list(stored["peak"]) == ["numpy", "tf", "torch"]
    reread = benchmarks.read_results(results.key)
    assert reread == results
    assert list(reread.peak) == ["torch", "tf", "numpy"]
    assert list(reread.versions) == list(benchmarks.LIBRARIES)
    assert bench_report.peak(reread, "en") == bench_report.peak(results, "en")


def test_a_results_file_of_an_older_format_is_measured_again(cache, monkeypatch):
    """The string-keyed dicts of before: read as missing, so the build measures."""
    old = fake_results().to_json()
    old["peak"] = {fw: {"gflops": p["summary"]} for fw, p in old["peak"].items()}
    atomic_write_json(benchmarks.results_path(old["key"]), old)
    assert benchmarks.read_results(old["key"]) is None
    fresh = fake_results()
    monkeypatch.setattr(benchmarks, "run_benchmarks", lambda settings: fresh)
    assert benchmarks.ensure_results("short") == (fresh, True)


def test_a_results_file_without_a_format_number_is_measured_again_saying_so(cache, capsys):
    """The files written before the kit's decoder read them (no format number, the setup's
    empty fields left out): one line names the file, and the build measures again."""
    old = fake_results().to_json()
    del old["format"]
    path = benchmarks.results_path(old["key"])
    atomic_write_json(path, old)
    assert benchmarks.read_results(old["key"]) is None
    said = capsys.readouterr().err.splitlines()
    assert said == [
        f"[benchmarks] {path} is not in this code's results format (no format number (an "
        f"older format); this code reads {fake_results().FORMAT}): measured again"
    ]


def test_a_field_of_the_wrong_type_is_a_format_error_wherever_it_is(cache, capsys):
    results = json.loads(json.dumps(fake_results().to_json()))
    results["workers"][0]["setup"]["setup_seconds"] = "1.5"
    with pytest.raises(ResultsFormatError, match=re.escape("expected float, found '1.5'")):
        type(fake_results()).from_json(results)
    atomic_write_json(benchmarks.results_path(results["key"]), results)
    assert benchmarks.read_results(results["key"]) is None
    assert "expected float" in capsys.readouterr().err


def test_a_workers_message_goes_through_the_same_decoder():
    """What a worker sends (``Setup.to_json``) reads back whole, its empty fields included;
    a message of another version of the worker is a ResultsFormatError, not a KeyError."""
    setup = fake_results().workers[0].setup
    message = json.loads(json.dumps(setup.to_json()))
    assert type(setup).from_json(message) == setup
    del message["jit_compile"]
    with pytest.raises(ResultsFormatError, match="missing \\['jit_compile'\\]"):
        type(setup).from_json(message)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_run_sentence_names_os_cpu_and_cores_but_not_the_kernel(language):
    results = replace(
        fake_results(),
        created="2026-11-30T10:00:00+00:00",
        machine=Machine("Test CPU", 2, 8.0, "Linux 6.1.0-18-amd64", "3.11.7"),
        versions={"torch": "2.13.0", "tensorflow": "2.21.0"},
    )
    sentence = bench_report.run(results, language).split("\n\n")[1]
    cores = {"en": "2 logical cores", "es": "2 núcleos lógicos"}[language]
    date = {"en": "30 November 2026", "es": "30 de noviembre de 2026"}[language]
    assert f"Test CPU ({cores}), Linux," in sentence
    assert date in sentence and "torch 2.13.0, tensorflow 2.21.0" in sentence
    assert "6.1" not in sentence and "amd64" not in sentence
