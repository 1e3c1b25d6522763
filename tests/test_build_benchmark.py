"""`nox -s buildtimes` (site_build/core/build_benchmark.py): what it reads from a step's output
and what it writes to the benchmark notes. The timings themselves are not tested."""

from __future__ import annotations

import os
import sys

from site_build.core import build_benchmark
from site_build.core.build_benchmark import Step


def test_a_step_keeps_its_build_timing_lines_and_its_exit_status():
    script = (
        "print('INFO - building');"
        "print('Build timing | preview build: SITE_URL is not set');"
        "print('Build timing | MNIST runs: 0.4 s (all 4 cached)');"
        "raise SystemExit(3)"
    )
    step = build_benchmark.run_step("step", [sys.executable, "-c", script], dict(os.environ))
    assert step.returncode == 3
    assert step.timing_lines == ["MNIST runs: 0.4 s (all 4 cached)"]
    assert step.wall_s >= 0 and step.cpu_s >= 0


def test_a_cold_build_keeps_the_stages_timings_not_the_plugins_cached_repeats():
    """The stage process times what it trained; the plugin that MkDocs runs next repeats
    those steps as cached, then times its start-up and rendering."""
    output = [
        "[mnist] epoch 1/10",
        "Stage timing | MNIST runs: 242.9 s (trained: PyTorch (matched))",
        "Stage timing | Checks and snippet doctests: passed already (record 1a2b)",
        "Build timing | preview build: SITE_URL is not set",
        "Build timing | MNIST runs: 0.1 s (all 4 cached)",
        "Build timing | Startup: 0.9 s (Python, imports and mkdocs.yml, 1.0 s of CPU)",
    ]
    assert build_benchmark.timing_lines(output) == [
        "MNIST runs: 242.9 s (trained: PyTorch (matched))",
        "Startup: 0.9 s (Python, imports and mkdocs.yml, 1.0 s of CPU)",
    ]


def _steps(monkeypatch, returncodes: dict[str, int]) -> list[str]:
    ran = []

    def run_step(name, command, env):
        ran.append(name)
        assert command[-1] in ("docs", "tests") and "nox" in command
        return Step(name, 12.5, 10.25, returncodes.get(name, 0), ["Startup: 2.0 s (x)"], "ok")

    monkeypatch.setattr(build_benchmark, "run_step", run_step)
    return ran


def test_a_passing_run_is_appended_to_the_notes_with_the_machine(monkeypatch, tmp_path):
    notes = tmp_path / "benchmarks" / "build-times.md"
    monkeypatch.setattr(build_benchmark, "NOTES", notes)
    monkeypatch.setattr(build_benchmark, "ROOT", tmp_path)
    ran = _steps(monkeypatch, {})
    assert build_benchmark.main(["--warm-only", "--no-tests"]) == 0
    assert build_benchmark.main([]) == 0
    assert ran == ["warm nox -s docs", "cold nox -s docs", "warm nox -s docs", "warm nox -s tests"]
    text = notes.read_text(encoding="utf-8")
    assert text.startswith("# How long the build and the tests take")
    assert text.count("\n## ") == 2 and text.count("Warm runs only") == 1
    assert "| cold nox -s docs | 12.5 | 10.2 | passed |" in text
    assert "logical cores" in text and "torch " in text and "- Startup: 2.0 s (x)" in text


def test_a_run_with_a_failed_step_is_not_recorded(monkeypatch, tmp_path):
    notes = tmp_path / "build-times.md"
    monkeypatch.setattr(build_benchmark, "NOTES", notes)
    _steps(monkeypatch, {"warm nox -s tests": 1})
    assert build_benchmark.main(["--warm-only"]) == 1
    assert not notes.exists()
