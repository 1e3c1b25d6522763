"""``nox -s claims``: entries past review first, and the registries' answers, without a network.

tests/claims_registry/ holds what ``pip index versions`` and ``npm view`` answered when it was
recorded (``python -m site_build.core.claims_review --record tests/claims_registry``); the
tests replay it, so they run offline and their expectations come from that recording.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from site_build.core import claims, claims_review

RECORDED = Path(__file__).parent / "claims_registry"
TODAY = dt.date(2026, 12, 6)


def _claim(claim_id, verified, volatility="status", package=None) -> claims.Claim:
    return claims.Claim(
        claim_id,
        "A source",
        f"https://example.org/{claim_id}",
        "Evidence.",
        verified,
        "claims/t.yaml",
        "The page says so.",
        volatility,
        package=package,
    )


def _recorded_latest(registry: str, name: str) -> str:
    """The newest release as the recorded raw answer states it, read without the parser."""
    text = (RECORDED / registry / f"{name.replace('/', '__')}.txt").read_text()
    if registry == "npm":
        return json.loads(text)["dist-tags"]["latest"]
    return re.match(rf"{re.escape(name)} \(([^)]+)\)", text).group(1)


def _offline(registry: str, name: str) -> str:
    raise claims_review.Offline("no network")


def test_entries_past_review_come_first_and_fail_the_session():
    shelf = claims.SHELF_LIFE["status"]
    ledger = {
        "old-history": _claim("old-history", dt.date(2020, 1, 1), "history"),
        "fresh": _claim("fresh", TODAY - dt.timedelta(days=1)),
        "stale": _claim("stale", TODAY - shelf - dt.timedelta(days=1)),
    }
    text, status = claims_review.report(ledger, TODAY, 20, None, {}, {})
    assert status == 1
    assert "1 past their review date" in text
    lines = [line.split()[1] for line in text.splitlines() if line.startswith(("20",))]
    assert lines == ["stale", "old-history", "fresh"]


def test_entries_that_could_not_be_re_checked_are_listed_in_a_group_of_their_own():
    gone = dataclasses.replace(
        _claim("gone", dt.date(2026, 12, 1), "history"),
        unreachable=claims.Unreachable(
            dt.date(2026, 12, 6), {"en": "the page no longer answers", "es": "no responde"}
        ),
    )
    ledger = {"gone": gone, "old": _claim("old", dt.date(2020, 1, 1), "history")}
    text, status = claims_review.report(ledger, TODAY, 20, None, {}, {})
    assert status == 0
    group, oldest = text.split("verified longest ago:")
    assert "Could not be re-checked" in group and "gone" in group
    assert "tried 2026-12-06: the page no longer answers" in group
    assert "gone" not in oldest and "old" in oldest


def test_nothing_past_review_exits_zero():
    ledger = {"fresh": _claim("fresh", TODAY)}
    text, status = claims_review.report(ledger, TODAY, 20, None, {}, {})
    assert status == 0 and "0 past their review date" in text


def test_offline_it_says_so_and_skips_without_failing():
    ledger = {"fresh": _claim("fresh", TODAY, package=claims.Package("pypi", "x", "1.0.0"))}
    text, status = claims_review.report(ledger, TODAY, 20, _offline, {}, {"torch": "2.13.0"})
    assert status == 0
    assert "Offline: the package registries cannot be reached" in text


def test_an_empty_recording_reads_as_offline(tmp_path):
    assert not claims_review.online(claims_review.recorded(tmp_path))


def test_a_stated_newest_release_that_the_registry_no_longer_confirms_is_reported():
    ask = claims_review.recorded(RECORDED)
    serving = _recorded_latest("pypi", "tensorflow-serving-api")
    tfjs = _recorded_latest("npm", "@tensorflow/tfjs")
    ledger = {
        "serving-current": _claim(
            "serving-current",
            TODAY,
            "version",
            claims.Package("pypi", "tensorflow-serving-api", serving),
        ),
        "serving-old": _claim(
            "serving-old",
            TODAY,
            "version",
            claims.Package("pypi", "tensorflow-serving-api", "1.9.0"),
        ),
        "tfjs-current": _claim(
            "tfjs-current", TODAY, "version", claims.Package("npm", "@tensorflow/tfjs", tfjs)
        ),
        "tfjs-misdated": _claim(
            "tfjs-misdated",
            TODAY,
            "version",
            claims.Package("npm", "@tensorflow/tfjs", tfjs, dt.date(1999, 1, 1)),
        ),
    }
    text, status = claims_review.report(ledger, TODAY, 20, ask, {}, {})
    text = text[text.index("Registries:") :]
    assert status == 1
    assert "no longer match their package's releases: 2." in text
    assert (
        f"serving-old (claims/t.yaml, pypi: tensorflow-serving-api): the page states 1.9.0 as "
        f"the newest release, the registry's newest is {serving}" in text
    )
    assert (
        f"tfjs-misdated (claims/t.yaml, npm: @tensorflow/tfjs): the page dates {tfjs} 1999-01-01"
        in text
    )
    assert "serving-current" not in text and "tfjs-current (" not in text


def test_pinned_frameworks_with_a_newer_release_say_what_the_site_runs_and_what_is_current():
    ask = claims_review.recorded(RECORDED)
    pins = claims_review.pinned()
    text, status = claims_review.report({}, TODAY, 20, ask, {}, pins)
    newer = [
        name
        for name, version in pins.items()
        if claims_review._version_key(_recorded_latest("pypi", name))
        > claims_review._version_key(version)
    ]
    assert status == 0  # a newer framework is information, not a stale page
    assert f"{len(newer)} with a newer release" in text
    for name in newer:
        assert (
            f"{name}: the site runs {pins[name]}, PyPI's newest is "
            f"{_recorded_latest('pypi', name)}." in text
        )
    for name in set(pins) - set(newer):
        assert f"{name}: the site runs" not in text


def test_the_recording_answers_for_every_package_of_the_ledger_and_every_pin():
    ledger = claims.load_ledger()
    wanted = {(c.package.registry, c.package.name) for c in ledger.values() if c.package}
    wanted |= {("pypi", name) for name in claims_review.pinned()}
    missing = sorted(
        f"{registry}: {name}"
        for registry, name in wanted
        if not (RECORDED / registry / f"{name.replace('/', '__')}.txt").is_file()
    )
    assert not missing, (
        f"no recorded registry answer for {missing}: record again with "
        "python -m site_build.core.claims_review --record tests/claims_registry"
    )


@pytest.mark.parametrize(
    ("stdout", "latest"),
    [
        ("torch (2.15.0)\nAvailable versions: 2.15.0, 2.14.1\n  INSTALLED: 2.13.0+cpu\n", "2.15.0"),
        ("", None),
    ],
)
def test_pip_index_output_is_read(stdout, latest):
    assert claims_review.parse_pip_index(stdout).latest == latest
