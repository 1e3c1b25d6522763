"""A throw-away copy of the project, for tests that make a contributor's mistake on purpose."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from site_build.core.kit.cache import cache_root
from site_build.core.layout import ROOT, dump_mkdocs_yml, load_mkdocs_yml

PROJECT_FILES = ("conftest.py", "pyproject.toml", "mkdocs.yml", "CONTRIBUTING.md")
PROJECT_FOLDERS = ("docs", "snippets", "claims", "tests", "site_build", "overrides")
# The snippets that the build itself runs (training, measurements), not only shows: their
# content is part of the cache keys, so an empty project copy needs them to build warm.
BUILD_SNIPPETS = (
    "__init__.py",
    "ruff.toml",  # not a snippet: the 80 columns of shown code, which ruff formats to
    "_torchvision_cpu.py",
    "mnist",
    "seed_replay",
    "data_loading",
    "quantization",
    "benchmarks",
    "fashion",
    "mixed_precision",
    "learning_curve",  # the Keras model trained on its three backends
)
HOME_TITLES = {"en": "Home", "es": "Inicio"}
IGNORE = shutil.ignore_patterns("__pycache__")


def read_config(path: Path) -> dict:
    """mkdocs.yml of a project copy, to edit and give to ``write_config``."""
    return load_mkdocs_yml(path.read_text(encoding="utf-8"))


def write_config(path: Path, settings: dict) -> None:
    path.write_text(dump_mkdocs_yml(settings), "utf-8")


def copy_project(destination: Path) -> Path:
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, destination / name)
    for name in PROJECT_FOLDERS:
        shutil.copytree(ROOT / name, destination / name, ignore=IGNORE)
    return destination


def copy_empty_project(destination: Path) -> Path:
    """The project's code, tests and configuration with no content of its own: a home page
    in each language, the snippets the build trains and an empty claims ledger. A
    contributor's unfinished page or pair in this checkout cannot make a self-test of the
    checks fail in such a copy."""
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, destination / name)
    for name in ("tests", "site_build", "overrides"):
        shutil.copytree(ROOT / name, destination / name, ignore=IGNORE)
    (destination / "claims").mkdir()  # no page cites the project's claims here
    for name in BUILD_SNIPPETS:
        source, target = ROOT / "snippets" / name, destination / "snippets" / name
        target.parent.mkdir(exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=IGNORE)
        else:
            shutil.copy2(source, target)
    for language, title in HOME_TITLES.items():
        (destination / "docs" / language).mkdir(parents=True)
        home = f"---\ndescription: The {language} home page of a project copy.\n---\n\n# {title}\n"
        (destination / "docs" / language / "index.md").write_text(home, "utf-8")
    config = destination / "mkdocs.yml"
    settings = read_config(config)
    settings["nav"] = [{"Home": "index.md"}]
    for plugin in settings["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            for language in plugin["i18n"]["languages"]:
                if "nav_translations" in language:
                    language["nav_translations"] = {"Home": HOME_TITLES[language["locale"]]}
    write_config(config, settings)
    return destination


# The topic and pair a contributor adds in ``scaffold_project``, and its pages.
SCAFFOLDED_PAIR = "shapes/broadcasting"
SCAFFOLDED_NAV = ("Shapes", "shapes.md", "Formas")  # title, page, Spanish title


def add_to_nav(project: Path, title: str, page: str, spanish_title: str | None) -> None:
    """What the scaffold asks of a new topic: a nav entry and its Spanish title."""
    config = project / "mkdocs.yml"
    settings = read_config(config)
    settings["nav"].append({title: page})
    for plugin in settings["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin and spanish_title:
            for language in plugin["i18n"]["languages"]:
                if language["locale"] == "es":
                    language["nav_translations"][title] = spanish_title
    write_config(config, settings)


def scaffold_project(destination: Path) -> subprocess.CompletedProcess[str]:
    """An empty project copy in ``destination`` where a contributor added the topic shapes
    with its first pair, correctly, as CONTRIBUTING.md says: the scaffold, then the nav
    entry it asks for. Returns what the scaffold printed (the nav is added only if it
    succeeded)."""
    copy_empty_project(destination)
    created = run_module(destination, "site_build.core.new_snippet", SCAFFOLDED_PAIR)
    if created.returncode == 0:
        add_to_nav(destination, *SCAFFOLDED_NAV)
    return created


def run_module(
    project: Path, module: str, *args: str, bytecode: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m module` inside `project` with the current interpreter, as nox would.

    It writes no bytecode, or, with ``bytecode``, writes it there and never beside the
    sources (``PYTHONPYCACHEPREFIX``)."""
    env = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        # Copies share the project's cache of training results: their keys are made
        # from file contents, so a copy with the same MNIST code reuses them.
        "SITE_CACHE_DIR": os.environ.get("SITE_CACHE_DIR", str(cache_root())),
    }
    if bytecode is not None:
        del env["PYTHONDONTWRITEBYTECODE"]
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def copies_bytecode() -> Path:
    """One bytecode folder for the checks of every project copy in this test process.

    The check writes bytecode under a pycache prefix (tests/check_topic.py), and Python
    then reads bytecode only there, never from the __pycache__ folders beside the installed
    packages: in each fresh copy's empty .cache/pycache, every check would compile pytest,
    torch and TensorFlow from source again. This folder starts as that prefix would look
    after such a compile: the installed packages' and the standard library's own bytecode,
    hard-linked to the place a prefix puts it (Python still checks each file against its
    source). Each copy adds only its own files, under its own path. Removed when the process
    exits."""
    folder = Path(_bytecode_folder().name)
    if not any(folder.iterdir()):
        _link_installed_bytecode(folder)
    return folder


@cache
def _bytecode_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="copies-bytecode-")


def _link_installed_bytecode(prefix: Path) -> None:
    """``<dir>/__pycache__/<name>.<tag>.pyc`` as ``prefix/<dir>/<name>.<tag>.pyc``; where
    no hard link can be made (another file system), the checks compile what is missing."""
    ending = f".{sys.implementation.cache_tag}.pyc"
    roots = {sysconfig.get_path(key) for key in ("stdlib", "purelib", "platlib")}
    for root in sorted(roots):
        for folder, _, files in os.walk(root):
            if os.path.basename(folder) != "__pycache__":
                continue
            target = prefix / Path(folder).parent.relative_to("/")
            for name in files:
                if name.endswith(ending) and name.count(".") == 2:  # not .opt-1.pyc
                    target.mkdir(parents=True, exist_ok=True)
                    try:
                        os.link(os.path.join(folder, name), target / name)
                    except FileExistsError:  # roots that overlap
                        continue
                    except OSError:
                        return


def link_or_copy(source: str, target: str | Path) -> None:
    """A hard link where the file system allows it, else a copy. (For bytecode: Python
    writes a new file and renames it, never changes one in place.)"""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_module(project, "pytest", "-p", "no:cacheprovider", *args)


def git(project: Path, *args: str) -> str:
    """Run git in `project` as a contributor with a fixed identity would."""
    result = subprocess.run(
        ["git", "-c", "user.name=Contributor", "-c", "user.email=contributor@example.org", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def build_site(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    return run_module(project, "mkdocs", "build", "--strict", "--site-dir", str(site_dir))


@dataclass
class CheckRun:
    """What `nox -s check -- TARGET` printed, read the way a contributor reads it."""

    returncode: int
    message: str  # the failure's message, between the headline and "(found by ...)"
    failed: int  # how many checks failed or could not be collected
    seconds: float
    stdout: str


def run_check(project: Path, target: str) -> CheckRun:
    """Run the command behind `nox -s check -- TARGET` in `project` (its bytecode in
    ``copies_bytecode()``)."""
    started = time.perf_counter()
    result = run_module(project, "tests.check_topic", target, bytecode=copies_bytecode())
    seconds = time.perf_counter() - started
    out = result.stdout
    message = ""
    if ": a problem (" in out:
        message = out.split(": a problem (", 1)[1].split("\n", 1)[1]
        message = message.split("\n(found by ")[0].strip()
    failed = sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)\b", out.splitlines()[-1]))
    return CheckRun(
        result.returncode,
        message or result.stderr.strip(),
        failed,
        seconds,
        out,
    )


def build_problem(result: subprocess.CompletedProcess[str]) -> str:
    """What a failed `mkdocs build` said that matters: its warnings, errors and last line."""
    lines = result.stderr.splitlines()
    kept = [line for line in lines if line.startswith(("WARNING", "ERROR", "Error", "Aborted"))]
    return "\n".join(kept or lines[-15:])


class SiteBuild:
    """One build shared by the tests of a module, whose failure is reported once.

    A module-scoped fixture that fails repeats its error in every test that uses it; with
    ``site = SiteBuild(root, folder)`` the first test that calls ``site.folder()`` fails with
    the build's warnings and errors, and the others are skipped with one line.
    """

    def __init__(self, project: Path, site_dir: Path) -> None:
        self.project, self.site_dir = project, site_dir
        self.result: subprocess.CompletedProcess[str] | None = None
        self.reported = False

    def folder(self) -> Path:
        if self.result is None:
            self.result = build_site(self.project, self.site_dir)
        if self.result.returncode == 0:
            return self.site_dir
        if self.reported:
            pytest.skip("the site did not build; the first test that needed it says why")
        self.reported = True
        pytest.fail(f"mkdocs build --strict failed:\n{build_problem(self.result)}", pytrace=False)


if __name__ == "__main__":
    # `python -m tests.contributor_copy FOLDER`: a scaffolded project copy in the new, empty
    # FOLDER, for the browser check of the preview, which runs without this environment.
    scaffolded = scaffold_project(Path(sys.argv[1]))
    print(scaffolded.stdout, scaffolded.stderr, sep="", end="")
    sys.exit(scaffolded.returncode)
