"""The claims ledger: facts no code can check, sourced and dated.

A statement that no doctest proves (a release date, a project's status, an adoption figure)
is written in a page's own words, followed by ``{{ claim:ID }}``. ``claims/*.yaml`` holds
each ID once, for every language: the source's title and URL, its evidence (the source's
own words, or a paraphrase marked ``Paraphrase:``) and the day somebody last checked it::

    torchserve-archived:
      title: pytorch/serve repository on GitHub
      source: https://github.com/pytorch/serve
      evidence: "This repository was archived by the owner on Aug 7, 2025."
      supports: TorchServe is no longer maintained and its repository is archived.
      volatility: status
      verified: 2026-12-06

Each entry also states the one sentence of the site it backs (``supports``), how quickly the
fact can go stale (``volatility``: ``history`` never does; ``status``, ``version`` and
``count`` are read again by their ``review_by`` date, ``SHELF_LIFE`` below), where needed why
a non-primary source is cited (``secondary``) and, for a fact about a package's newest
release, that package on its registry (``package``), which ``nox -s claims -- --online``
compares with the registry. A source that could not be opened when someone tried to read it
again keeps its last ``verified`` day and says so (``unreachable: {tried: DAY, reason: {en:
..., es: ...}}``); its footnote tells the reader, in the page's language.

The build turns each reference into a footnote that shows the source, the evidence and the
verification date in the page's language, and marks an entry past its review date as possibly
out of date. The tests (tests/test_claims.py) use
``undated_years`` so that a year written in page prose must come with a claim whose
evidence states it, and fail on an entry with no source or date, or used by no page.

``nox -s claims`` (site_build/core/claims_review.py) lists the entries past review first,
then those verified longest ago, and with ``-- --online`` compares them with the registries.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from site_build.core import yaml_files
from site_build.core.catalog import texts
from site_build.core.errors import BuildError, PlaceholderError
from site_build.core.paths import CLAIMS_DIR, DOCS_DIR
from site_build.core.placeholders import PLACEHOLDER, Kind
from site_build.core.placeholders import references as _references
from site_build.core.placeholders import render as _render

FIELDS = ("title", "source", "evidence", "verified", "supports", "volatility")
OPTIONAL = ("secondary", "package", "unreachable")
LANGUAGES = ("en", "es")

# How long a fact of each volatility class stays trusted after the day it was verified:
# the one place that sets the shelf life. A `history` entry (a release that happened, a
# past announcement) cannot change; a project's `status`, a `version` (the newest release,
# what a package supports) or a `count` (downloads, models on a hub) can.
SHELF_LIFE: dict[str, dt.timedelta | None] = {
    "history": None,
    "status": dt.timedelta(days=180),
    "version": dt.timedelta(days=90),
    "count": dt.timedelta(days=180),
}
REGISTRIES = ("pypi", "npm")

# A year that a reader would take as a date: 1990 to 2039, not part of a longer number, a
# version (2.16) or a grouped figure (2,048 or 2.048).
YEAR = re.compile(r"(?<![\w.,])(199\d|20[0-3]\d)(?![\w]|[.,]\d)")

# What the footnote says, per language: the claim_footnote, date and months of the catalogs.
FOOTNOTE = texts("claim_footnote")
PAST_REVIEW = texts("claim_past_review")
UNREACHABLE = texts("claim_unreachable")
MONTHS = texts("months")
DATES = texts("date")


class LedgerError(BuildError):
    """A claims/*.yaml file a contributor must fix; the message names the file and the fix."""


@dataclass(frozen=True)
class Package:
    """The registry entry of a package whose newest release a page states."""

    registry: str  # pypi or npm
    name: str
    latest: str  # the newest release the page states
    released: dt.date | None = None  # the day the page says it came out, where it says


@dataclass(frozen=True)
class Unreachable:
    """A source that could not be opened when someone tried to read it again."""

    tried: dt.date
    reason: dict[str, str]  # language -> why, in that language's prose


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    source: str
    evidence: str
    verified: dt.date
    file: str  # claims/<area>.yaml, for messages
    supports_text: str = ""
    volatility: str = "history"
    secondary: str | None = None
    package: Package | None = None
    unreachable: Unreachable | None = None

    def supports(self, year: str) -> bool:
        return year in self.evidence or year in self.title

    @property
    def review_by(self) -> dt.date | None:
        """The day to read the source again; None for history, which cannot change."""
        shelf = SHELF_LIFE[self.volatility]
        return None if shelf is None else self.verified + shelf

    def past_review(self, today: dt.date) -> bool:
        return self.review_by is not None and self.review_by < today


class _Loader(yaml_files.SafeLoader):
    """YAML without implicit dates: a verified date is checked here, with the claim's name."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml_files.SafeLoader.yaml_implicit_resolvers.items()
}


def _date(value: object, field: str, claim_id: str, where: str, today: dt.date) -> dt.date:
    text = str(value).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise LedgerError(
            f"{where}: '{claim_id}': {field} '{text}' is not a date: write the day as "
            "YYYY-MM-DD, e.g. 2026-12-06."
        ) from None
    if field == "verified" and day > today:
        raise LedgerError(
            f"{where}: '{claim_id}': verified {day} is after today ({today}): write the day "
            "you actually read the source again, never a date to come."
        )
    return day


def _package(raw: object, claim_id: str, where: str, today: dt.date) -> Package:
    fix = (
        "write it as a mapping: 'package: {pypi: NAME, latest: VERSION}' or "
        "'package: {npm: NAME, latest: VERSION, released: YYYY-MM-DD}', with the newest "
        "release the page states"
    )
    if not isinstance(raw, dict):
        raise LedgerError(f"{where}: '{claim_id}': package must be a mapping: {fix}.")
    registries = [key for key in REGISTRIES if key in raw]
    unknown = sorted(set(raw) - {*REGISTRIES, "latest", "released"})
    # latest: 2.20 would be read as the number 2.2: a version must be written as text.
    if isinstance(raw.get("latest"), float):
        raise LedgerError(f"{where}: '{claim_id}': quote the version, latest: '{raw['latest']}'.")
    if len(registries) != 1 or unknown or not str(raw.get("latest") or "").strip():
        raise LedgerError(f"{where}: '{claim_id}': package {raw} is not understood: {fix}.")
    released = raw.get("released")
    return Package(
        registries[0],
        str(raw[registries[0]]).strip(),
        str(raw["latest"]).strip(),
        None if released is None else _date(released, "package released", claim_id, where, today),
    )


def _unreachable(
    raw: object, claim_id: str, where: str, today: dt.date, verified: dt.date
) -> Unreachable:
    fix = (
        "write it as 'unreachable: {tried: YYYY-MM-DD, reason: {en: ..., es: ...}}': the day "
        "you tried to open the source and why it could not be read, in both languages; keep "
        "verified at the day the source was last actually read"
    )
    if not isinstance(raw, dict) or set(raw) != {"tried", "reason"}:
        raise LedgerError(f"{where}: '{claim_id}': unreachable {raw!r} is not understood: {fix}.")
    tried = _date(raw["tried"], "unreachable tried", claim_id, where, today)
    if tried > today:
        raise LedgerError(
            f"{where}: '{claim_id}': unreachable tried {tried} is after today ({today}): write "
            "the day you actually tried to open the source."
        )
    if tried <= verified:
        raise LedgerError(
            f"{where}: '{claim_id}': unreachable tried {tried} is not after verified {verified}: "
            "a source read on the day it was tried is not unreachable; remove 'unreachable' "
            "and set verified to that day."
        )
    reason = raw["reason"]
    if not isinstance(reason, dict) or set(reason) != set(LANGUAGES):
        raise LedgerError(f"{where}: '{claim_id}': unreachable reason needs en and es: {fix}.")
    texts_ = {lang: " ".join(str(reason[lang] or "").split()) for lang in LANGUAGES}
    for lang, text in texts_.items():
        if len(text.split()) < 3 or text.endswith("."):
            raise LedgerError(
                f"{where}: '{claim_id}': unreachable reason.{lang} '{text}' must say in a few "
                "words why the source could not be read, without a final full stop (the page "
                "adds it)."
            )
    return Unreachable(tried, texts_)


def _entry(claim_id: str, raw: object, where: str, today: dt.date) -> Claim:
    if not isinstance(raw, dict):
        raise LedgerError(f"{where}: '{claim_id}' must be a mapping with the keys {FIELDS}")
    missing = [key for key in FIELDS if not str(raw.get(key) or "").strip()]
    if missing:
        raise LedgerError(
            f"{where}: '{claim_id}' has no {', '.join(missing)}: every claim needs "
            f"{', '.join(FIELDS)} (verified is the day you checked the source, YYYY-MM-DD; "
            "supports is the page's sentence that the entry backs; volatility is one of "
            f"{', '.join(SHELF_LIFE)}). See CONTRIBUTING.md, 'Facts no code can check'."
        )
    unknown = sorted(set(raw) - set(FIELDS) - set(OPTIONAL))
    if unknown:
        raise LedgerError(
            f"{where}: '{claim_id}' has unknown keys {unknown}; use {FIELDS} and, where "
            f"needed, {OPTIONAL}."
        )
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", claim_id):
        raise LedgerError(f"{where}: '{claim_id}': ids use lowercase letters, digits and -.")
    if not re.match(r"https?://", str(raw["source"])):
        raise LedgerError(f"{where}: '{claim_id}': source must be an http(s) URL you read.")
    verified = _date(raw["verified"], "verified", claim_id, where, today)
    volatility = str(raw["volatility"]).strip()
    if volatility not in SHELF_LIFE:
        raise LedgerError(
            f"{where}: '{claim_id}': volatility '{volatility}' is not one of "
            f"{', '.join(SHELF_LIFE)}: history for what cannot change (a past release or "
            "announcement), status, version or count for what can."
        )
    supports = " ".join(str(raw["supports"]).split())
    if not supports.endswith((".", "?", "!")) or re.search(r"[.!?]\s+[A-Z]", supports):
        raise LedgerError(
            f"{where}: '{claim_id}': supports must be the one sentence of the site that this "
            f"entry backs, ending with a full stop; got '{supports}'."
        )
    secondary = raw.get("secondary")
    if secondary is not None and len(str(secondary).split()) < 4:
        raise LedgerError(
            f"{where}: '{claim_id}': secondary must give the reason why no primary source "
            "(the project's docs, release notes, repository or maintainers) is cited."
        )
    package = raw.get("package")
    unreachable = raw.get("unreachable")
    text = {key: " ".join(str(raw[key]).split()) for key in ("title", "source", "evidence")}
    return Claim(
        claim_id,
        **text,
        verified=verified,
        file=where,
        supports_text=supports,
        volatility=volatility,
        secondary=None if secondary is None else " ".join(str(secondary).split()),
        package=None if package is None else _package(package, claim_id, where, today),
        unreachable=None
        if unreachable is None
        else _unreachable(unreachable, claim_id, where, today, verified),
    )


# Two entries quote the same fact when they cite the same page and share this many words in
# a row of their evidence; ids that differ only by a prefix ("choosing-x" and "x") or by
# hyphens ("keras3-x" and "keras-3-x") name the same fact twice.
SHARED_WORDS = 8


def _page(url: str) -> str:
    return url.split("#", 1)[0].rstrip("/").lower()


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[\w.'\u2019-]+", text.lower())
    return {tuple(words[i : i + SHARED_WORDS]) for i in range(len(words) - SHARED_WORDS + 1)}


def duplicates(ledger: dict[str, Claim]) -> list[str]:
    """One message per pair of entries that state the same fact: one fact, one entry."""
    problems = []
    entries = sorted(ledger.values(), key=lambda claim: claim.id)
    for number, first in enumerate(entries):
        for second in entries[number + 1 :]:
            pair = f"'{first.id}' ({first.file}) and '{second.id}' ({second.file})"
            short, long = sorted((first.id, second.id), key=len)
            same_letters = first.id.replace("-", "") == second.id.replace("-", "")
            if long.endswith("-" + short) or same_letters:
                problems.append(
                    f"{pair} differ only by a prefix or hyphens: one fact has one entry, so "
                    f"keep '{short}', delete the other and cite '{short}' on its pages."
                )
            elif _page(first.source) == _page(second.source) and (
                _shingles(first.evidence) & _shingles(second.evidence)
            ):
                problems.append(
                    f"{pair} quote the same words of {first.source}: one fact has one entry, "
                    "so merge them into one and cite it from every page that uses either."
                )
    return problems


@lru_cache(maxsize=256)
def _parsed(text: str) -> object:
    """A ledger file's YAML, parsed once per content (a build reads the ledger for every
    page); an error is not cached, so a broken file fails every time it is read."""
    return yaml.load(text, Loader=_Loader)


def load_ledger(folder: Path = CLAIMS_DIR, today: dt.date | None = None) -> dict[str, Claim]:
    """Every claim of ``folder/*.yaml`` by id; a LedgerError names the file to fix.

    ``today`` is the build's date (the machine's by default): no entry is verified after it.
    """
    today = today or dt.date.today()
    files = tuple(
        (path.relative_to(folder.parent).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.yaml"))
    )
    # A new dict each time (callers may add to theirs); the claims themselves are frozen.
    return dict(_ledger(files, today))


@lru_cache(maxsize=16)
def _ledger(files: tuple[tuple[str, str], ...], today: dt.date) -> dict[str, Claim]:
    """The claims of the ledger files' texts, checked once per content and day: a build
    reads the ledger for every page. An error is not cached (lru_cache keeps only returns)."""
    claims: dict[str, Claim] = {}
    for where, text in files:
        try:
            data = copy.deepcopy(_parsed(text)) or {}
        except yaml.YAMLError as error:
            raise LedgerError(f"{where}: not valid YAML: {error}") from None
        if not isinstance(data, dict):
            raise LedgerError(f"{where}: must be a mapping of claim ids to entries")
        for claim_id, raw in data.items():
            claim = _entry(str(claim_id), raw, where, today)
            if claim.id in claims:
                raise LedgerError(
                    f"{where}: '{claim.id}' is already in {claims[claim.id].file}; "
                    "ids are unique across claims/, so reuse that entry or rename this one."
                )
            claims[claim.id] = claim
    return claims


def format_date(day: dt.date, language: str) -> str:
    return DATES[language].format(day=day.day, month=MONTHS[language][day.month - 1], year=day.year)


def footnote(claim: Claim, language: str, today: dt.date | None = None) -> str:
    """Source, evidence and verification date; a warning once the entry is past review."""
    text = FOOTNOTE[language]
    # Spanish closes a quotation before the full stop («…».); English keeps the source's own.
    evidence = claim.evidence.rstrip(".") if language == "es" else claim.evidence
    note = text.format(
        title=claim.title.replace("]", r"\]"),
        source=claim.source,
        evidence=evidence,
        date=format_date(claim.verified, language),
    )
    if claim.unreachable is not None:
        note += " " + UNREACHABLE[language].format(
            date=format_date(claim.unreachable.tried, language),
            reason=claim.unreachable.reason[language],
        )
    if claim.past_review(today or dt.date.today()):
        assert claim.review_by is not None
        note += " " + PAST_REVIEW[language].format(date=format_date(claim.review_by, language))
    return note


def claim_kind(ledger: dict[str, Claim], today: dt.date | None = None) -> Kind:
    """``{{ claim:ID }}``: a footnote reference, and the footnotes at the end of the page."""

    def reference(claim_id: str, language: str, page: str) -> str:
        if claim_id not in ledger:
            raise PlaceholderError(
                f"{{{{ claim:{claim_id} }}}} is not in the ledger: add '{claim_id}' "
                f"with {', '.join(FIELDS)} to a claims/*.yaml file, or fix the id."
            )
        return f"[^{claim_id}]"

    def footnotes(claim_ids: list[str], language: str, page: str) -> str:
        return "\n".join(f"[^{cid}]: {footnote(ledger[cid], language, today)}" for cid in claim_ids)

    return Kind(reference, footnotes)


def render(
    markdown: str, language: str, ledger: dict[str, Claim], where: str, today: dt.date | None = None
) -> str:
    """Replace each ``{{ claim:ID }}`` by a footnote reference and add the footnotes."""
    return _render(markdown, language, where, {"claim": claim_kind(ledger, today)})


def _claim_ids(text: str) -> list[str]:
    return _references(text, "claim")


def _without_claims(text: str) -> str:
    return PLACEHOLDER.sub(lambda m: " " if m["kind"] == "claim" else m[0], text)


# --------------------------------------------------------------- what the tests check

_FENCE = re.compile(r"^(\s*)(```|~~~)")
_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+\.\s|\||#|!!!|\?\?\?|===)")
_REMOVED = [
    re.compile(r"`[^`\n]*`"),  # inline code
    re.compile(r"<!--.*?-->", re.DOTALL),  # comments
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),  # a link's URL (its text stays)
    re.compile(r"https?://\S+"),  # bare URLs
    re.compile(r"\{\{(?!\s*claim:)[^}]*\}\}"),  # generated values: the build measured them
    re.compile(r"\{[#.:][^}\n]*\}"),  # attribute lists
]


def prose_blocks(markdown: str) -> list[tuple[int, str]]:
    """(first line number, text) of each paragraph, list item, table row, heading or
    admonition title, with code, URLs and generated values removed."""
    blocks: list[tuple[int, list[str]]] = []
    fence: str | None = None
    current: list[str] | None = None
    for number, line in enumerate(markdown.splitlines(), 1):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(2) == fence:
                fence = None
            continue
        if opening:
            fence, current = opening.group(2), None
            continue
        if not line.strip() or "--8<--" in line:
            current = None
            continue
        if current is None or _BLOCK_START.match(line):
            current = []
            blocks.append((number, current))
        current.append(line)
    found = []
    for number, lines in blocks:
        text = "\n".join(lines)
        for pattern in _REMOVED:
            text = pattern.sub(" ", text)
        found.append((number, text))
    return found


def undated_years(markdown: str, ledger: dict[str, Claim]) -> list[tuple[int, str, str]]:
    """(line, year, what to do) for each year in prose that no referenced claim states."""
    problems = []
    for number, text in prose_blocks(markdown):
        cited = [ledger[cid] for cid in _claim_ids(text) if cid in ledger]
        for year in dict.fromkeys(YEAR.findall(_without_claims(text))):
            if not any(claim.supports(year) for claim in cited):
                names = ", ".join(claim.id for claim in cited) or "none"
                problems.append(
                    (
                        number,
                        year,
                        f"'{year}' is stated without a source: reference a claim whose evidence "
                        f"or title contains {year} in the same paragraph, list item or table row "
                        f"(claims referenced there: {names}). See CONTRIBUTING.md, "
                        "'Facts no code can check'.",
                    )
                )
    return problems


def references(markdown: str) -> list[str]:
    return _claim_ids(markdown)


# ------------------------------------------------------------------------ nox -s claims


def usage(docs: Path = DOCS_DIR) -> dict[str, list[str]]:
    """Claim id -> pages (docs/<language>/<page>) that reference it."""
    used: dict[str, list[str]] = {}
    for path in sorted(docs.rglob("*.md")):
        for claim_id in references(path.read_text(encoding="utf-8")):
            used.setdefault(claim_id, []).append(path.relative_to(docs.parent).as_posix())
    return used
