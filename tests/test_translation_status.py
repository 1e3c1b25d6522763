"""Translation freshness: `nox -s i18n` and the notice on stale Spanish pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_build.core.layout import ROOT, pages
from tests.contributor_copy import (
    add_to_nav,
    build_site,
    copy_empty_project,
    copy_project,
    git,
    run_module,
)

NOTICE_TITLE = "Traducción posiblemente desactualizada"
TRANSLATED = len(pages("es"))


def _report(project) -> str:
    result = run_module(project, "site_build.core.translation_status")
    assert result.returncode == 0, result.stderr
    return result.stdout


def _edit_and_commit(project, path: str, line: str) -> None:
    with (project / path).open("a", encoding="utf-8") as file:
        file.write(f"\n{line}\n")
    git(project, "commit", "-q", "-am", f"Edit {path}")


def _committed(project: Path) -> Path:
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Start")
    return project


@pytest.fixture
def project(tmp_path):
    (tmp_path / "project").mkdir()
    return _committed(copy_project(tmp_path / "project"))


TOPIC_TITLES = {"en": "Tensors and gradients", "es": "Tensores y gradientes"}


@pytest.fixture
def one_topic_project(tmp_path):
    """An empty project copy with one translated topic page and the contributing page (whose
    original is CONTRIBUTING.md): what a build needs to show, or not, the notice on each
    kind of page, without building every page of the project."""
    (tmp_path / "project").mkdir()
    project = copy_empty_project(tmp_path / "project")
    for language, title in TOPIC_TITLES.items():
        page = f"---\ndescription: {title}, a page and its translation.\n---\n\n# {title}\n"
        (project / "docs" / language / "tensors.md").write_text(page, encoding="utf-8")
        shutil.copy2(ROOT / "docs" / language / "contributing.md", project / "docs" / language)
    add_to_nav(project, TOPIC_TITLES["en"], "tensors.md", TOPIC_TITLES["es"])
    add_to_nav(project, "Contributing", "contributing.md", "Cómo contribuir")
    return _committed(project)


def test_pages_committed_together_are_up_to_date(project):
    assert f"All {TRANSLATED} translated pages are up to date" in _report(project)


def test_changed_original_flags_its_translation_until_it_is_updated(one_topic_project, tmp_path):
    project = one_topic_project
    translated = len(list((project / "docs" / "es").rglob("*.md")))
    assert f"All {translated} translated pages are up to date" in _report(project)
    _edit_and_commit(project, "docs/en/tensors.md", "A new English paragraph.")
    report = _report(project)
    assert "docs/es/tensors.md: docs/en/tensors.md changed on" in report
    assert f"1 of {translated} translated pages are behind" in report

    built = build_site(project, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    stale_page = (tmp_path / "site" / "es" / "tensors" / "index.html").read_text("utf-8")
    assert NOTICE_TITLE in stale_page
    for fresh in ("es/index.html", "tensors/index.html", "es/contributing/index.html"):
        assert NOTICE_TITLE not in (tmp_path / "site" / fresh).read_text("utf-8"), fresh

    _edit_and_commit(project, "docs/es/tensors.md", "Un párrafo nuevo en español.")
    assert f"All {translated} translated pages are up to date" in _report(project)


def test_guide_source_counts_as_the_original_of_the_contributing_page(project):
    _edit_and_commit(project, "CONTRIBUTING.md", "A new rule for contributors.")
    assert "docs/es/contributing.md: CONTRIBUTING.md changed on" in _report(project)
