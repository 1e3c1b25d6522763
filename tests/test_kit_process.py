"""Running a module in its own process (site_build/core/kit/process.py), as every measured
page's training or measuring does: its output comes back, its progress lines are passed on,
and a failure says why in one message."""

from __future__ import annotations

import pytest

from site_build.core.kit.process import ModuleProcess, failure_reason, run_module


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
