"""``nox -s claims``: which ledger entries to read again, and what the registries say now.

``python -m site_build.core.claims_review [N]`` lists the entries past their review date
first (see ``SHELF_LIFE`` in claims.py), then the N verified longest ago, and exits 1 when
any entry is past review: a fact that may have changed stays on a page only until someone
reads its source again.

``--online`` also asks the package registries with their ordinary clients
(``pip index versions NAME``, ``npm view NAME dist-tags versions time --json``) and reports

- every entry whose ``package`` states a newest release (or its date) that the registry no
  longer confirms: the page sentence is out of date (exit 1);
- every pinned package of the ``frameworks`` group of pyproject.toml that has a newer
  release: what the site runs and what is current (for information; updating a pin is a
  change of its own).

Without a network it says that it is offline and skips these checks; it never fails for that.
``--record FOLDER`` stores the registries' raw answers for the ledger's packages and the
pins, which is how tests/claims_registry/ was recorded: the tests replay that answer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from site_build.core.claims import Claim, LedgerError, load_ledger, usage
from site_build.core.paths import ROOT

PYPROJECT = ROOT / "pyproject.toml"
PINNED_GROUP = "frameworks"
# A package every registry has: if asking for it fails, the machine is offline.
PROBES = {"pypi": "pip", "npm": "npm"}


class Offline(Exception):
    """A registry could not be reached."""


@dataclass(frozen=True)
class Answer:
    """What a registry says about one package."""

    latest: str | None  # the newest stable release; None: the registry does not know it
    released: dict[str, dt.date]  # release day by version, where the registry says


# ------------------------------------------------------------------ registry answers


def parse_pip_index(stdout: str) -> Answer:
    """``pip index versions NAME`` prints ``NAME (LATEST)``, then the versions."""
    match = re.search(r"^\S+ \(([^)]+)\)$", stdout, re.MULTILINE)
    return Answer(match.group(1) if match else None, {})


def parse_npm_view(stdout: str) -> Answer:
    """``npm view NAME dist-tags versions time --json``."""
    data = json.loads(stdout or "{}")
    times = data.get("time") or {}
    released = {
        version: dt.date.fromisoformat(stamp[:10])
        for version, stamp in times.items()
        if version not in ("created", "modified")
    }
    return Answer((data.get("dist-tags") or {}).get("latest"), released)


PARSERS = {"pypi": parse_pip_index, "npm": parse_npm_view}


def _command(registry: str, name: str) -> list[str]:
    if registry == "pypi":
        return [sys.executable, "-m", "pip", "index", "versions", name]
    return ["npm", "view", name, "dist-tags", "versions", "time", "--json"]


def ask_client(registry: str, name: str) -> str:
    """The raw answer of the registry's own client; Offline when it cannot be reached."""
    try:
        done = subprocess.run(
            _command(registry, name), capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Offline(f"{registry}: {error}") from None
    if done.returncode != 0:
        return ""  # an unknown package: parsed as a registry that does not know it
    return done.stdout


def recorded(folder: Path) -> Callable[[str, str], str]:
    """Answers read from ``folder/<registry>/<name>.txt``, as --record stored them."""

    def ask(registry: str, name: str) -> str:
        path = folder / registry / f"{_file_name(name)}.txt"
        if not path.is_file():
            raise Offline(f"no recorded answer {path}")
        return path.read_text(encoding="utf-8")

    return ask


def _file_name(name: str) -> str:
    return name.replace("/", "__")


def online(ask: Callable[[str, str], str]) -> bool:
    """Whether every registry answers for a package it certainly has."""
    try:
        return all(PARSERS[r](ask(r, name)).latest for r, name in PROBES.items())
    except Offline:
        return False


# ------------------------------------------------------------------ what to report


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0]))


def pinned(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """Package -> pinned version of the ``frameworks`` dependency group."""
    groups = tomllib.loads(pyproject.read_text(encoding="utf-8"))["dependency-groups"]
    pins = {}
    for requirement in groups[PINNED_GROUP]:
        if isinstance(requirement, str) and "==" in requirement:
            name, version = (part.strip() for part in requirement.split("==", 1))
            pins[name] = version
    return pins


def stale_packages(ledger: dict[str, Claim], ask: Callable[[str, str], str]) -> list[str]:
    """One line per entry whose stated newest release the registry no longer confirms."""
    problems = []
    for claim in sorted(ledger.values(), key=lambda claim: claim.id):
        package = claim.package
        if package is None:
            continue
        answer = PARSERS[package.registry](ask(package.registry, package.name))
        where = f"{claim.id} ({claim.file}, {package.registry}: {package.name})"
        if answer.latest is None:
            problems.append(f"{where}: the registry does not know this package; fix the name.")
        elif answer.latest != package.latest:
            problems.append(
                f"{where}: the page states {package.latest} as the newest release, the "
                f"registry's newest is {answer.latest}: read the source again and update "
                "the page sentence, the evidence and package.latest."
            )
        elif package.released and answer.released.get(package.latest) not in (
            None,
            package.released,
        ):
            problems.append(
                f"{where}: the page dates {package.latest} {package.released}, the registry "
                f"{answer.released[package.latest]}: check which is right."
            )
    return problems


def framework_updates(pins: dict[str, str], ask: Callable[[str, str], str]) -> list[str]:
    """One line per pinned package with a newer release on PyPI."""
    lines = []
    for name, version in sorted(pins.items()):
        latest = parse_pip_index(ask("pypi", name)).latest
        if latest and _version_key(latest) > _version_key(version):
            lines.append(f"{name}: the site runs {version}, PyPI's newest is {latest}.")
    return lines


def by_urgency(ledger: dict[str, Claim], today: dt.date) -> tuple[list[Claim], list[Claim]]:
    """(entries past review, longest past first; the others, verified longest ago first)."""
    past = sorted(
        (claim for claim in ledger.values() if claim.past_review(today)),
        key=lambda claim: (claim.review_by, claim.id),
    )
    rest = sorted(
        (claim for claim in ledger.values() if not claim.past_review(today)),
        key=lambda claim: (claim.verified, claim.id),
    )
    return past, rest


def _line(claim: Claim, used: dict[str, list[str]]) -> str:
    pages = sorted({PurePosixPath(page).name for page in used.get(claim.id, [])})
    review = f", review by {claim.review_by}" if claim.review_by else ""
    return (
        f"{claim.verified}  {claim.id}  ({claim.file}; {claim.volatility}{review}; "
        f"on {', '.join(pages) or 'no page'})\n            {claim.source}"
    )


def report(
    ledger: dict[str, Claim],
    today: dt.date,
    limit: int,
    ask: Callable[[str, str], str] | None,
    used: dict[str, list[str]],
    pins: dict[str, str],
) -> tuple[str, int]:
    """The text of ``nox -s claims`` and its exit status."""
    past, rest = by_urgency(ledger, today)
    out = [f"{len(ledger)} claims in claims/ on {today}; {len(past)} past their review date."]
    if past:
        out.append("Past review (read the source again, then update verified and evidence):")
        out += [_line(claim, used) for claim in past]
    # An entry whose source could not be opened has a group of its own (after those past
    # review, which it joins when its shelf life runs out), not among the oldest.
    unreachable = [claim for claim in rest if claim.unreachable is not None]
    rest = [claim for claim in rest if claim.unreachable is None]
    if unreachable:
        out.append(
            "Could not be re-checked (find a copy of the source you can read, or a primary "
            "source for the same fact, then update verified and remove unreachable):"
        )
        for claim in unreachable:
            assert claim.unreachable is not None
            tried, why = claim.unreachable.tried, claim.unreachable.reason["en"]
            out.append(f"{_line(claim, used)}\n            tried {tried}: {why}")
    out.append(f"The {min(limit, len(rest))} verified longest ago:")
    out += [_line(claim, used) for claim in rest[:limit]]
    status = 1 if past else 0
    if ask is None:
        return "\n".join(out), status
    if not online(ask):
        out.append("Offline: the package registries cannot be reached; registry checks skipped.")
        return "\n".join(out), status
    stale = stale_packages(ledger, ask)
    out.append(f"Registries: entries that no longer match their package's releases: {len(stale)}.")
    out += stale
    updates = framework_updates(pins, ask)
    out.append(f"Pinned in pyproject.toml ({PINNED_GROUP}), {len(updates)} with a newer release:")
    out += updates
    return "\n".join(out), 1 if stale or past else 0


def record(folder: Path, ledger: dict[str, Claim], pins: dict[str, str]) -> None:
    """Store the registries' raw answers for the ledger's packages, the pins and the probes."""
    wanted = {(c.package.registry, c.package.name) for c in ledger.values() if c.package}
    wanted |= {("pypi", name) for name in pins} | set(PROBES.items())
    for registry, name in sorted(wanted):
        path = folder / registry / f"{_file_name(name)}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ask_client(registry, name), encoding="utf-8")
        print(f"recorded {path}")


def main(argv: list[str]) -> int:
    args = list(argv)
    check_online = "--online" in args
    args = [arg for arg in args if arg != "--online"]
    try:
        ledger = load_ledger()
    except LedgerError as error:
        print(error, file=sys.stderr)
        return 1
    if args[:1] == ["--record"]:
        if len(args) != 2:
            print("usage: --record FOLDER", file=sys.stderr)
            return 2
        record(Path(args[1]), ledger, pinned())
        return 0
    if args and not args[0].isdigit():
        print(f"usage: [N] [--online] [--record FOLDER]; got {args}", file=sys.stderr)
        return 2
    limit = int(args[0]) if args else 20
    text, status = report(
        ledger, dt.date.today(), limit, ask_client if check_online else None, usage(), pinned()
    )
    print(text)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
