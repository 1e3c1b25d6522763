"""The built site: both languages, versions from the environment, tabs and the language switcher."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from site_build.core import verified_line
from site_build.core.errors import PlaceholderError
from site_build.core.kit.machine import installed_version
from site_build.core.layout import ROOT, languages, page_text, pages
from site_build.mkdocs.images import attributes
from tests.contributor_copy import SiteBuild
from tests.figure_checks import background_luminance, png_size
from tests.stand_ins import built_page as _built

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


@pytest.mark.parametrize("language", languages())
def test_content_pages_say_what_they_were_built_with_under_their_title(site, language):
    for page, page_file in pages(language).items():
        versions = verified_line.framework_versions(page_text(page_file))
        frameworks = verified_line.frameworks_text(language, versions)
        html = _built(site, language, page)
        if verified_line.shown_on(page):
            title_end = html.index("</h1>")
            line = html.index(frameworks, title_end)
            assert html.rfind("<p><em>", title_end, line) != -1, page
        else:
            assert frameworks not in html, f"{page} should not have the verified line"


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


def test_the_build_timing_shows_the_startup_and_each_languages_rendering(_build, site):
    summary = [line for line in _build.result.stdout.splitlines() if "Build timing" in line]
    assert any(line.startswith("Build timing | Startup: ") for line in summary), summary
    for language in languages():
        prefix = f"Build timing | MkDocs rendering ({language}): "
        assert [line for line in summary if line.startswith(prefix)], (language, summary)


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
        for figure in (figures / f"{name}.png", figures / f"{name}-dark.png"):
            assert figure.is_file(), figure
            assert figure.stat().st_size <= 150_000, f"{figure} is larger than 150 KB"
    # Each language gets its own figure (translated labels) under the same page-relative name.
    if language != DEFAULT_LANGUAGE:
        english = site / "generated" / "mnist" / "curves.png"
        assert (figures / "curves.png").read_bytes() != english.read_bytes()


def _figure_images(html: str) -> list[dict[str, str]]:
    """The attributes of each image of a generated figure on a page, in order."""
    return [
        attributes(tag)
        for tag in re.findall(r"<img\b([^>]*)>", html)
        if "/generated/" in "/" + attributes(tag).get("src", "")
    ]


@pytest.mark.parametrize("language", languages())
def test_each_figure_follows_the_readers_colour_scheme_without_moving_the_page(site, language):
    """Every generated figure is shown twice, Material showing the image of the reader's
    scheme (#only-light / #only-dark): same alt text, same width and height as the file, one
    light and one dark background."""
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    seen = 0
    for page in pages(language):
        images = _figure_images(_built(site, language, page))
        assert len(images) % 2 == 0, f"{language}/{page}: a figure without its other scheme"
        folder = site / prefix / ("" if page == "index.md" else page.removesuffix(".md") + "/")
        for light, dark in zip(images[::2], images[1::2], strict=True):
            assert light["src"].endswith(".png#only-light"), (page, light["src"])
            assert dark["src"] == light["src"].replace(".png#only-light", "-dark.png#only-dark")
            assert light["alt"] and dark["alt"] == light["alt"], page
            files = [folder / image["src"].split("#")[0] for image in (light, dark)]
            sizes = [png_size(path) for path in files]
            assert sizes[0] == sizes[1], f"{files}: {sizes}"
            for image in (light, dark):
                assert (image["width"], image["height"]) == tuple(map(str, sizes[0])), page
            assert background_luminance(files[0]) > 0.9, files[0]
            assert background_luminance(files[1]) < 0.05, files[1]
            assert all(path.stat().st_size <= 150_000 for path in files), files
            seen += 1
    assert seen >= 7  # the MNIST, Fashion-MNIST and benchmark figures at least


def test_placeholders_in_backticks_are_shown_as_written(site):
    guide = _built(site, DEFAULT_LANGUAGE, "contributing.md")
    assert "{{ version:torch }}" in guide and "{{ mnist:results }}" in guide


# Elements per page, at most: Material's script styles and lays out every element, which on a
# phone took seconds on the long pages when they held 3,700-3,900 (most of them code spans,
# now removed by site_build/mkdocs/code_spans.py). Room for some growth, not for a page twice
# as long: split such a page, or move detail most readers skip to a page of its own.
DOM_BUDGET = 2_000


class _ElementCount(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.count += 1


def test_every_page_keeps_to_the_element_budget(site):
    over = {}
    for page in sorted(site.rglob("*.html")):
        counter = _ElementCount()
        counter.feed(page.read_text(encoding="utf-8"))
        if counter.count > DOM_BUDGET:
            over[page.relative_to(site).as_posix()] = counter.count
    assert not over, (
        f"pages over the budget of {DOM_BUDGET:,} elements (tests/test_site.py, DOM_BUDGET): "
        f"{over}; split the page or move detail most readers skip to a page of its own"
    )


@pytest.mark.parametrize("language", languages())
def test_a_notebook_page_shows_the_run_its_download_holds(site, language):
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    for folder in sorted((site / prefix / "notebooks").glob("*/")):
        page = (folder / "index.html").read_text(encoding="utf-8")
        [download] = folder.glob("*.ipynb")
        streams = [
            "".join(output["text"])
            for cell in json.loads(download.read_text(encoding="utf-8"))["cells"]
            for output in cell.get("outputs", [])
            if output["output_type"] == "stream"
        ]
        assert streams, f"{download}: no printed output"
        shown = unescape(re.sub(r"<[^>]+>", "", page))
        for text in streams:
            assert text.strip() in shown, f"{folder}: the page does not show {text!r}"
        assert "oneDNN" not in shown and "absl::" not in shown, f"{folder}: start-up logs"


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
