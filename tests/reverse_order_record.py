"""A record that every included snippet file passed with the files run in the reverse order.

The run (tests/test_snippet_isolation.py) takes minutes: all included snippet files' doctests
again, in one process. Its outcome depends only on what that process runs, so a passing run
writes a record (``<cache>/snippet-order/<key>.json``) whose key is made of:

- the included files in the order they run, each with its doctest record key
  (``doctest_record.record_key``: the file, every project module it imports, and the Python
  version, platform and installed versions);
- the set-up the run's pytest process executes: conftest.py, the modules of tests/ and of
  site_build/ it imports (tests/framework_state.py, tests/doc_examples.py, ...), this module
  and the test file, and the ``[tool.pytest.ini_options]`` of pyproject.toml;
- the Python version, the platform and the installed versions, once more as one part.

With a record for the exact key the test is skipped, saying so; any change to one of these
runs it again, and ``--rerun-reverse-order`` runs it anyway. A record is written only after
a run in which every file passed, in the reverse order.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

from site_build.core import doctest_record
from site_build.core.kit.cache import (
    atomic_write_json,
    cache_root,
    file_digest,
    fingerprint,
    prune,
    read_json,
    touch,
)

# The test that runs the files in the reverse order: it and this module are part of the key.
TEST_FILE = "tests/test_snippet_isolation.py"
# What the run's pytest process starts from: the root conftest.py (which imports the rest).
ENTRY_POINTS = ("conftest.py", TEST_FILE, "tests/reverse_order_record.py")
# Where the modules it imports may come from, as files of this project.
PACKAGES = (*doctest_record.PROJECT_PACKAGES, "tests")


def records_dir() -> Path:
    return cache_root() / "snippet-order"


def _relative(path: Path) -> str:
    root = doctest_record.ROOT
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def set_up_sources() -> list[Path]:
    """The project's files that the run executes besides the snippet files and their imports."""
    root = doctest_record.ROOT
    found: set[Path] = set()
    for name in ENTRY_POINTS:
        if (root / name).is_file():
            found.update(doctest_record.project_sources(root / name, PACKAGES))
    return sorted(found)


def _pytest_settings() -> object:
    pyproject = doctest_record.ROOT / "pyproject.toml"
    if not pyproject.is_file():
        return None
    settings = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return settings.get("tool", {}).get("pytest", {}).get("ini_options")


def key_parts(files: list[Path]) -> dict:
    """What the outcome of running ``files`` in the given order depends on."""
    return {
        "files": [[_relative(path), doctest_record.record_key(path)] for path in files],
        "set-up": {_relative(path): file_digest(path) for path in set_up_sources()},
        "pytest settings": _pytest_settings(),
        "environment": doctest_record.environment(),
    }


def record_path(files: list[Path]) -> Path:
    return _record_of(key_parts(files))


def _record_of(parts: dict) -> Path:
    return records_dir() / f"{fingerprint(parts)}.json"


def passed_record(files: list[Path]) -> Path | None:
    """The record of a passing run of exactly ``files`` in this order, or None."""
    record = record_path(files)
    data = read_json(record)
    if not isinstance(data, dict) or data.get("order") != [_relative(p) for p in files]:
        return None
    touch(record)
    return record


def skip_reason(record: Path) -> str:
    return (
        "every included snippet file passed in the reverse order already, with exactly these "
        "files, their imports, the test set-up and the installed versions (record "
        f"{record.stem[:12]} in {record.parent}); any change to them runs it again, and "
        "--rerun-reverse-order runs it anyway"
    )


def failure(files: list[Path], returncode: int, outcome: dict, output: str) -> str | None:
    """Why the run of ``files`` (in this order) did not pass, or None when it did: pytest
    ended with 0 and every file's examples all passed, the files finishing in this order."""
    failures = "\n".join(
        f"{f['file']}, line {f['line']}:\n{f['message']}" for f in outcome.get("failures", [])
    )
    if returncode != 0:
        return failures or output[-4000:]
    order = [_relative(path) for path in files]
    if outcome.get("passed") != order:
        return (
            f"pytest passed, but the files whose examples all passed were, in order, "
            f"{outcome.get('passed')}, not {order}"
        )
    return None


def record_if_passed(files: list[Path], returncode: int, outcome: dict, output: str) -> str | None:
    """Write the record when the run passed (``failure`` is None); return the failure."""
    problem = failure(files, returncode, outcome, output)
    if problem is not None:
        return problem
    parts = key_parts(files)  # read every file and import once, for the key and the record
    record = _record_of(parts)
    atomic_write_json(
        record,
        {
            **parts,  # what the key was made of, to tell why a record does not match
            "order": [_relative(path) for path in files],
            "passed": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    prune(records_dir(), keep={record.name}, max_age_days=doctest_record.RECORD_MAX_AGE_DAYS)
    return None
