"""A throw-away copy of the project, for tests that make a contributor's mistake on purpose."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from site_build.core.layout import ROOT

PROJECT_FILES = ("conftest.py", "pyproject.toml", "mkdocs.yml", "CONTRIBUTING.md")
PROJECT_FOLDERS = ("docs", "snippets", "claims", "tests", "site_build", "overrides")


def copy_project(destination: Path) -> Path:
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, destination / name)
    for name in PROJECT_FOLDERS:
        shutil.copytree(
            ROOT / name, destination / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    return destination


def run_module(project: Path, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m module` inside `project` with the current interpreter, as nox would."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONDONTWRITEBYTECODE": "1",
            # Copies share the project's cache of training results: their keys are made
            # from file contents, so a copy with the same MNIST code reuses them.
            "SITE_CACHE_DIR": os.environ.get("SITE_CACHE_DIR", str(ROOT / ".cache")),
        },
        check=False,
    )


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
