"""Checks of what a reader meets beyond the pages themselves, each returning problems that
start with the page they are about (like checks.py): the 404 page a static host serves for
each language, the language menu keeping the reader's section, search result titles, the
back-to-top button on a phone, and the files for readers' tools linked from the footer.

The site is served as GitHub Pages serves it (``StaticHost``): text gzipped, and the root
``404.html`` for any address that has no file, whatever its language (README.md,
"Publishing the site").
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError

from tests.browser import checks
from tests.static_server import GzipHandler

# The permalink sign, which no search result title may show.
PILCROW = "\u00b6"
# A phone in portrait (CSS pixels), as Lighthouse's mobile run emulates one.
PHONE = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True}
# What the back-to-top button must never cover.
TEXT = "article :is(p, li, pre, td, th, h1, h2, h3, h4, h5, h6, dt, dd, summary, figcaption)"


class StaticHost(GzipHandler):
    """GitHub Pages: the folder's files, gzipped, and the root 404.html (status 404) for an
    address that has none."""

    missing = False

    def send_head(self):
        self.missing = False
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() and not self.path.split("?", 1)[0].endswith("/404.html"):
            self.missing, self.path = True, "/404.html"
        return super().send_head()

    def send_response(self, code, message=None):
        super().send_response(404 if self.missing and code == 200 else code, message)


def _h1(path: Path) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", path.read_text(encoding="utf-8"), re.S)
    return re.sub(r"<[^>]+>", "", found[1]).strip() if found else ""


def not_found_problems(
    context: BrowserContext, base_url: str, site_dir: Path, path: str, language: str
) -> list[str]:
    """A missing address ``path`` shows the 404 page of ``language`` (the root one, or, under
    that language's folder, its own), keeps ``path`` in the address bar, and its language
    menu leads to each language's home page; choosing the default language opens it."""
    default = checks.default_language(site_dir)
    folder = "" if language == default else f"{language}/"
    expected_title = _h1(site_dir / folder / "404.html")
    where = f"/{path} (a missing address)"
    page = context.new_page()
    try:
        response = page.goto(base_url + path, wait_until="load")
        if response is None or response.status != 404:
            return [f"{where}: HTTP {response.status if response else None}, expected 404"]
        page.wait_for_load_state("networkidle")
        problems = []
        lang = page.evaluate("document.documentElement.lang")
        title = (page.text_content("article h1") or "").strip()
        if lang != language or title != expected_title:
            problems.append(
                f"{where}: shows the 404 page in {lang!r} ({title!r}), expected the one in "
                f"{language!r} ({expected_title!r}, {folder}404.html)"
            )
        if page.url != base_url + path:
            problems.append(f"{where}: the address bar shows {page.url} instead")
        menu = dict(
            page.eval_on_selector_all(
                ".md-header a.md-select__link[hreflang]",
                "(links) => links.map((a) => [a.hreflang, a.href])",
            )
        )
        homes = {
            other: base_url + ("" if other == default else f"{other}/")
            for other in [default, *sorted(set(menu) - {default})]
        }
        if language not in menu or menu != homes:
            problems.append(
                f"{where}: the language menu leads to {menu}, expected each language's home "
                f"page {homes}"
            )
            return problems
        page.hover(".md-header .md-select")
        with page.expect_navigation():
            page.click(f".md-header a.md-select__link[hreflang='{default}']")
        page.wait_for_load_state("load")
        if page.url != base_url or page.evaluate("document.documentElement.lang") != default:
            problems.append(f"{where}: the menu's '{default}' entry opens {page.url}")
        return problems
    finally:
        page.close()


_HEADINGS = """() => [...document.querySelectorAll(
  "article h2[id], article h3[id], article h4[id], article h5[id], article h6[id]")]
  .map((h) => h.id)"""

_IN_VIEW = """(id) => {
  const heading = document.getElementById(id);
  if (!heading) return false;
  const top = heading.getBoundingClientRect().top;
  return top >= 0 && top < window.innerHeight / 2;
}"""


def section_kept_problems(
    context: BrowserContext, base_url: str, page_here: checks.SitePage, twin: checks.SitePage
) -> list[str]:
    """Opened at a section (its heading's id in the address), the language menu leads to the
    same section of ``twin`` (the heading in the same place, whatever its id) and back."""
    visit = checks.PageVisit(page_here, base_url + page_here.path)
    page = checks.open_page(context, base_url, visit)
    try:
        page.goto(visit.url, wait_until="load")
        ids = {page_here.language: page.evaluate(_HEADINGS)}
        if len(ids[page_here.language]) < 3:
            return [f"{page_here}: fewer than 3 headings with an id: choose another page"]
        index = len(ids[page_here.language]) * 2 // 3  # a section well down the page
        start = ids[page_here.language][index]
        page.goto(f"{visit.url}#{start}", wait_until="load")
        problems = []
        for here, goal in ((page_here, twin), (twin, page_here)):
            try:
                checks._switch_language(page, visit, goal.language)
            except PlaywrightError as error:
                return [f"{here}: cannot switch to '{goal.language}': {error}"]
            page.wait_for_timeout(300)
            ids.setdefault(goal.language, page.evaluate(_HEADINGS))
            goal_ids = ids[goal.language]
            expected = goal_ids[index] if index < len(goal_ids) else "(no such heading)"
            landed = page.url.removeprefix(base_url)
            if landed != f"{goal.path}#{expected}" or not page.evaluate(_IN_VIEW, expected):
                problems.append(
                    f"{here}: at section #{start if here is page_here else goal_ids[index]} "
                    f"(heading {index + 1}), the language menu leads to /{landed}, expected "
                    f"/{goal.path}#{expected} scrolled to that heading"
                )
                break
        return problems
    finally:
        checks.leave(visit)
        page.close()


def search_title_problems(
    context: BrowserContext, base_url: str, home: checks.SitePage, term: str
) -> list[str]:
    """The titles that searching ``term`` on ``home`` lists show no permalink sign."""
    titles: list[str] = []
    _, problems = checks._search(context, base_url, home, term, titles=titles)
    marked = [title for title in titles if PILCROW in title]
    if marked:
        problems.append(
            f"{home}: searching for {term!r} lists titles with {PILCROW!r}: {marked[:5]}"
        )
    return problems


_COVERED_TEXT = """([TEXT]) => {
  const top = document.querySelector(".md-top");
  if (!top) return [];
  const style = getComputedStyle(top);
  const box = top.getBoundingClientRect();
  if (style.display === "none" || style.visibility === "hidden" || Number(style.opacity) === 0
      || box.width === 0 || box.height === 0) return [];
  return [...document.querySelectorAll(TEXT)].filter((element) => {
    if (top.contains(element)) return false;
    const r = element.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left < box.right && r.right > box.left
      && r.top < box.bottom && r.bottom > box.top;
  }).map((element) => element.tagName.toLowerCase() + ": "
    + element.textContent.trim().slice(0, 40));
}"""


def back_to_top_problems(browser: Browser, base_url: str, page_here: checks.SitePage) -> list[str]:
    """On a phone, scrolling down a long page and then back up a little (when Material shows
    its back-to-top button) leaves no text under the button, at several places."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(base_url + page_here.path, wait_until="load")
        height = page.evaluate("document.documentElement.scrollHeight")
        covered: list[str] = []
        for step in range(1, 6):
            page.mouse.wheel(0, height * step // 7 - page.evaluate("window.scrollY"))
            page.wait_for_timeout(150)
            page.mouse.wheel(0, -200)  # scrolling up is what brings the button
            page.wait_for_timeout(400)
            covered += page.evaluate(_COVERED_TEXT, [TEXT])
        if covered:
            return [
                f"{page_here}: on a phone, the back-to-top button covers text: "
                + "; ".join(dict.fromkeys(covered[:5]))
            ]
        return []
    finally:
        context.close()


def reader_file_problems(
    context: BrowserContext, base_url: str, page_here: checks.SitePage
) -> list[str]:
    """The footer links this language's llms.txt and the claims ledger as JSON; llms.txt
    links this page's Markdown copy, which opens; claims.json is a ledger of claims."""
    page = context.new_page()
    where = str(page_here)
    try:
        page.goto(base_url + page_here.path, wait_until="load")
        links = page.eval_on_selector_all("footer a[href]", "(links) => links.map((a) => a.href)")
        language_folder = f"{page_here.language}/"
        folder = language_folder if page_here.path.startswith(language_folder) else ""
        wanted = {"llms.txt": base_url + folder + "llms.txt", "claims": base_url + "claims.json"}
        problems = [
            f"{where}: the footer does not link {url} (it links {links})"
            for url in wanted.values()
            if url not in links
        ]
        if problems:
            return problems
        llms = context.request.get(wanted["llms.txt"])
        copy_url = base_url + page_here.path + "index.html.md"
        listed = [urljoin(llms.url, link) for link in re.findall(r"\]\(([^)\s]+)\)", llms.text())]
        if not llms.ok or copy_url not in listed:
            problems.append(
                f"{where}: {wanted['llms.txt']} (HTTP {llms.status}) does not link this "
                f"page's Markdown copy {copy_url}"
            )
        else:
            copy = context.request.get(copy_url)
            # The heading's text, without the permalink sign of its anchor.
            heading = (page.text_content("article h1") or "").strip().rstrip(PILCROW).strip()
            if not copy.ok or f"# {heading}" not in copy.text():
                problems.append(
                    f"{where}: its Markdown copy {copy_url} (HTTP {copy.status}) does not "
                    f"hold the page's heading {heading!r}"
                )
        ledger = context.request.get(wanted["claims"])
        try:
            claims = json.loads(ledger.text()) if ledger.ok else None
        except ValueError:
            claims = None
        if not claims:
            problems.append(f"{where}: {wanted['claims']} (HTTP {ledger.status}) holds no claims")
        return problems
    finally:
        page.close()
