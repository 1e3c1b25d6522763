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
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

from site_build.core import doctest_record
from site_build.core.layout import ROOT, relative
from tests import framework_state, reverse_order_record
from tests.framework_state import RERUN_REVERSED, REVERSED


def test_every_setting_a_file_changes_is_back_for_the_next_file(tmp_path, monkeypatch):
    framework_state.start_file({})  # the baseline, as the first snippet file finds it
    monkeypatch.chdir(tmp_path)  # undone by monkeypatch too, after the check
    torch.use_deterministic_algorithms(True)  # what make_reproducible() does
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(torch.get_num_threads() + 1)  # whatever OMP_NUM_THREADS gave
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


def test_a_run_imports_the_frameworks_its_snippet_files_can_import(tmp_path, monkeypatch):
    """A process that runs the doctests of torch files only (the build's doctest stage for
    one edited file) puts back torch's settings and never imports TensorFlow; a module
    that may import either framework (any other third-party module) counts as both."""
    topic = tmp_path / "snippets" / "topic"
    topic.mkdir(parents=True)
    for init in (tmp_path / "snippets" / "__init__.py", topic / "__init__.py"):
        init.write_text("")
    (topic / "helper.py").write_text("import jax\n")
    (topic / "plain_torch.py").write_text('"""\n>>> import torch.nn\n"""\nimport numpy\n')
    (topic / "plain_tf.py").write_text('"""\n>>> import keras\n"""\nimport os\n')
    (topic / "helped_torch.py").write_text("import torch\nfrom snippets.topic import helper\n")
    monkeypatch.setattr(doctest_record, "ROOT", tmp_path)
    used = framework_state.frameworks_used
    assert used([topic / "plain_torch.py"]) == {"torch"}
    assert used([topic / "plain_tf.py"]) == {"tensorflow"}  # imported in a doctest
    assert used([topic / "plain_torch.py", topic / "plain_tf.py"]) == {"torch", "tensorflow"}
    assert used([topic / "helped_torch.py"]) == {"torch", "tensorflow"}  # through jax


def test_a_framework_that_no_selected_file_names_fails_the_file_that_imported_it(monkeypatch):
    framework_state.start_file({})
    # As in a run whose files name only torch, where a file imported TensorFlow anyway
    # (by a module name built at run time): its settings could reach the next file.
    monkeypatch.setattr(framework_state, "_covered", {"torch"})
    with pytest.raises(RuntimeError, match=r"imported tensorflow, .* tests/framework_state\.py"):
        framework_state.end_file({})


def test_this_run_checks_snippet_files_in_the_builds_order(snippet_files_checked_in_order):
    """The tests run the snippet doctests in the order of the build's doctest stage, so a file
    that passes in the build passes here, and the other way round."""
    ran = snippet_files_checked_in_order
    if len(ran) < 2:
        pytest.skip("this run selected fewer than two snippet files")
    build_order = [relative(path) for path in doctest_record.included_snippets()]
    assert ran == [name for name in build_order if name in ran]


def _skip_when_recorded(files: list[Path], rerun: bool) -> None:
    """Skip the reverse-order run when it passed already for exactly ``files`` and set-up,
    unless ``rerun`` (``--rerun-reverse-order``)."""
    if rerun:
        return
    if (record := reverse_order_record.passed_record(files)) is not None:
        pytest.skip(reverse_order_record.skip_reason(record))


@pytest.mark.slow
def test_every_included_snippet_file_passes_in_the_reverse_order(tmp_path, pytestconfig):
    """Every included snippet file passes with the files run in the reverse of the build's
    order, in one pytest process with the files named on its command line (as the build's
    doctest stage runs them): the output a page shows is the same whichever files ran
    before. A file that fails names the state that leaks.

    The build's order needs no run of its own: the suite runs every snippet file's doctests
    in that order in one process (the test above checks the order), so a state that leaks
    from a file to a later one fails there, and one that leaks to an earlier one fails here.

    A passing run is recorded (tests/reverse_order_record.py); with a record for exactly
    these files, their imports, the test set-up and the installed versions, it is skipped.
    """
    files = [relative(path) for path in doctest_record.included_snippets()]
    reversed_paths = [ROOT / name for name in files[::-1]]
    _skip_when_recorded(reversed_paths, pytestconfig.getoption(RERUN_REVERSED))
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
    # Each file's examples all passed, the files finishing in the reverse order; only then
    # is the run recorded.
    problem = reverse_order_record.record_if_passed(
        reversed_paths, done.returncode, outcome, done.stdout + done.stderr
    )
    assert problem is None, problem


# --- the record of a passing reverse-order run ---------------------------------------------


@pytest.fixture
def scratch_project(tmp_path, monkeypatch, cache_dir) -> Path:
    """A project with two snippet files (one imports a helper), a conftest.py that imports
    tests/framework_state.py, and the test file, as the reverse-order run sees them."""
    topic = tmp_path / "snippets" / "topic"
    topic.mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    for init in (tmp_path / "snippets/__init__.py", topic / "__init__.py"):
        init.write_text("")
    (tmp_path / "tests/__init__.py").write_text("")
    (topic / "helper.py").write_text("VALUE = 1\n")
    (topic / "shown_torch.py").write_text(
        '"""\n>>> from snippets.topic.helper import VALUE\n>>> VALUE\n1\n"""\n'
    )
    (topic / "other_torch.py").write_text('""">>> 1 + 1\n2\n"""\n')
    (tmp_path / "conftest.py").write_text("from tests import framework_state\n")
    (tmp_path / "tests/framework_state.py").write_text("SETTINGS = []\n")
    (tmp_path / "tests/test_snippet_isolation.py").write_text("def test_it(): pass\n")
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\naddopts = ["-ra"]\n')
    monkeypatch.setattr(doctest_record, "ROOT", tmp_path)
    return tmp_path


def _run_order(project: Path) -> list[Path]:
    return [project / "snippets/topic/shown_torch.py", project / "snippets/topic/other_torch.py"]


def _passed(files: list[Path]) -> dict:
    return {"failures": [], "passed": [p.relative_to(p.parents[2]).as_posix() for p in files]}


def test_the_reverse_order_key_covers_the_files_their_imports_the_set_up_and_the_order(
    scratch_project,
):
    files = _run_order(scratch_project)
    set_up = [_relative_to(p, scratch_project) for p in reverse_order_record.set_up_sources()]
    assert {"conftest.py", "tests/framework_state.py", "tests/__init__.py"} <= set(set_up)
    assert "tests/test_snippet_isolation.py" in set_up
    keys = [reverse_order_record.record_path(files)]

    def changed(relative_path: str, text: str) -> None:
        (scratch_project / relative_path).write_text(text)
        keys.append(reverse_order_record.record_path(files))
        assert keys[-1] != keys[-2], f"a change to {relative_path} keeps the key"

    changed("snippets/topic/other_torch.py", '""">>> 2 + 2\n4\n"""\n')  # a snippet file
    changed("snippets/topic/helper.py", "VALUE = 2\n")  # a module a snippet imports
    changed("tests/framework_state.py", "SETTINGS = [1]\n")  # the state put back per file
    changed("conftest.py", "from tests import framework_state  # changed\n")
    changed("tests/test_snippet_isolation.py", "def test_it(): assert True\n")
    changed("pyproject.toml", '[tool.pytest.ini_options]\naddopts = ["-x"]\n')
    assert reverse_order_record.record_path(files[::-1]) != keys[-1], "the order is not in it"


def _relative_to(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def test_a_failed_reverse_order_run_writes_no_record(scratch_project):
    files = _run_order(scratch_project)
    failed = {
        "failures": [{"file": "snippets/topic/other_torch.py", "line": 1, "message": "Expected 2"}],
        "passed": ["snippets/topic/shown_torch.py"],
    }
    problem = reverse_order_record.record_if_passed(files, 1, failed, "1 failed")
    assert "snippets/topic/other_torch.py, line 1" in problem
    # pytest ended with 0 but a file's examples did not all pass (or not in this order).
    problem = reverse_order_record.record_if_passed(files, 0, _passed(files[::-1]), "")
    assert problem is not None and "in order" in problem
    assert reverse_order_record.passed_record(files) is None
    assert not list(reverse_order_record.records_dir().glob("*.json"))


def _skip_reason(files: list[Path], rerun: bool) -> str | None:
    """Why the reverse-order run of ``files`` is skipped, or None when it runs."""
    try:
        _skip_when_recorded(files, rerun)
    except pytest.skip.Exception as skipped:
        return str(skipped)
    return None


def test_a_passing_reverse_order_run_is_recorded_and_then_skipped_with_the_reason(
    scratch_project,
):
    files = _run_order(scratch_project)
    assert _skip_reason(files, rerun=False) is None  # no record yet: it runs
    assert reverse_order_record.record_if_passed(files, 0, _passed(files), "") is None
    record = reverse_order_record.passed_record(files)
    assert record is not None and record.parent == reverse_order_record.records_dir()
    reason = _skip_reason(files, rerun=False)
    assert reason is not None and "passed in the reverse order already" in reason
    assert record.stem[:12] in reason and "--rerun-reverse-order" in reason
    assert _skip_reason(files, rerun=True) is None  # --rerun-reverse-order
    # Another order, or changed content, has no record: the run is not skipped.
    assert _skip_reason(files[::-1], rerun=False) is None
    (scratch_project / "snippets/topic/helper.py").write_text("VALUE = 3\n")
    assert _skip_reason(files, rerun=False) is None
