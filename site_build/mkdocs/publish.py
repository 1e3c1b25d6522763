"""What a static host serves besides the pages: one search index, sitemap and 404 page per language.

mkdocs-static-i18n builds the site once per language into the same folder (English at the
root, every other language under ``<language>/``) and then merges the search indexes into
one, so every page would download both languages and a Spanish reader would get English
results. Two steps run after the builds (``site_build/mkdocs/plugin.py`` calls them from
``on_post_build``):

- ``after_language``, after each language's build: MkDocs writes the error page of every
  build to the same ``404.html``; the default language's copy stays there and each other
  language's copy moves to ``<language>/404.html``.
- ``after_site``, once every language is built (mkdocs-static-i18n builds the others from its
  own ``on_post_build``, at priority -100): the merged search index is split into one index
  per language (``search/search_index.json`` and ``<language>/search/search_index.json``),
  each with its language's stemmer (Material's ``lang``), section titles without the
  permalink sign "¶", and prose, headings, tables and inline code but no code blocks
  (``CODE_BLOCK``: the listings and checked output, a third of the text, which every reader
  downloads with the index on the first page they open); the theme (``overrides/main.html``)
  makes a page of another language load its own. Then a sitemap per language
  (``sitemap.xml``, ``<language>/sitemap.xml``), built from the canonical URL and the
  ``hreflang`` alternates in the head of each page written, and ``robots.txt`` naming them.

Both also run under ``mkdocs serve``, which rebuilds the whole site on every change.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from site_build.core.errors import BuildError
from site_build.core.layout import languages as project_languages

SEARCH_INDEX = Path("search") / "search_index.json"
PILCROW = "\u00b6"  # the permalink sign that heading anchors show
# What the search indexes leave out: code blocks (listings and checked output). The prose
# around each block names what it shows, with the API names as inline <code>, which stays.
CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.S)
SITEMAP_NAMESPACES = (
    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml"'
)

# The default language's error page, kept while the other languages' builds overwrite it.
_default_404: dict[str, bytes] = {}


def is_preview(environ=os.environ) -> bool:
    """A build without SITE_URL is a preview: its absolute URLs name the local preview's
    address, so no public host should serve it and search engines must not index it."""
    return not environ.get("SITE_URL", "").strip()


# Set by `nox -s docs -- --publish`: this build is the one a public host will serve.
PUBLISH_VARIABLE = "SITE_PUBLISH"
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0")


def check_publishable(environ=os.environ) -> None:
    """A build to publish (``SITE_PUBLISH`` set) needs ``SITE_URL``, the public address of
    the site, so that its canonical URLs, hreflang alternates and sitemaps name it; without
    it the build stops before anything runs."""
    if not environ.get(PUBLISH_VARIABLE, "").strip():
        return
    site_url = environ.get("SITE_URL", "").strip()
    address = urlsplit(site_url)
    if address.scheme in ("http", "https") and address.hostname not in (None, *_LOCAL_HOSTS):
        return
    if not site_url:
        found = "SITE_URL is not set"
    elif address.hostname in _LOCAL_HOSTS:
        found = f"SITE_URL is {site_url!r}, an address of this machine"
    else:
        found = f"SITE_URL is {site_url!r}, not an http(s) address"
    raise BuildError(
        f"a build to publish needs the public address of the site, and {found}: run "
        "SITE_URL=https://your-host.example/ nox -s docs -- --publish (README.md, "
        '"Publishing the site"), or nox -s docs without --publish for a preview'
    )


def preview_notice(site_url: str) -> str:
    """The line of the build's summary that says a preview build is not for publishing."""
    return (
        "preview build: SITE_URL is not set, so canonical URLs, hreflang alternates and "
        f"sitemaps name {site_url} and every page is marked noindex; to publish, "
        "build with SITE_URL=https://your-host.example/ nox -s docs -- --publish (README.md, "
        '"Publishing the site")'
    )


def build_languages(config) -> tuple[str, list[str], str | None]:
    """(default language, every language built, the language being built now)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        default = project_languages()[0]
        return default, [default], default
    return i18n.default_language, list(i18n.build_languages), i18n.current_language


def language_root(site: Path, language: str, default: str) -> Path:
    return site if language == default else site / language


def after_language(config) -> None:
    """Keep each language's 404 page at its own root (see the module's docstring)."""
    default, _, current = build_languages(config)
    site = Path(config.site_dir)
    page = site / "404.html"
    if not page.is_file():
        return
    if current in (None, default):
        _default_404[str(site)] = page.read_bytes()
        return
    target = language_root(site, current, default) / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.replace(target)
    if str(site) in _default_404:
        page.write_bytes(_default_404[str(site)])


def after_site(config) -> bool:
    """One search index and one sitemap per language, and robots.txt (module docstring).
    True when this was the last step of the build (every language built), False otherwise."""
    i18n = config.plugins.get("i18n")
    if i18n is not None and i18n.building:
        return False  # a language built from mkdocs-static-i18n's on_post_build
    default, languages, _ = build_languages(config)
    site = Path(config.site_dir)
    split_search_index(site, languages, default)
    site_url = config.site_url or ""
    for language in languages:
        root = language_root(site, language, default)
        pages = page_heads(root, other_roots=[site / lang for lang in languages if lang != default])
        (root / "sitemap.xml").write_text(sitemap(pages), encoding="utf-8")
    # MkDocs gzips the sitemap it wrote (both languages in one file); that copy is stale now.
    (site / "sitemap.xml.gz").unlink(missing_ok=True)
    (site / "robots.txt").write_text(robots_txt(site_url, languages, default), encoding="utf-8")
    return True


def split_search_index(site: Path, languages: list[str], default: str) -> None:
    """Rewrite the merged index as one index per language, with its own stemmer."""
    merged_path = site / SEARCH_INDEX
    if not merged_path.is_file():
        return  # the search plugin is off
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    others = [language for language in languages if language != default]
    docs: dict[str, list[dict]] = {language: [] for language in languages}
    for entry in merged["docs"]:
        # A notebook's headings end in nbconvert's "¶" anchor link, which the search plugin
        # keeps in the section's title; a result shows the heading without it.
        entry = {
            **entry,
            "title": entry["title"].replace(PILCROW, "").strip(),
            "text": " ".join(CODE_BLOCK.sub(" ", entry["text"]).split()),
        }
        first = entry["location"].split("/", 1)[0]
        if first in others:
            docs[first].append({**entry, "location": entry["location"][len(first) + 1 :]})
        else:
            docs[default].append(entry)
    for language in languages:
        index = {**merged, "config": {**merged["config"], "lang": [language]}}
        index["docs"] = docs[language]
        path = language_root(site, language, default) / SEARCH_INDEX
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")


class _HeadLinks(HTMLParser):
    """The canonical URL and the hreflang alternates in a page's <head>."""

    def __init__(self) -> None:
        super().__init__()
        self.canonical: str | None = None
        self.alternates: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag != "link":
            return
        attributes = dict(attrs)
        rel, href = attributes.get("rel"), attributes.get("href")
        if rel == "canonical" and href:
            self.canonical = href
        elif rel == "alternate" and href and attributes.get("hreflang"):
            self.alternates.append((attributes["hreflang"], href))


def head_links(html: str) -> _HeadLinks:
    parser = _HeadLinks()
    parser.feed(html.split("</head>", 1)[0])
    return parser


def page_heads(root: Path, other_roots: list[Path]) -> list[_HeadLinks]:
    """The head links of every page under root (not under another language's root)."""
    pages = []
    for path in sorted(root.rglob("index.html")):
        if any(path.is_relative_to(other) for other in other_roots if other != root):
            continue
        links = head_links(path.read_text(encoding="utf-8"))
        if links.canonical is None:
            raise BuildError(
                f'{path}: the page has no <link rel="canonical">, so it cannot be listed in '
                "the sitemap; set site_url in mkdocs.yml (or SITE_URL) and keep the site_meta "
                "block of overrides/main.html."
            )
        pages.append(links)
    return pages


def sitemap(pages: list[_HeadLinks]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<urlset {SITEMAP_NAMESPACES}>"]
    for page in sorted(pages, key=lambda page: page.canonical or ""):
        lines.append(f"  <url>\n    <loc>{_xml_text(page.canonical or '')}</loc>")
        for hreflang, href in page.alternates:
            attributes = f"hreflang={quoteattr(hreflang)} href={quoteattr(href)}"
            lines.append(f'    <xhtml:link rel="alternate" {attributes}/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(site_url: str, languages: list[str], default: str) -> str:
    base = site_url if site_url.endswith("/") else site_url + "/"
    sitemaps = [
        f"Sitemap: {base}{'' if language == default else language + '/'}sitemap.xml"
        for language in languages
    ]
    return "User-agent: *\nAllow: /\n\n" + "\n".join(sitemaps) + "\n"


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
