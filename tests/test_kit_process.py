"""Running a module in its own process (site_build/core/kit/process.py), as every measured
page's training or measuring does: its output comes back, its progress lines are passed on,
and a failure says why in one message."""

from __future__ import annotations

import pytest

from site_build.core.kit.process import (
    TEST_THREAD_SHARE,
    ModuleProcess,
    failure_reason,
    run_module,
)


def test_the_captured_output_of_a_module_comes_back():
    out = run_module("calendar", "2026", "1", capture=True, failed=RuntimeError)
    assert "January 2026" in out


def test_a_failure_raises_the_callers_error_with_the_end_of_the_error_output():
    with pytest.raises(RuntimeError, match="invalid int value: 'nope'"):
        run_module("calendar", "nope", failed=RuntimeError)


def test_the_reason_is_the_last_error_line_else_the_end_of_the_output():
    tail = ["[mnist] epoch 1", "error: the loss became NaN", "error: training stopped", "bye"]
    assert failure_reason(tail) == "training stopped"
    assert failure_reason(["Traceback", "ValueError: x"]) == "Traceback\nValueError: x"


def test_progress_lines_are_passed_on_and_only_those_asked_for(capfd):
    code = "import sys; print('[page] step 1', file=sys.stderr); print('noise', file=sys.stderr)"
    for show, expected in ((None, ["[page] step 1", "noise"]), ("[page]", ["[page] step 1"])):
        process = ModuleProcess("timeit", "-n1", "-r1", "-s", code, "pass", show=show)
        assert process.finish() == (None, "")
        assert capfd.readouterr().err.splitlines() == expected


@pytest.mark.parametrize(
    ("given", "seen"),
    [
        ({"OMP_NUM_THREADS": "1", TEST_THREAD_SHARE: "1"}, "None"),  # a test worker's share
        ({"OMP_NUM_THREADS": "3", TEST_THREAD_SHARE: "1"}, "'3'"),  # changed since: kept
        ({"OMP_NUM_THREADS": "1"}, "'1'"),  # the user's own choice
    ],
)
def test_a_measuring_process_drops_only_a_test_workers_thread_share(given, seen, monkeypatch):
    """Pages give timings at the frameworks' own thread counts, even when `nox -s tests`
    (one share of the cores per worker) was what trained or measured them."""
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv(TEST_THREAD_SHARE, raising=False)
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    code = "import os; print(repr(os.environ.get('OMP_NUM_THREADS')), repr(os.environ.get('%s')))"
    out = run_module(
        "timeit",
        "-n1",
        "-r1",
        "-s",
        code % TEST_THREAD_SHARE,
        "pass",
        capture=True,
        failed=RuntimeError,
    )
    assert out.splitlines()[0] == f"{seen} None"
