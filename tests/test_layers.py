"""The build's layers point one way: snippets <- site_build.core <- site_build.mkdocs.

- ``snippets``: the framework code that pages show. Imports neither ``site_build`` nor MkDocs.
- ``site_build.core``: data, runs, caches, figures, reports, the ledger. Imports ``snippets``,
  never ``site_build.mkdocs`` or ``mkdocs``.
- ``site_build.mkdocs``: the MkDocs plugin; may import everything below it.

Inside ``site_build.core``, the measured pages are folders, one per family (``mnist/``,
``fashion/``, ``bench/``, ``quantization/``, ``data_loading/``, ``mixed_precision/``: every
sub-package but ``kit``), over the shared kit (``kit/``) and the data modules
(``mnist_data``, ``fashion_data``, which pages' code blocks import too). ``family_imports``
checks that:

- the kit and the data modules import no family;
- a family imports only its own folder, the kit, the data modules and the base modules
  (``BASE``: errors, paths, the catalogs, number formatting); so never another family, the
  page-rendering modules (``generated``, ``placeholders``, ``page_source``, ``claims``...)
  or ``site_build.mkdocs``. One family's results reach another through the caller
  (``generated.py`` for the build, a family's ``__main__`` command line: ``ENTRY_POINTS``).

Within ``site_build`` no module imports itself through others (``import_cycles``): a cycle
means neither module can be read, tested or moved without the other; the shared part goes in
a module of its own that both import.

Imports are read with ``ast`` (every ``import`` anywhere in a module, functions included), so
the check does not import torch or TensorFlow. A snippet's doctests are tests, not the
snippet's code: they may load data with ``site_build.core``, as the files in tests/ do.
"""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from site_build.core.paths import ROOT

# Layer (a module prefix) -> the imports it must not make, each with the reason.
FORBIDDEN = {
    "snippets": {
        "site_build": "snippets are shown on pages and import nothing from the build",
        "mkdocs": "snippets are shown on pages and import nothing from the build",
    },
    "site_build.core": {
        "site_build.mkdocs": "core must not depend on the MkDocs adapter",
        "mkdocs": "core must run without MkDocs (training processes, tests, nox sessions)",
    },
    "site_build.mkdocs": {},
}
PACKAGES = ("snippets", "site_build")

CORE = "site_build.core"
KIT = "site_build.core.kit"
DATA = ("site_build.core.mnist_data", "site_build.core.fashion_data")
# What every family may use besides its own folder, the kit and the data.
BASE = (
    "site_build.core.errors",
    "site_build.core.paths",
    "site_build.core.catalog",
    "site_build.core.i18n_format",
)
# A family's command line that drives another family, and which (the reason is above).
ENTRY_POINTS = {"site_build.core.quantization.__main__": ("site_build.core.mnist",)}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def modules(folders: dict[str, Path]) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the packages in ``folders``."""
    found = {}
    for package, folder in folders.items():
        for path in sorted(folder.rglob("*.py")):
            parts = [package, *path.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved.

    ``from a import b`` gives ``a.b`` (b may be a submodule) and ``a`` once for each line.
    """
    source = path.read_text(encoding="utf-8")
    try:
        return list(_imported_names(module, path.name == "__init__.py", source))
    except SyntaxError as error:
        error.filename = str(path)
        raise


@cache
def _imported_names(module: str, is_package: bool, source: str) -> tuple[tuple[int, str], ...]:
    """``imported_names`` of one module's source, parsed once for all the checks and the
    copies of the packages that have the same file (the planted tests re-read the copies;
    only the edited file is parsed again)."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(filter(None, [*anchor, base]))
            # `from site_build import mkdocs` imports the submodule site_build.mkdocs.
            names += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return tuple(names)


def upward_imports(folders: dict[str, Path]) -> list[str]:
    """One message per import that points up a layer, naming the module, line and import."""
    problems = []
    for module, path in modules(folders).items():
        layer = max((p for p in FORBIDDEN if _within(module, p)), key=len, default=None)
        if layer is None:
            continue
        reported = set()
        for line, name in imported_names(module, path):
            for forbidden, reason in FORBIDDEN[layer].items():
                if _within(name, forbidden) and line not in reported:
                    reported.add(line)
                    problems.append(
                        f"{module} ({path.name}:{line}) imports {name}: {reason}. Move the "
                        "shared code down a layer, or the importing code up."
                    )
                    break
    return problems


def families(folders: dict[str, Path]) -> list[str]:
    """The measured pages' folders: every sub-package of site_build.core but the kit."""
    core = folders["site_build"] / "core"
    return sorted(
        f"{CORE}.{path.parent.name}"
        for path in core.glob("*/__init__.py")
        if f"{CORE}.{path.parent.name}" != KIT
    )


def family_imports(folders: dict[str, Path]) -> list[str]:
    """One message per import that crosses the families' lines, naming module, line, import."""
    found = modules(folders)
    names = families(folders)
    problems = []
    base = folders["site_build"].parent
    for module, path in found.items():
        where = path.relative_to(base).as_posix()
        own = next((f for f in names if _within(module, f)), None)
        if own is None and not (_within(module, KIT) or module in DATA):
            continue
        for line, name in imported_names(module, path):
            # `from a import b`: the module a.b if there is one, else a (b is a name in a).
            target = name if name in found else name.rpartition(".")[0]
            if not _within(target, "site_build"):
                continue
            crossed = next((f for f in names if _within(target, f) and f != own), None)
            if own is None:  # the kit or a data module
                if crossed:
                    problems.append(
                        f"{module} ({where}:{line}) imports {target}: the kit and the data "
                        f"modules import no measured page. Move what both need into the kit."
                    )
                continue
            allowed = (own, KIT, *DATA, *BASE, *ENTRY_POINTS.get(module, ()))
            if target in (CORE, "site_build") or any(_within(target, a) for a in allowed):
                continue
            problems.append(
                f"{module} ({where}:{line}) imports {target}: a measured page imports only "
                f"its own folder, {KIT}, the data modules and {', '.join(BASE)}. "
                + (
                    "Let the caller (generated.py) pass the other page's results in."
                    if crossed
                    else "Move what it needs into the kit, or the importing code up."
                )
            )
    return problems


def import_graph(folders: dict[str, Path], package: str = "site_build") -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports (anywhere in the file, type-checking
    imports included: they tie the modules together as much as the others do)."""
    found = {name: path for name, path in modules(folders).items() if _within(name, package)}
    graph = {}
    for module, path in found.items():
        targets = set()
        for _, name in imported_names(module, path):
            # `from a import b`: the module a.b if there is one, else a (b is a name in a).
            target = name if name in found else name.rpartition(".")[0]
            if target in found and target != module:
                targets.add(target)
        graph[module] = targets
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each set of modules that import each other (Tarjan's strongly connected components),
    as one path around it: ``[a, b, a]``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(_path_around(graph, set(component)))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def _path_around(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, within it."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        module = queue.pop(0)
        for target in sorted(graph[module] & component):
            if target == start:
                return [*paths[module], start]
            if target not in paths:
                paths[target] = [*paths[module], target]
                queue.append(target)
    raise AssertionError(f"no path around {component}")  # a component always has one


def cycle_messages(folders: dict[str, Path]) -> list[str]:
    return [
        "import cycle: " + " -> ".join(cycle) + ". Put what they share in a module of its own "
        "that each of them imports."
        for cycle in import_cycles(import_graph(folders))
    ]


def installed_folders() -> dict[str, Path]:
    folders = {}
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        assert spec and spec.submodule_search_locations, (
            f"{package} is not importable: install the project with `pip install -e . --no-deps`"
        )
        folders[package] = Path(next(iter(spec.submodule_search_locations)))
    return folders


def test_every_module_belongs_to_a_layer():
    names = modules(installed_folders())
    assert any(_within(name, "site_build.core") for name in names)
    assert any(_within(name, "site_build.mkdocs") for name in names)
    strays = [n for n in names if n not in PACKAGES and not any(_within(n, p) for p in FORBIDDEN)]
    assert not strays, f"modules outside the three layers (move them into one): {strays}"


def test_imports_point_down_the_layers():
    problems = upward_imports(installed_folders())
    assert not problems, "\n".join(problems)


def test_no_module_imports_itself_through_others():
    problems = cycle_messages(installed_folders())
    assert not problems, "\n".join(problems)


def test_families_import_only_their_folder_and_the_kit():
    folders = installed_folders()
    assert {f.rpartition(".")[2] for f in families(folders)} >= {
        "mnist",
        "fashion",
        "bench",
        "quantization",
        "data_loading",
        "mixed_precision",
    }
    problems = family_imports(folders)
    assert not problems, "\n".join(problems)


def _planted(tmp_path: Path, check, file: str, planted: str) -> list[str]:
    """What ``check`` reports on a copy of the packages with ``planted`` added to ``file``
    (after checking that it reports nothing on the copy as it is)."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    folders = {package: tmp_path / package for package in PACKAGES}
    assert check(folders) == []
    target = tmp_path / file
    target.write_text(target.read_text(encoding="utf-8") + f"\n{planted}\n", encoding="utf-8")
    return check(folders)


@pytest.mark.parametrize(
    ("file", "planted", "cycle"),
    [
        (
            "site_build/core/paths.py",
            "from site_build.core.kit import cache",
            "site_build.core.kit.cache -> site_build.core.paths -> site_build.core.kit.cache",
        ),
        (  # an import only for type checking ties the modules together too
            "site_build/core/errors.py",
            "if TYPE_CHECKING:\n    from .catalog import LANGUAGES",
            "site_build.core.catalog -> site_build.core.errors -> site_build.core.catalog",
        ),
    ],
)
def test_a_planted_import_cycle_is_named(tmp_path, file, planted, cycle):
    problems = _planted(tmp_path, cycle_messages, file, planted)
    assert len(problems) == 1 and f"import cycle: {cycle}." in problems[0], problems


@pytest.mark.parametrize(
    ("file", "planted", "expected"),
    [
        (
            "site_build/core/kit/cache.py",
            "from site_build.mkdocs import plugin",
            "site_build.core.kit.cache (cache.py:",
        ),
        ("site_build/core/claims.py", "import mkdocs.exceptions", "imports mkdocs.exceptions"),
        ("snippets/tensors/creation_torch.py", "from site_build.core import cache", "snippets."),
        ("site_build/core/paths.py", "from ..mkdocs import files", "site_build.mkdocs.files"),
    ],
)
def test_a_planted_upward_import_is_reported(tmp_path, file, planted, expected):
    problems = _planted(tmp_path, upward_imports, file, planted)
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize(
    ("file", "planted", "expected"),
    [
        (  # one family reaching into another
            "site_build/core/fashion/report.py",
            "from site_build.core.mnist import results",
            "site_build.core.fashion.report (site_build/core/fashion/report.py:",
        ),
        (  # a family reaching up to the page-rendering modules
            "site_build/core/bench/results.py",
            "from site_build.core.placeholders import Kind",
            "imports site_build.core.placeholders: a measured page imports only",
        ),
        (
            "site_build/core/data_loading/measure.py",
            "import site_build.mkdocs.plugin",
            "imports site_build.mkdocs.plugin",
        ),
        (  # the kit depends on no measured page
            "site_build/core/kit/machine.py",
            "from site_build.core.bench.results import BenchResults",
            "site_build.core.kit.machine (site_build/core/kit/machine.py:",
        ),
        (  # nor does a data module
            "site_build/core/mnist_data.py",
            "from site_build.core.mnist import spec",
            "imports site_build.core.mnist.spec: the kit and the data modules",
        ),
    ],
)
def test_a_planted_import_across_families_is_named(tmp_path, file, planted, expected):
    problems = _planted(tmp_path, family_imports, file, planted)
    assert len(problems) == 1 and expected in problems[0], problems


def test_nothing_edits_the_import_path():
    """The packages are installed; nothing in the project may reach around that."""
    words = ["sys" + ".path", "PYTHON" + "PATH"]
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "grep", "-n", "-e", words[0], "-e", words[1]],
        capture_output=True,
        text=True,
        check=False,
    )
    if tracked.returncode not in (0, 1):  # a copy without git: read the files instead
        pytest.skip("not a git checkout")
    lines = [
        line for line in tracked.stdout.splitlines() if not line.startswith("tests/test_layers")
    ]
    assert not lines, "edits of the import path (install the packages instead):\n" + "\n".join(
        lines
    )
