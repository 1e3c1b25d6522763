"""The scaffold behind `nox -s new`: it creates a passing pair and refuses bad names."""

from __future__ import annotations

import subprocess

from tests.contributor_copy import copy_project, run_module, run_pytest


def _scaffold(project, *args: str) -> subprocess.CompletedProcess[str]:
    return run_module(project, "site_build.core.new_snippet", *args)


def test_scaffold_creates_a_pair_whose_doctests_pass(tmp_path):
    project = copy_project(tmp_path)
    result = _scaffold(project, "shapes/broadcasting")
    assert result.returncode == 0, result.stderr
    created = ["__init__.py", "broadcasting_torch.py", "broadcasting_tf.py"]
    assert all((project / "snippets" / "shapes" / name).is_file() for name in created)
    for language, title in (("en", "Checked by the tests"), ("es", "Comprobado por las pruebas")):
        assert f"Paste into docs/{language}/shapes.md" in result.stdout
        assert f'```pycon title="{title}"' in result.stdout
    assert '--8<-- "shapes/broadcasting_tf.py:example-checks"' in result.stdout

    doctests = run_pytest(project, "snippets/shapes")
    assert doctests.returncode == 0, doctests.stdout
    assert "2 passed" in doctests.stdout


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
