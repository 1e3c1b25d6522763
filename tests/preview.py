"""The preview (`nox -s serve`, which runs `mkdocs serve`) of a project copy, for the tests
that watch it react to a contributor's saves: the journey test over HTTP
(tests/test_contributor_journey.py) and the browser check in Chromium (tests/browser/).

Only the standard library: the browser checks run in their own small environment, and start
the preview with the shared environment's Python, the one `nox -s serve` uses.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The environment `nox -s docs` and `nox -s serve` create and run in (noxfile.py).
SHARED_PYTHON = ROOT / ".nox" / "shared" / "bin" / "python"


def _offline_mnist_dir() -> Path | None:
    """MNIST's offline test split, which `nox -s serve` hands the build (noxfile.py), by the
    rule of site_build/core/paths.py, read from its file (this module imports no project
    package)."""
    spec = importlib.util.spec_from_file_location("_paths", ROOT / "site_build/core/paths.py")
    paths = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(paths)
    return paths.offline_data_dir("mnist")


OFFLINE_MNIST_DIR = _offline_mnist_dir()


def replace(path: Path, old: str, new: str) -> None:
    """A contributor's edit: ``old`` becomes ``new`` in ``path`` (``old`` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def page_showing(url: str, expected: str, absent: str = "", seconds: float = 90) -> str:
    """The page at ``url`` once it shows ``expected`` (and not ``absent``); AssertionError
    with the last page seen after ``seconds``."""
    deadline, html = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                html = unescape(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            html = ""
        if expected in html and not (absent and absent in html):
            return html
        time.sleep(0.1)  # a refused connection or a page read costs milliseconds
    raise AssertionError(f"{url} did not show {expected!r} within {seconds:.0f} s:\n{html[-1500:]}")


def _serve_environment() -> dict[str, str]:
    """This process's environment, with what `nox -s serve` adds to it."""
    env = dict(os.environ)
    if "MNIST_DIR" not in env and OFFLINE_MNIST_DIR is not None:
        env["MNIST_DIR"] = str(OFFLINE_MNIST_DIR)
    return env


@contextmanager
def preview(project: Path, log: Path, python: Path | str = sys.executable) -> Iterator[str]:
    """`mkdocs serve` of ``project`` on a free port, as `nox -s serve` starts it: its
    address, while the block runs. What it printed is in ``log`` afterwards, and must hold
    no traceback."""
    port = free_port()
    with log.open("w", encoding="utf-8") as output:
        serve = subprocess.Popen(
            [str(python), "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**_serve_environment(), "PYTHONDONTWRITEBYTECODE": "1"},
        )
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            serve.terminate()
            serve.wait(timeout=30)
    printed = log.read_text(encoding="utf-8")
    assert "Traceback" not in printed, printed[-3000:]
