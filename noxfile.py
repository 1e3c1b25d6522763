"""Developer tasks for the site. `nox -l` lists them; README.md explains them.

The frameworks, the site generator and the test tools weigh about 3 GB together,
so `docs`, `serve` and `tests` share one virtualenv in `.nox/shared` instead of
each session building its own copy. It is reinstalled only when the pins in
pyproject.toml change (a stamp file records them), so a second run starts at once.
The project itself (the packages `snippets` and `site_build`) is installed into it in
editable mode, so every entry point imports them by name.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
SHARED_ENV = ROOT / ".nox" / "shared"
SHARED_BIN = SHARED_ENV / "bin"
# The dependency group that the shared environment installs; it includes the
# "docs" and "frameworks" groups (see pyproject.toml).
SHARED_GROUP = "test"


def _offline_mnist_dir() -> Path | None:
    """MNIST's offline test split (``shared/data/mnist`` in the checkout or a folder above it,
    README.md "Data"), by the rule of ``site_build/core/paths.py``: read from its file, as nox
    runs outside the environment where the project is installed. None on a fresh clone."""
    spec = importlib.util.spec_from_file_location("_paths", ROOT / "site_build/core/paths.py")
    paths = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(paths)
    return paths.offline_data_dir("mnist")


# Handed to every session as MNIST_DIR unless it is set; without it the loader uses the
# cache and downloads (site_build/core/mnist_data.py).
OFFLINE_MNIST_DIR = _offline_mnist_dir()

# `nox -s tests` runs in one process per core up to this many: the snippet doctests are one
# worker's share whatever the count, and each worker imports both frameworks first.
TEST_WORKERS = 4
# Debian's chromium package, which `nox -s e2e` drives (tests/browser/checks.py names it too).
CHROMIUM = "/usr/bin/chromium"

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests", "docs"]


def _python311(session: nox.Session) -> str:
    """The interpreter for the shared environment: the pinned CPU torch wheel is cp311."""
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    found = shutil.which("python3.11")
    if found is None:
        session.error(
            "Python 3.11 is required (torch==2.13.0 CPU wheel); install it or run nox with it."
        )
    return found


def _shared_env(session: nox.Session) -> dict[str, str]:
    """Create or update the shared virtualenv and return the environment to run commands in."""
    requirements = nox.project.dependency_groups(PYPROJECT, SHARED_GROUP)
    python = _python311(session)
    digest = hashlib.sha256("\n".join([python, *requirements]).encode()).hexdigest()
    stamp = SHARED_ENV / "installed-requirements.sha256"
    if not (SHARED_BIN / "python").exists():
        session.log(f"Creating the shared virtualenv in {SHARED_ENV.relative_to(ROOT)}")
        session.run(python, "-m", "venv", str(SHARED_ENV), external=True)
    if stamp.exists() and stamp.read_text() == digest:
        session.log("Shared virtualenv is up to date with pyproject.toml; nothing to install.")
    else:
        session.log(f"Installing {len(requirements)} pinned requirements (about a minute, ~3 GB)")
        pip = [str(SHARED_BIN / "python"), "-m", "pip"]
        session.run(*pip, "install", "--quiet", "--upgrade", "pip", external=True)
        # One resolver run over every pin, so nothing can drag in another torch.
        session.run(*pip, "install", *requirements, external=True)
        stamp.write_text(digest)
    _install_project(session)
    env = {
        "VIRTUAL_ENV": str(SHARED_ENV),
        "PATH": f"{SHARED_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        # TensorFlow's C++ start-up chatter hides real warnings in logs.
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
    }
    if "MNIST_DIR" not in os.environ and OFFLINE_MNIST_DIR is not None:
        env["MNIST_DIR"] = str(OFFLINE_MNIST_DIR)
        session.log(f"MNIST: MNIST_DIR={OFFLINE_MNIST_DIR}, the offline test split")
    elif "MNIST_DIR" not in os.environ:
        session.log(
            "MNIST: MNIST_DIR is unset and no shared/data/mnist is in or above the checkout: "
            "the loader reads the cache, and downloads the official files with internet access"
        )
    return env


def _install_project(session: nox.Session) -> None:
    """`pip install -e . --no-deps`, skipped while this checkout and pyproject.toml match."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    digest = hashlib.sha256(f"{ROOT}\n{pyproject}".encode()).hexdigest()
    stamp = SHARED_ENV / "installed-project.sha256"
    if stamp.exists() and stamp.read_text() == digest:
        return
    session.log("Installing this checkout's packages (snippets, site_build) in editable mode")
    # setuptools is already in the environment: no isolated build, no download.
    session.run(
        str(SHARED_BIN / "python"),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-e",
        str(ROOT),
        external=True,
    )
    stamp.write_text(digest)


def _run_shared(
    session: nox.Session, program: str, *args: str, extra_env: dict[str, str] | None = None
) -> None:
    env = {**_shared_env(session), **(extra_env or {})}
    session.run(str(SHARED_BIN / program), *args, env=env, external=True)


@nox.session(venv_backend="none")
def tests(session: nox.Session) -> None:
    """Run every test: snippet doctests, page code blocks and the site's consistency checks.

    In one worker process per core, up to TEST_WORKERS (pytest-xdist; conftest.py says how
    the tests are shared out); `nox -s tests -- -n 0` runs them all in this one process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    workers = min(cores, TEST_WORKERS)
    parallel = ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []
    threads = {}
    chosen = "OMP_NUM_THREADS" in os.environ or any(
        arg.startswith(("-n", "--numprocesses")) for arg in session.posargs
    )
    if parallel and not chosen:
        # PyTorch starts one thread per core in each worker: with every worker busy, twice
        # as many threads as cores, and each small operation waits for both of its threads
        # to be scheduled (the MNIST CNN's training steps in the snippet doctests took about
        # twice the CPU time). One core's share per worker, in the processes it starts too.
        # TensorFlow keeps its own default: a check's outcome can depend on its thread count.
        # The build's training and measuring processes drop the share again: their timings
        # are the machine's (site_build/core/kit/process.py, TEST_THREAD_SHARE).
        share = str(max(1, cores // workers))
        threads = {"OMP_NUM_THREADS": share, "SITE_TEST_THREAD_SHARE": share}
    _run_shared(session, "pytest", *parallel, *session.posargs, extra_env=threads)


@nox.session(venv_backend="none")
def check(session: nox.Session) -> None:
    """Check one topic or pair in seconds, one message per problem: -- <topic>[/<name>]."""
    if len(session.posargs) != 1:
        session.error("usage: nox -s check -- <topic>[/<name>]  (for example tensors/creation)")
    # The topic's doctests, twins, sections, includes in both languages, line widths, ruff,
    # the pages' structure and nav: the tests of `tests` that concern it (tests/check_topic.py).
    _run_shared(session, "python", "-m", "tests.check_topic", *session.posargs)


@nox.session(venv_backend="none")
def docs(session: nox.Session) -> None:
    """Build the site into site/ (English at /, Spanish at /es/) with warnings as errors.

    First the stage (`nox -s stage`: train, measure and draw what is out of date, then write
    the staged docs tree, site_build/core/stage.py), then `mkdocs build`, which reads the
    pages, figures and notebooks from that tree (its plugin finds the key staged).
    `-- --fresh` builds with an empty cache (trains, measures and runs every doctest again)
    instead of the results cached in the user's cache folder or $SITE_CACHE_DIR.
    `-- --publish` builds the site a public host serves: it stops at once unless $SITE_URL
    names the public address (README.md, "Publishing the site"); MkDocs checks that before
    it stages.
    """
    publish = {"SITE_PUBLISH": "1"} if "--publish" in session.posargs else {}
    args = [arg for arg in session.posargs if arg != "--publish"]
    empty_cache = "--fresh" in args
    args = [arg for arg in args if arg != "--fresh"]

    def build(env: dict[str, str]) -> None:
        if not publish:
            _run_shared(session, "python", "-m", "site_build.core.stage", extra_env=env)
        _run_shared(
            session,
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            "site",
            *args,
            extra_env={**env, **publish},
        )

    if not empty_cache:
        build({})
        return
    # A new, empty folder for this build only; the shared cache is neither read nor written.
    fresh = tempfile.mkdtemp(prefix="site-fresh-cache-")
    session.log(f"--fresh: caching in the empty folder {fresh} for this build only")
    try:
        build({"SITE_CACHE_DIR": fresh})
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


@nox.session(venv_backend="none")
def stage(session: nox.Session) -> None:
    """Write the staged docs tree: every page with its generated content filled in, and the
    figures beside them, under the cache's staged/<key>/ (site_build/core/stage.py); its
    mkdocs.yml builds it without the site-build plugin."""
    _run_shared(session, "python", "-m", "site_build.core.stage", *session.posargs)


@nox.session(venv_backend="none")
def serve(session: nox.Session) -> None:
    """Preview the site with live reload at http://127.0.0.1:8000 (-- -a HOST:PORT to move it)."""
    _run_shared(session, "mkdocs", "serve", *session.posargs)


@nox.session(venv_backend="none")
def new(session: nox.Session) -> None:
    """Create a snippet pair: nox -s new -- <topic>/<name>; prints the tab block for the pages."""
    _run_shared(session, "python", "-m", "site_build.core.new_snippet", *session.posargs)


@nox.session(venv_backend="none")
def train(session: nox.Session) -> None:
    """Train the MNIST runs whose code, settings, data or versions changed (-- NAME: that run
    only; -- --force: retrain).

    `-- fashion [--full] [--force]`: the Fashion-MNIST runs instead (--full: the long set).
    """
    if session.posargs[:1] == ["fashion"]:
        args = session.posargs[1:]
        _run_shared(session, "python", "-m", "site_build.core.fashion.runs", *args)
        return
    _run_shared(session, "python", "-m", "site_build.core.mnist.runs", *session.posargs)


@nox.session(venv_backend="none")
def units(session: nox.Session) -> None:
    """The build's units of work, to spread over machines (README.md, "Publishing with GitHub
    Actions"): -- list [--json] | run [--shard K/N] [--only NAMES] [--export DIR] | merge DIRS.
    """
    if not session.posargs:
        session.error("usage: nox -s units -- list | run --shard K/N | merge SHARD_DIR ...")
    _run_shared(session, "python", "-m", "site_build.core.units", *session.posargs)


@nox.session(venv_backend="none")
def bench(session: nox.Session) -> None:
    """Rerun the full benchmarks of PyTorch and TensorFlow on this machine (several minutes)."""
    _run_shared(session, "python", "-m", "site_build.core.bench.measure", "--full", "--force")


@nox.session(venv_backend="none")
def buildtimes(session: nox.Session) -> None:
    """Time a cold docs build, a warm one and a warm test run, into benchmarks/build-times.md
    (-- --warm-only: no cold build; -- --no-tests: no test run). Takes the machine a while."""
    _run_shared(
        session,
        "python",
        "-m",
        "site_build.core.build_benchmark",
        "--nox-python",
        sys.executable,
        *session.posargs,
    )


@nox.session(venv_backend="none")
def i18n(session: nox.Session) -> None:
    """List the translated pages whose English original changed later in git history."""
    _run_shared(session, "python", "-m", "site_build.core.translation_status")


@nox.session(venv_backend="none")
def claims(session: nox.Session) -> None:
    """Claims past review first, then verified longest ago (-- N); -- --online asks PyPI and npm.

    Exits non-zero when an entry is past its review date, or (online) when a package's newest
    release no longer matches what a page states. Offline, the registry checks are skipped.
    """
    _run_shared(session, "python", "-m", "site_build.core.claims_review", *session.posargs)


# The release canary (README.md, "Release canary"): these follow their newest releases,
# release candidates included; everything else keeps its pin from the `test` group.
CANARY_PACKAGES = ("tensorflow-cpu", "keras", "tensorboard")
# torch and torchvision join them with `-- --newest-torch`: the weekly workflow does, where
# PyTorch's CPU index serves their newest CPU builds. On the build machines the newest torch
# that installs is a CUDA build of several GB, so they stay at their pins there.
CANARY_TORCH = ("torch", "torchvision")
CANARY_DIR = ROOT / ".cache" / "canary"


@nox.session(python="3.11")
def canary(session: nox.Session) -> None:
    """Run every snippet's doctests on the newest framework releases (-- --newest-torch:
    torch too); the report goes to .cache/canary/report.md and report.json."""
    unknown = [arg for arg in session.posargs if arg != "--newest-torch"]
    if unknown:
        session.error(f"unknown option {unknown[0]}: nox -s canary [-- --newest-torch]")
    follow = CANARY_PACKAGES + (CANARY_TORCH if "--newest-torch" in session.posargs else ())
    requirements = []
    for requirement in nox.project.dependency_groups(PYPROJECT, SHARED_GROUP):
        name = requirement.split("==", 1)[0].strip()
        requirements.append(name if name.lower() in follow else requirement)
    # --pre: a release candidate counts; --upgrade: a reused environment moves on too.
    session.install("--pre", "--upgrade", *requirements)
    session.install("--no-deps", "--no-build-isolation", "-e", ".")
    env = {
        # Doctest records and data of the canary's own: never the build's content cache,
        # whose records hold for the pinned versions only.
        "SITE_CACHE_DIR": str(CANARY_DIR / "site-cache"),
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
    }
    if "MNIST_DIR" not in os.environ and OFFLINE_MNIST_DIR is not None:
        env["MNIST_DIR"] = str(OFFLINE_MNIST_DIR)
    # Fails when an example changed its output or failed; the report is written either way.
    session.run(
        "python",
        "-m",
        "pytest",
        "snippets",
        "-p",
        "tests.canary",
        "--canary-report",
        str(CANARY_DIR),
        "-q",
        env=env,
    )


@nox.session(python="3.11")
def e2e(session: nox.Session) -> None:
    """Check the built site (run docs first) in headless Chromium: pages, links, search, a11y."""
    if not (ROOT / "site" / "index.html").is_file():
        session.error("site/index.html is missing: run nox -s docs first")
    if not Path(CHROMIUM).is_file():
        session.error(f"{CHROMIUM} is missing: apt-get install chromium (see README.md)")
    session.install(*nox.project.dependency_groups(PYPROJECT, "e2e"))
    # The tests in tests/browser/ only: --confcutdir keeps the root conftest.py (which
    # needs the shared environment) out of this small one.
    session.run(
        "pytest",
        "--confcutdir",
        "tests/browser",
        "tests/browser",
        *session.posargs,
        # Playwright must never fetch a browser of its own: it drives Debian's chromium.
        env={"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"},
    )
    # The screenshots stay in this checkout's .cache/, not in the shared cache of results:
    # they picture this checkout's site, which another clone on other code would not build.
    session.log(f"Screenshots: {ROOT / '.cache' / 'e2e' / 'screenshots'}")


@nox.session(venv_backend="none")
def lighthouse(session: nox.Session) -> None:
    """Lighthouse on every page, mobile and desktop (run docs first): performance budgets."""
    if not (ROOT / "site" / "index.html").is_file():
        session.error("site/index.html is missing: run nox -s docs first")
    if not Path(CHROMIUM).is_file():
        session.error(f"{CHROMIUM} is missing: apt-get install chromium (see README.md)")
    if shutil.which("npm") is None:
        session.error("npm is missing: install Node.js 20 or newer (see README.md)")
    # The pinned Lighthouse (tests/lighthouse/package-lock.json); it never downloads a browser.
    session.chdir(ROOT / "tests" / "lighthouse")
    session.run("npm", "ci", "--no-audit", "--no-fund", external=True)
    session.chdir(ROOT)
    session.run(
        sys.executable,
        "-m",
        "tests.lighthouse.run",
        *session.posargs,
        external=True,
        env={"CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)},
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common errors in all Python files with ruff."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")
