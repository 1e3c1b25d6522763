"""Doctest records (site_build/core/doctest_record.py): "Checked by the tests" is true, the
build runs the doctests of every included snippet whose exact content has no passing record,
shared out over processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_build.core import doctest_record
from site_build.core.errors import BuildError
from site_build.core.paths import SNIPPETS_DIR
from tests.contributor_copy import copy_empty_project

# --- doctest records ------------------------------------------------------------------------


@pytest.fixture
def snippets_project(tmp_path, monkeypatch, cache_dir) -> Path:
    """A project with one snippet that imports a helper module of its own topic."""
    topic = tmp_path / "snippets" / "topic"
    topic.mkdir(parents=True)
    for init in (tmp_path / "snippets" / "__init__.py", topic / "__init__.py"):
        init.write_text("")
    (topic / "helper.py").write_text("VALUE = 1\n")
    (topic / "shown_torch.py").write_text(
        '"""\n>>> from snippets.topic.helper import VALUE\n>>> VALUE\n1\n"""\n'
    )
    (topic / "other_torch.py").write_text('""">>> 1 + 1\n2\n"""\n')
    monkeypatch.setattr(doctest_record, "ROOT", tmp_path)
    return tmp_path


def test_the_record_key_covers_the_file_what_it_imports_and_the_versions(
    snippets_project, monkeypatch
):
    shown = snippets_project / "snippets/topic/shown_torch.py"
    names = [
        p.relative_to(snippets_project).as_posix() for p in doctest_record.project_sources(shown)
    ]
    assert "snippets/topic/helper.py" in names  # imported inside the doctest
    before = doctest_record.record_key(shown)
    (snippets_project / "snippets/topic/helper.py").write_text("VALUE = 2\n")
    after_helper = doctest_record.record_key(shown)
    assert after_helper != before
    monkeypatch.setattr(doctest_record, "environment", lambda: "other versions")
    assert doctest_record.record_key(shown) != after_helper


def test_the_build_runs_only_the_doctests_without_a_passing_record(snippets_project, monkeypatch):
    shown = snippets_project / "snippets/topic/shown_torch.py"
    other = snippets_project / "snippets/topic/other_torch.py"
    ran = []

    def fake_pytest(files):
        ran.append([f.name for f in files])
        for path in files:
            doctest_record.write_record(path, 1, by="pytest")

    monkeypatch.setattr(doctest_record, "_run_pytest", fake_pytest)
    doctest_record.write_record(shown, 2, by="pytest")  # as `nox -s tests` leaves it
    check = doctest_record.check_included([shown, other])
    assert ran == [["other_torch.py"]] and check.ran == ["snippets/topic/other_torch.py"]
    assert "ran 1 of 2" in check.timing()
    check = doctest_record.check_included([shown, other])  # a warm build runs nothing
    assert ran == [["other_torch.py"]] and "all 2 included files" in check.timing()
    shown.write_text(shown.read_text().replace("1\n", "2\n"))
    doctest_record.check_included([shown, other])
    assert ran[-1] == ["shown_torch.py"]  # an edited file has no record any more


# --- the stage shared out over processes -----------------------------------------------------


def test_one_process_per_core_but_enough_files_for_each(monkeypatch):
    monkeypatch.delenv(doctest_record.PROCESSES_ENV, raising=False)
    monkeypatch.setattr(doctest_record.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    per = doctest_record.FILES_PER_PROCESS
    assert doctest_record.processes(88) == 2
    assert doctest_record.processes(2 * per - 1) == 1  # not worth a second import of both
    assert doctest_record.processes(1) == 1
    monkeypatch.setenv(doctest_record.PROCESSES_ENV, "3")
    assert doctest_record.processes(88) == 3


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_wrong_process_count_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv(doctest_record.PROCESSES_ENV, value)
    with pytest.raises(BuildError, match=rf"\$SITE_DOCTEST_PROCESSES is '{value}'.*whole number"):
        doctest_record.processes(88)


def test_files_are_dealt_evenly_and_keep_their_order():
    files = doctest_record.included_snippets()
    dealt = doctest_record.shares(files, 2)
    assert sorted(path for share in dealt for path in share) == sorted(files)
    sizes = [sum(path.stat().st_size for path in share) for share in dealt]
    assert max(sizes) - min(sizes) <= max(path.stat().st_size for path in files)
    for share in dealt:
        assert share == [path for path in files if path in share]
    assert doctest_record.shares(files[:1], 2) == [files[:1]]  # no empty process


def test_files_are_dealt_by_their_recorded_cost_not_their_size(tmp_path, monkeypatch):
    monkeypatch.setattr(doctest_record, "ROOT", tmp_path)
    files = []
    for name, size in (("a", 400), ("b", 300), ("c", 200), ("d", 100)):
        files.append(tmp_path / f"{name}_torch.py")
        files[-1].write_text("#" * size)
    # By size, c and d would share a process (as a and b the other); their records say
    # that they cost most, so each goes to its own process.
    costs = {"a_torch.py": 1.0, "b_torch.py": 1.0, "c_torch.py": 30.0, "d_torch.py": 30.0}
    names = [[path.name for path in share] for share in doctest_record.shares(files, 2, costs)]
    assert names == [["a_torch.py", "c_torch.py"], ["b_torch.py", "d_torch.py"]]
    # A file without a record is estimated at the recorded files' seconds per byte
    # (62 s for 1,000 bytes): e, of 1,000 bytes, weighs as much as the four others together.
    files.append(tmp_path / "e_torch.py")
    files[-1].write_text("#" * 1000)
    names = [[path.name for path in share] for share in doctest_record.shares(files, 2, costs)]
    assert names == [["e_torch.py"], ["a_torch.py", "b_torch.py", "c_torch.py", "d_torch.py"]]


def test_a_passing_record_keeps_the_cpu_seconds_its_doctests_took(cache_dir):
    path = SNIPPETS_DIR / "tensors" / "creation_torch.py"
    doctest_record.write_record(path, 3, by="pytest", cpu_seconds=2.5)
    assert doctest_record.recorded_costs() == {"snippets/tensors/creation_torch.py": 2.5}
    doctest_record.write_record(path, 3, by="pytest")  # a record without seconds: ignored
    assert doctest_record.recorded_costs() == {}


def test_each_stage_process_gets_its_share_of_the_cores_unless_threads_are_chosen(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(doctest_record.os, "sched_getaffinity", lambda pid: set(range(8)))
    assert doctest_record.thread_share(2) == {"OMP_NUM_THREADS": "4"}
    assert doctest_record.thread_share(3) == {"OMP_NUM_THREADS": "2"}
    assert doctest_record.thread_share(16) == {"OMP_NUM_THREADS": "1"}
    assert doctest_record.thread_share(1) == {}  # one process: PyTorch's own default
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the user's choice stands
    assert doctest_record.thread_share(2) == {}


def test_two_processes_each_record_what_they_ran(tmp_path, monkeypatch):
    """The stage's pytest processes, each with the project's own hooks (conftest.py), in a
    copy of the project whose two snippet files need no framework: what is tested is how
    the files are shared out and recorded, not the frameworks' start-up."""
    (tmp_path / "project").mkdir()
    project = copy_empty_project(tmp_path / "project")
    topic = project / "snippets" / "topic"
    topic.mkdir()
    (topic / "__init__.py").write_text("")
    files = [topic / "sums_torch.py", topic / "sums_tf.py"]
    # Each process gets its share of the cores for PyTorch's threads (thread_share).
    share = str(max(1, doctest_record.usable_cores() // 2))
    for path in files:
        path.write_text(
            '"""\n>>> sum(range(10**6))\n499999500000\n'
            f'>>> import os; os.environ["OMP_NUM_THREADS"]\n{share!r}\n"""\n'
        )
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(doctest_record, "ROOT", project)
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path / "cache"))  # no records: all run
    monkeypatch.setenv(doctest_record.PROCESSES_ENV, "2")
    monkeypatch.setattr(doctest_record, "FILES_PER_PROCESS", 1)
    check = doctest_record.check_included(files)
    assert sorted(check.ran) == sorted(doctest_record._relative(path) for path in files)
    assert all(doctest_record.has_passed(path) for path in files)
    costs = doctest_record.recorded_costs()  # each process measured its own files
    assert all(costs[doctest_record._relative(path)] > 0 for path in files)
    assert doctest_record.check_included(files).ran == []  # recorded: nothing runs again
