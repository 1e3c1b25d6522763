"""Doctest records (site_build/core/doctest_record.py): "Checked by the tests" is true, the
build runs the doctests of every included snippet whose exact content has no passing record."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_build.core import doctest_record

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
    monkeypatch.setattr(doctest_record, "_environment", lambda: "other versions")
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
