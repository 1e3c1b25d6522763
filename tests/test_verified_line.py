"""The line under each page's title: framework versions, build day, oldest cited fact.

See site_build/core/verified_line.py. The built pages are checked in tests/test_site.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from site_build.core import claims, verified_line
from site_build.core.catalog import texts
from site_build.core.kit.machine import installed_version
from site_build.core.layout import DOCS_DIR, includes, languages, page_text, pages
from site_build.core.stage import fill_page
from site_build.mkdocs.plugin import SiteBuildPlugin
from tests.stand_ins import page_config

LEDGER = claims.load_ledger()
BUILT = dt.date(2026, 12, 6)
WORDS = texts("verified_line")


def _claim(claim_id: str, verified: dt.date) -> claims.Claim:
    return claims.Claim(
        claim_id, "A source", "https://example.org/", "Evidence.", verified, "claims/t.yaml"
    )


@pytest.mark.parametrize("language", languages())
def test_the_versions_are_those_of_the_installed_frameworks(language):
    text = verified_line.line(language, BUILT, verified_line.framework_versions(), None)
    assert f"PyTorch {installed_version('torch')}" in text
    assert f"TensorFlow {installed_version('tensorflow')}" in text
    assert claims.format_date(BUILT, language) in text


def test_the_line_reads_as_a_sentence_in_each_language():
    versions = [("PyTorch", "1.0"), ("TensorFlow", "2.0")]
    oldest = dt.date(2026, 3, 1)
    assert verified_line.line("en", BUILT, versions, oldest) == (
        "Page built on 6 December 2026 with PyTorch 1.0 and TensorFlow 2.0. "
        "The oldest sourced fact on this page was verified on 1 March 2026."
    )
    assert verified_line.line("es", BUILT, versions, oldest) == (
        "Página generada el 6 de diciembre de 2026 con PyTorch 1.0 y TensorFlow 2.0. "
        "El dato con fuente más antiguo de esta página se comprobó el 1 de marzo de 2026."
    )
    assert verified_line.line("en", BUILT, versions, None).endswith("TensorFlow 2.0.")


def test_three_libraries_read_as_a_list_in_each_language():
    versions = [("PyTorch", "1.0"), ("TensorFlow", "2.0"), ("JAX", "0.1")]
    assert verified_line.line("en", BUILT, versions, None) == (
        "Page built on 6 December 2026 with PyTorch 1.0, TensorFlow 2.0 and JAX 0.1."
    )
    assert verified_line.line("es", BUILT, versions, None) == (
        "Página generada el 6 de diciembre de 2026 con PyTorch 1.0, TensorFlow 2.0 y JAX 0.1."
    )


JAX_INCLUDE = '--8<-- "learning_curve/keras_backend_jax.py:bridge"'


def test_a_page_that_includes_a_jax_snippet_names_the_installed_jax_too():
    compared = verified_line.framework_versions()
    assert [name for name, _ in compared] == ["PyTorch", "TensorFlow"]
    page = f"# Keras\n\n```python\n{JAX_INCLUDE}\n```\n"
    assert verified_line.framework_versions(page) == [*compared, ("JAX", installed_version("jax"))]
    # Named in prose or in a tab label, JAX is not code the page runs.
    prose = '# Keras\n\n=== "JAX (Keras 3)"\n\n    keras_backend_jax.py runs it on JAX.\n'
    assert verified_line.framework_versions(prose) == compared


def test_the_pages_whose_line_names_jax_are_those_that_include_jax_code():
    """Derived from the pages as they are: at least one page (the learning curve's Keras on
    three backends) includes a `_jax` file, and every page's line names JAX exactly when it
    includes one."""
    with_jax = []
    for language in languages():
        for page, page_file in pages(language).items():
            markdown = page_text(page_file)
            runs_jax = any(
                Path(include.file).stem.endswith("_jax") for include in includes(markdown)
            )
            shown = verified_line.with_line(markdown, language, page, [], LEDGER, BUILT)
            heading = verified_line.FIRST_HEADING.search(shown)
            under_title = shown[heading.end() :].lstrip("\n").split("\n", 1)[0] if heading else ""
            named = f"JAX {installed_version('jax')}" in under_title
            if verified_line.shown_on(page):
                assert named == runs_jax, f"{language}/{page}"
                with_jax += [f"{language}/{page}"] if runs_jax else []
    assert {page.split("/", 1)[0] for page in with_jax} == set(languages()), with_jax


def test_the_oldest_fact_is_the_earliest_verified_day_among_the_cited_claims():
    ledger = {
        "new": _claim("new", dt.date(2026, 12, 6)),
        "old": _claim("old", dt.date(2026, 11, 2)),
        "uncited": _claim("uncited", dt.date(2020, 1, 1)),
    }
    assert verified_line.oldest_verified(["new", "old", "new"], ledger) == dt.date(2026, 11, 2)
    assert verified_line.oldest_verified(["new"], ledger) == dt.date(2026, 12, 6)
    assert verified_line.oldest_verified([], ledger) is None


def test_a_source_that_could_not_be_re_checked_counts_with_its_last_verified_day():
    gone = dataclasses.replace(
        _claim("gone", dt.date(2026, 12, 1)),
        unreachable=claims.Unreachable(dt.date(2026, 12, 6), {"en": "x y z", "es": "x y z"}),
    )
    ledger = {"gone": gone, "new": _claim("new", dt.date(2026, 12, 6))}
    assert verified_line.oldest_verified(["gone", "new"], ledger) == dt.date(2026, 12, 1)


@pytest.mark.parametrize("page", ["contributing.md", "sources.md", "notebooks/mnist_tf.md"])
def test_the_guide_the_sources_and_the_notebooks_have_no_line(page):
    markdown = "# Title\n\nText.\n"
    assert verified_line.with_line(markdown, "en", page, [], LEDGER, BUILT) == markdown


def test_the_line_goes_under_the_title_and_markdown_without_a_title_is_left_alone():
    shown = verified_line.with_line("# Title\n\nText.\n", "en", "x.md", [], LEDGER, BUILT)
    title, line, text = shown.split("\n\n")
    assert title == "# Title"
    assert line.startswith("*" + WORDS["en"]["built"].split("{")[0]) and line.endswith(".*")
    assert text == "Text.\n"
    assert verified_line.with_line("Text.\n", "en", "x.md", [], LEDGER, BUILT) == "Text.\n"


def _hook(language: str, page: str, markdown: str | None = None) -> tuple[str, str]:
    """What the stage and the plugin's page hook make of a page (its file's text unless
    ``markdown`` is given): (the page, its Markdown copy)."""
    plugin = SiteBuildPlugin()
    plugin.generated.ledger = LEDGER
    path = DOCS_DIR / language / page
    src = f"{language}/{page}"
    stand_in = SimpleNamespace(
        file=SimpleNamespace(src_path=src, src_uri=src, abs_src_path=str(path)), meta={}
    )
    if markdown is None:
        markdown = path.read_text(encoding="utf-8").split("---\n", 2)[-1]  # no front matter
    # The stage fills the page; the plugin hands the staged page to MkDocs as it is.
    staged = fill_page(markdown, language, page, plugin.generated, dt.date.today())
    shown = plugin.on_page_markdown(staged, page=stand_in, config=page_config())
    return shown, plugin.reader.markdown[src]


def _expected(
    language: str, oldest: dt.date | None, versions: list[tuple[str, str]] | None = None
) -> str:
    versions = versions or verified_line.framework_versions()
    return f"\n*{verified_line.line(language, dt.date.today(), versions, oldest)}*\n"


@pytest.mark.parametrize("language", languages())
def test_a_page_and_its_markdown_copy_show_the_oldest_verified_day_of_its_claims(language):
    page = "checkpoints.md"
    cited = claims.references((DOCS_DIR / language / page).read_text(encoding="utf-8"))
    oldest = min(LEDGER[claim_id].verified for claim_id in cited)
    shown, copy = _hook(language, page)
    assert _expected(language, oldest) in shown
    assert _expected(language, oldest) in copy


@pytest.mark.parametrize("language", languages())
def test_a_page_that_cites_no_claim_says_only_what_it_was_built_with(language):
    shown, copy = _hook(language, "tensors.md", "# Tensors\n\nNo sourced fact here.\n")
    assert _expected(language, None) in shown and _expected(language, None) in copy
    assert WORDS[language]["oldest"].split("{")[0] not in shown


@pytest.mark.parametrize("language", languages())
def test_the_learning_curve_page_and_its_copy_name_the_jax_its_keras_code_ran_on(language):
    markdown = f"# Learning curve\n\n```python\n{JAX_INCLUDE}\n```\n"
    shown, copy = _hook(language, "learning_curve.md", markdown)
    versions = verified_line.framework_versions(markdown)
    assert ("JAX", installed_version("jax")) in versions
    assert _expected(language, None, versions) in shown
    assert _expected(language, None, versions) in copy


def test_every_page_that_has_the_line_is_a_page_of_the_site():
    """The pages left out exist, so that renaming one cannot silently add the line back."""
    for language in languages():
        for page in verified_line.WITHOUT:
            assert page in pages(language), f"{language}/{page}"
        folder = DOCS_DIR / language / verified_line.WITHOUT_FOLDERS[0]
        assert Path(folder).is_dir(), folder
