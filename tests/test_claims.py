"""The claims ledger: every dated fact on a page has a source and a verification date.

See site_build/core/claims.py for the ledger's format and CONTRIBUTING.md, "Facts no code
can check".
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from site_build.core import claims
from site_build.core.errors import PlaceholderError
from site_build.core.layout import DOCS_DIR, languages, page_text, pages

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


def test_an_unknown_claim_fails_the_build_naming_the_page():
    expected = r"es/x\.md: \{\{ claim:nope \}\} is not in the ledger"
    with pytest.raises(PlaceholderError, match=expected):
        claims.render("Text.{{ claim:nope }}\n", "es", SAMPLE, "es/x.md")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("a:\n  title: T\n  evidence: E\n  verified: 2026-12-01\n", "has no source"),
        ("a:\n  title: T\n  source: https://x.org\n  evidence: E\n", "has no verified"),
        (
            "a:\n  title: T\n  source: https://x.org\n  evidence: E\n  verified: soon\n",
            "must be a date",
        ),
        ("a:\n  title: T\n  source: x.org\n  evidence: E\n  verified: 2026-12-01\n", "http"),
    ],
)
def test_a_ledger_entry_without_source_or_date_is_refused_naming_the_file(tmp_path, entry, message):
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "area.yaml").write_text(entry)
    with pytest.raises(claims.LedgerError, match=rf"claims/area\.yaml: 'a'.*{message}"):
        claims.load_ledger(tmp_path / "claims")


def test_an_id_used_in_two_files_is_refused(tmp_path):
    entry = "same:\n  title: T\n  source: https://x.org\n  evidence: E\n  verified: 2026-12-01\n"
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "a.yaml").write_text(entry)
    (tmp_path / "claims" / "b.yaml").write_text(entry)
    with pytest.raises(claims.LedgerError, match=r"claims/b\.yaml: 'same' is already in"):
        claims.load_ledger(tmp_path / "claims")


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
