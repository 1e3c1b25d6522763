"""How long the build and the tests take here: a cold build, a warm build, a warm test run.

``nox -s buildtimes`` runs it (README.md, "How long a build takes"); it is a measurement, not
a test, and it writes nothing the site shows. In order, each as a contributor types it:

1. ``nox -s docs`` with ``$SITE_CACHE_DIR`` pointing at a new, empty folder (the cold build a
   fresh clone makes, the environment already installed);
2. ``nox -s docs`` again on that cache (the warm build);
3. ``nox -s tests`` on that cache (the warm test run, as CI runs it after the build).

For each it records the wall time, the CPU time of every process it started (user + system,
which load on a shared machine inflates less than the wall time) and, for the builds, their
``Stage timing`` and ``Build timing`` lines; then it appends one section to
``benchmarks/build-times.md`` with the machine (``kit/machine.py``), its load when the run
started, and the library versions.

``--warm-only`` leaves out the cold build and measures the warm ones on ``$SITE_CACHE_DIR``
(or the user's cache); the section says so. ``--no-tests`` leaves out the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from site_build.core.kit.cache import CACHE_ENV
from site_build.core.kit.machine import describe, versions
from site_build.core.paths import ROOT

NOTES = ROOT / "benchmarks" / "build-times.md"
NOTES_HEADER = """# How long the build and the tests take

Each section below is one run of `nox -s buildtimes` (`site_build/core/build_benchmark.py`):
a cold `nox -s docs` on an empty cache folder (the environment already installed), a warm
`nox -s docs` on the cache it filled, and a warm `nox -s tests`, on the machine it names.
Wall time depends on what else the machine runs (its load average when the run started is
noted); CPU time is the user + system time of every process the step started.
"""
# The stage process prints what it trained, measured and drew; MkDocs' plugin then prints
# its own lines, repeating the stage's steps (as cached) before its start-up and rendering.
STAGE_PREFIX = "Stage timing | "
TIMING_PREFIX = "Build timing | "


@dataclass
class Step:
    name: str
    wall_s: float
    cpu_s: float
    returncode: int
    timing_lines: list[str] = field(default_factory=list)
    last_line: str = ""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_step(name: str, command: list[str], env: dict[str, str]) -> Step:
    """Run ``command``, echoing its output, and time it."""
    print(f"== {name}: {' '.join(command)}", flush=True)
    cpu_before, started = _children_cpu(), time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    output = []
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        output.append(line.rstrip("\n"))
    returncode = process.wait()
    last = next((text.strip() for text in reversed(output) if text.strip()), "")
    return Step(
        name,
        time.perf_counter() - started,
        _children_cpu() - cpu_before,
        returncode,
        timing_lines(output),
        last,
    )


def timing_lines(output: list[str]) -> list[str]:
    """The timed steps a build printed: the stage's, then the plugin's own (start-up and
    rendering). The plugin's repeats of a step the stage timed are left out: on a cold build
    they say "cached", since the stage had just made them. Not the preview notice, which
    says nothing about time."""
    stage, plugin = [], []
    for text in output:
        for prefix, lines in ((STAGE_PREFIX, stage), (TIMING_PREFIX, plugin)):
            if prefix in text and " s (" in text:
                lines.append(text.split(prefix, 1)[1])
    timed = {line.split(":", 1)[0] for line in stage}
    return stage + [line for line in plugin if line.split(":", 1)[0] not in timed]


def section(steps: list[Step], cold: bool, load: tuple[float, float, float]) -> str:
    machine = describe()
    libraries = versions("torch", "tensorflow", "keras", "mkdocs", "pytest")
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {when}",
        "",
        f"Machine: {machine['cpu']}, {machine['logical_cores']} logical cores, "
        f"{machine['memory_gib']} GiB, {machine['system']}, Python {machine['python']}; "
        f"load average when the run started: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}.",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in libraries.items()),
    ]
    if not cold:
        lines.append("Warm runs only (`--warm-only`): no cold build in this run.")
    lines += ["", "| Step | Wall (s) | CPU (s) | Result |", "|---|---:|---:|---|"]
    for step in steps:
        result = "passed" if step.returncode == 0 else f"FAILED (exit {step.returncode})"
        lines.append(f"| {step.name} | {step.wall_s:.1f} | {step.cpu_s:.1f} | {result} |")
    for step in steps:
        if step.timing_lines:
            lines += ["", f"{step.name}, `Stage timing` and `Build timing`:", ""]
            lines += [f"- {line}" for line in step.timing_lines]
        elif step.name.endswith("tests") and step.last_line:
            lines += ["", f"{step.name}: `{step.last_line}`"]
    return "\n".join(lines) + "\n"


def record(text: str) -> None:
    NOTES.parent.mkdir(exist_ok=True)
    existing = NOTES.read_text(encoding="utf-8") if NOTES.exists() else NOTES_HEADER
    NOTES.write_text(existing.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nox-python", default=sys.executable, help="the Python that has nox")
    parser.add_argument("--warm-only", action="store_true", help="no cold build")
    parser.add_argument("--no-tests", action="store_true", help="no warm test run")
    options = parser.parse_args(argv)
    nox = [options.nox_python, "-m", "nox", "--no-color", "-s"]
    env = dict(os.environ)
    load = os.getloadavg()
    fresh = None
    if not options.warm_only:
        fresh = tempfile.mkdtemp(prefix="site-buildtimes-cache-")
        env[CACHE_ENV] = fresh
    steps = []
    try:
        if fresh is not None:
            steps.append(run_step("cold nox -s docs", [*nox, "docs"], env))
        steps.append(run_step("warm nox -s docs", [*nox, "docs"], env))
        if not options.no_tests:
            steps.append(run_step("warm nox -s tests", [*nox, "tests"], env))
    finally:
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
    text = section(steps, fresh is not None, load)
    print(text)
    failed = [step.name for step in steps if step.returncode != 0]
    if failed:
        # A failed step's time says nothing about the build: the notes keep passing runs only.
        print(f"Not recorded: {', '.join(failed)} failed (its output is above).")
        return 1
    record(text)
    print(f"Recorded in {NOTES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
