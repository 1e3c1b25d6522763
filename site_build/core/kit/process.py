"""Running a module in its own process, as every measured page does: training and measuring
happen in a fresh interpreter (``python -m MODULE ...`` from the project root), never in the
build's process, so that one framework's threads, memory and import state never touch the
other's or the build's.

``ModuleProcess`` starts one and reads its error output on a thread of its own: progress
lines are passed on to the build's log as they come (all of them, or only those that start
with ``show``), and the last lines are kept. ``finish`` waits for it and gives the reason it
failed, if it did: its last ``error: ...`` line (the line every project command line prints
on a failure), else the end of its error output. ``run_module`` is the one-process case.
Several processes may run side by side (Fashion-MNIST trains both frameworks at once): their
lines never interleave mid-line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Mapping

from site_build.core.paths import ROOT

_LOG = threading.Lock()  # one progress line at a time, whichever process wrote it


def progress(family: str) -> Callable[[str], None]:
    """The progress printer of one measured family: ``[family] message`` on standard error,
    flushed at once, so a long measurement shows where it is while it runs."""

    def log(message: str) -> None:
        print(f"[{family}] {message}", file=sys.stderr, flush=True)

    return log


def failure_reason(tail: list[str]) -> str:
    """The last ``error: `` line of a failed process, else the end of its error output."""
    messages = [line.removeprefix("error: ") for line in tail if line.startswith("error: ")]
    return messages[-1] if messages else "\n".join(tail)


# `nox -s tests` gives each of its workers one share of the cores for PyTorch's threads
# (OMP_NUM_THREADS, its value noted in this variable too). A process that trains or measures
# for a page must not inherit that share: the pages give the machine's timings at the
# frameworks' own thread counts, whichever command filled the cache. A value the user chose
# (no note, or another value) is passed on.
TEST_THREAD_SHARE = "SITE_TEST_THREAD_SHARE"


def without_test_thread_share(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without the thread share that `nox -s tests` gave its workers."""
    env = dict(env)
    share = env.pop(TEST_THREAD_SHARE, None)
    if share is not None and env.get("OMP_NUM_THREADS") == share:
        del env["OMP_NUM_THREADS"]
    return env


class ModuleProcess:
    """``python -m module *args`` from the project root, its error output read as it comes
    (in the environment ``env``, else this process's, less a test worker's thread share)."""

    def __init__(
        self,
        module: str,
        *args: str,
        env: dict[str, str] | None = None,
        show: str | None = None,
        capture: bool = False,
        keep: int = 30,
    ) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.PIPE,
            text=True,
            env=without_test_thread_share(os.environ if env is None else env),
        )
        self.tail: deque[str] = deque(maxlen=keep)
        self._reader = threading.Thread(target=self._read, args=(show,), daemon=True)
        self._reader.start()

    def _read(self, show: str | None) -> None:
        for line in self.process.stderr:
            self.tail.append(line.rstrip())
            if show is None or line.startswith(show):
                with _LOG:
                    sys.stderr.write(line)
                    sys.stderr.flush()

    def finish(self) -> tuple[str | None, str]:
        """(None when it succeeded, else the reason it failed; its standard output, when
        captured)."""
        out = self.process.stdout.read() if self.process.stdout else ""
        code = self.process.wait()
        self._reader.join()
        return (None if code == 0 else failure_reason(list(self.tail))), out


def quiet_tensorflow() -> dict[str, str]:
    """The environment with TensorFlow's C++ log lines at warnings and above, unless the
    caller's environment says otherwise."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}


def run_module(module: str, *args: str, failed: Callable[[str], Exception], **options) -> str:
    """Run ``python -m module *args`` (``ModuleProcess``'s options) to its end; its standard
    output when captured. A failure raises ``failed(reason)``."""
    reason, out = ModuleProcess(module, *args, **options).finish()
    if reason is not None:
        raise failed(reason)
    return out
