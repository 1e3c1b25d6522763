"""The registry of the frameworks (site_build/core/kit/frameworks.py): one line per
framework, and the only place the build writes a framework's name."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from site_build.core.kit.frameworks import (
    COLOURS,
    COMPARED,
    DARK_COLOURS,
    LIBRARIES,
    MODULES,
    NAMES,
    REGISTRY,
)
from site_build.core.paths import ROOT


def test_each_line_is_found_under_its_own_key():
    assert all(key == framework.key for key, framework in REGISTRY.items())
    assert set(COMPARED) <= set(REGISTRY)
    for table in (NAMES, COLOURS, DARK_COLOURS, LIBRARIES, MODULES):
        assert list(table) == list(REGISTRY)


def test_a_compared_frameworks_key_is_the_suffix_of_its_snippets():
    for key in COMPARED:
        assert (ROOT / "snippets" / "mnist" / f"model_{key}.py").is_file(), key


def test_a_framework_records_the_version_of_what_it_imports():
    for framework in REGISTRY.values():
        assert framework.module in framework.libraries
        for library in framework.libraries:
            assert importlib.util.find_spec(library) is not None, library


def test_the_frameworks_differ_in_name_and_in_colour_in_each_scheme():
    assert len(set(NAMES.values())) == len(REGISTRY)
    assert len(set(COLOURS.values())) == len(REGISTRY)
    assert len(set(DARK_COLOURS.values())) == len(REGISTRY)


def _strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_other_module_of_the_build_writes_a_frameworks_name():
    """A page, a figure or a progress line takes the name from the registry (``NAMES``), so a
    new measured page cannot start its own dictionary of names again."""
    names = set(NAMES.values())
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}: use kit.frameworks.NAMES"
        for path in sorted((ROOT / "site_build").rglob("*.py"))
        if path.name != "frameworks.py"
        for line, value in _strings(path)
        if value in names
    ]
    assert not found, "\n".join(found)
