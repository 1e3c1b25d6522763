"""The release canary's pytest plugin and report writer (`nox -s canary`, README.md).

`nox -s canary` runs every snippet file's doctests in .nox/canary, an environment with the
newest releases of the frameworks, with this plugin loaded (`-p tests.canary`). The plugin
records each example's outcome and the deprecation warnings it raised, and at the end writes
the report: `report.json` and `report.md` in the folder given by `--canary-report`.

Per snippet file, the report says whether its examples passed, printed something other than
the page shows ("changed output": the doctest's Expected/Got), or failed (an exception, or a
file that could not be imported), and which deprecation warnings they raised, with the
versions pyproject.toml pins and the versions the canary ran beside each other.

`build_report()` and `markdown()` work on the recorded outcome alone, so the tests check
them with a recorded run (tests/data/canary_run.json) instead of running the canary.
"""

from __future__ import annotations

import json
import platform
import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
# The frameworks whose releases the canary follows, and what they are compared by.
PACKAGES = ("torch", "torchvision", "tensorflow-cpu", "keras", "tensorboard", "numpy")
DEPRECATIONS = ("DeprecationWarning", "PendingDeprecationWarning", "FutureWarning")
PASSED, CHANGED, FAILED = "passed", "changed output", "failed"
_SEVERITY = {PASSED: 0, CHANGED: 1, FAILED: 2}


def pinned_versions(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """The versions pyproject.toml's `frameworks` group pins, for PACKAGES."""
    groups = tomllib.loads(pyproject.read_text(encoding="utf-8"))["dependency-groups"]
    pins = {}
    for requirement in groups["frameworks"]:
        if isinstance(requirement, str) and "==" in requirement:
            name, version = requirement.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return {name: pins[name] for name in PACKAGES if name in pins}


def installed_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _line_of(nodeid: str) -> int | None:
    found = re.search(r"[:,]line:(\d+)", nodeid)
    return int(found.group(1)) if found else None


def classify(longrepr: str) -> str:
    """A failed example: output that differs from the page's (Expected/Got) or an error."""
    if "Exception raised:" in longrepr or "Traceback (most recent call last)" in longrepr:
        return FAILED
    if "Expected:" in longrepr and "Got" in longrepr:
        return CHANGED
    return FAILED


def build_report(run: dict) -> dict:
    """The report of a recorded canary run (the plugin's `run` dictionary, see below)."""
    files: dict[str, dict] = {}

    def entry(name: str) -> dict:
        return files.setdefault(
            name, {"status": PASSED, "examples": 0, "problems": [], "deprecations": []}
        )

    for outcome in run["outcomes"]:
        record = entry(_file_of(outcome["nodeid"]))
        if outcome["when"] == "call" or outcome["when"] == "collect":
            record["examples"] += outcome["when"] == "call"
        if outcome["outcome"] != "failed":
            continue
        status = classify(outcome["longrepr"])
        if _SEVERITY[status] > _SEVERITY[record["status"]]:
            record["status"] = status
        record["problems"].append(
            {"line": _line_of(outcome["nodeid"]), "status": status, "detail": outcome["longrepr"]}
        )
    for warning in run["warnings"]:
        if warning["category"] not in DEPRECATIONS or not warning["nodeid"]:
            continue
        record = entry(_file_of(warning["nodeid"]))
        text = f"{warning['category']}: {warning['message']}"
        if text not in record["deprecations"]:
            record["deprecations"].append(text)
    counts = {PASSED: 0, CHANGED: 0, FAILED: 0}
    for record in files.values():
        counts[record["status"]] += 1
    with_deprecations = sum(1 for record in files.values() if record["deprecations"])
    return {
        "python": run["python"],
        "versions": {
            name: {"pinned": run["pinned"].get(name), "canary": run["canary"].get(name)}
            for name in PACKAGES
        },
        "summary": {**counts, "with deprecation warnings": with_deprecations},
        "files": dict(sorted(files.items())),
    }


def _excerpt(detail: str, lines: int = 12) -> str:
    """The part of a failure a reader needs: from Expected (or the exception) on."""
    for marker in ("Expected:", "Exception raised:"):
        if marker in detail:
            detail = detail[detail.index(marker) :]
            break
    kept = detail.strip().splitlines()
    return "\n".join(kept[:lines] + (["..."] if len(kept) > lines else []))


def compare(pinned: str | None, canary: str | None) -> str:
    """ "newer", "older", "same" or "" (unknown): the canary's release against the pin. A local
    build label (2.13.0+cpu) is the same release as its pin."""
    try:
        first, second = Version(pinned or ""), Version(canary or "")
    except InvalidVersion:
        return ""
    first, second = Version(first.public), Version(second.public)
    return "newer" if second > first else "older" if second < first else "same"


def markdown(report: dict) -> str:
    """The report as Markdown: versions, a table per snippet file, then each problem."""
    out = ["# Release canary: snippet doctests on the newest releases", ""]
    out += [f"Python {report['python']}.", ""]
    out += ["| Package | Pinned | Canary |", "| --- | --- | --- |"]
    for name, versions in report["versions"].items():
        pinned, canary = versions["pinned"] or "-", versions["canary"] or "-"
        relation = compare(versions["pinned"], versions["canary"])
        mark = f" ({relation})" if relation in ("newer", "older") else ""
        out.append(f"| {name} | {pinned} | {canary}{mark} |")
    summary = report["summary"]
    out += [
        "",
        f"{len(report['files'])} snippet files: {summary[PASSED]} passed, "
        f"{summary[CHANGED]} changed output, {summary[FAILED]} failed; "
        f"{summary['with deprecation warnings']} with deprecation warnings.",
        "",
        "| Snippet file | Examples | Result | Deprecation warnings |",
        "| --- | ---: | --- | ---: |",
    ]
    for name, record in report["files"].items():
        out.append(
            f"| `{name}` | {record['examples']} | {record['status']} | "
            f"{len(record['deprecations'])} |"
        )
    for name, record in report["files"].items():
        if not record["problems"] and not record["deprecations"]:
            continue
        out += ([] if out[-1] == "" else [""]) + [f"## `{name}`: {record['status']}", ""]
        for problem in record["problems"]:
            where = f"line {problem['line']}" if problem["line"] else "the file"
            out += [f"{problem['status'].capitalize()} at {where}:", "", "```text"]
            out += [_excerpt(problem["detail"]), "```", ""]
        for text in record["deprecations"]:
            out.append(f"- {text}")
    return "\n".join(out).rstrip() + "\n"


def write_report(run: dict, folder: Path) -> dict:
    report = build_report(run)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (folder / "report.md").write_text(markdown(report), encoding="utf-8")
    return report


# --- The pytest plugin ----------------------------------------------------------------------

_run: dict = {"outcomes": [], "warnings": []}


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--canary-report",
        metavar="DIR",
        help="write the release canary's report.json, report.md and run.json into DIR",
    )
    parser.addoption(
        "--canary-record",
        metavar="FILE",
        help="also write the recorded outcome alone (the form of tests/data/canary_run.json)",
    )


def _keep(report) -> None:
    text = report.longreprtext if report.failed else ""
    _run["outcomes"].append(
        {"nodeid": report.nodeid, "when": report.when, "outcome": report.outcome, "longrepr": text}
    )


def pytest_runtest_logreport(report) -> None:
    if report.when == "call" or report.failed:
        _keep(report)


def pytest_collectreport(report) -> None:
    if report.failed:
        _keep(report)


def pytest_warning_recorded(warning_message, when, nodeid, location) -> None:
    _run["warnings"].append(
        {
            "nodeid": nodeid,
            "category": warning_message.category.__name__,
            "message": str(warning_message.message),
        }
    )


def pytest_sessionfinish(session) -> None:
    folder = session.config.getoption("--canary-report")
    record = session.config.getoption("--canary-record")
    if not folder and not record:
        return
    run = {
        **_run,
        "python": platform.python_version(),
        "pinned": pinned_versions(),
        "canary": installed_versions(),
    }
    if record:
        Path(record).write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    if folder:
        write_report(run, Path(folder))
        print(f"\nRelease canary report: {Path(folder) / 'report.md'}")
