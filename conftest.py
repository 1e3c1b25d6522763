"""pytest entry point for the documentation examples (see tests/doc_examples.py).

This file sits at the project root because pytest only asks a conftest.py to collect
files at or below its own folder, and the examples live in snippets/ and docs/.

It also writes the *passing records* of snippet doctests (site_build/core/doctest_record.py):
when every example of a snippet file passed, a record keyed on the file's exact content, the
project modules it imports and the installed versions lets the docs build trust the output
it shows under "Checked by the tests" without running it again. The snippet doctests run
first, so the site builds among the tests find their records; in a parallel run
(`nox -s tests`, see SnippetsTogether below), a build in another process that lacks a record
waits for the process running the doctests to write it.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from collections import Counter
from pathlib import Path

import pytest
from sybil.example import SybilFailure
from sybil.integration.pytest import SybilItem

from site_build.core import doctest_record
from site_build.core.paths import SNIPPETS_DIR
from tests import framework_state
from tests.doc_examples import ALL_EXAMPLES
from tests.framework_state import RERUN_REVERSED, REVERSED

pytest_collect_file = ALL_EXAMPLES.pytest()

# The browser checks need Playwright and a built site; `nox -s e2e` runs them in their own
# virtualenv with `--confcutdir tests/browser`, which also keeps this file out of that run.
collect_ignore = ["tests/browser"]

_examples_by_place: Counter[str] = Counter()
# Per snippet file: examples selected to run, examples that passed, examples finished.
_selected: Counter[Path] = Counter()
_passed: Counter[Path] = Counter()
_finished: Counter[Path] = Counter()
_failed: set[Path] = set()
_failures: list[dict] = []
_all_passed: list[str] = []  # snippet files whose selected examples all passed
_checked_in_order: list[str] = []  # snippet files in the order their doctests started
_cpu_at_start: dict[Path, float] = {}  # CPU seconds used when a snippet file's doctests began
_running_doctests: list = []  # the records' running lock, held by a parallel run's worker
_frameworks: set[str] = set()  # the frameworks that the selected snippet files can import


def _snippet_of(item) -> Path | None:
    """The snippet file of a Sybil example from snippets/, or None for any other test."""
    if isinstance(item, SybilItem) and item.path.is_relative_to(SNIPPETS_DIR):
        return item.path
    return None


class _CollectedBySybilOnly(pytest.File):
    """A snippet file named on pytest's command line, which pytest must not import itself."""

    def collect(self):
        return []


def pytest_pycollect_makemodule(module_path: Path, parent):
    """Keep pytest from importing a snippet file as a test module when it is named on the
    command line (as the build's doctest stage names them): the import would run every such
    file's code at collection, in one go and before any file's doctests start from a fresh
    state (tests/framework_state.py). Sybil imports each one at its first example instead.
    """
    if module_path.is_relative_to(SNIPPETS_DIR):
        return _CollectedBySybilOnly.from_parent(parent, path=module_path)
    return None


def pytest_itemcollected(item) -> None:
    if isinstance(item, SybilItem):
        parts = item.path.relative_to(item.config.rootpath).parts
        _examples_by_place[parts[0] + ("/" if len(parts) > 1 else "")] += 1


def pytest_addoption(parser) -> None:
    parser.addoption(
        REVERSED,
        action="store_true",
        help="run the snippet files in the reverse of the build's order "
        "(tests/test_snippet_isolation.py)",
    )
    parser.addoption(
        RERUN_REVERSED,
        action="store_true",
        help="run every snippet file in the reverse order even when a record says that this "
        "run passed for exactly these files and set-up (tests/reverse_order_record.py)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    # Snippet doctests first: their records let the site builds later in the session skip
    # them. First among the hooks, so
    # that a narrower order (tests/check_topic.py) still has the last word.
    # The files in the order of the build's doctest stage (sorted paths), each file's
    # examples in their own order (the sort is stable). Then the test files that hold a test
    # marked slow, so that in a parallel run (SnippetsTogether) they start first.
    # With REVERSED, the snippet files in the reverse order, each file's examples still in
    # their own.
    files = sorted({str(path) for item in items if (path := _snippet_of(item)) is not None})
    rank = {name: (-i if config.getoption(REVERSED) else i) for i, name in enumerate(files)}
    with_slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(
        key=lambda item: (
            _snippet_of(item) is None,
            rank.get(str(_snippet_of(item)), 0),
            item.path not in with_slow,
        )
    )


def pytest_collection_finish(session) -> None:
    for item in session.items:
        if (path := _snippet_of(item)) is not None:
            _selected[path] += 1
    _frameworks.update(framework_state.frameworks_used(_selected))


def pytest_runtest_setup(item) -> None:
    path = _snippet_of(item)
    if path is not None and (not _checked_in_order or _checked_in_order[-1] != _relative(path)):
        _checked_in_order.append(_relative(path))
        # The frameworks are imported once per process, before the first file: not a cost
        # of that file, which the doctest stage would otherwise deal as a heavy one. Only
        # those that the selected files can import: a run of one torch file (the build's
        # doctest stage, `nox -s check`) never imports TensorFlow.
        framework_state.ensure_baseline(_frameworks)
        _cpu_at_start[path] = _cpu_seconds()
    # Asked of this process's configuration, not of $PYTEST_XDIST_WORKER, which the pytest
    # that a build's doctest stage starts inherits: that one must not wait for its builder.
    if hasattr(item.config, "workerinput"):
        # A site build in another worker that lacks a record waits for this worker's
        # doctests to write it, instead of running the same files at the same time.
        if path is not None and not _running_doctests:
            _running_doctests.append(doctest_record.running_lock())
            _running_doctests[0].__enter__()
        elif path is None:
            _release_running_lock()


def _cpu_seconds() -> float:
    """The CPU seconds this process (all its threads) and its finished children used so far."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def _release_running_lock() -> None:
    if _running_doctests:
        _running_doctests.pop().__exit__(None, None, None)


@pytest.fixture
def snippet_files_checked_in_order() -> list[str]:
    """The snippet files whose doctests this run has started, in the order it ran them."""
    return list(_checked_in_order)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    path = _snippet_of(item)
    if path is None:
        return
    report = outcome.get_result()
    if report.when == "call" and report.passed:
        _passed[path] += 1
    if report.failed:
        _failed.add(path)
        error = call.excinfo.value if call.excinfo else None
        message = str(error) if isinstance(error, SybilFailure) else report.longreprtext
        _failures.append({"file": _relative(path), "line": item.example.line, "message": message})
    if report.when == "teardown":
        _finished[path] += 1
        if _finished[path] == _selected[path] == _passed[path] and path not in _failed:
            _record(path)


def pytest_collectreport(report) -> None:
    """A snippet that cannot be collected (a syntax or import error) is a failure too."""
    if report.failed and report.nodeid and (SNIPPETS_DIR.name + "/") in report.nodeid:
        _failures.append({"file": report.nodeid, "line": None, "message": report.longreprtext})


def _record(path: Path) -> None:
    _all_passed.append(_relative(path))
    try:
        seconds = _cpu_seconds() - _cpu_at_start[path] if path in _cpu_at_start else None
        doctest_record.write_record(path, _passed[path], by="pytest", cpu_seconds=seconds)
    except OSError as error:  # an unwritable cache must not fail the tests themselves
        print(f"\nCould not record the passing doctests of {path}: {error}", file=sys.stderr)


def _relative(path: Path) -> str:
    return path.relative_to(SNIPPETS_DIR.parent).as_posix()


def pytest_sessionfinish(session) -> None:
    _release_running_lock()
    if report := os.environ.get(doctest_record.FAILURES_ENV):
        outcome = {"failures": _failures, "passed": _all_passed}
        Path(report).write_text(json.dumps(outcome), encoding="utf-8")


# In a parallel run (`pytest -n 2 --dist loadfile`, as `nox -s tests` runs it), each test
# file is a unit that one worker runs whole, so a module's fixtures (a site build, the stage)
# run once; the snippet doctests are one unit, run by one worker in the build's order as in
# a single process, with the test that checks that order. Units are handed out in the
# collection's order (above): the snippet doctests, then the files that hold a slow test.
SNIPPET_UNIT = "snippet doctests, in the build's order"
RUN_WITH_SNIPPETS = (
    "tests/test_snippet_isolation.py::test_this_run_checks_snippet_files_in_the_builds_order",
)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SnippetsTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(SNIPPETS_DIR.name + "/") or nodeid in RUN_WITH_SNIPPETS:
                return SNIPPET_UNIT
            return super()._split_scope(nodeid)

    config.option.loadscopereorder = False  # the collection's order, not the unit sizes
    return SnippetsTogether(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids) -> None:
    """In a parallel run the workers collect, not this process: count the examples from the
    test ids of the first worker's collection (the others collect the same)."""
    if not _examples_by_place:
        for nodeid in ids:
            if "::sybil:" in nodeid:
                parts = nodeid.split("::")[0].split("/")
                _examples_by_place[parts[0] + ("/" if len(parts) > 1 else "")] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    counts = ", ".join(f"{n} from {where}" for where, n in sorted(_examples_by_place.items()))
    total = sum(_examples_by_place.values())
    terminalreporter.write_line(f"Documentation examples collected: {total} ({counts or 'none'})")
