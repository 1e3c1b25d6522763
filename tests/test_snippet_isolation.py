"""A snippet file's checked output does not depend on which files ran before it.

Pages show each file's doctest output as the file prints it alone; all files run in one
process, in the tests and in the build's doctest stage. tests/framework_state.py gives each
file the state of a fresh process; these tests show that it does, that the suite runs the
files in the build's order, and that every included file passes with the files run in the
reverse order, as the build's doctest stage runs them otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

from site_build.core import doctest_record
from site_build.core.layout import ROOT, relative
from tests import framework_state
from tests.framework_state import REVERSED


def test_every_setting_a_file_changes_is_back_for_the_next_file(tmp_path, monkeypatch):
    framework_state.start_file({})  # the baseline, as the first snippet file finds it
    monkeypatch.chdir(tmp_path)  # undone by monkeypatch too, after the check
    torch.use_deterministic_algorithms(True)  # what make_reproducible() does
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    torch.manual_seed(7)
    torch._dynamo.config.cache_size_limit = 3
    tf.config.run_functions_eagerly(True)
    tf.config.experimental.enable_op_determinism()
    tf.random.set_seed(7)
    keras.config.set_dtype_policy("mixed_float16")
    np.set_printoptions(precision=2)
    np.random.seed(7)
    os.environ["SNIPPET_ISOLATION_TEST"] = "set by a snippet"
    changed = framework_state.changed_settings()

    framework_state.start_file({})

    assert set(changed) >= {
        "torch deterministic algorithms",
        "torch default dtype",
        "torch threads",
        "torch random generator",
        "torch._dynamo config",
        "tf.function eager mode",
        "tf op determinism",
        "tf global seed",
        "keras dtype policy",
        "numpy print options",
        "numpy random state",
        "environment variables",
        "working directory",
    }
    assert framework_state.changed_settings() == []
    assert not torch.are_deterministic_algorithms_enabled()
    assert torch.get_default_dtype() == torch.float32
    assert keras.config.dtype_policy().name == "float32"
    assert "SNIPPET_ISOLATION_TEST" not in os.environ


def test_a_fresh_file_draws_the_same_random_numbers_as_the_first():
    framework_state.start_file({})
    first = torch.rand(3), np.random.random_sample(3)
    framework_state.start_file({})
    again = torch.rand(3), np.random.random_sample(3)
    assert torch.equal(first[0], again[0]) and np.array_equal(first[1], again[1])


def test_snippet_modules_are_imported_again_for_each_file():
    """A file that imports another snippet gets it as a new process would, not as an earlier
    file left it (graphs recorded, compiled functions reset)."""
    from snippets.graphs import retracing_torch

    graphs = len(retracing_torch.scale_graphs)
    retracing_torch.scale(torch.ones(5, dtype=torch.int64), 3)  # a new dtype: one more graph
    assert len(retracing_torch.scale_graphs) == graphs + 1
    framework_state.start_file({})
    assert "snippets.graphs.retracing_torch" not in sys.modules
    from snippets.graphs import retracing_torch as fresh

    assert len(fresh.scale_graphs) == graphs
    assert "snippets._torchvision_cpu" not in {
        name for name in sys.modules if framework_state.SNIPPET_MODULE.fullmatch(name)
    }, "support modules are not snippet files and stay imported"


def test_this_run_checks_snippet_files_in_the_builds_order(snippet_files_checked_in_order):
    """The tests run the snippet doctests in the order of the build's doctest stage, so a file
    that passes in the build passes here, and the other way round."""
    ran = snippet_files_checked_in_order
    if len(ran) < 2:
        pytest.skip("this run selected fewer than two snippet files")
    build_order = [relative(path) for path in doctest_record.included_snippets()]
    assert ran == [name for name in build_order if name in ran]


@pytest.mark.slow
def test_every_included_snippet_file_passes_in_the_reverse_order(tmp_path):
    """Every included snippet file passes with the files run in the reverse of the build's
    order, in one pytest process with the files named on its command line (as the build's
    doctest stage runs them): the output a page shows is the same whichever files ran
    before. A file that fails names the state that leaks.

    The build's order needs no run of its own: the suite runs every snippet file's doctests
    in that order in one process (the test above checks the order), so a state that leaks
    from a file to a later one fails there, and one that leaks to an earlier one fails here.
    """
    files = [relative(path) for path in doctest_record.included_snippets()]
    report = tmp_path / "outcome.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", REVERSED, *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            doctest_record.FAILURES_ENV: str(report),
            "SITE_CACHE_DIR": str(tmp_path / "cache"),  # its records stay out of the cache
        },
    )
    outcome = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    failures = "\n".join(
        f"{f['file']}, line {f['line']}:\n{f['message']}" for f in outcome.get("failures", [])
    )
    assert done.returncode == 0, failures or (done.stdout + done.stderr)[-4000:]
    # Each file's examples all passed, the files finishing in the reverse order.
    assert outcome["passed"] == files[::-1]
