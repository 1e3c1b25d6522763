"""The publishing path: `nox -s docs -- --publish` builds the site a public host serves, and
stops at once, with one message, unless SITE_URL names a public address (README.md,
"Publishing the site"). A build without --publish and without SITE_URL is a preview
(tests/test_site.py checks its noindex and its summary line).
"""

from __future__ import annotations

import pytest
import yaml

from site_build.core.errors import BuildError
from site_build.core.layout import ROOT
from site_build.mkdocs import publish
from tests.contributor_copy import build_site, copy_empty_project

FIX = "SITE_URL=https://your-host.example/ nox -s docs -- --publish"


@pytest.mark.parametrize(
    "site_url",
    ["https://frameworks.example.test/", "https://user.github.io/project/", "http://docs.lan/"],
)
def test_a_build_to_publish_with_a_public_address_goes_on(site_url):
    publish.check_publishable({"SITE_PUBLISH": "1", "SITE_URL": site_url})


@pytest.mark.parametrize(
    ("site_url", "said"),
    [
        (None, "SITE_URL is not set"),
        ("  ", "SITE_URL is not set"),
        ("http://127.0.0.1:8000/", "SITE_URL is 'http://127.0.0.1:8000/', an address of this"),
        ("http://localhost/", "SITE_URL is 'http://localhost/', an address of this machine"),
        ("your-host.example/", "SITE_URL is 'your-host.example/', not an http(s) address"),
    ],
)
def test_a_build_to_publish_without_a_public_address_stops(site_url, said):
    environ = {"SITE_PUBLISH": "1"} | ({"SITE_URL": site_url} if site_url is not None else {})
    with pytest.raises(BuildError) as stopped:
        publish.check_publishable(environ)
    assert said in str(stopped.value) and FIX in str(stopped.value), str(stopped.value)


def test_a_build_not_meant_for_publishing_needs_no_site_url():
    publish.check_publishable({})
    publish.check_publishable({"SITE_PUBLISH": ""})


def test_the_build_to_publish_stops_before_anything_runs_without_site_url(tmp_path, monkeypatch):
    (tmp_path / "project").mkdir()
    project = copy_empty_project(tmp_path / "project")
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("SITE_PUBLISH", "1")  # what --publish adds
    built = build_site(project, tmp_path / "site")
    assert built.returncode == 1, "a build to publish without SITE_URL did not stop"
    assert "Traceback" not in built.stderr, built.stderr[-3000:]
    errors = [
        line
        for line in built.stderr.splitlines()
        if line.startswith("ERROR") and "was left as it was" not in line
    ]
    assert len(errors) == 1 and "SITE_URL is not set" in errors[0] and FIX in errors[0], errors
    assert not (tmp_path / "site" / "index.html").exists(), "it built a site all the same"
    assert "Build timing" not in built.stdout, "it went on to build"


def test_only_the_workflow_s_push_build_publishes_and_it_sets_site_url():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    builds = [step for step in steps if "nox -s docs" in step.get("run", "")]
    publishing = [step for step in builds if "nox -s docs -- --publish" in step["run"]]
    previews = [step for step in builds if step not in publishing]
    assert len(publishing) == 1 and len(previews) == 1, [step["name"] for step in builds]
    assert publishing[0]["if"] == "github.event_name != 'pull_request'"
    assert previews[0]["if"] == "github.event_name == 'pull_request'"
    assert 'export SITE_URL="${PAGES_URL%/}/"' in publishing[0]["run"]
    assert "SITE_URL" not in previews[0]["run"].replace("No SITE_URL", "")
    # The Pages address the publishing build reads is the one configure-pages gives.
    pages = next(step for step in steps if step.get("id") == "pages")
    assert publishing[0]["env"]["PAGES_URL"] == "${{ steps.pages.outputs.base_url }}", pages
