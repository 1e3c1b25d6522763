"""The release canary's report (tests/canary.py), from a recorded run: the recorded outcome
of three snippet files' doctests (tests/data/canary_run.json), not a canary run."""

from __future__ import annotations

import importlib.util
import json
import sys
import tomllib
import types
from pathlib import Path

import pytest

from tests import canary

RECORDED = Path(__file__).parent / "data" / "canary_run.json"
TORCH = "snippets/tensors/creation_torch.py"
TF = "snippets/tensors/creation_tf.py"
PASSING = "snippets/tensors/gradients_torch.py"


@pytest.fixture
def run() -> dict:
    return json.loads(RECORDED.read_text(encoding="utf-8"))


def test_each_file_has_its_result(run):
    files = canary.build_report(run)["files"]
    assert list(files) == sorted([TF, TORCH, PASSING])
    assert files[TORCH]["status"] == canary.CHANGED
    assert files[TF]["status"] == canary.FAILED
    assert files[PASSING]["status"] == canary.PASSED
    assert files[PASSING]["problems"] == []


def test_examples_are_counted_per_file(run):
    files = canary.build_report(run)["files"]
    ran = [outcome for outcome in run["outcomes"] if outcome["when"] == "call"]
    for name, record in files.items():
        assert record["examples"] == sum(1 for o in ran if o["nodeid"].startswith(name + "::"))
    assert sum(record["examples"] for record in files.values()) == len(ran)


def test_a_changed_output_names_its_line_and_both_outputs(run):
    (problem,) = canary.build_report(run)["files"][TORCH]["problems"]
    assert problem["line"] == 9
    assert "Expected:\n    torch.int32\nGot:\n    torch.int64" in problem["detail"]


def test_an_exception_is_a_failure_not_a_changed_output(run):
    (problem,) = canary.build_report(run)["files"][TF]["problems"]
    assert problem["status"] == canary.FAILED
    assert "AttributeError" in problem["detail"]


def test_deprecation_warnings_are_listed_with_their_file(run):
    files = canary.build_report(run)["files"]
    assert files[TORCH]["deprecations"] == ["DeprecationWarning: counts.dtype is deprecated"]
    assert files[TF]["deprecations"] == files[PASSING]["deprecations"] == []


def test_other_warnings_are_not_deprecations(run):
    run["warnings"].append({**run["warnings"][0], "category": "UserWarning", "message": "other"})
    assert canary.build_report(run)["summary"]["with deprecation warnings"] == 1


def test_both_versions_are_named(run):
    report = canary.build_report(run)
    for name in canary.PACKAGES:
        assert report["versions"][name] == {
            "pinned": run["pinned"][name],
            "canary": run["canary"][name],
        }
    text = canary.markdown(report)
    for name in canary.PACKAGES:
        assert f"| {name} | {run['pinned'][name]} | {run['canary'][name]}" in text


def test_markdown_has_a_row_per_file_and_each_problem(run):
    text = canary.markdown(canary.build_report(run))
    assert "3 snippet files: 1 passed, 1 changed output, 1 failed; 1 with deprecation" in text
    assert f"| `{TORCH}` | " in text and "| changed output | 1 |" in text
    assert f"## `{TF}`: failed" in text
    assert "Changed output at line 9:" in text
    assert "AttributeError: module 'tensorflow' has no attribute 'no_such_function'" in text
    assert f"## `{PASSING}`" not in text  # nothing to say about a file that passed cleanly


def test_a_newer_release_is_marked_and_a_local_build_label_is_not(run):
    run["canary"]["tensorflow-cpu"] = "2.22.0rc0"
    run["canary"]["torch"] = run["pinned"]["torch"] + "+cpu"
    text = canary.markdown(canary.build_report(run))
    assert f"| tensorflow-cpu | {run['pinned']['tensorflow-cpu']} | 2.22.0rc0 (newer) |" in text
    assert f"| torch | {run['pinned']['torch']} | {run['pinned']['torch']}+cpu |" in text


def test_a_file_that_cannot_be_imported_fails():
    assert canary.classify("ImportError while importing test module 'x.py'") == canary.FAILED
    assert canary.classify("Expected:\n    1\nGot:\n    2\n") == canary.CHANGED


def test_the_report_is_written_as_json_and_markdown(run, tmp_path):
    report = canary.write_report(run, tmp_path / "canary")
    assert json.loads((tmp_path / "canary" / "report.json").read_text()) == report
    assert (tmp_path / "canary" / "report.md").read_text() == canary.markdown(report)


def test_pins_come_from_the_frameworks_group(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[dependency-groups]\nframeworks = ["torch==9.1.0", "keras==4.0.2", "other==1.0"]\n'
        'docs = [{ include-group = "frameworks" }]\n'
    )
    assert canary.pinned_versions(pyproject) == {"torch": "9.1.0", "keras": "4.0.2"}


def _canary_session(monkeypatch, posargs: list[str]) -> list[tuple]:
    """noxfile.canary called with a stand-in for nox (not installed in the shared
    environment) over the real `test` group; returns the session's install and run calls."""
    root = Path(__file__).resolve().parent.parent
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))

    def dependency_groups(_project, group):
        out = []
        for requirement in pyproject["dependency-groups"][group]:
            if isinstance(requirement, dict):
                out += dependency_groups(_project, requirement["include-group"])
            else:
                out.append(requirement)
        return out

    fake = types.ModuleType("nox")
    fake.session = lambda *args, **kwargs: args[0] if args and callable(args[0]) else (lambda f: f)
    fake.Session = object
    fake.options = types.SimpleNamespace()
    fake.project = types.SimpleNamespace(
        load_toml=lambda path: pyproject, dependency_groups=dependency_groups
    )
    monkeypatch.setitem(sys.modules, "nox", fake)
    spec = importlib.util.spec_from_file_location("noxfile_canary_test", root / "noxfile.py")
    noxfile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(noxfile)

    calls: list[tuple] = []

    def error(message):
        raise SystemExit(message)

    session = types.SimpleNamespace(
        posargs=posargs,
        install=lambda *args: calls.append(("install", args)),
        run=lambda *args, **kwargs: calls.append(("run", args, kwargs)),
        error=error,
    )
    noxfile.canary(session)
    return calls


def test_the_canary_follows_tensorflow_and_keras_and_keeps_torch(monkeypatch):
    (_, frameworks), (_, project), (_, command, options) = _canary_session(monkeypatch, [])
    assert frameworks[:2] == ("--pre", "--upgrade")
    assert {"tensorflow-cpu", "keras", "tensorboard"} <= set(frameworks)
    assert not any(
        r.startswith(("tensorflow-cpu==", "keras==", "tensorboard==")) for r in frameworks
    )
    assert any(r.startswith("torch==") for r in frameworks)
    assert any(r.startswith("torchvision==") for r in frameworks)
    assert project[-2:] == ("-e", ".")
    assert command[command.index("-p") : command.index("-p") + 2] == ("-p", "tests.canary")
    assert "snippets" in command and "--canary-report" in command
    assert Path(options["env"]["SITE_CACHE_DIR"]).parts[-3:] == (".cache", "canary", "site-cache")


def test_newest_torch_unpins_torch_and_torchvision_together(monkeypatch):
    (_, frameworks), *_ = _canary_session(monkeypatch, ["--newest-torch"])
    assert {"torch", "torchvision"} <= set(frameworks)
    assert not any(r.startswith(("torch==", "torchvision==")) for r in frameworks)


def test_an_unknown_canary_option_is_refused(monkeypatch):
    with pytest.raises(SystemExit, match=r"unknown option --torch.*--newest-torch"):
        _canary_session(monkeypatch, ["--torch"])
