"""What readers' tools read: ``llms.txt``, a Markdown copy of every page, and the claims as JSON.

Assistants and other tools read documentation more easily as plain text than as HTML. For
each language the build writes, beside the pages:

- ``<page>/index.html.md`` (the name the llms.txt proposal gives a page whose address ends
  in ``/``): the page as Markdown, with what the reader sees filled in. It is the page's
  final Markdown: after the plugin has rendered every ``{{ kind:arg }}`` placeholder
  (numbers, tables, claims' footnotes) and with each pymdownx.snippets include replaced by
  the code it includes, expanded by pymdownx.snippets itself with the settings of
  mkdocs.yml, so it is the same code as on the page. Tabs and admonitions, which plain
  Markdown would read as indented code, become a bold label and a quotation; links to
  other pages lead to their Markdown copies; a figure, which the page shows once per
  colour scheme, is its light-scheme image alone. A notebook
  page's copy is its executed notebook: its Markdown cells, code cells and text outputs.
- ``llms.txt`` at each language's root (``llms.txt``, ``es/llms.txt``): the site's name and
  description, then every page of the navigation with its one-line summary (the page's
  ``description:``), linking its Markdown copy.
- ``claims.json`` at the site's root: the claims ledger (``claims/*.yaml``), each entry with
  its source, evidence, the day it was verified and the pages that cite it.

The headings and notes of ``llms.txt`` and the footer's links to these files are in the
catalogs (``reader_files``). ``site_build/mkdocs/plugin.py`` calls ``keep_page`` from
``on_page_markdown``, ``keep_notebook`` and ``page_written`` from ``on_post_page``, and
``write_language`` / ``write_claims`` after each language's build and after the last one.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat
from markdown import Markdown

from site_build.core import claims
from site_build.core.catalog import texts
from site_build.core.layout import languages
from site_build.core.paths import DOCS_DIR
from site_build.mkdocs import comment_includes

MARKDOWN_COPY = "index.html.md"
LLMS_TXT = "llms.txt"
CLAIMS_JSON = "claims.json"
# The llms.txt proposal's name for the section of secondary files, in every language: tools
# read the word itself.
OPTIONAL = "Optional"
TEXT = texts("reader_files")


# Blocks of the Markdown extensions that plain Markdown reads as indented code:
# `=== "PyTorch"` (pymdownx.tabbed) and `!!! note "Title"` / `??? note` (admonition, details).
TAB = re.compile(r'^(?P<indent>[ \t]*)=== "(?P<label>[^"]*)"[ \t]*$')
ADMONITION = re.compile(
    r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*"
    r'(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$'
)
FENCE = re.compile(r"^[ \t]*(```|~~~)")
# A relative link or image, which pages write from their source file (`](sources.md#x)`,
# `](generated/mnist/curves.png)`).
# A figure's image for one colour scheme (``kit.figure_data.figure_markdown``): the dark
# scheme's is left out of the copy, the light scheme's loses its fragment.
DARK_IMAGE = re.compile(r"\n?!\[(?:\\.|[^\]\\])*\]\([^)\s]+#only-dark\)")
LIGHT_FRAGMENT = re.compile(r"(!\[(?:\\.|[^\]\\])*\]\([^)\s#]+)#only-light\)")
RELATIVE_LINK = re.compile(r"\]\((?![a-z]+:|/|#)(?P<path>[^)\s#]+)(?P<anchor>#[^)\s]*)?\)")


@dataclass
class Entry:
    title: str
    url: str  # the page's URL, relative to its language's root ("" for the home page)
    summary: str


def expand_includes(markdown: str, config) -> str:
    """``markdown`` with every ``--8<--`` include replaced by what it includes, by
    pymdownx.snippets with mkdocs.yml's settings and the page's language (what the page
    shows)."""
    settings = dict(config["mdx_configs"].get("pymdownx.snippets", {}))
    md = Markdown(
        # A translated page's code comments are in its language (comment_includes.py).
        extensions=["pymdownx.snippets", *comment_includes.extensions_of(config)],
        extension_configs={"pymdownx.snippets": settings},
    )
    return "\n".join(md.preprocessors["snippet"].run(markdown.split("\n")))


def copy_links(markdown: str, src_uri: str) -> str:
    """Relative links as they work from the copy of the page ``src_uri`` (``es/tensors.md``,
    whose copy is in ``es/tensors/``): another page's source (``other.md``) becomes its
    Markdown copy, any other file (a figure) the same file from the copy's folder."""
    here = _page_dir(src_uri)

    def from_copy(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), match["path"]))
        if target.endswith(".md"):
            link = posixpath.join(posixpath.relpath(_page_dir(target), here), MARKDOWN_COPY)
        else:
            link = posixpath.relpath(target, here)
        return f"]({link.removeprefix('./')}{match['anchor'] or ''})"

    return RELATIVE_LINK.sub(from_copy, markdown)


def _page_dir(src_uri: str) -> str:
    """The folder a page is served from: es/tensors.md -> es/tensors, es/index.md -> es."""
    stem = src_uri.removesuffix(".md")
    return posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem


def light_images(markdown: str) -> str:
    """Each figure once: its light-scheme image, without the fragment that hides it in the
    dark scheme (plain Markdown has no schemes)."""
    return LIGHT_FRAGMENT.sub(r"\1)", DARK_IMAGE.sub("", markdown))


def plain_markdown(markdown: str) -> str:
    """Tabs and admonitions as plain Markdown: a tab's label in bold above its content, an
    admonition as a quotation under its title; their content no longer indented."""
    return "\n".join(_plain(markdown.split("\n")))


def _plain(lines: list[str]) -> list[str]:
    out: list[str] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if fence is not None or FENCE.match(line):
            marker = FENCE.match(line)
            if marker and (fence is None or marker.group(1) == fence):
                fence = marker.group(1) if fence is None else None
            out.append(line)
            i += 1
            continue
        match = TAB.match(line) or ADMONITION.match(line)
        if match is None:
            out.append(line)
            i += 1
            continue
        indent = match.group("indent")
        end = i + 1
        while end < len(lines) and (
            not lines[end].strip() or lines[end].startswith(indent + "    ")
        ):
            end += 1
        while end > i + 1 and not lines[end - 1].strip():
            end -= 1  # blank lines after the block stay outside it
        inner = _plain([row[len(indent) + 4 :] for row in lines[i + 1 : end]])
        while inner and not inner[0].strip():
            inner.pop(0)
        if "label" in match.groupdict():
            out += [f"{indent}**{match.group('label')}**", ""]
            out += [f"{indent}{row}" if row.strip() else "" for row in inner]
        else:
            title = match.group("title")
            out += [f"{indent}> **{title}**", f"{indent}>"] if title else []
            out += [f"{indent}> {row}".rstrip() for row in inner]
        i = end
    return out


def notebook_markdown(notebook: bytes) -> str:
    """An executed notebook as Markdown: its Markdown cells, code cells and text outputs."""
    parts: list[str] = []
    for cell in nbformat.reads(notebook.decode("utf-8"), as_version=4).cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code":
            parts.append(f"```python\n{cell.source}\n```")
            for output in cell.get("outputs", []):
                if output.output_type == "stream":
                    text = output.text
                elif output.output_type in ("execute_result", "display_data"):
                    text = output.get("data", {}).get("text/plain", "")
                else:
                    continue
                if text.strip():
                    parts.append(f"```text\n{text.rstrip()}\n```")
    return "\n\n".join(parts) + "\n"


class ReaderFiles:
    """The Markdown copies and llms.txt entries of one build, per language."""

    def __init__(self) -> None:
        self.markdown: dict[str, str] = {}  # page's src_uri -> its final Markdown
        self.entries: dict[str, dict[str, Entry]] = {}  # language -> src_uri -> entry
        self.nav: dict[str, list] = {}  # language -> the navigation's items

    def start(self) -> None:
        self.markdown.clear()
        self.entries.clear()
        self.nav.clear()

    def keep_nav(self, language: str, nav) -> None:
        self.nav[language] = list(nav.items)

    def keep_page(self, page, markdown: str, config) -> None:
        markdown = plain_markdown(light_images(expand_includes(markdown, config)))
        self.markdown[page.file.src_uri] = copy_links(markdown, page.file.src_uri)

    def keep_notebook(self, page, notebook: bytes) -> None:
        self.markdown[page.file.src_uri] = notebook_markdown(notebook)

    def page_written(self, page, language: str, config) -> None:
        """Write the page's Markdown copy beside its HTML and note its llms.txt entry."""
        markdown = self.markdown.pop(page.file.src_uri, None)
        if markdown is None:
            return
        target = Path(page.file.abs_dest_path).with_name(MARKDOWN_COPY)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown.rstrip("\n") + "\n", encoding="utf-8")
        meta = page.meta or {}
        notebook = meta.get("jupyter") if isinstance(meta.get("jupyter"), dict) else {}
        # As the page's <meta name="description"> (overrides/main.html).
        summary = (
            meta.get("description")
            or notebook.get("description")
            or config["site_description"]
            or ""
        )
        url = page.url.removeprefix(f"{language}/")
        self.entries.setdefault(language, {})[page.file.src_uri] = Entry(
            title=page.title or "", url=url, summary=" ".join(str(summary).split())
        )

    def llms_txt(self, language: str, site_name: str, description: str) -> str:
        text = TEXT[language]
        entries = self.entries.get(language, {})
        lines = [f"# {site_name}", "", f"> {' '.join(description.split())}", "", text["intro"]]
        sections: list[tuple[str, list[Entry]]] = [(text["general"], [])]
        for item in self.nav.get(language, []):
            if getattr(item, "children", None):
                sections.append((item.title, _pages_of(item, entries)))
            elif item.is_page and item.file.src_uri in entries:
                sections[0][1].append(entries[item.file.src_uri])
        for title, pages in sections:
            if pages:
                lines += ["", f"## {title}", ""]
                lines += [_line(entry) for entry in pages]
        root = "" if not _is_other(language) else "../"
        lines += ["", f"## {OPTIONAL}", ""]
        lines.append(f"- [{text['claims']}]({root}{CLAIMS_JSON}): {text['claims_note']}")
        return "\n".join(lines) + "\n"

    def write_language(self, root: Path, language: str, config) -> None:
        description = config["site_description"] or ""
        (root / LLMS_TXT).write_text(
            self.llms_txt(language, config["site_name"], description), encoding="utf-8"
        )


def _is_other(language: str) -> bool:
    """Every language but the default (the first) lives under its own folder."""
    return language != languages()[0]


def _pages_of(section, entries: dict[str, Entry]) -> list[Entry]:
    found: list[Entry] = []
    for child in section.children:
        if getattr(child, "children", None):
            found += _pages_of(child, entries)
        elif child.is_page and child.file.src_uri in entries:
            found.append(entries[child.file.src_uri])
    return found


def _line(entry: Entry) -> str:
    link = f"{entry.url}{MARKDOWN_COPY}"
    return f"- [{entry.title}]({link})" + (f": {entry.summary}" if entry.summary else "")


def claims_json(ledger: dict[str, claims.Claim], docs: Path = DOCS_DIR) -> str:
    """The ledger as JSON: every claim with its source, evidence, date and citing pages."""
    used = claims.usage(docs)
    entries = []
    for claim_id, claim in sorted(ledger.items()):
        entries.append(
            {
                "id": claim_id,
                "title": claim.title,
                "source": claim.source,
                "evidence": claim.evidence,
                "verified": claim.verified.isoformat(),
                "pages": [_page_url(path) for path in used.get(claim_id, [])],
            }
        )
    return json.dumps({"claims": entries}, ensure_ascii=False, indent=2) + "\n"


def _page_url(doc_path: str) -> str:
    """docs/<language>/<page>.md (as claims.usage gives it) -> its URL from the site's root."""
    language, *rest = PurePosixPath(doc_path).parts[1:]
    page = "/".join(rest).removesuffix(".md")
    directory = "" if page == "index" else page + "/"
    return directory if not _is_other(language) else f"{language}/{directory}"


def write_claims(site: Path, ledger: dict[str, claims.Claim]) -> None:
    (site / CLAIMS_JSON).write_text(claims_json(ledger), encoding="utf-8")
