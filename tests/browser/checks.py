"""Checks of the built site in a real browser, each a small function that returns problems.

Every check returns a list of messages, empty when all is well, and every message starts
with the page it is about, so a failing test says where to look. The tests in this folder
run them on `site/` and, to prove that they can fail, on broken copies of it.

This module needs Playwright (the `e2e` dependency group), not the shared environment, so
`nox -s tests` never collects this folder (see the root conftest.py).
"""

from __future__ import annotations

import contextlib
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
DOCS_DIR = ROOT / "docs"
SITE_DIR = ROOT / "site"
SCREENSHOT_DIR = ROOT / ".cache" / "e2e" / "screenshots"

# Debian's chromium package: Playwright's own browser download cannot run offline.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Pages photographed in every language (saved under SCREENSHOT_DIR, never committed).
SCREENSHOT_PAGES = ("index.md", "mnist.md")

# A word found on one page of a language and on no page of the other: the search in that
# language must list that page among its results.
SEARCH_TERMS = {"en": ("gradients", "tensors.md"), "es": ("gradientes", "tensors.md")}

# The framework a reader picks in the linked-tabs check.
TAB_CHOICE = "TensorFlow"

# axe-core impacts that fail the accessibility check.
FAILING_IMPACTS = ("serious", "critical")

# Problems of the theme that no setting of ours can fix, each excluded as narrowly as
# possible and printed on every run (see tests/browser/README.md). Rule id -> (CSS target
# of the only element excused, why).
# Empty: the search panel, which Material renders as <div role=dialog> without a name, gets
# one from overrides/main.html ("Search" / "Buscar").
AXE_THEME_EXCLUSIONS: dict[str, tuple[str, str]] = {}

# Requests of the theme that may fail, URL path pattern -> why. Empty: every failed request
# fails the page, and so does every console error (a failed load logs one). Material fetches
# `sitemap.xml` beside each <link rel=alternate>; when that answered 404 (no sitemap per
# language) it was excused here, and every page logged an error that the check ignored.
THEME_REQUEST_EXCLUSIONS: dict[re.Pattern[str], str] = {}

# The colour schemes axe checks every page in: Material's palette names, in the order the
# header's toggle offers them (the site's light scheme first).
COLOR_SCHEMES = ("default", "slate")
SCHEME_NAMES = {"default": "light scheme", "slate": "dark scheme"}

# A word found on pages of every language: searching it on a language's home page must list
# pages of that language only.
SEARCH_EVERY_LANGUAGE = {"en": "MNIST", "es": "MNIST"}

# Generated figures (the build's own images) are served from this folder of each language;
# each must be followed by its values as a collapsed table (<details> holding a <table>).
GENERATED_FOLDER = "/generated/"


@dataclass(frozen=True)
class SitePage:
    """One page of the site in one language."""

    language: str
    source: str  # file name inside docs/<language>/, e.g. "tensors.md"
    path: str  # URL path from the site root, e.g. "es/tensors/"

    def __str__(self) -> str:
        return f"/{self.path} (docs/{self.language}/{self.source})"


@dataclass
class PageVisit:
    """What the browser saw on one page."""

    page: SitePage
    url: str
    status: int | None = None
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    excused_requests: list[str] = field(default_factory=list)
    # Requests Chromium cancelled (net::ERR_ABORTED), each with the document that made it
    # (see `open_page`), and the documents the checker itself left or closed.
    aborted_requests: list[tuple[int, str]] = field(default_factory=list)
    documents_left: set[int] = field(default_factory=set)
    document: int = 0  # counts the tab's main-frame navigations

    def unexplained_aborts(self) -> list[str]:
        """Cancelled requests that the checker's own navigation does not explain."""
        return [
            entry
            for document, entry in self.aborted_requests
            if document not in self.documents_left
        ]

    def aborted_by_checker(self) -> list[str]:
        return [
            entry for document, entry in self.aborted_requests if document in self.documents_left
        ]

    images: list[dict] = field(default_factory=list)
    figures_without_table: list[str] = field(default_factory=list)
    code_blocks: int = 0
    code_blocks_without_copy: list[str] = field(default_factory=list)
    tab_sets: int = 0
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    axe_violations: list[dict] = field(default_factory=list)
    axe_excused: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- the site


def default_language(site_dir: Path) -> str:
    """The language served at the site root: the `lang` of the root index.html."""
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<html[^>]*\blang="([\w-]+)"', html)
    if not match:
        raise LookupError(f"{site_dir / 'index.html'} has no <html lang>")
    return match.group(1)


def url_path(language: str, source: str, default: str) -> str:
    prefix = "" if language == default else f"{language}/"
    directory = "" if source == "index.md" else source.removesuffix(".md") + "/"
    return prefix + directory


def site_pages(site_dir: Path, docs_dir: Path = DOCS_DIR) -> list[SitePage]:
    """Every page of docs/<language>/ as the site should serve it, default language first."""
    default = default_language(site_dir)
    languages = sorted(
        (p.name for p in docs_dir.iterdir() if p.is_dir()), key=lambda x: (x != default, x)
    )
    found = []
    for language in languages:
        for source_file in sorted((docs_dir / language).rglob("*.md")):
            source = source_file.relative_to(docs_dir / language).as_posix()
            found.append(SitePage(language, source, url_path(language, source, default)))
    return found


def built_file(site_dir: Path, page: SitePage) -> Path:
    return site_dir / page.path / "index.html"


# ------------------------------------------------------------------ one visit per page

_PAGE_FACTS = """(GENERATED) => {
  const content = document.querySelector(".md-content") || document.body;
  const blocks = [...content.querySelectorAll("pre > code")];
  return {
    images: [...document.images].map((img, index) => ({
      index, src: img.currentSrc || img.src, alt: img.getAttribute("alt"),
      naturalWidth: img.naturalWidth,
    })),
    codeBlocks: blocks.length,
    withoutCopy: blocks
      .filter((code) => !code.parentElement.querySelector(
        "button[data-md-type=copy], button.md-clipboard"))
      .map((code) => (code.parentElement.id || "")
        + " " + code.textContent.trim().split("\\n")[0].slice(0, 60)),
    tabSets: document.querySelectorAll(".md-content .tabbed-set").length,
    // A generated figure's block (its <p> or <figure>) must be followed, within the next
    // two elements, by a <details> holding a <table> (its values, collapsed).
    figuresWithoutTable: [...content.querySelectorAll("img")]
      .filter((img) => new URL(img.src, location.href).pathname.includes(GENERATED))
      .filter((img) => {
        let next = (img.closest("p, figure") || img).nextElementSibling;
        for (let step = 0; next && step < 2; step += 1, next = next.nextElementSibling) {
          const details = next.matches("details") ? next : next.querySelector("details");
          if (details && details.querySelector("table")) return false;
        }
        return true;
      })
      .map((img) => new URL(img.src, location.href).pathname),
    ids: [...document.querySelectorAll("[id]")].map((e) => e.id)
      .concat([...document.querySelectorAll("a[name]")].map((e) => e.name)),
    links: [...document.querySelectorAll("a[href], link[href]")]
      .filter((e) => !["preconnect", "dns-prefetch"].includes(e.rel))
      .map((e) => e.href),
  };
}"""

# Start every image now: a lazy image below the fold would otherwise never load.
_LOAD_IMAGES = """async () => {
  for (const img of document.images) img.loading = "eager";
  await Promise.all([...document.images].map((img) => img.complete ? null
    : new Promise((done) => { img.onload = img.onerror = done; })));
}"""


# The error Chromium gives a request that was cancelled, for instance by a navigation.
ABORTED = "net::ERR_ABORTED"


# Requests the checker's own navigation cancelled, printed at the end of the run.
CANCELLED_BY_CHECKER: list[str] = []


def leave(visit: PageVisit) -> None:
    """Call just before the checker navigates away from the page of `visit` or closes it:
    the requests that this cancels are the checker's doing, not the site's failures."""
    visit.documents_left.add(visit.document)


def _excused(url: str) -> bool:
    return any(pattern.search(urlsplit(url).path) for pattern in THEME_REQUEST_EXCLUSIONS)


def open_page(context: BrowserContext, base_url: str, visit: PageVisit) -> Page:
    """A new tab that records into `visit` what fails, and blocks requests off the site."""
    page = context.new_page()

    def route(route):
        url = route.request.url
        if url.startswith(base_url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            visit.external_requests.append(url)
            route.abort("blockedbyclient")

    def response(resp):
        if resp.status >= 400 and resp.url.startswith(base_url):
            entry = f"{resp.url} (HTTP {resp.status})"
            (visit.excused_requests if _excused(resp.url) else visit.failed_requests).append(entry)

    # Which document made each request: Chromium cancels a document's pending requests (a
    # search worker still loading its language files, say) when the tab leaves it. Whether
    # the checker left that document is decided when the problems are read, after every
    # event has arrived, so the order in which the events come cannot change the verdict.
    made_by: dict[int, int] = {}

    def request(request):
        made_by[id(request)] = visit.document

    def frame_navigated(frame):
        if frame == page.main_frame:
            visit.document += 1

    def request_failed(request):
        if not request.url.startswith(base_url):
            return
        entry = f"{request.url} ({request.failure})"
        # A 404 is a response (see `response`) and a refused or blocked connection fails
        # with another error, so neither can pass for a cancelled request.
        if request.failure == ABORTED and id(request) in made_by:
            visit.aborted_requests.append((made_by[id(request)], entry))
        else:
            visit.failed_requests.append(entry)

    def console(message):
        if message.type != "error":
            return
        # The response and requestfailed handlers report each failed resource once, as a
        # failed, external or excused request.
        if message.text.startswith("Failed to load resource"):
            return
        visit.console_errors.append(message.text)

    page.route("**/*", route)
    page.on("request", request)
    page.on("framenavigated", frame_navigated)
    page.on("response", response)
    page.on("requestfailed", request_failed)
    page.on("console", console)
    page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught {error}"))
    return page


def visit_page(
    context: BrowserContext,
    base_url: str,
    site_page: SitePage,
    *,
    axe: bool = True,
    screenshot: Path | None = None,
) -> PageVisit:
    """Load one page and record everything the per-page checks look at."""
    visit = PageVisit(site_page, base_url + site_page.path)
    page = open_page(context, base_url, visit)
    try:
        response = page.goto(visit.url, wait_until="load")
        visit.status = response.status if response else None
        if visit.status != 200:
            return visit
        page.wait_for_load_state("networkidle")
        page.evaluate(_LOAD_IMAGES)
        facts = page.evaluate(_PAGE_FACTS, GENERATED_FOLDER)
        visit.images = facts["images"]
        visit.code_blocks = facts["codeBlocks"]
        visit.code_blocks_without_copy = facts["withoutCopy"]
        visit.tab_sets = facts["tabSets"]
        visit.figures_without_table = facts["figuresWithoutTable"]
        visit.ids = set(facts["ids"])
        visit.links = facts["links"]
        if axe:
            for scheme in COLOR_SCHEMES:
                _set_color_scheme(page, scheme)
                _run_axe(page, visit, scheme)
            _set_color_scheme(page, COLOR_SCHEMES[0])  # the choice is kept for the next page
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
    finally:
        leave(visit)
        page.close()
    return visit


_AXE = None


_SCHEME = "document.body.getAttribute('data-md-color-scheme')"

# Choose a scheme as the header's toggle does (its radio input, which Material stores and
# applies), or, on a page without the toggle, set it on <body> as Material would.
_CHOOSE_SCHEME = """(scheme) => {
  const input = document.querySelector(
    `input[name=__palette][data-md-color-scheme="${scheme}"]`);
  if (input) input.click();
  else document.body.setAttribute("data-md-color-scheme", scheme);
}"""


def _set_color_scheme(page: Page, scheme: str) -> None:
    if page.evaluate(_SCHEME) == scheme:
        return
    page.evaluate(_CHOOSE_SCHEME, scheme)
    page.wait_for_function(f"{_SCHEME} === {scheme!r}", timeout=5_000)
    page.wait_for_timeout(100)  # transitions of colours end before axe reads them


def _run_axe(page: Page, visit: PageVisit, scheme: str = COLOR_SCHEMES[0]) -> None:
    global _AXE
    if _AXE is None:
        _AXE = Axe()  # reads the axe-core script bundled in the package; fetches nothing
    results = _AXE.run(page).response
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        excused_target, _ = AXE_THEME_EXCLUSIONS.get(violation["id"], (None, None))
        nodes = []
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            if target == excused_target:
                visit.axe_excused.append(f"{violation['id']} on {target}")
            else:
                nodes.append(node)
        if nodes:
            visit.axe_violations.append({**violation, "nodes": nodes, "scheme": scheme})


# ------------------------------------------------------------------- per-page problems


def load_problems(visit: PageVisit) -> list[str]:
    """The page answers 200, with no console error and no failed request."""
    where = visit.page
    if visit.status != 200:
        return [f"{where}: HTTP {visit.status} at {visit.url}"]
    return [f"{where}: console error: {text}" for text in visit.console_errors] + [
        f"{where}: failed request {entry}"
        for entry in visit.failed_requests + visit.unexplained_aborts()
    ]


def external_request_problems(visit: PageVisit) -> list[str]:
    """The page asks nothing of other hosts: the site must work offline and leak no visits."""
    return [
        f"{visit.page}: request to another host (blocked): {url}"
        for url in dict.fromkeys(visit.external_requests)
    ]


def image_problems(visit: PageVisit) -> list[str]:
    """Every image loaded and has alternative text."""
    problems = []
    for image in visit.images:
        name = f"image {image['index'] + 1} ({image['src']})"
        if not image["naturalWidth"]:
            problems.append(f"{visit.page}: {name} did not load")
        if not (image["alt"] or "").strip():
            problems.append(f"{visit.page}: {name} has no alt text")
    return problems


def alt_language_problems(first: PageVisit, second: PageVisit) -> list[str]:
    """The same image position has alt text in each page's own language (so: different)."""
    problems = []
    if len(first.images) != len(second.images):
        problems.append(
            f"{first.page} has {len(first.images)} images but {second.page} has "
            f"{len(second.images)}"
        )
    for one, two in zip(first.images, second.images, strict=False):
        alt = (one["alt"] or "").strip()
        if alt and alt == (two["alt"] or "").strip():
            problems.append(
                f"{second.page}: image {two['index'] + 1} has the same alt text as on "
                f"{first.page}, not a translation: {alt!r}"
            )
    return problems


def copy_button_problems(visit: PageVisit) -> list[str]:
    """Every code block has Material's copy button."""
    return [
        f"{visit.page}: code block without a copy button: {block.strip()}"
        for block in visit.code_blocks_without_copy
    ]


def accessibility_problems(visit: PageVisit) -> list[str]:
    """axe-core finds no serious or critical violation."""
    problems = []
    for violation in visit.axe_violations:
        targets = ", ".join(" ".join(map(str, n["target"])) for n in violation["nodes"][:5])
        more = len(violation["nodes"]) - 5
        scheme = SCHEME_NAMES.get(violation.get("scheme"), violation.get("scheme"))
        problems.append(
            f"{visit.page}: {violation['impact']} accessibility violation '{violation['id']}' "
            f"in the {scheme} ({violation['help']}) on {targets}"
            f"{f' and {more} more' if more > 0 else ''} - {violation['helpUrl']}"
        )
    return problems


def figure_table_problems(visit: PageVisit) -> list[str]:
    """Every generated figure is followed by its values as a collapsed table."""
    return [
        f"{visit.page}: figure {src} has no collapsed table of its values after it "
        "(a <details> holding a <table>, within the next two elements)"
        for src in visit.figures_without_table
    ]


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alternates: list[tuple[str, str]] = []  # (hreflang, href)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "alternate" and "hreflang" in attributes:
            self.alternates.append((attributes["hreflang"], attributes.get("href") or ""))


def hreflang_problems(site_dir: Path, page: SitePage, twins: dict[str, SitePage]) -> list[str]:
    """The page names every language version of itself, and x-default (the default
    language's), each as an absolute URL ending in that version's path (`twins`: language ->
    page, the default language first)."""
    parser = _Alternates()
    parser.feed(built_file(site_dir, page).read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for language, href in parser.alternates:
        found.setdefault(language, []).append(href)
    default = next(iter(twins))
    expected = {**twins, "x-default": twins[default]}
    problems = []
    for language, twin in expected.items():
        hrefs = found.get(language, [])
        if not hrefs:
            problems.append(
                f"{page}: no <link rel=alternate hreflang={language!r}> (for /{twin.path})"
            )
            continue
        for href in hrefs:
            parts = urlsplit(href)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                problems.append(
                    f"{page}: hreflang={language!r} is relative ({href!r}); search engines "
                    "need an absolute URL: set site_url in mkdocs.yml"
                )
            elif not parts.path.endswith("/" + twin.path):
                problems.append(
                    f"{page}: hreflang={language!r} points at {href}, not at /{twin.path}"
                )
    return problems


# --------------------------------------------------------------------- links and anchors


class _LinksAndIds(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        if (
            tag in ("a", "link")
            and attributes.get("href")
            and attributes.get("rel") not in ("preconnect", "dns-prefetch")
        ):
            self.links.append(attributes["href"])


def _fetch(url: str) -> tuple[int, str, str]:
    """(status, final URL, body if HTML) for a URL on the local server."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            kind = response.headers.get_content_type()
            body = response.read().decode("utf-8", "replace") if kind == "text/html" else ""
            return response.status, response.url, body
    except urllib.error.HTTPError as error:
        return error.code, url, ""


def link_problems(base_url: str, visits: list[PageVisit]) -> list[str]:
    """Crawl the site from the visited pages: every internal link answers 200, every
    #fragment names an id on its target page."""
    problems = []
    ids: dict[str, set[str] | None] = {}  # page URL -> ids; None when not HTML
    status: dict[str, int] = {}
    for visit in visits:
        if visit.status == 200:
            status[visit.url], ids[visit.url] = 200, visit.ids
    queue: list[tuple[str, str]] = [
        (str(visit.page), link) for visit in visits for link in visit.links
    ]
    seen_pages = set(status)
    while queue:
        where, link = queue.pop(0)
        target, fragment = urldefrag(link)
        if not target.startswith(base_url):
            continue
        if target not in status:
            code, final, body = _fetch(target)
            status[target] = code
            if code == 200 and body:
                parser = _LinksAndIds()
                parser.feed(body)
                ids[target] = parser.ids
                if final not in seen_pages:
                    seen_pages.add(final)
                    page_name = "/" + final.removeprefix(base_url)
                    queue.extend((page_name, urljoin(final, href)) for href in parser.links)
            else:
                ids[target] = None
        shown = "/" + link.removeprefix(base_url)
        if status[target] != 200:
            problems.append(f"{where}: broken link to {shown} (HTTP {status[target]})")
        elif fragment and ids[target] is not None and unquote(fragment) not in ids[target]:
            problems.append(f"{where}: link to {shown}: no element with id '{unquote(fragment)}'")
    return sorted(dict.fromkeys(problems))


# ------------------------------------------------------------------ interactive checks


def _same_url(one: str, two: str) -> bool:
    return one.rstrip("/") == two.rstrip("/")


def _switch_language(page: Page, visit: PageVisit, language: str) -> None:
    """Open the header's language menu and choose a language, as a reader does."""
    page.hover(".md-header .md-select")
    leave(visit)
    with page.expect_navigation():
        page.click(f".md-header a.md-select__link[hreflang='{language}']")
    page.wait_for_load_state("load")


def language_switch_problems(
    context: BrowserContext, base_url: str, page_here: SitePage, twin: SitePage
) -> list[str]:
    """The language menu leads from a page to the same page in the other language, and back."""
    visit = PageVisit(page_here, base_url + page_here.path)
    page = open_page(context, base_url, visit)
    try:
        response = page.goto(visit.url, wait_until="load")
        if not response or response.status != 200:
            return [f"{page_here}: HTTP {response.status if response else None}"]
        problems = []
        for start, goal in ((page_here, twin), (twin, page_here)):
            goal_url = base_url + goal.path
            try:
                _switch_language(page, visit, goal.language)
            except PlaywrightError as error:  # no menu or no navigation: the finding
                return [f"{start}: cannot switch to '{goal.language}': {error}"]
            landed = page.url
            lang = page.evaluate("document.documentElement.lang")
            status = page.evaluate("document.title")
            if not _same_url(landed, goal_url) or lang != goal.language:
                problems.append(
                    f"{start}: the language menu's '{goal.language}' entry leads to "
                    f"/{landed.removeprefix(base_url)} (lang={lang!r}, title {status!r}), "
                    f"expected {goal}"
                )
                break
        page.wait_for_load_state("networkidle")  # so that every cancellation has arrived
        CANCELLED_BY_CHECKER.extend(visit.aborted_by_checker())
        return problems + [
            f"{page_here}: while switching languages: failed request {entry}"
            for entry in visit.failed_requests + visit.unexplained_aborts()
        ]
    finally:
        leave(visit)
        page.close()


_TAB_CHOICES = """() => [...document.querySelectorAll(".md-content .tabbed-set")].map((set) => {
  const checked = set.querySelector(":scope > input:checked");
  const label = checked && set.querySelector(`label[for="${checked.id}"]`);
  return label ? label.textContent.trim() : null;
})"""


def linked_tabs_problems(
    context: BrowserContext, base_url: str, first: SitePage, second: SitePage
) -> list[str]:
    """Choosing TAB_CHOICE in one tab set of `first` switches every set, and `second` (the
    next page a reader opens) shows it too. Use a fresh context: the choice is stored."""
    visit = PageVisit(first, base_url + first.path)
    page = open_page(context, base_url, visit)
    try:
        page.goto(visit.url, wait_until="load")
        page.wait_for_load_state("networkidle")
        labels = page.locator(".md-content .tabbed-set .tabbed-labels label", has_text=TAB_CHOICE)
        if labels.count() == 0:
            return [f"{first}: no tab labelled {TAB_CHOICE!r}"]
        labels.first.click()
        page.wait_for_timeout(200)
        problems = []
        choices = page.evaluate(_TAB_CHOICES)
        others = [i + 1 for i, label in enumerate(choices) if label != TAB_CHOICE]
        if others:
            problems.append(
                f"{first}: after choosing {TAB_CHOICE!r} in the first tab set, tab sets "
                f"{others} of {len(choices)} still show another tab (content.tabs.link?)"
            )
        page.goto(base_url + second.path, wait_until="load")
        page.wait_for_load_state("networkidle")
        choices = page.evaluate(_TAB_CHOICES)
        others = [i + 1 for i, label in enumerate(choices) if label != TAB_CHOICE]
        if others or not choices:
            problems.append(
                f"{second}: opened after choosing {TAB_CHOICE!r} on {first}, tab sets "
                f"{others or 'none'} of {len(choices)} do not show it (the choice was not kept)"
            )
        return problems
    finally:
        page.close()


def _search(
    context: BrowserContext,
    base_url: str,
    home: SitePage,
    term: str,
    titles: list[str] | None = None,
) -> tuple[list[str], list[str]]:
    """Type `term` into the search box of `home`: (the result URLs without ?h= and #, and
    the problem when there are none). `titles`, when given, receives the results' titles."""
    visit = PageVisit(home, base_url + home.path)
    page = open_page(context, base_url, visit)
    try:
        page.goto(visit.url, wait_until="load")
        page.wait_for_load_state("networkidle")
        # The search box is in the header on a wide screen (a small one shows an icon).
        page.click(".md-search__input")
        meta = ".md-search-result__meta"
        before = page.text_content(meta)
        page.keyboard.type(term, delay=20)  # key by key: Material searches on key events
        # Results, or the count line changing to "no matching documents".
        with contextlib.suppress(PlaywrightError):
            page.wait_for_function(
                "([meta, before]) => document.querySelector('.md-search-result__item')"
                " || document.querySelector(meta).textContent !== before",
                arg=[meta, before],
                timeout=10_000,
            )
        page.wait_for_timeout(300)  # the list fills in after the first result
        hrefs = page.eval_on_selector_all(
            ".md-search-result__item a", "(links) => links.map((a) => a.href)"
        )
        if titles is not None:
            titles += page.eval_on_selector_all(
                ".md-search-result__item :is(h1, h2)",
                "(heads) => heads.map((h) => h.textContent.trim())",
            )
        # Results carry ?h=<term> (search.highlight) and may point at a section.
        found = list(dict.fromkeys(urldefrag(h)[0].split("?")[0] for h in hrefs))
        if not found:
            shown = (page.text_content(meta) or "").strip()
            return [], [f"{home}: searching for {term!r} finds nothing ({shown!r})"]
        return found, []
    finally:
        page.close()


def search_problems(
    context: BrowserContext, base_url: str, home: SitePage, term: str, expected: SitePage
) -> list[str]:
    """Typing `term` into the search box of `home` lists `expected` among the results."""
    found, problems = _search(context, base_url, home, term)
    if found and not any(_same_url(url, base_url + expected.path) for url in found):
        shown = ", ".join("/" + u.removeprefix(base_url) for u in found)
        problems.append(
            f"{home}: searching for {term!r} does not list {expected}; it lists {shown}"
        )
    return problems


def search_language_problems(
    context: BrowserContext, base_url: str, home: SitePage, term: str, languages: list[str]
) -> list[str]:
    """Searching `term` on `home` lists pages of home's language only (`languages`: every
    language of the site, the default one, served at the root, first)."""
    default = languages[0]

    def language_of(url: str) -> str:
        path = url.removeprefix(base_url)
        first = path.split("/", 1)[0]
        return first if first in languages and first != default else default

    found, problems = _search(context, base_url, home, term)
    wrong = ["/" + url.removeprefix(base_url) for url in found if language_of(url) != home.language]
    if wrong:
        problems.append(
            f"{home}: searching for {term!r} lists pages in another language than "
            f"'{home.language}': {', '.join(wrong[:5])}"
            f"{f' and {len(wrong) - 5} more' if len(wrong) > 5 else ''}"
        )
    return problems


def color_scheme_problems(context: BrowserContext, base_url: str, home: SitePage) -> list[str]:
    """The header's light/dark toggle changes data-md-color-scheme, and changes it back."""
    visit = PageVisit(home, base_url + home.path)
    page = open_page(context, base_url, visit)
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    try:
        page.goto(visit.url, wait_until="load")
        schemes = [page.evaluate(scheme)]
        for _ in range(2):
            toggle = page.locator("form[data-md-component=palette] label:visible")
            if toggle.count() != 1:
                return [f"{home}: no single visible light/dark toggle ({toggle.count()} found)"]
            toggle.click()
            page.wait_for_timeout(100)
            schemes.append(page.evaluate(scheme))
        if schemes[0] == schemes[1] or schemes[2] != schemes[0]:
            return [f"{home}: the light/dark toggle gives the schemes {schemes}"]
        return []
    finally:
        page.close()


# Which of a notebook figure's two images the page displays, with their boxes.
_NOTEBOOK_FIGURES = """() => [...document.querySelectorAll(".jupyter-wrapper img")]
  .filter((img) => img.src.startsWith("data:image/png"))
  .map((img) => ({
    fragment: img.getAttribute("src").split("#")[1] || "",
    shown: img.getBoundingClientRect().width > 0,
    top: Math.round(img.getBoundingClientRect().top + window.scrollY),
  }))"""


def notebook_figure_problems(context: BrowserContext, base_url: str, page: SitePage) -> list[str]:
    """A notebook page shows each figure once, in the version of the reader's scheme, and
    switching schemes moves nothing below it (the hidden version takes no room)."""
    visit = PageVisit(page, base_url + page.path)
    tab = open_page(context, base_url, visit)
    try:
        tab.goto(visit.url, wait_until="load")
        seen, tops = {}, {}
        for scheme in COLOR_SCHEMES:
            _set_color_scheme(tab, scheme)
            images = tab.evaluate(_NOTEBOOK_FIGURES)
            seen[scheme] = [image["fragment"] for image in images if image["shown"]]
            tops[scheme] = [image["top"] for image in images if image["shown"]]
        _set_color_scheme(tab, COLOR_SCHEMES[0])  # the choice is kept for the next page
    finally:
        tab.close()
    problems = []
    if not seen["default"]:
        problems.append(f"{page}: no notebook figure is shown in the light scheme")
    for scheme, wanted in (("default", "only-light"), ("slate", "only-dark")):
        if any(fragment != wanted for fragment in seen[scheme]):
            problems.append(
                f"{page}: the {SCHEME_NAMES[scheme]} shows {seen[scheme]}, not only #{wanted}"
            )
    if len(seen["default"]) != len(seen["slate"]) or tops["default"] != tops["slate"]:
        problems.append(
            f"{page}: the figures move when the scheme changes ({tops['default']} in the light "
            f"scheme, {tops['slate']} in the dark)"
        )
    return problems


def screenshot_page_problems(
    visits: list[PageVisit], site_dir: Path
) -> tuple[list[str], list[str]]:
    """(problems, notes): a SCREENSHOT_PAGES page that is in docs/ must be in the site;
    one that is not in docs/ yet is only noted."""
    problems, notes = [], []
    for source in SCREENSHOT_PAGES:
        built = [visit for visit in visits if visit.page.source == source]
        if not built:
            notes.append(f"{source} is not in docs/ yet: no screenshot of it")
        problems += [
            f"{visit.page}: the page is in docs/ but not in {site_dir} (HTTP {visit.status}): "
            "run nox -s docs again"
            for visit in built
            if visit.status != 200
        ]
    return problems, notes
