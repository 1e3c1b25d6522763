"""The benchmark worker processes, seen from the orchestrator, and their scratch folder.

``WorkerProcess`` starts one ``bench/worker.py`` process and speaks its line protocol
(a ``Setup`` when ready, a ``Timed`` per task for each ``run``, the peak memory on
``done``); ``interleaved`` keeps a PyTorch and a TensorFlow worker of the same kind of
measurement alive together and asks them in turn, so that a slow minute of a shared
machine falls on both alike. ``measure_imports`` times ``import torch`` and
``import tensorflow`` in fresh interpreters, interleaved too.

Everything the workers write (exports, TorchInductor's cache, temporary files) goes to one
folder per run, ``<cache>/benchmarks/scratch/run-<pid>/`` (``scratch_folder``), never to
the system's temporary folder: a run removes its folder when it ends, and a run that was
killed (SIGKILL, the OOM killer) leaves it to the next run, which removes the folders of
runs whose process is gone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from site_build.core.bench.results import Rates, Settings, Setup, Timed, WorkerRecord
from site_build.core.errors import BuildError
from site_build.core.kit.cache import cache_root
from site_build.core.kit.frameworks import NAMES
from site_build.core.kit.process import progress
from site_build.core.kit.records import from_json
from site_build.core.paths import ROOT


class BenchmarkFailed(BuildError):
    """A worker process failed; the message carries the end of its error output."""


# The workers' scratch folder: one per run, under the cache -----------------------------------


def scratch_root() -> Path:
    return cache_root() / "benchmarks" / "scratch"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_stale_scratch() -> list[Path]:
    """Remove the folders of runs whose process is gone (killed); returns what it removed."""
    removed = []
    for folder in scratch_root().glob("*") if scratch_root().is_dir() else ():
        match = re.fullmatch(r"run-(\d+)", folder.name)
        if match and _alive(int(match[1])) and int(match[1]) != os.getpid():
            continue  # another build's run, still going
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def scratch_folder() -> Path:
    """A new, empty folder for this process's run, after clearing those of killed runs."""
    clear_stale_scratch()
    folder = scratch_root() / f"run-{os.getpid()}"
    folder.mkdir(parents=True)
    return folder


# The worker processes -------------------------------------------------------------------------


def launch(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    """Start a process with pipes; the one place that starts them (tests replace it)."""
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def worker_env(threads: int, scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # NumPy's BLAS and OpenMP get the same thread count as the frameworks.
    env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = str(threads)
    # An empty compiler cache for each run, so compile times are those of a first build.
    env["TORCHINDUCTOR_CACHE_DIR"] = str(scratch / "inductor")
    # Whatever a library writes to a temporary file stays in the run's folder too.
    (scratch / "tmp").mkdir(parents=True, exist_ok=True)
    env["TMPDIR"] = str(scratch / "tmp")
    return env


class WorkerProcess:
    def __init__(
        self, framework: str, kind: str, config: str, settings: Settings, env: dict[str, str]
    ):
        self.label = f"{NAMES[framework]} {kind} {config}"
        command = [sys.executable, "-m", "site_build.core.bench.worker", framework, kind]
        command += [config, env["TMPDIR"], json.dumps(settings.to_json())]
        self.process = launch(command, env)
        self.ready = Setup.from_json(self._receive())

    def _receive(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            tail = self.process.stderr.read().strip().splitlines()[-15:]
            raise BenchmarkFailed(f"{self.label} failed:\n" + "\n".join(tail))
        return json.loads(line)

    def run(self) -> dict[str, Timed]:
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        return {task: from_json(Timed, value) for task, value in self._receive().items()}

    def finish(self) -> float:
        """Peak memory in MiB, once the worker has stopped."""
        self.process.stdin.write("done\n")
        self.process.stdin.flush()
        final = self._receive()
        self.process.communicate()
        return final["max_rss_mib"]


log = progress("bench")


def measure_imports(settings: Settings, env: dict[str, str]) -> dict[str, Rates]:
    """Seconds to import each framework in a fresh interpreter, interleaved."""
    code = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
    repeats: dict[str, list[float]] = {"torch": [], "tf": []}
    for _ in range(settings.repeats):
        for framework, module in (("torch", "torch"), ("tf", "tensorflow")):
            process = launch([sys.executable, "-c", code.format(module)], env)
            out, err = process.communicate()
            if process.returncode:
                raise BenchmarkFailed(f"import {module} failed:\n{err[-2000:]}")
            repeats[framework].append(float(out.strip().splitlines()[-1]))
    return {fw: Rates.of(values) for fw, values in repeats.items()}


def interleaved(
    members: list[tuple[str, str, str]], settings: Settings, env: dict[str, str]
) -> list[WorkerRecord]:
    """Start one worker per (framework, kind, config), then ask them in turn for repeats."""
    processes: list[WorkerProcess] = []
    try:
        for framework, kind, config in members:
            processes.append(WorkerProcess(framework, kind, config, settings, env))
        runs: list[list[dict[str, Timed]]] = [[] for _ in processes]
        for _ in range(settings.repeats):
            for process, collected in zip(processes, runs, strict=True):
                collected.append(process.run())
        return [
            WorkerRecord(*member, process.ready, process.finish(), tuple(collected))
            for member, process, collected in zip(members, processes, runs, strict=True)
        ]
    finally:
        for process in processes:
            if process.process.poll() is None:
                process.process.kill()
