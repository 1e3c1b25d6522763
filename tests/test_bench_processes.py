"""A benchmark run killed with SIGKILL leaves nothing behind for good (issue 13, item 7).

The workers write their exports and compiler caches under the cache folder
(``<cache>/benchmarks/scratch/run-<pid>/``), never in the system's temporary folder; a run
that is killed cannot remove its folder, so the next run removes the folders of runs whose
process is gone, and leaves those of a run still going alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from site_build.core.bench import measure as benchmarks
from site_build.core.bench import processes as bench_processes
from site_build.core.paths import ROOT

# A build in its own process group: it starts a worker (NumPy's matrix product, quick to
# prepare), says so, and waits; the test kills the whole group, as Ctrl-\ or the OOM killer
# would.
KILLED_BUILD = textwrap.dedent(
    """
    import dataclasses, os, sys
    from site_build.core.bench import processes as bench_processes
    from site_build.core.bench import measure as benchmarks

    settings = dataclasses.replace(
        benchmarks.settings_for("short", threads=1), matmul_size=64, warmup=0
    )
    scratch = bench_processes.scratch_folder()
    worker = bench_processes.WorkerProcess(
        "numpy", "peak", "matmul", settings, bench_processes.worker_env(1, scratch)
    )
    print(os.getpid(), flush=True)
    sys.stdin.read()
    """
)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_killed_run_leaves_its_files_under_the_cache_and_the_next_run_removes_them(
    cache, tmp_path
):
    system_tmp = tmp_path / "tmp"
    system_tmp.mkdir()
    env = {**os.environ, "SITE_CACHE_DIR": str(cache), "TMPDIR": str(system_tmp)}
    build = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        pid = int(build.stdout.readline())
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    left = bench_processes.scratch_root() / f"run-{pid}"
    # What the killed run left: its folder under the cache, with the worker's folder in it.
    assert [p.name.split("-")[0] for p in (left / "tmp").iterdir()] == ["numpy"]
    assert list(system_tmp.iterdir()) == []

    # Another build that is still running keeps its folder.
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = bench_processes.scratch_root() / f"run-{alive.pid}"
        busy.mkdir()
        folder = bench_processes.scratch_folder()  # the next run starts
        assert not left.exists()
        assert busy.exists()
        assert folder == bench_processes.scratch_root() / f"run-{os.getpid()}"
    finally:
        alive.kill()
        alive.wait()
    # Once that build is gone, its folder goes too (and so does this run's, when it ends).
    assert sorted(bench_processes.clear_stale_scratch()) == sorted([busy, folder])


def test_a_finished_run_removes_its_folder(cache, monkeypatch):
    seen = []

    def fake_run(settings, env):
        seen.append(env["TMPDIR"])
        return "results"

    monkeypatch.setattr(benchmarks, "_run_benchmarks", fake_run)
    assert benchmarks.run_benchmarks(benchmarks.settings_for("short")) == "results"
    assert seen and seen[0].startswith(str(bench_processes.scratch_root()))
    assert list(bench_processes.scratch_root().iterdir()) == []
