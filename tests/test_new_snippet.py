"""The scaffold behind `nox -s new`: it creates a passing pair and refuses bad names."""

from __future__ import annotations

import subprocess

import yaml

from site_build.core.catalog import texts
from tests.contributor_copy import copy_project, run_module, run_pytest


def _scaffold(project, *args: str) -> subprocess.CompletedProcess[str]:
    return run_module(project, "site_build.core.new_snippet", *args)


def test_scaffold_creates_a_pair_whose_doctests_pass(tmp_path):
    project = copy_project(tmp_path)
    result = _scaffold(project, "shapes/broadcasting")
    assert result.returncode == 0, result.stderr
    created = ["__init__.py", "broadcasting_torch.py", "broadcasting_tf.py"]
    assert all((project / "snippets" / "shapes" / name).is_file() for name in created)
    # A new topic: the tab block is written into its pages, titled in each page's language.
    for language, title in (("en", "Checked by the tests"), ("es", "Comprobado por las pruebas")):
        page = (project / "docs" / language / "shapes.md").read_text(encoding="utf-8")
        assert f'```pycon title="{title}"' in page

    # The example's comment has its translation, so the Spanish page shows it in Spanish.
    translations = project / "snippets" / "shapes" / "comments.es.yaml"
    comment = texts("scaffold_comment")
    assert yaml.safe_load(translations.read_text(encoding="utf-8")) == {
        comment["en"]: comment["es"]
    }
    report = run_module(project, "site_build.core.code_comments")
    assert report.returncode == 0, report.stdout

    doctests = run_pytest(project, "snippets/shapes")
    assert doctests.returncode == 0, doctests.stdout
    assert "2 passed" in doctests.stdout
    # The checked output of the two tabs reads alike (CONTRIBUTING.md, "Write the code").
    outputs = [
        (project / "snippets" / "shapes" / f"broadcasting_{framework}.py")
        .read_text(encoding="utf-8")
        .split(">>> ")[1]
        .split("\n")[1]
        for framework in ("torch", "tf")
    ]
    assert outputs[0] == outputs[1], outputs


def test_a_second_pair_of_a_topic_shares_its_comment_translations(tmp_path):
    project = copy_project(tmp_path)
    for name in ("broadcasting", "indexing"):
        assert _scaffold(project, f"shapes/{name}").returncode == 0
    translations = project / "snippets" / "shapes" / "comments.es.yaml"
    assert len(yaml.safe_load(translations.read_text(encoding="utf-8"))) == 1


def test_scaffold_refuses_an_existing_pair(tmp_path):
    project = copy_project(tmp_path)
    result = _scaffold(project, "tensors/creation")
    assert result.returncode == 1
    assert "snippets/tensors/creation_torch.py, snippets/tensors/creation_tf.py already exists" in (
        result.stderr
    )


def test_scaffold_refuses_names_that_break_the_rules(tmp_path):
    project = copy_project(tmp_path)
    for target, message in (
        ("tensors/snippet_3", "ends in a number"),
        ("tensors", "expected <topic>/<name>"),
        ("tensors/Mixed", "must be lower_snake_case"),
    ):
        result = _scaffold(project, target)
        assert result.returncode == 1 and message in result.stderr, (target, result.stderr)
    assert not list((project / "snippets" / "tensors").glob("snippet_3*"))


def test_scaffold_writes_a_new_topics_pages_and_says_where_nav_goes(tmp_path):
    project = copy_project(tmp_path)
    result = _scaffold(project, "shapes/broadcasting")
    assert result.returncode == 0, result.stderr
    for language, note in (("en", "How this page is checked"), ("es", "Cómo se comprueba")):
        page = (project / "docs" / language / "shapes.md").read_text(encoding="utf-8")
        assert '--8<-- "shapes/broadcasting_tf.py:example-checks"' in page
        assert f'??? note "{note}' in page
        assert page.startswith("---\ndescription: >-\n  Shapes "), page[:80]
    assert "      - Shapes: shapes.md" in result.stdout
    assert "nav_translations" in result.stdout and "            Shapes: Shapes" in result.stdout


def test_scaffold_leaves_an_existing_page_alone_and_prints_the_block(tmp_path):
    project = copy_project(tmp_path)
    before = (project / "docs" / "en" / "tensors.md").read_text(encoding="utf-8")
    result = _scaffold(project, "tensors/broadcasting")
    assert result.returncode == 0, result.stderr
    assert (project / "docs" / "en" / "tensors.md").read_text(encoding="utf-8") == before
    assert "Paste into docs/en/tensors.md:" in result.stdout
    assert "nav" not in result.stdout


def test_scaffold_reprints_the_tab_blocks_of_an_existing_pair(tmp_path):
    project = copy_project(tmp_path)
    result = _scaffold(project, "--tabs", "tensors/creation")
    assert result.returncode == 0, result.stderr
    shown = (project / "docs" / "es" / "tensors.md").read_text(encoding="utf-8")
    for section in ("create", "numpy", "mutate"):
        assert f"docs/es/tensors.md, section '{section}':" in result.stdout
        assert f'--8<-- "tensors/creation_tf.py:{section}-checks"' in shown
    assert not list((project / "snippets" / "tensors").glob("*.py.new"))
    missing = _scaffold(project, "--tabs", "tensors/absent")
    assert missing.returncode == 1 and "creates it" in missing.stderr
