"""Where things live in the project, and how pages refer to snippets and images.

The tests and the snippet scaffold share these helpers, so the rules a test enforces
are written once: snippet pairs in ``snippets/<topic>/<name>_{torch,tf}.py``, pages in
``docs/<language>/``, code included with pymdownx.snippets markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from site_build.core.page_source import page_markdown

# The tests import the project's paths from here, with the rules that use them.
from site_build.core.paths import CONTRIBUTING, DOCS_DIR, MKDOCS_YML, ROOT, SNIPPETS_DIR  # noqa: F401

FRAMEWORK_SUFFIXES = ("_torch", "_tf")
SNIPPET_FILE = re.compile(r"^(?P<name>\w+)_(?:torch|tf)\.py$")
LOWER_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

# `--8<-- "topic/name_torch.py:section"` on a line of its own (pymdownx.snippets).
INCLUDE = re.compile(r"""^[ \t]*--8<--[ \t]+(["'])(?P<target>[^"'\n]+)\1[ \t]*$""", re.MULTILINE)
# `# --8<-- [start:name]` / `# --8<-- [end:name]` inside a snippet file.
SECTION_MARKER = re.compile(r"--8<--\s*\[(?P<kind>start|end):(?P<name>[\w-]+)\]")
# Markdown images `![alt](path "title")` and HTML `<img src="path">`.
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<src>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"'](?P<src>[^\"']+)[\"']", re.IGNORECASE)

# Material's content column shows about 80 characters of code before it scrolls sideways.
SHOWN_LINE_LIMIT = 80
# What a translation must have as many of as its original (tests/test_pages.py counts them).
STRUCTURE = {
    "headings": r"^#{1,6} ",
    "admonitions": r"^ *(?:!!!|\?\?\?\+?) ",
    "table rows": r"^ *\|.*\| *$",
    "tab labels": r'^ *=== "',
    "generated values": r"(?<!`)\{\{ *[a-z]+:[^}]*\}\}(?!`)",
}
# Code fences are not structure: a guide may show Markdown inside them.
CODE_FENCE = re.compile(r"^( *)(`{3,}|~{3,}).*?^\1\2 *$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True, order=True)
class Include:
    """One snippet inclusion on a page: a file under snippets/ and, optionally, a section."""

    file: str
    section: str | None

    def __str__(self) -> str:
        return f"{self.file}:{self.section}" if self.section else self.file


class _IgnoreTagsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing the `!!python/...` tags that Material configs use."""


_IgnoreTagsLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config() -> dict:
    return yaml.load(MKDOCS_YML.read_text(encoding="utf-8"), Loader=_IgnoreTagsLoader)


def i18n_config() -> dict:
    for plugin in mkdocs_config()["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            return plugin["i18n"]
    raise LookupError("mkdocs.yml has no i18n plugin")


def languages() -> list[str]:
    """The site's locales, default language first."""
    locales = i18n_config()["languages"]
    return [lang["locale"] for lang in sorted(locales, key=lambda lang: not lang.get("default"))]


def snippet_files() -> list[Path]:
    """Every snippet module. Package `__init__.py` files are not snippets, and neither are
    the support modules that snippets import, directly in snippets/ with a leading `_`."""
    return sorted(
        p
        for p in SNIPPETS_DIR.rglob("*.py")
        if p.name != "__init__.py" and not (p.parent == SNIPPETS_DIR and p.name.startswith("_"))
    )


def naming_problem(topic: str, name: str) -> str | None:
    """Why ``snippets/<topic>/<name>_{torch,tf}.py`` breaks the naming rules, or None."""
    for kind, value in (("topic", topic), ("name", name)):
        if not LOWER_SNAKE_CASE.match(value):
            return f"{kind} '{value}' must be lower_snake_case: a-z, 0-9 and single underscores"
    if name.endswith(FRAMEWORK_SUFFIXES):
        return f"name '{name}' already ends in a framework: give the shared part only"
    if name[-1].isdigit() or any(part.isdigit() for part in name.split("_")):
        return f"name '{name}' ends in a number: name the idea it shows, not its position"
    if name.startswith("test"):
        return f"name '{name}' starts with 'test': pytest would collect it as a test module"
    return None


def twin_of(snippet: Path) -> Path:
    """`x_torch.py` <-> `x_tf.py`."""
    stem = snippet.stem
    if stem.endswith("_torch"):
        return snippet.with_name(stem.removesuffix("_torch") + "_tf.py")
    if stem.endswith("_tf"):
        return snippet.with_name(stem.removesuffix("_tf") + "_torch.py")
    raise ValueError(f"{snippet} does not end in _torch.py or _tf.py")


def pages(language: str) -> dict[str, Path]:
    """Markdown pages of one language, keyed by their path inside docs/<language>/."""
    base = DOCS_DIR / language
    return {p.relative_to(base).as_posix(): p for p in sorted(base.rglob("*.md"))}


def page_text(page_file: Path) -> str:
    """What a page shows: its Markdown, or the file it points to (see page_source.py)."""
    return page_markdown(page_file)


def includes(markdown: str) -> list[Include]:
    found = []
    for match in INCLUDE.finditer(markdown):
        file, _, section = match.group("target").partition(":")
        found.append(Include(file.strip(), section.strip() or None))
    return found


def images(markdown: str) -> list[str]:
    return [
        m.group("src") for m in (*MARKDOWN_IMAGE.finditer(markdown), *HTML_IMAGE.finditer(markdown))
    ]


def sections(snippet_text: str) -> dict[str, list[str]]:
    """Marker kinds per section name, in file order: a well-formed section is ['start', 'end']."""
    found: dict[str, list[str]] = {}
    for match in SECTION_MARKER.finditer(snippet_text):
        found.setdefault(match.group("name"), []).append(match.group("kind"))
    return found


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def too_wide_lines(snippet_text: str, limit: int = SHOWN_LINE_LIMIT) -> list[int]:
    """Line numbers of shown code wider than ``limit``. Doctest output (the ``-checks``
    sections) is compared verbatim and cannot be wrapped, so it does not count."""
    shown: set[str] = set()
    too_wide = []
    for number, line in enumerate(snippet_text.splitlines(), start=1):
        if marker := SECTION_MARKER.search(line):
            (shown.add if marker["kind"] == "start" else shown.discard)(marker["name"])
        elif any(not name.endswith("-checks") for name in shown) and len(line) > limit:
            too_wide.append(number)
    return too_wide


def structure(markdown: str) -> dict[str, int]:
    """How many of each STRUCTURE part a page has, outside code fences."""
    text = CODE_FENCE.sub("", markdown)
    return {
        kind: len(re.compile(pattern, re.MULTILINE).findall(text))
        for kind, pattern in STRUCTURE.items()
    }


def nav_entries(nav) -> list[tuple[str, str | list]]:
    """(title, target) of every nav item, sections included, depth first."""
    entries = []
    for item in nav or []:
        if isinstance(item, dict):
            for title, target in item.items():
                entries.append((title, target))
                if isinstance(target, list):
                    entries.extend(nav_entries(target))
    return entries
