"""Tests findable by module: for each module of site_build/ there is a test file named after
it, or a line below naming the test file that tests it; and no test file imports from another
test file (what tests share lives in tests/stand_ins.py and the other helper modules of tests/,
those not named test_*.py).

tests/ is flat: ``site_build/core/<folder>/<module>.py`` is tested in
``tests/test_<folder>_<module>.py`` (or ``tests/test_<folder>.py`` for a whole folder),
``site_build/core/<module>.py`` and ``site_build/mkdocs/<module>.py`` in
``tests/test_<module>.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from site_build.core.paths import ROOT

TESTS = ROOT / "tests"

# Modules whose tests are named after what they test rather than after the module: module ->
# the test file that tests it (it must import the module) and why it is there.
COVERED_BY = {
    "core/bench/flops.py": ("test_bench_roofs.py", "the layers' costs: the roofline's inputs"),
    "core/bench/gpu.py": ("test_units.py", "the GPU results as a unit of the build"),
    "core/bench/report.py": ("test_bench_roofs.py", "the page's prediction and verdicts"),
    "core/bench/peaks.py": ("test_kit_roofline.py", "the roofs it reads from the benchmarks"),
    "core/bench/worker.py": ("test_bench_measure.py", "what the workers time, with the harness"),
    "core/catalog.py": ("test_catalogs.py", "the catalogs it reads, named in the plural"),
    "core/errors.py": ("test_kit_measurement_cli.py", "a BuildError's message ends a command"),
    "core/fashion/report.py": ("test_fashion_figures.py", "the figures' data and placeholders"),
    "core/fashion/results.py": ("test_fashion_runs.py", "the runs' results, written and read"),
    "core/generated.py": (
        "test_generated_timing.py",
        "its timings; its values: each family's tests",
    ),
    "core/kit/machine.py": ("test_site.py", "the versions the site shows"),
    "core/layout.py": ("test_pages.py", "the pages and languages it lists"),
    "core/learning_curve/backends.py": ("test_keras_backends.py", "named after its page"),
    "core/mnist/figures.py": ("test_mnist_report.py", "the MNIST figures with their tables"),
    "core/mnist/results.py": ("test_mnist_runs.py", "the runs' results, written and read"),
    "core/mnist/spec.py": ("test_mnist_runs.py", "a run's spec and key, with the runs"),
    "core/mnist/worker.py": ("test_mnist_runs.py", "the training process, with the runs"),
    "core/notebook_run.py": ("test_notebook_pages.py", "a notebook executed for its page"),
    "core/page_source.py": ("test_stage.py", "the page sources the stage reads"),
    "core/paths.py": ("test_layers.py", "the project's root, where the layers are read"),
    "mkdocs/comment_includes.py": ("test_code_comments.py", "the comments of shown code"),
    "mkdocs/plugin.py": ("test_build_integrity.py", "the plugin's events in a build"),
}


def _modules() -> list[str]:
    return sorted(
        str(path.relative_to(ROOT / "site_build"))
        for path in (ROOT / "site_build").rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    )


def _named_after(module: str) -> set[str]:
    """The test files a reader looks for first."""
    parts = Path(module).with_suffix("").parts
    inner = parts[1:] if parts[0] == "core" else parts
    names = {f"test_{'_'.join(inner)}.py", f"test_{inner[-1]}.py"}
    if len(inner) > 1:
        names.add(f"test_{inner[0]}.py")
    return names


def _imports(test_file: Path) -> set[str]:
    """The dotted names a test file imports (``from a.b import c`` gives a.b and a.b.c)."""
    names = set()
    for node in ast.walk(ast.parse(test_file.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_every_module_has_a_findable_test_file():
    present = {path.name for path in TESTS.glob("test_*.py")}
    missing = [
        f"site_build/{module}: add tests/{sorted(_named_after(module))[0]}, or name the test "
        "file that tests it in COVERED_BY (tests/test_test_layout.py)"
        for module in _modules()
        if not _named_after(module) & present and module not in COVERED_BY
    ]
    assert not missing, "\n".join(missing)


def test_each_covering_test_file_imports_its_module_and_is_still_needed():
    present = {path.name for path in TESTS.glob("test_*.py")}
    wrong = []
    for module, (test_file, _why) in COVERED_BY.items():
        dotted = "site_build." + module.removesuffix(".py").replace("/", ".")
        if not (ROOT / "site_build" / module).is_file():
            wrong.append(f"{module}: no such module; remove its line")
        elif _named_after(module) & present:
            wrong.append(f"{module}: it has a test file of its name now; remove its line")
        elif not (TESTS / test_file).is_file() or dotted not in _imports(TESTS / test_file):
            wrong.append(f"{module}: tests/{test_file} does not import {dotted}")
    assert not wrong, "\n".join(wrong)


def test_no_test_file_imports_from_another():
    found = [
        f"tests/{path.name} imports {name}: move what they share to tests/stand_ins.py or "
        "another helper module of tests/"
        for path in sorted(TESTS.rglob("test_*.py"))
        for name in _imports(path)
        if name.startswith("tests.") and name.split(".")[1].startswith("test_")
    ]
    assert not found, "\n".join(found)
