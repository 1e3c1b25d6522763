"""The built site as a static host serves it: per-language search, hreflang, sitemaps, 404 pages.

The site is built once for the module with SITE_URL set to a public address below a path (as
on a project page of a code host), so every absolute URL is checked against it. The unit
tests of ``site_build/mkdocs/publish.py`` start from what mkdocs-static-i18n leaves behind
(one search index mixing both languages) and check what the build makes of it.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from site_build.core import claims, code_comments
from site_build.core.layout import DOCS_DIR, ROOT, includes, languages, pages
from site_build.core.page_source import pointed_file
from site_build.mkdocs import publish, reader_files
from tests.contributor_copy import SiteBuild
from tests.stand_ins import built_page as _built

DEFAULT_LANGUAGE = languages()[0]
OTHER_LANGUAGES = languages()[1:]
SITE_URL = "https://frameworks.example.test/docs/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
# English that Material or a Markdown extension writes into a page unless told otherwise.
ENGLISH_INTERFACE = (
    "Permanent link",
    "Jump back to footnote",
    "Made with",
    "Copy to Clipboard",
    "404 - Not found",
)


@pytest.fixture(scope="module")
def _build(tmp_path_factory) -> SiteBuild:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITE_URL", SITE_URL)
        build = SiteBuild(ROOT, tmp_path_factory.mktemp("site"))
        build.folder()  # built now, while SITE_URL is set; a failure is reported by `site`
    return build


@pytest.fixture
def site(_build) -> Path:
    return _build.folder()


def _prefix(language: str) -> str:
    return "" if language == DEFAULT_LANGUAGE else f"{language}/"


def _page_url(language: str, page: str) -> str:
    directory = "" if page == "index.md" else page.removesuffix(".md") + "/"
    return SITE_URL + _prefix(language) + directory


def _file_for(site: Path, url: str) -> Path:
    """The built file a URL under SITE_URL is served from."""
    assert url.startswith(SITE_URL), f"{url} is not an absolute URL under {SITE_URL}"
    path = url.removeprefix(SITE_URL).split("#")[0]
    return site / path / "index.html" if path == "" or path.endswith("/") else site / path


def _head(html: str) -> publish._HeadLinks:
    return publish.head_links(html)


# Search: one index per language, with its stemmer, loaded by that language's pages


@pytest.mark.parametrize("language", languages())
def test_each_language_searches_only_its_own_pages(site, language):
    index_path = site / _prefix(language) / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    assert index["config"]["lang"] == [language], f"{index_path}: stemmer {index['config']}"
    locations = {entry["location"].split("#")[0] for entry in index["docs"]}
    expected = {
        _page_url(language, page).removeprefix(SITE_URL + _prefix(language))
        for page in pages(language)
    }
    assert locations == expected, f"{index_path}: {sorted(locations ^ expected)}"
    titles = {entry["title"] for entry in index["docs"] if "#" not in entry["location"]}
    for other in languages():
        if other != language:
            other_titles = {re.sub(r"\s+", " ", t) for t in _page_titles(site, other)}
            shared = titles & other_titles - {"PyTorch vs TensorFlow"}
            assert not shared, f"{index_path} holds pages of '{other}': {sorted(shared)[:5]}"


def _page_titles(site: Path, language: str) -> set[str]:
    return {
        re.search(r"<title>(.*?) - PyTorch vs TensorFlow</title>", _built(site, language, page))[1]
        for page in pages(language)
        if page != "index.md"
    }


@pytest.mark.parametrize("language", languages())
def test_pages_load_their_language_search_index(site, language):
    for page in pages(language):
        html = _built(site, language, page)
        config = json.loads(re.search(r'<script id="__config"[^>]*>(.*?)</script>', html, re.S)[1])
        # Material fetches search/search_index.json relative to config.base.
        page_path = urlsplit(_page_url(language, page)).path
        resolved = posixpath.normpath(posixpath.join(page_path, config["base"])) + "/"
        expected = urlsplit(SITE_URL + _prefix(language)).path
        assert resolved == expected, f"{language}/{page}: search base {config['base']} → {resolved}"


def _split_search_index(tmp_path, merged: dict) -> tuple[dict, dict]:
    """Split ``merged`` as the build does; the English and the Spanish index it writes."""
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(merged), encoding="utf-8")
    publish.split_search_index(tmp_path, ["en", "es"], "en")
    english = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))
    spanish = json.loads(
        (tmp_path / "es" / "search" / "search_index.json").read_text(encoding="utf-8")
    )
    return english, spanish


def test_split_search_index_gives_each_language_its_pages_and_stemmer(tmp_path):
    # What mkdocs-static-i18n writes: both languages in one index, both stemmers.
    merged = {
        "config": {"lang": ["en", "es"], "separator": "[\\s\\-]+", "pipeline": ["stopWordFilter"]},
        "docs": [
            {"location": "", "title": "Home", "text": "tensor"},
            {"location": "tensors/#gradients", "title": "Gradients", "text": "gradient"},
            {"location": "es/", "title": "Inicio", "text": "tensor"},
            {"location": "es/tensors/#gradientes", "title": "Gradientes", "text": "gradiente"},
            {"location": "estimators/", "title": "Estimators", "text": "not Spanish"},
        ],
    }
    english, spanish = _split_search_index(tmp_path, merged)
    assert english["config"]["lang"] == ["en"] and spanish["config"]["lang"] == ["es"]
    assert english["config"]["separator"] == merged["config"]["separator"]
    assert [d["location"] for d in english["docs"]] == ["", "tensors/#gradients", "estimators/"]
    # Locations are relative to the language's root, where its pages set Material's base.
    assert [d["location"] for d in spanish["docs"]] == ["", "tensors/#gradientes"]


def test_search_result_titles_have_no_permalink_sign(tmp_path, site):
    merged = {
        "config": {"lang": ["en", "es"]},
        "docs": [
            {"location": "notebooks/mnist_torch/#training", "title": "Training¶", "text": "x"},
            {"location": "es/notebooks/mnist_torch/", "title": "Cuaderno ¶", "text": "y"},
        ],
    }
    english, spanish = _split_search_index(tmp_path, merged)
    assert [d["title"] for d in english["docs"] + spanish["docs"]] == ["Training", "Cuaderno"]
    for language in languages():
        index = json.loads(
            (site / _prefix(language) / "search" / "search_index.json").read_text("utf-8")
        )
        marked = [d["location"] for d in index["docs"] if "¶" in d["title"]]
        assert not marked, f"{language}: search titles with ¶: {marked[:5]}"


def test_search_indexes_prose_and_inline_code_but_no_code_block(tmp_path):
    text = (
        "<p>Compute the gradient with <code>tape.gradient</code>.</p> "
        '<div class="highlight"><pre><span></span><code>&gt;&gt;&gt; y = x ** 2\n'
        "&lt;tf.Tensor: numpy=4.0&gt;\n</code></pre></div>\n<p>Then   take a step.</p>"
    )
    merged = {
        "config": {"lang": ["en", "es"]},
        "docs": [{"location": "tensors/#gradients", "title": "Gradients", "text": text}],
    }
    english, _ = _split_search_index(tmp_path, merged)
    indexed = english["docs"][0]["text"]
    assert "<p>Compute the gradient with <code>tape.gradient</code>.</p>" in indexed
    assert "<p>Then take a step.</p>" in indexed
    assert "y = x" not in indexed and "tf.Tensor" not in indexed and "<pre" not in indexed


def _first_paragraph_and_code_line(html: str) -> tuple[str, str]:
    """The first paragraph of a page's article and the longest line of its code blocks."""
    article = html.split('<article class="md-content__inner md-typeset">', 1)[1]
    paragraph = re.search(r"<p>(.*?)</p>", article, re.S)[1]
    lines = [
        unescape(re.sub(r"<[^>]+>", "", line)).strip()
        for block in re.findall(r"<pre\b.*?</pre>", article, re.S)
        for line in block.splitlines()
    ]
    return paragraph, max(lines, key=len)


@pytest.mark.parametrize("language", languages())
def test_the_built_search_index_holds_the_prose_of_a_page_and_none_of_its_code(site, language):
    index_path = site / _prefix(language) / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    assert not [d["location"] for d in index["docs"] if "<pre" in d["text"]], index_path
    texts = " ".join(unescape(re.sub(r"<[^>]+>", "", d["text"])) for d in index["docs"])
    for page in ("tensors.md", "mnist.md"):
        paragraph, code_line = _first_paragraph_and_code_line(_built(site, language, page))
        prose = " ".join(unescape(re.sub(r"<[^>]+>", "", paragraph)).split())
        assert prose in texts, f"{index_path}: {language}/{page}'s prose is not indexed: {prose!r}"
        assert code_line not in texts, f"{index_path}: {language}/{page} code: {code_line!r}"


# Canonical URLs, hreflang alternates, sitemaps, robots.txt


@pytest.mark.parametrize("language", languages())
def test_every_page_has_a_canonical_url_and_absolute_hreflang_alternates(site, language):
    for page in pages(language):
        head = _head(_built(site, language, page))
        assert head.canonical == _page_url(language, page), f"{language}/{page}: {head.canonical}"
        alternates = dict(head.alternates)
        assert set(alternates) == {*languages(), "x-default"}, f"{language}/{page}: {alternates}"
        for lang in languages():
            assert alternates[lang] == _page_url(lang, page), f"{language}/{page}: {alternates}"
        assert alternates["x-default"] == alternates[DEFAULT_LANGUAGE]
        for href in alternates.values():
            assert _file_for(site, href).is_file(), f"{language}/{page}: {href} has no page"


@pytest.mark.parametrize("language", languages())
def test_each_language_has_a_sitemap_of_its_real_pages(site, language):
    path = site / _prefix(language) / "sitemap.xml"
    assert path.is_file(), f"no sitemap at {path}"
    urls = ET.parse(path).getroot().findall(f"{SITEMAP}url")
    locations = [url.find(f"{SITEMAP}loc").text for url in urls]
    assert sorted(locations) == sorted(_page_url(language, page) for page in pages(language))
    for url in urls:
        for link in url.findall(f"{XHTML}link"):
            assert _file_for(site, link.get("href")).is_file(), (path, link.attrib)
        hreflangs = {link.get("hreflang") for link in url.findall(f"{XHTML}link")}
        assert hreflangs == {*languages(), "x-default"}, (path, hreflangs)
    # MkDocs' gzipped copy listed both languages in one file; none is left to disagree.
    assert not (site / "sitemap.xml.gz").exists()


def test_robots_txt_names_every_sitemap(site):
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    named = re.findall(r"^Sitemap: (\S+)$", robots, re.M)
    assert named == [f"{SITE_URL}{_prefix(language)}sitemap.xml" for language in languages()]
    assert "User-agent: *" in robots
    for url in named:
        assert _file_for(site, url).is_file(), url


def test_sitemap_lists_what_the_pages_heads_say(tmp_path):
    # Built from the heads, so a page without a canonical URL fails the build, naming it.
    page = tmp_path / "tensors" / "index.html"
    page.parent.mkdir()
    page.write_text(
        '<html><head><link rel="canonical" href="https://h.test/tensors/">'
        '<link rel="alternate" href="https://h.test/es/tensors/" hreflang="es">'
        '<link rel="alternate" type="application/rss+xml" href="https://h.test/feed.xml">'
        '</head><body><link rel="canonical" href="https://h.test/wrong/"></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "index.html").write_text("<html><head></head></html>", encoding="utf-8")
    heads = publish.page_heads(tmp_path, other_roots=[tmp_path / "es"])
    xml = publish.sitemap(heads)
    assert "<loc>https://h.test/tensors/</loc>" in xml and "wrong" not in xml
    assert 'hreflang="es" href="https://h.test/es/tensors/"' in xml and "feed.xml" not in xml
    with pytest.raises(publish.BuildError, match=r"es/index.html: the page has no"):
        publish.page_heads(tmp_path / "es", other_roots=[])


# A page per reader: 404 pages, interface strings, descriptions, no local addresses


@pytest.mark.parametrize("language", languages())
def test_each_language_has_its_own_404_page(site, language):
    html = (site / _prefix(language) / "404.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}"' in html
    assert '<meta name="robots" content="noindex">' in html
    heading = re.search(r"<h1>(.*?)</h1>", html)[1]
    for other in languages():
        if other != language:
            other_page = (site / _prefix(other) / "404.html").read_text(encoding="utf-8")
            assert f"<h1>{heading}</h1>" not in other_page, f"'{heading}' is in {other}/404.html"
    # Served at any missing address, so its links must not be relative.
    home = SITE_URL + _prefix(language)
    assert f'href="{urlsplit(home).path}"' in html, f"no absolute link to {home}"
    assert not re.search(r'(?:href|src)="\.\.?/', html)


def _run_404_script(html: str, pathname: str, search: str = "") -> dict:
    """What the error page's language script does at an address: {"replace", "state"}."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (it runs the 404 page's script; see README.md)")
    script = re.search(r'<script id="__language-404">(.*?)</script>', html, re.S)[1]
    harness = (
        "const calls = {replace: null, state: null};\n"
        f"const location = {{pathname: {json.dumps(pathname)}, search: {json.dumps(search)}, "
        "hash: '', replace(url) { calls.replace = url; }};\n"
        "const history = {replaceState(_s, _t, url) { calls.state = url; }};\n"
        f"{script}\nconsole.log(JSON.stringify(calls));\n"
    )
    result = subprocess.run([node, "-e", harness], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_the_root_404_page_serves_each_language_by_the_address(site):
    # GitHub Pages serves only the root 404.html, at any missing address.
    root_404 = (site / "404.html").read_text(encoding="utf-8")
    base = urlsplit(SITE_URL).path
    assert _run_404_script(root_404, f"{base}no-such-page/") == {"replace": None, "state": None}
    for language in OTHER_LANGUAGES:
        asked = f"{base}{language}/no-such-page/"
        sent = _run_404_script(root_404, asked)["replace"]
        assert sent and sent.startswith(f"{base}{language}/404.html?"), sent
        assert (site / language / "404.html").is_file()
        # That page puts the address the visitor asked for back in the address bar.
        page = (site / language / "404.html").read_text(encoding="utf-8")
        back = _run_404_script(page, f"{base}{language}/404.html", "?" + sent.split("?", 1)[1])
        assert back == {"replace": None, "state": asked}, back
        elsewhere = _run_404_script(page, f"{base}{language}/404.html", "?from=%2Fother%2F")
        assert elsewhere == {"replace": None, "state": None}, "only addresses of its language"


@pytest.mark.parametrize("language", languages())
def test_the_404_language_menu_leads_to_each_language_home(site, language):
    html = (site / _prefix(language) / "404.html").read_text(encoding="utf-8")
    menu = dict(
        (lang, href)
        for href, lang in re.findall(
            r'<a href="([^"]+)" hreflang="([\w-]+)" class="md-select', html
        )
    )
    base = urlsplit(SITE_URL).path
    assert menu == {lang: base + _prefix(lang) for lang in languages()}, menu


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_interface_strings_are_in_the_page_language(site, language):
    built = [_built(site, language, page) for page in pages(language)]
    built.append((site / language / "404.html").read_text(encoding="utf-8"))
    for page, html in zip([*pages(language), "404.html"], built, strict=True):
        left = [text for text in ENGLISH_INTERFACE if text in html]
        assert not left, f"{language}/{page} shows English: {left}"


@pytest.mark.parametrize("language", languages())
def test_search_dialog_has_an_accessible_name(site, language):
    for page in [*pages(language), "404.html"]:
        html = (
            (site / _prefix(language) / "404.html").read_text(encoding="utf-8")
            if page == "404.html"
            else _built(site, language, page)
        )
        dialog = re.search(r'<div class="md-search"[^>]*role="dialog"[^>]*>', html)
        assert dialog and re.search(r'aria-label="[^"]+"', dialog[0]), f"{language}/{page}"


def _description(html: str) -> str:
    return unescape(re.search(r'<meta name="description" content="([^"]*)">', html)[1])


@pytest.mark.parametrize("language", languages())
def test_every_page_has_its_own_description_in_its_language(site, language):
    descriptions = {page: _description(_built(site, language, page)) for page in pages(language)}
    repeated = {d for d in descriptions.values() if list(descriptions.values()).count(d) > 1}
    assert not repeated, f"pages of '{language}' share a description: {sorted(repeated)}"
    for other in languages():
        if other != language:
            for page, description in descriptions.items():
                assert description != _description(_built(site, other, page)), f"{language}/{page}"
    for page, path in pages(language).items():
        if pointed_file(path) is not None or page.startswith("notebooks/"):
            continue  # no front matter of its own (pointer page) / a notebook's header
        meta = _front_matter(path)
        assert isinstance(meta.get("description"), str) and meta["description"].strip(), (
            f"{path.relative_to(ROOT)}: add `description:` (one sentence, in the page's "
            "language) to the front matter at the top of the page"
        )
        assert descriptions[page] == meta["description"].strip()


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    return yaml.safe_load(match[1]) if match else {}


@pytest.mark.parametrize("language", languages())
def test_a_build_with_site_url_is_publishable(_build, site, language):
    for page in pages(language):
        html = _built(site, language, page)
        assert 'name="robots"' not in html, f"{language}/{page} tells search engines to skip it"
    assert "preview build" not in _build.result.stdout


def test_only_a_build_without_site_url_is_a_preview():
    assert publish.is_preview({}) and publish.is_preview({"SITE_URL": " "})
    assert not publish.is_preview({"SITE_URL": SITE_URL})


def test_no_page_links_to_a_local_address(site):
    local = re.compile(r'<a [^>]*href="https?://(?:localhost|127\.0\.0\.1)[:/"]')
    for language in languages():
        for page in pages(language):
            found = local.search(_built(site, language, page))
            assert not found, f"{language}/{page} links to a local address: {found[0]}"
    assert not any(
        re.search(r"<https?://(?:localhost|127\.0\.0\.1)", p.read_text(encoding="utf-8"))
        for p in DOCS_DIR.rglob("*.md")
    ), "write local addresses as code (`http://localhost:6006`), not as <autolinks>"


# For readers' tools: llms.txt, the pages as Markdown, the claims as JSON


def _llms_entries(site: Path, language: str) -> dict[str, str]:
    """Markdown copy's path (from the language's root) -> the summary llms.txt gives it."""
    text = (site / _prefix(language) / "llms.txt").read_text(encoding="utf-8")
    assert text.startswith("# PyTorch vs TensorFlow\n\n> "), text[:80]
    return dict(re.findall(r"^- \[[^\]]+\]\((\S*?index\.html\.md)\)(?:: (.*))?$", text, re.M))


@pytest.mark.parametrize("language", languages())
def test_llms_txt_lists_every_page_with_its_summary_and_markdown_copy(site, language):
    entries = _llms_entries(site, language)
    expected = {}
    for page in pages(language):
        directory = "" if page == "index.md" else page.removesuffix(".md") + "/"
        expected[directory + "index.html.md"] = _description(_built(site, language, page))
    assert sorted(entries) == sorted(expected), sorted(set(entries) ^ set(expected))
    for copy, summary in entries.items():
        assert summary == expected[copy], f"{language}/llms.txt: {copy}: {summary!r}"
        path = site / _prefix(language) / copy
        assert path.is_file() and path.stat().st_size > 200, f"no Markdown copy at {path}"
    claims_link = re.search(r"\]\((\S*claims\.json)\)", _llms_text(site, language))[1]
    assert (site / _prefix(language) / claims_link).resolve() == (site / "claims.json").resolve()


def _llms_text(site: Path, language: str) -> str:
    return (site / _prefix(language) / "llms.txt").read_text(encoding="utf-8")


def _shown_lines(include, language: str) -> list[str]:
    """The non-blank lines of an included snippet section as pages in ``language`` show it
    (its comments in that language), stripped, without markers."""
    path = ROOT / "snippets" / include.file
    text = code_comments.in_language(path, path.read_text(encoding="utf-8"), language)
    if include.section:
        text = text.split(f"[start:{include.section}]", 1)[1].split(f"[end:{include.section}]")[0]
        text = text.split("\n", 1)[1].rsplit("\n", 1)[0]
    return [line.strip() for line in text.splitlines() if line.strip() and "--8<--" not in line]


@pytest.mark.parametrize("language", languages())
def test_markdown_copies_show_the_code_numbers_and_tables_the_pages_show(site, language):
    for page, path in pages(language).items():
        directory = "" if page == "index.md" else page.removesuffix(".md") + "/"
        copy = (site / _prefix(language) / directory / "index.html.md").read_text("utf-8")
        for include in includes(path.read_text(encoding="utf-8")):
            assert f'--8<-- "{include}"' not in copy, f"{language}/{page}: {include} not expanded"
            missing = [line for line in _shown_lines(include, language) if line not in copy]
            assert not missing, f"{language}/{page}: {include} is not in the copy: {missing[:3]}"
        if page == "contributing.md":
            continue  # the guide shows placeholders and includes as examples, in code
        assert not re.search(r"\{\{ *\w+:", copy), f"{language}/{page}: a placeholder is left"
        if "<table>" in _built(site, language, page):
            table = re.search(r"^\|?\s*:?-{3,}", copy, re.M) or "<table" in copy
            assert table, f"{language}/{page}: the page has a table, its copy none"
    # A generated number: the installed torch version the home page shows.
    home = (site / _prefix(language) / "index.html.md").read_text("utf-8")
    assert re.search(r"<td>(\d+\.\d+\.\d+)", _built(site, language, "index.md"))[1] in home


def test_claims_json_is_the_ledger(site):
    data = json.loads((site / "claims.json").read_text(encoding="utf-8"))
    assert {entry["id"] for entry in data["claims"]} == set(claims.load_ledger())
    for entry in data["claims"]:
        for page in entry["pages"]:
            assert (site / page / "index.html").is_file(), (entry["id"], page)


@pytest.mark.parametrize("language", languages())
def test_every_page_links_llms_txt_and_claims_json_in_its_footer(site, language):
    words = reader_files.TEXT[language]
    for page in [*pages(language), "404.html"]:
        html = (
            (site / _prefix(language) / "404.html").read_text(encoding="utf-8")
            if page == "404.html"
            else _built(site, language, page)
        )
        footer = html.split('<div class="md-copyright">', 1)[1]
        links = dict(
            (unescape(text), href)
            for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer)
        )
        for name, key in (("llms.txt", "footer_markdown"), ("claims.json", "footer_claims")):
            href = links.get(words[key])
            assert href and href.endswith(name), f"{language}/{page}: footer {links}"
            if page == "404.html":
                url = urlsplit(SITE_URL)._replace(path=href).geturl()
            else:
                url = urljoin(_page_url(language, page), href)
            assert _file_for(site, url).is_file(), f"{language}/{page}: {href} → {url}"


@pytest.mark.parametrize("language", languages())
def test_relative_links_of_the_markdown_copies_resolve(site, language):
    link = re.compile(r"\]\((?![a-z]+:|/|#)([^)\s#]+)(?:#[^)\s]*)?\)")
    for page in pages(language):
        directory = "" if page == "index.md" else page.removesuffix(".md") + "/"
        copy = site / _prefix(language) / directory / "index.html.md"
        text = re.sub(r"```.*?```", "", copy.read_text(encoding="utf-8"), flags=re.S)
        broken = [href for href in link.findall(text) if not (copy.parent / href).exists()]
        assert not broken, f"{copy.relative_to(site)}: links to nothing: {broken[:5]}"
