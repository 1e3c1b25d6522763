"""The claims ledger: every dated fact on a page has a source and a verification date.

See site_build/core/claims.py for the ledger's format and CONTRIBUTING.md, "Facts no code
can check".
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap

import pytest

from site_build.core import claims
from site_build.core.errors import PlaceholderError
from site_build.core.layout import DOCS_DIR, ROOT, languages, page_text, pages

LANGUAGES = languages()
DEFAULT, *TRANSLATIONS = LANGUAGES
LEDGER = claims.load_ledger()
PAGES = [(language, name) for language in LANGUAGES for name in sorted(pages(language))]


def _claim(claim_id: str, evidence: str, title: str = "A source") -> claims.Claim:
    return claims.Claim(
        claim_id, title, "https://example.org/", evidence, dt.date(2026, 12, 1), "claims/t.yaml"
    )


SAMPLE = {
    "archived": _claim("archived", "This repository was archived on Aug 7, 2025."),
    "released": _claim("released", "Paraphrase: the project was released.", title="Notes, 2017"),
}


@pytest.mark.parametrize(("language", "page"), PAGES, ids=lambda x: str(x))
def test_every_year_on_a_page_comes_with_its_source(language: str, page: str):
    problems = claims.undated_years(page_text(DOCS_DIR / language / page), LEDGER)
    assert not problems, "\n".join(
        f"docs/{language}/{page}:{line}: {message}" for line, _, message in problems
    )


@pytest.mark.parametrize("page", sorted(pages(DEFAULT)))
@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translations_cite_the_same_claims(page: str, language: str):
    if page not in pages(language):
        pytest.skip("the missing page is reported by test_pages.py")
    original = set(claims.references(page_text(DOCS_DIR / DEFAULT / page)))
    translated = set(claims.references(page_text(DOCS_DIR / language / page)))
    assert original == translated, (
        f"docs/{language}/{page} and docs/{DEFAULT}/{page} cite different claims: only in "
        f"{DEFAULT}: {sorted(original - translated)}; only in {language}: "
        f"{sorted(translated - original)}. Both languages state the same sourced facts."
    )


def test_every_cited_claim_is_in_the_ledger():
    unknown = {
        f"{where}: {{{{ claim:{cid} }}}}"
        for cid, places in claims.usage().items()
        for where in places
        if cid not in LEDGER
    }
    assert not unknown, "not in claims/*.yaml:\n" + "\n".join(sorted(unknown))


def test_every_ledger_entry_is_used_by_a_page():
    unused = sorted(set(LEDGER) - set(claims.usage()))
    assert not unused, (
        "claims/ entries that no page cites (cite them with {{ claim:ID }} or delete them): "
        + ", ".join(f"{cid} ({LEDGER[cid].file})" for cid in unused)
    )


# ------------------------------------------------------------- the checks can fail


def test_a_year_without_a_claim_is_reported_with_its_line():
    page = "# Title\n\nIntro.\n\nTorchServe was archived in August 2025.\n"
    assert [(line, year) for line, year, _ in claims.undated_years(page, SAMPLE)] == [(5, "2025")]


def test_a_claim_that_does_not_state_the_year_is_not_enough():
    page = "PyTorch was released in 2017.{{ claim:archived }}\n"
    [(_, year, message)] = claims.undated_years(page, SAMPLE)
    assert year == "2017" and "archived" in message


def test_a_claim_stating_the_year_in_evidence_or_title_covers_it():
    page = textwrap.dedent(
        """\
        | Serving | TorchServe, archived in 2025{{ claim:archived }} |
        | Origin | released in
        2017 {{ claim:released }}

        - item in 2025 {{ claim:archived }}
        """
    )
    assert claims.undated_years(page, SAMPLE) == []


def test_code_urls_versions_and_generated_values_are_not_years():
    page = textwrap.dedent(
        """\
        Use `torch.load(path)  # 2024`, see [the notes](https://example.org/2021/post)
        or https://example.org/2020, TensorFlow 2.16, 2,048 rows, {{ mnist:year_2020 }}.

        ```python
        year = 2023
        ```
        """
    )
    assert claims.undated_years(page, SAMPLE) == []


def test_the_footnote_shows_source_evidence_and_date_in_the_page_language():
    page = "Archived in 2025.{{ claim:archived }} Again.{{ claim:archived }}\n"
    english = claims.render(page, "en", SAMPLE, "en/x.md")
    spanish = claims.render(page, "es", SAMPLE, "es/x.md")
    assert english.count("[^archived]") == 3  # two references and one footnote
    assert "[^archived]: Source: [A source](https://example.org/)" in english
    assert "Verified on 1 December 2026." in english
    assert "«This repository was archived on Aug 7, 2025». Comprobado el 1 de diciembre" in spanish


def test_a_claim_past_review_is_marked_as_possibly_out_of_date_in_both_languages():
    claim = claims.Claim(
        "status",
        "A source",
        "https://example.org/",
        "Maintained.",
        dt.date(2026, 1, 10),
        "claims/t.yaml",
        "The project is maintained.",
        "status",
    )
    ledger = {"status": claim}
    page = "Maintained.{{ claim:status }}\n"
    review_by = dt.date(2026, 1, 10) + claims.SHELF_LIFE["status"]
    fresh = claims.render(page, "en", ledger, "en/x.md", today=review_by)
    english = claims.render(page, "en", ledger, "en/x.md", today=review_by + dt.timedelta(1))
    spanish = claims.render(page, "es", ledger, "es/x.md", today=review_by + dt.timedelta(1))
    assert "Verified on 10 January 2026." in fresh and "out of date" not in fresh
    assert f"Due for review since {review_by.day} July 2026: this may be out of date." in english
    assert f"Pendiente de revisión desde el {review_by.day} de julio de 2026" in spanish
    assert "puede estar desactualizado" in spanish


def test_a_history_claim_never_needs_review():
    claim = claims.Claim(
        "old",
        "A source",
        "https://example.org/",
        "Released.",
        dt.date(2020, 1, 1),
        "claims/t.yaml",
        "It was released.",
        "history",
    )
    assert not claim.past_review(dt.date(2040, 1, 1))
    assert "out of date" not in claims.footnote(claim, "en", dt.date(2040, 1, 1))


def test_an_unknown_claim_fails_the_build_naming_the_page():
    expected = r"es/x\.md: \{\{ claim:nope \}\} is not in the ledger"
    with pytest.raises(PlaceholderError, match=expected):
        claims.render("Text.{{ claim:nope }}\n", "es", SAMPLE, "es/x.md")


def _entry(**fields: str) -> str:
    """A claims/*.yaml entry 'a' with every required field, changed by ``fields``."""
    entry = {
        "title": "T",
        "source": "https://x.org",
        "evidence": "E",
        "supports": "The page says E.",
        "volatility": "status",
        "verified": "2026-12-01",
        **fields,
    }
    return "a:\n" + "".join(f"  {key}: {value}\n" for key, value in entry.items() if value)


def _load(tmp_path, *entries: str, today: dt.date = dt.date(2026, 12, 6)):
    (tmp_path / "claims").mkdir(parents=True)
    for number, entry in enumerate(entries):
        (tmp_path / "claims" / f"area{number or ''}.yaml").write_text(entry)
    return claims.load_ledger(tmp_path / "claims", today=today)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"source": ""}, "has no source"),
        ({"verified": ""}, "has no verified"),
        ({"supports": ""}, "has no supports"),
        ({"volatility": ""}, "has no volatility"),
        ({"verified": "soon"}, "verified 'soon' is not a date: write the day as YYYY-MM-DD"),
        ({"verified": "2026-13-45"}, "verified '2026-13-45' is not a date"),
        ({"verified": "2099-01-01"}, r"verified 2099-01-01 is after today \(2026-12-06\)"),
        ({"source": "x.org"}, "http"),
        ({"volatility": "eternal"}, "volatility 'eternal' is not one of history, status"),
        ({"supports": "No full stop"}, "supports must be the one sentence"),
        ({"supports": "Two sentences. Here."}, "supports must be the one sentence"),
        ({"secondary": "blog"}, "secondary must give the reason"),
        ({"package": "tfjs"}, "package must be a mapping"),
        ({"package": "{pip: x, latest: 1.0.0}"}, "package .* is not understood"),
        ({"package": "{npm: x}"}, "package .* is not understood"),
        ({"package": "{npm: x, latest: 2.20}"}, "quote the version"),
        ({"package": "{npm: x, latest: 1.0.0, released: 2024-02-30}"}, "released '2024-02-30'"),
        ({"reviewed": "2026-12-01"}, r"unknown keys \['reviewed'\]"),
        ({"unreachable": "offline"}, "unreachable 'offline' is not understood"),
        ({"unreachable": "{tried: 2026-12-06}"}, "unreachable .* is not understood"),
        (
            {"unreachable": "{tried: 2026-12-09, reason: {en: site is down, es: web caída}}"},
            r"unreachable tried 2026-12-09 is after today \(2026-12-06\)",
        ),
        (
            {"unreachable": "{tried: 2026-12-01, reason: {en: site is down, es: web caída}}"},
            "unreachable tried 2026-12-01 is not after verified 2026-12-01",
        ),
        (
            {"unreachable": "{tried: 2026-12-06, reason: {en: the site is down}}"},
            "unreachable reason needs en and es",
        ),
        (
            {"unreachable": "{tried: 2026-12-06, reason: {en: down, es: la web no responde}}"},
            r"unreachable reason\.en 'down' must say in a few words why",
        ),
    ],
)
def test_a_bad_ledger_entry_is_refused_naming_the_file_the_claim_and_the_fix(
    tmp_path, fields, message
):
    with pytest.raises(claims.LedgerError, match=rf"claims/area\.yaml: 'a'.*{message}"):
        _load(tmp_path, _entry(**fields))


def test_a_complete_entry_loads_with_its_review_date_from_its_volatility(tmp_path):
    package = "{npm: '@tensorflow/tfjs', latest: 4.22.0, released: 2024-10-21}"
    ledger = _load(
        tmp_path,
        _entry(volatility="version", package=package, secondary="the project has no notes"),
    )
    claim = ledger["a"]
    assert claim.verified == dt.date(2026, 12, 1)
    assert claim.review_by == dt.date(2026, 12, 1) + claims.SHELF_LIFE["version"]
    released = dt.date(2024, 10, 21)
    assert claim.package == claims.Package("npm", "@tensorflow/tfjs", "4.22.0", released)
    assert claim.secondary == "the project has no notes"
    assert _load(tmp_path / "h", _entry(volatility="history"))["a"].review_by is None


def test_an_unreachable_source_keeps_its_last_verified_day_and_says_so_in_both_languages(
    tmp_path,
):
    unreachable = (
        "{tried: 2026-12-06, reason: {en: the page no longer answers, "
        "es: la página ya no responde}}"
    )
    claim = _load(tmp_path, _entry(volatility="history", unreachable=unreachable))["a"]
    assert claim.verified == dt.date(2026, 12, 1)
    assert claim.unreachable == claims.Unreachable(
        dt.date(2026, 12, 6), {"en": "the page no longer answers", "es": "la página ya no responde"}
    )
    english = claims.footnote(claim, "en", dt.date(2026, 12, 6))
    spanish = claims.footnote(claim, "es", dt.date(2026, 12, 6))
    assert english.endswith(
        "Verified on 1 December 2026. "
        "Could not be re-checked on 6 December 2026: the page no longer answers."
    )
    assert spanish.endswith(
        "Comprobado el 1 de diciembre de 2026. "
        "No se pudo volver a comprobar el 6 de diciembre de 2026: la página ya no responde."
    )
    readable = _load(tmp_path / "r", _entry(volatility="history"))["a"]
    assert "re-checked" not in claims.footnote(readable, "en", dt.date(2026, 12, 6))


def test_an_entry_verified_today_is_accepted(tmp_path):
    ledger = _load(tmp_path, _entry(verified="2026-12-06"), today=dt.date(2026, 12, 6))
    assert ledger["a"].verified == dt.date(2026, 12, 6)


def test_an_id_used_in_two_files_is_refused(tmp_path):
    with pytest.raises(claims.LedgerError, match=r"claims/area1\.yaml: 'a' is already in"):
        _load(tmp_path, _entry(), _entry())


# ------------------------------------------------------------- one fact, one entry


def test_no_fact_has_two_entries():
    problems = claims.duplicates(LEDGER)
    assert not problems, "\n".join(problems)


def test_two_entries_quoting_the_same_words_of_one_source_are_reported():
    quote = "This repository was archived by the owner on Aug 7, 2025. It is now read-only."
    ledger = {
        "serve-archived": _claim("serve-archived", quote),
        "serve-status": _claim("serve-status", "Paraphrase: archived. " + quote),
    }
    [message] = claims.duplicates(ledger)
    assert "'serve-archived'" in message and "'serve-status'" in message
    assert "merge them" in message


def test_two_quotes_of_one_source_that_state_different_facts_are_kept():
    ledger = {
        "cpu-slower": _claim("cpu-slower", "On CPUs, mixed precision will run much slower."),
        "tpu-bf16": _claim("tpu-bf16", "TPUs support a mix of bfloat16 and float32 in layers."),
    }
    assert claims.duplicates(ledger) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [("choosing-jax", "jax"), ("keras3-multi-backend", "keras-3-multi-backend")],
)
def test_ids_that_differ_only_by_a_prefix_or_hyphens_are_reported(first, second):
    ledger = {
        first: _claim(first, "One quote of a page."),
        second: claims.Claim(
            second, "Other", "https://example.com/", "Another.", dt.date(2026, 12, 1), "u.yaml"
        ),
    }
    [message] = claims.duplicates(ledger)
    assert "differ only by a prefix or hyphens" in message


@pytest.mark.parametrize("guide", ["CONTRIBUTING.md", "docs/es/contributing.md"])
def test_the_contributor_guides_show_an_entry_the_ledger_accepts(tmp_path, guide):
    text = (ROOT / guide).read_text(encoding="utf-8")
    [example, unreachable] = [
        block for block in re.findall(r"```yaml\n(.*?)```", text, re.S) if "verified:" in block
    ]
    ledger = _load(tmp_path, example)
    [claim] = ledger.values()
    assert claim.volatility in claims.SHELF_LIFE and claim.supports_text
    # The guide's unreachable fields, put in place of the entry's verified line, load too.
    entry = re.sub(r"^  verified:.*\n", unreachable, example, flags=re.M)
    [gone] = _load(tmp_path / "gone", entry).values()
    assert gone.unreachable is not None and set(gone.unreachable.reason) == {"en", "es"}


def test_an_edited_ledger_file_is_read_again_and_a_broken_one_fails_every_time(tmp_path):
    # `mkdocs serve` reads the ledger again in one process after each save.
    assert _load(tmp_path, _entry(title="First"))["a"].title == "First"
    path = tmp_path / "claims" / "area.yaml"
    path.write_text(_entry(title="Second"))
    assert claims.load_ledger(tmp_path / "claims", today=dt.date(2026, 12, 6))["a"].title == (
        "Second"
    )
    path.write_text("a: [unclosed\n")
    for _ in range(2):
        with pytest.raises(claims.LedgerError, match=r"claims/area\.yaml: not valid YAML"):
            claims.load_ledger(tmp_path / "claims", today=dt.date(2026, 12, 6))
