"""Which snippet files' doctests passed for their exact content, and running the others.

A page shows a snippet's doctest output under "Checked by the tests". That is true only if
those doctests passed for the file as it is now, so the build (``check_included``) runs the
doctests of every snippet file a page includes that has no *passing record*, and fails,
naming the file and line, when one fails.

A record is a small file in the cache (``doctests/<key>.json``) whose key is made of:

- the snippet file's path and content;
- the content of every module of the project it imports, directly or through another
  (``snippets.*`` and ``site_build.*``, found by reading the imports, not by importing);
- the Python version, the platform and the version of every installed distribution.

Records are written by whoever ran the doctests and saw every example of a file pass: the
pytest hooks in ``conftest.py`` (``nox -s tests``, ``nox -s check``, and the build, which
runs pytest on the files it lacks records for). So the build runs exactly what the tests
run, with the same Sybil parsers, and after ``nox -s tests`` it runs nothing.

Why this module is longer than the project's usual 300 lines: the record's key (the imports
read from the source), the records and the pytest run for the files without one are a single
contract, and split across modules the key's definition would be in two places.
"""

from __future__ import annotations

import ast
import doctest
import json
import os
import platform
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from site_build.core.errors import BuildError
from site_build.core.kit.cache import (
    atomic_write_json,
    cache_root,
    entry_lock,
    file_digest,
    fingerprint,
    prune,
    read_json,
    touch,
)
from site_build.core.layout import includes, languages, page_text, pages
from site_build.core.paths import ROOT, SNIPPETS_DIR

# The pytest hooks in conftest.py write each failure here (JSON) when this variable is set.
FAILURES_ENV = "SITE_DOCTEST_FAILURES"
# How many pytest processes run the build's doctest stage (default: one per core).
PROCESSES_ENV = "SITE_DOCTEST_PROCESSES"
FILES_PER_PROCESS = 8
PROJECT_PACKAGES = ("snippets", "site_build")
# Records nobody used for this long are removed (the cache may be shared by several clones).
RECORD_MAX_AGE_DAYS = 30


class DoctestsFailed(BuildError):
    """A snippet that a page includes has a doctest that fails for its current content."""


def records_dir() -> Path:
    return cache_root() / "doctests"


@cache
def environment() -> str:
    """Python, the platform and every installed distribution's version, as one digest.

    The distributions are read from the environment's own folders, not from the import path,
    which a snippet's imports may extend: the build and pytest must compute the same key.
    """
    folders = sorted({sysconfig.get_paths()[name] for name in ("purelib", "platlib")})
    # Each installed distribution's folder is named after it and its version
    # (``tensorflow_cpu-2.21.0.dist-info``): listing them is exact and costs nothing, where
    # reading every distribution's metadata took each process of a warm build 0.2 s.
    distributions = sorted(
        entry.name
        for folder in folders
        if Path(folder).is_dir()
        for entry in Path(folder).iterdir()
        if entry.suffix in (".dist-info", ".egg-info")
    )
    return fingerprint(
        {
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "platform": f"{sys.platform} {platform.machine()}",
            "distributions": distributions,
        }
    )


def _module_file(name: str, packages: tuple[str, ...] = PROJECT_PACKAGES) -> Path | None:
    """The file of a module of ``packages`` (``snippets.mnist.model_torch``), or None."""
    if name.split(".")[0] not in packages:
        return None
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path) -> frozenset[str]:
    """Absolute names of every module ``path`` imports (``from a import b`` gives a and a.b)."""
    stat = path.stat()
    return _imported_modules_of(path, stat.st_mtime_ns, stat.st_size)


@cache
def _imported_modules_of(path: Path, mtime_ns: int, size: int) -> frozenset[str]:
    """``_imported_modules``, read once per version of the file (`mkdocs serve` rebuilds)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return frozenset()  # pytest reports it; the file's own digest is in the key anyway
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in [*ast.walk(tree), *_doctest_nodes(tree)]:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(filter(None, [*anchor, base]))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
    for name in list(names):
        parts = name.split(".")
        names.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return frozenset(names)


def _doctest_nodes(tree: ast.Module) -> list[ast.AST]:
    """The statements of the doctest examples in the module's docstrings (they import too)."""
    nodes: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            for example in doctest.DocTestParser().get_examples(docstring or ""):
                try:
                    nodes.extend(ast.walk(ast.parse(example.source)))
                except SyntaxError:
                    continue
    return nodes


def project_sources(path: Path, packages: tuple[str, ...] = PROJECT_PACKAGES) -> list[Path]:
    """``path`` and every module of ``packages`` it imports, directly or not, sorted."""
    found: set[Path] = set()
    pending = [path.resolve()]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        for name in _imported_modules(current):
            if (module := _module_file(name, packages)) is not None:
                pending.append(module.resolve())
    return sorted(found)


def key_parts(path: Path) -> dict:
    return {
        "file": _relative(path),
        "sources": {_relative(p): file_digest(p) for p in project_sources(path)},
        "environment": environment(),
    }


def record_key(path: Path) -> str:
    return fingerprint(key_parts(path))


def record_path(path: Path) -> Path:
    return records_dir() / f"{record_key(path)}.json"


def has_passed(path: Path) -> bool:
    """True when the doctests of ``path``, as it is now, passed in this environment."""
    record = record_path(path)
    data = read_json(record)
    if not isinstance(data, dict) or data.get("file") != _relative(path):
        return False
    touch(record)
    return True


def write_record(path: Path, examples: int, by: str, cpu_seconds: float | None = None) -> None:
    """Record that all ``examples`` doctest examples of ``path`` passed (called by pytest),
    and the CPU seconds they took, which ``shares`` deals the next run's files by."""
    parts = key_parts(path)
    atomic_write_json(
        records_dir() / f"{fingerprint(parts)}.json",
        {
            **parts,  # what the key was made of, to tell why a record does not match
            "examples": examples,
            "by": by,
            "passed": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpu_seconds": cpu_seconds,
        },
    )


def recorded_costs() -> dict[str, float]:
    """{snippet file: CPU seconds its doctests took at their newest passing record}, from the
    records of any content (an edited file costs about what its previous version did)."""
    newest: dict[str, tuple[str, float]] = {}
    for record in records_dir().glob("*.json"):
        data = read_json(record)
        if not isinstance(data, dict):
            continue
        name, seconds, passed = data.get("file"), data.get("cpu_seconds"), data.get("passed")
        if not (isinstance(name, str) and isinstance(seconds, int | float) and seconds > 0):
            continue
        if name not in newest or str(passed) > newest[name][0]:
            newest[name] = (str(passed), float(seconds))
    return {name: seconds for name, (_, seconds) in newest.items()}


def included_snippets() -> list[Path]:
    """Every snippet file that a page of some language includes (and that exists)."""
    found = set()
    for language in languages():
        for page_file in pages(language).values():
            for include in includes(page_text(page_file)):
                candidate = SNIPPETS_DIR / include.file
                if candidate.is_file():
                    found.add(candidate)
    return sorted(found)


@dataclass
class DoctestCheck:
    """What the build's doctest step did, for the ``Build timing`` line."""

    files: int
    ran: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def timing(self) -> str:
        if not self.ran:
            return (
                f"Snippet doctests: {self.seconds:.1f} s (all {self.files} included files "
                "have a passing record)"
            )
        return (
            f"Snippet doctests: {self.seconds:.1f} s (ran {len(self.ran)} of {self.files} "
            "included files without a passing record)"
        )


def check_included(files: list[Path] | None = None) -> DoctestCheck:
    """Run the doctests of the included snippets that have no passing record; fail on one."""
    started = time.perf_counter()
    files = included_snippets() if files is None else files
    check = DoctestCheck(len(files))
    missing = [path for path in files if not has_passed(path)]
    if missing:
        # Two builds at once run them once: the second waits, then finds the records.
        with running_lock():
            missing = [path for path in missing if not has_passed(path)]
            if missing:
                check.ran = [_relative(path) for path in missing]
                _run_pytest(missing)
    prune(records_dir(), keep=set(), max_age_days=RECORD_MAX_AGE_DAYS)
    check.seconds = time.perf_counter() - started
    return check


def running_lock():
    """Held while doctests run that will write records: by the build's doctest stage, and by
    the pytest worker that runs the snippet doctests in a parallel `nox -s tests`
    (conftest.py). A build that lacks records waits for it, then finds them."""
    return entry_lock(records_dir() / "run")


def usable_cores() -> int:
    """The cores this process may run on (its affinity, which a container may narrow)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def processes(files: int) -> int:
    """How many pytest processes share the doctest stage: one per core this process may use,
    or ``$SITE_DOCTEST_PROCESSES``, and never fewer than ``FILES_PER_PROCESS`` files each,
    since every process pays the import of both frameworks (several seconds) first."""
    wanted = os.environ.get(PROCESSES_ENV, "").strip()
    if wanted:
        if not wanted.isdigit() or int(wanted) < 1:
            raise BuildError(
                f"${PROCESSES_ENV} is {wanted!r}: set it to a whole number of processes (1 or "
                "more) for the snippet doctests, or unset it to use one per core."
            )
        cores = int(wanted)
    else:
        cores = usable_cores()
    return max(1, min(cores, files // FILES_PER_PROCESS))


def thread_share(count: int) -> dict[str, str]:
    """The environment that gives each of ``count`` pytest processes one share of the cores
    for PyTorch's threads, unless ``OMP_NUM_THREADS`` is set already. PyTorch starts one
    thread per core in every process: two processes on two cores ran four threads, and each
    small operation of a training step waited for both of its threads to be scheduled (the
    mixed-precision doctest's Adam steps cost 0.38 CPU s each instead of 0.15). TensorFlow
    keeps its default: no doctest depends on it, and the tests' workers leave it too."""
    if count < 2 or "OMP_NUM_THREADS" in os.environ:
        return {}
    cores = usable_cores()
    return {"OMP_NUM_THREADS": str(max(1, cores // count))}


def shares(
    files: list[Path], count: int, costs: dict[str, float] | None = None
) -> list[list[Path]]:
    """`files` dealt to `count` processes so that each gets a similar load: the costliest
    first, each to the process with the least so far. A file's cost is the CPU seconds of its
    last passing record (``costs``, from ``recorded_costs``); a file without one is estimated
    from its size, at the seconds per byte of the files with one (or by its size alone when no
    file has one, as on an empty cache). The doctests of a few files (a quantized model
    compiled, a model exported) cost ten times those of most, so sizes alone can leave one
    process with twice the other's work. Each share keeps the given order (pytest sorts a
    share into build order itself)."""
    costs = costs or {}
    sizes = {path: path.stat().st_size for path in files}
    known = {path: costs[_relative(path)] for path in files if _relative(path) in costs}
    known_size = sum(sizes[path] for path in known)
    per_byte = sum(known.values()) / known_size if known and known_size else 1.0
    cost = {path: known.get(path, sizes[path] * per_byte) for path in files}
    dealt: list[list[Path]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for path in sorted(files, key=lambda p: (-cost[p], _relative(p))):
        least = loads.index(min(loads))
        dealt[least].append(path)
        loads[least] += cost[path]
    order = {path: position for position, path in enumerate(files)}
    return [sorted(share, key=order.__getitem__) for share in dealt if share]


@dataclass
class _Run:
    """What the pytest processes of one stage returned, together."""

    returncode: int
    stdout: str
    stderr: str


def _run_pytest(files: list[Path]) -> None:
    names = [_relative(path) for path in files]
    groups = shares(files, processes(len(files)), recorded_costs())
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    print(
        f"[doctests] running the doctests of {len(names)} snippet file(s) that have no passing "
        f"record for their current content ({shown}), in {len(groups)} process(es)",
        file=sys.stderr,
        flush=True,
    )
    reports, running = [], []
    env = {**os.environ, "SITE_CACHE_DIR": str(cache_root())}
    env.update(thread_share(len(groups)))
    try:
        for group in groups:
            handle, report = tempfile.mkstemp(prefix="site-doctests-", suffix=".json")
            os.close(handle)
            reports.append(Path(report))
            # Each file's doctests start from a fresh process's state wherever they run
            # (tests/framework_state.py), so the files can be shared out.
            running.append(
                subprocess.Popen(
                    [sys.executable, "-m", "pytest", "-q", "--no-header", "-p", "no:cacheprovider"]
                    + [_relative(path) for path in group],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    # The records go to the same cache as this build's, wherever that is.
                    env={**env, FAILURES_ENV: report},
                )
            )
        outputs = [process.communicate() for process in running]
        outcomes = [_read_outcome(report) for report in reports]
    finally:
        for process in running:
            if process.poll() is None:  # interrupted: no pytest outlives the build
                process.kill()
                process.wait()
        for report in reports:
            report.unlink(missing_ok=True)
    codes = [process.returncode for process in running]
    result = _Run(
        returncode=next((code for code in codes if code != 0), 0),
        stdout="".join(out for out, _ in outputs),
        stderr="".join(err for _, err in outputs),
    )
    passed = {name for outcome in outcomes for name in outcome["passed"]}
    failures = [failure for outcome in outcomes for failure in outcome["failures"]]
    # pytest's own word for this build: the files all of whose examples it saw pass.
    unchecked = [name for name in names if name not in passed]
    if result.returncode == 0 and not unchecked:
        return
    raise DoctestsFailed(_failure_message(names, unchecked, failures, result))


def _read_outcome(report: Path) -> dict:
    """What the pytest hooks of conftest.py wrote: {"failures": [...], "passed": [...]}."""
    try:
        outcome = json.loads(report.read_text(encoding="utf-8") or "{}")
    except (OSError, json.JSONDecodeError):
        outcome = {}
    if not isinstance(outcome, dict):
        outcome = {}
    return {"failures": outcome.get("failures", []), "passed": outcome.get("passed", [])}


def _failure_message(names: list[str], unchecked: list[str], failures: list[dict], result) -> str:
    lines = []
    for failure in failures:
        where = failure["file"] + (f", line {failure['line']}" if failure.get("line") else "")
        detail = failure["message"].replace(str(ROOT) + os.sep, "").strip()
        lines.append(f"{where}:\n" + "\n".join(f"    {line}" for line in detail.splitlines()))
    failed_files = {failure["file"] for failure in failures}
    for name in unchecked:
        if name not in failed_files and result.returncode in (0, 5):
            lines.append(f"{name}: has no doctest; add >>> examples to its docstring.")
    if not lines:  # pytest itself failed (a usage error, a crash): show its last lines
        tail = (result.stdout + result.stderr).strip().splitlines()[-20:]
        lines.append("pytest ended with code {}:\n{}".format(result.returncode, "\n".join(tail)))
    pairs = sorted({_pair(name) for name in [*failed_files, *unchecked] or names})
    return (
        "A page includes a snippet whose doctests do not pass, so it would show output under "
        '"Checked by the tests" that the code does not print:\n'
        + "\n".join(lines)
        + "\nFix the code or the expected output in the file named above, then build again "
        + f"(`nox -s check -- {pairs[0]}` runs that pair's checks alone)."
    )


def _pair(name: str) -> str:
    """``snippets/tensors/gradients_torch.py`` -> ``tensors/gradients``."""
    path = Path(name)
    stem = path.stem.removesuffix("_torch").removesuffix("_tf")
    return f"{path.parent.name}/{stem}"


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()
