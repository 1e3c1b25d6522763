"""Stand-ins for what the tests must not use for real: a trained MNIST run's results, the
data sets' download mirrors (one that fails at once, one served from a local folder), and two
builds started at once."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from site_build.core.mnist_data import IdxSource
from site_build.core.mnist_results import DataInfo, RunResult, TestResult, Weights
from site_build.core.records import Machine
from tests.static_server import serve


def run_result(spec, key: str = "k", weights: Weights | None = None) -> RunResult:
    """A stand-in result of the MNIST run ``spec`` with cache key ``key`` (nothing trained)."""
    return RunResult(
        run=spec.name,
        framework=spec.framework,
        experiment=spec.experiment,
        key=key,
        settings=spec.settings,
        parameters=1,
        input_size=28,
        data=DataInfo(full=False, sizes={}, md5={}, limited_to=None),
        trained_images=1,
        history=[],
        test=TestResult(accuracy=0.5, confusion=[], misclassified=[]),
        seconds=1.0,
        versions={},
        machine=Machine(cpu="cpu", logical_cores=1, memory_gib=None, system="", python="3"),
        created="2026-12-01T00:00:00+00:00",
        weights=weights,
    )


def at_once(build: Callable[[], object], builds: int = 2) -> list[object]:
    """What ``build`` returned in each of ``builds`` threads started together, as builds in
    two terminals; an exception in a thread (which would otherwise pass unseen) fails here."""
    returned, errors = [], []

    def one() -> None:
        try:
            returned.append(build())
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=one) for _ in range(builds)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return returned


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: IdxSource) -> Path:
    """No folder configured for ``source``, an empty cache under ``tmp_path``, and a mirror on
    a port where nothing listens (a download fails at once); returns ``tmp_path``."""
    monkeypatch.delenv(source.env_var, raising=False)
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(source.mirror_env_var, f"http://127.0.0.1:{_free_port()}/")
    return tmp_path


@contextlib.contextmanager
def mirror(folder: Path) -> Iterator[tuple[Path, str]]:
    """A new, empty ``folder`` served on 127.0.0.1 in place of a data set's official mirror,
    so that the download code runs for real: (folder, its URL)."""
    folder.mkdir()
    with serve(folder) as url:
        yield folder, url


class PageConfig(dict):
    """What a page event needs of MkDocs' config, for the tests that call the plugin's page
    hooks directly: no Markdown extension settings and no other plugin."""

    plugins: dict = {}  # noqa: RUF012 - read only


def page_config() -> PageConfig:
    return PageConfig(mdx_configs={})
