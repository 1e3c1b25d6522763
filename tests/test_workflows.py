"""The GitHub Actions workflows (.github/workflows/), which cannot run on this machine.

Each file is checked against GitHub's workflow schema (the copy check-jsonschema ships,
`--builtin-schema vendor.github-workflows`) and audited by zizmor without network access:
every action pinned by a full commit, explicit least-privilege permissions, no credentials
left in the checkout, no template injection. Both tools are pinned in pyproject.toml's `test`
group. Planted bad workflows show that each check fails when it should.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
# The tools installed beside this interpreter (the shared environment's bin/).
BIN = Path(sys.executable).parent
# `uses: owner/repo[/path]@<40 hex digits> # v1.2.3`: the commit, and the release it is.
PINNED_USES = re.compile(r"uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\s*$")

GOOD_JOB = """\
name: Planted
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - run: echo built
"""


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: it is pinned in pyproject.toml's `test` group; "
            "run the tests with `nox -s tests`, which installs that group."
        )
    return path


def schema_errors(workflow: Path) -> str:
    """check-jsonschema's report on `workflow`, or "" when it is valid."""
    result = subprocess.run(
        [
            str(_tool("check-jsonschema")),
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


def zizmor_findings(workflow: Path) -> list[dict]:
    """zizmor's findings on `workflow`, audited offline (an error of zizmor itself fails)."""
    result = subprocess.run(
        [str(_tool("zizmor")), "--offline", "--no-progress", "--format", "json", str(workflow)],
        capture_output=True,
        text=True,
    )
    # 0: no findings; 10 and above: findings by severity; anything else: zizmor failed.
    if result.returncode not in (0, *range(10, 20)):
        pytest.fail(f"zizmor could not audit {workflow}:\n{result.stderr}")
    return json.loads(result.stdout or "[]")


def _describe(findings: list[dict]) -> str:
    lines = []
    for finding in findings:
        where = finding["locations"][0]["concrete"]["location"]["start_point"]["row"] + 1
        lines.append(f"  line {where}: {finding['ident']}: {finding['desc']} ({finding['url']})")
    return "\n".join(lines)


def test_the_workflows_are_there():
    names = {path.name for path in WORKFLOWS}
    assert {"site.yml", "canary.yml"} <= names, names


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_matches_the_github_schema(workflow: Path):
    errors = schema_errors(workflow)
    assert not errors, (
        f"{workflow.relative_to(ROOT)} is not a valid GitHub workflow; fix what "
        f"check-jsonschema reports:\n{errors}"
    )


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_zizmor_finds_nothing(workflow: Path):
    findings = zizmor_findings(workflow)
    assert not findings, (
        f"zizmor audits {workflow.relative_to(ROOT)} and finds the problems below; fix each "
        f"as its page explains:\n{_describe(findings)}"
    )


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_names_its_release(workflow: Path):
    """zizmor demands the commit; the comment tells a reader (and Dependabot) the release."""
    unnamed = [
        f"  line {number}: {line.strip()}"
        for number, line in enumerate(workflow.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s*(-\s+)?uses:", line) and not PINNED_USES.search(line)
    ]
    assert not unnamed, (
        f"{workflow.relative_to(ROOT)}: pin each action as `owner/repo@<full commit> # vX.Y.Z` "
        f"(the commit of that release's tag):\n" + "\n".join(unnamed)
    )


def test_a_good_planted_workflow_passes(tmp_path: Path):
    good = tmp_path / "good.yml"
    good.write_text(GOOD_JOB, encoding="utf-8")
    assert schema_errors(good) == ""
    assert zizmor_findings(good) == []


def test_an_action_pinned_by_tag_is_found(tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text(GOOD_JOB.replace("@3d3c42e5aac5ba805825da76410c181273ba90b1", "@v7"))
    assert "unpinned-uses" in {finding["ident"] for finding in zizmor_findings(bad)}


def test_a_job_without_permissions_is_found(tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        GOOD_JOB.replace("permissions: {}\n", "").replace(
            "    permissions:\n      contents: read\n", ""
        )
    )
    assert "excessive-permissions" in {finding["ident"] for finding in zizmor_findings(bad)}


def test_a_checkout_that_keeps_its_credentials_is_found(tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text(GOOD_JOB.replace("        with:\n          persist-credentials: false\n", ""))
    assert "artipacked" in {finding["ident"] for finding in zizmor_findings(bad)}


def test_a_workflow_outside_the_schema_is_found(tmp_path: Path):
    bad = tmp_path / "bad.yml"
    # A job with no runs-on, and a key GitHub does not know.
    bad.write_text(GOOD_JOB.replace("    runs-on: ubuntu-24.04\n", "    runs_on: ubuntu-24.04\n"))
    assert "runs_on" in schema_errors(bad) or "runs-on" in schema_errors(bad)


def test_the_release_comment_check_finds_a_missing_comment():
    pinned = "- uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"
    assert PINNED_USES.search(pinned + " # v7.0.1")
    assert not PINNED_USES.search(pinned)
    assert not PINNED_USES.search("- uses: actions/checkout@v7 # v7.0.1")
