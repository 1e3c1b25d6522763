"""The built site: both languages, versions from the environment, tabs and the language switcher."""

from __future__ import annotations

import re
from html import unescape
from importlib import metadata
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from site_build.core.errors import PlaceholderError
from site_build.core.layout import ROOT, languages, pages
from site_build.core.machine import installed_version
from tests.contributor_copy import SiteBuild

DEFAULT_LANGUAGE = languages()[0]
SITE_URL = "http://site.test/"


@pytest.fixture(scope="module")
def _build(tmp_path_factory) -> SiteBuild:
    # One build for the module: when it fails, the first test says why, the others skip.
    # Built without SITE_URL, as a contributor's preview is.
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SITE_URL", raising=False)
        build = SiteBuild(ROOT, tmp_path_factory.mktemp("site"))
        build.folder()  # built now, while SITE_URL is unset; a failure is reported by `site`
    return build


@pytest.fixture
def site(_build) -> Path:
    return _build.folder()


def _built(site: Path, language: str, page: str) -> str:
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    directory = "" if page == "index.md" else page.removesuffix(".md") + "/"
    return (site / prefix / directory / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", languages())
def test_every_page_is_built_in_its_language(site, language):
    for page in pages(language):
        html = _built(site, language, page)
        assert f'<html lang="{language}"' in html, page
        assert "--8<--" not in html, f"an unresolved snippet include was rendered on {page}"


@pytest.mark.parametrize("language", languages())
def test_home_page_shows_the_installed_versions(site, language):
    html = _built(site, language, "index.md")
    for import_name in ("torch", "tensorflow", "keras", "numpy"):
        version = installed_version(import_name)
        assert f"<td>{version}</td>" in html, f"{import_name} {version} missing on home page"


NOINDEX = '<meta name="robots" content="noindex">'


@pytest.mark.parametrize("language", languages())
def test_a_build_without_site_url_is_a_preview_no_search_engine_indexes(site, language):
    for page in pages(language):
        assert NOINDEX in _built(site, language, page), f"{language}/{page} is not noindex"


def test_a_build_without_site_url_says_it_is_a_preview(_build, site):
    summary = [line for line in _build.result.stdout.splitlines() if "preview build" in line]
    assert summary, "the build's summary does not say that it is a preview build"
    assert summary[0].startswith("Build timing | preview build: SITE_URL is not set")
    assert "noindex" in summary[0] and "SITE_URL=" in summary[0]


def _url(language: str, path: str) -> str:
    return SITE_URL + ("" if language == DEFAULT_LANGUAGE else f"{language}/") + path


@pytest.mark.parametrize("language", languages())
def test_language_switcher_links_to_the_same_page(site, language):
    html = _built(site, language, "tensors.md")
    switcher = {
        lang: href for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([\w-]+)"', html)
    }
    assert set(switcher) == set(languages()), switcher
    for target, href in switcher.items():
        assert urljoin(_url(language, "tensors/"), href) == _url(target, "tensors/"), (target, href)


def _heading_levels(html: str) -> list[str]:
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    return re.findall(r'<h([2-6]) id="[^"]+"', article)


def test_the_language_menu_can_keep_the_section(site):
    # language-section.js opens the other language at the heading in the same position.
    for page in pages(DEFAULT_LANGUAGE):
        levels = {lang: _heading_levels(_built(site, lang, page)) for lang in languages()}
        assert len({tuple(found) for found in levels.values()}) == 1, (
            f"{page}: the languages' headings differ ({ {k: len(v) for k, v in levels.items()} }): "
            "give the translation the same headings, in the same order, as the original"
        )
        for lang in languages():
            assert "assets/javascripts/language-section.js" in _built(site, lang, page), page


@pytest.mark.parametrize("language", languages())
def test_tab_labels_are_the_framework_names_in_every_language(site, language):
    html = _built(site, language, "tensors.md")
    labels = re.findall(r'<label for="__tabbed_\d+_\d+">([^<]+)</label>', html)
    assert labels and set(labels) == {"PyTorch", "TensorFlow"}
    assert labels.count("PyTorch") == labels.count("TensorFlow")


def test_installed_version_reads_the_environment():
    assert installed_version("torch") == metadata.version("torch")
    with pytest.raises(PlaceholderError, match="no installed package provides 'not_a_library'"):
        installed_version("not_a_library")


@pytest.mark.parametrize("language", languages())
def test_mnist_pages_show_generated_tables_and_their_language_figures(site, language):
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    for page in ("mnist.md", "seed_replay.md"):
        html = _built(site, language, page)
        assert "{{ mnist:" not in html, f"an unfilled MNIST placeholder on {language}/{page}"
        assert "<table>" in html
    figures = site / prefix / "generated" / "mnist"
    for name in ("curves", "speed", "confusion", "article"):
        figure = figures / f"{name}.png"
        assert figure.is_file(), figure
        assert figure.stat().st_size <= 150_000, f"{figure} is larger than 150 KB"
    # Each language gets its own figure (translated labels) under the same page-relative name.
    if language != DEFAULT_LANGUAGE:
        english = site / "generated" / "mnist" / "curves.png"
        assert (figures / "curves.png").read_bytes() != english.read_bytes()


def test_placeholders_in_backticks_are_shown_as_written(site):
    guide = _built(site, DEFAULT_LANGUAGE, "contributing.md")
    assert "{{ version:torch }}" in guide and "{{ mnist:results }}" in guide


def _code_and_comments(html: str) -> tuple[list[list[str]], list[str]]:
    """Every code block of a built page without its comments (Pygments' ``c1`` spans), line
    by line, and the comments themselves."""
    blocks, comments = [], []
    for block in re.findall(r"<pre\b.*?</pre>", html, flags=re.DOTALL):
        comments += [unescape(c) for c in re.findall(r'<span class="c1">(.*?)</span>', block)]
        code = re.sub(r'<span class="c1">.*?</span>', "", block)
        text = unescape(re.sub(r"<[^>]+>", "", code))
        blocks.append([line.rstrip() for line in text.splitlines()])
    return blocks, comments


@pytest.mark.parametrize("page", ["tensors.md", "graphs.md"])
def test_code_blocks_of_a_translation_differ_only_in_their_comments(site, page):
    """The code a Spanish page shows is the English page's, with the comments of
    snippets/<topic>/comments.<language>.yaml (site_build/core/code_comments.py)."""
    english, english_comments = _code_and_comments(_built(site, DEFAULT_LANGUAGE, page))
    topic = ROOT / "snippets" / page.removesuffix(".md")
    for language in languages()[1:]:
        code, comments = _code_and_comments(_built(site, language, page))
        assert code == english, f"{language}/{page} shows other code than {page}"
        assert len(comments) == len(english_comments)
        table = yaml.safe_load((topic / f"comments.{language}.yaml").read_text("utf-8"))
        untranslated = [c for c in comments if c.lstrip("# ") not in table.values()]
        assert not untranslated, f"{language}/{page} shows comments in English: {untranslated}"
