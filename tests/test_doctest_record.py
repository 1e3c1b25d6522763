"""The build's doctest stage shared out over processes (site_build/core/doctest_record.py)."""

from __future__ import annotations

import pytest

from site_build.core import doctest_record
from site_build.core.errors import BuildError
from site_build.core.paths import SNIPPETS_DIR


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


def test_two_processes_each_record_what_they_ran(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path / "cache"))  # no records: all run
    monkeypatch.setenv(doctest_record.PROCESSES_ENV, "2")
    monkeypatch.setattr(doctest_record, "FILES_PER_PROCESS", 1)
    files = [
        SNIPPETS_DIR / "tensors" / "creation_torch.py",
        SNIPPETS_DIR / "tensors" / "creation_tf.py",
    ]
    check = doctest_record.check_included(files)
    assert sorted(check.ran) == sorted(doctest_record._relative(path) for path in files)
    assert all(doctest_record.has_passed(path) for path in files)
    assert doctest_record.check_included(files).ran == []  # recorded: nothing runs again
