"""Where things live in the project, and how pages refer to snippets and images.

The tests and the snippet scaffold share these helpers, so the rules a test enforces
are written once: snippet pairs in ``snippets/<topic>/<name>_{torch,tf}.py``, pages in
``docs/<language>/``, code included with pymdownx.snippets markers.

A pair may have a third file, ``<name>_jax.py``: the Keras code of ``<name>_tf.py`` run on
Keras 3's JAX backend, shown in a third tab ("JAX (Keras 3)") on the pair's page. Its twin is
the ``_tf`` file, whose sections it marks too; it shows no PyTorch and no TensorFlow.
"""

from __future__ import annotations

import copy
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from site_build.core import yaml_files
from site_build.core.kit.frameworks import COMPARED, NAMES
from site_build.core.page_source import page_markdown, pointed_file

# The tests import the project's paths from here, with the rules that use them.
from site_build.core.paths import CONTRIBUTING, DOCS_DIR, MKDOCS_YML, ROOT, SNIPPETS_DIR  # noqa: F401

FRAMEWORK_SUFFIXES = ("_torch", "_tf", "_jax")
SNIPPET_FILE = re.compile(r"^(?P<name>\w+)_(?:torch|tf|jax)\.py$")
LOWER_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

# `--8<-- "topic/name_torch.py:section"` on a line of its own (pymdownx.snippets).
INCLUDE = re.compile(r"""^[ \t]*--8<--[ \t]+(["'])(?P<target>[^"'\n]+)\1[ \t]*$""", re.MULTILINE)
# `# --8<-- [start:name]` / `# --8<-- [end:name]` inside a snippet file.
SECTION_MARKER = re.compile(r"--8<--\s*\[(?P<kind>start|end):(?P<name>[\w-]+)\]")
# Markdown images `![alt](path "title")` and HTML `<img src="path">`.
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<src>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"'](?P<src>[^\"']+)[\"']", re.IGNORECASE)

# A twin shows its own framework only: these names, in a section a page shows, belong to the
# other one. A section that compares or connects both on purpose (interchange, weight ports)
# says so on a comment line outside every section, usually just above its start marker:
# `# shows-both-frameworks: SECTION[, SECTION] (why)`; it covers the section's `-checks` too.
OTHER_FRAMEWORK_NAMES = {
    "_tf": ("torch",),
    "_torch": ("tensorflow", "tf", "keras"),
    "_jax": ("torch", "tensorflow", "tf"),
}
# The JAX file of a Keras page runs Keras 3 on its JAX backend: its tab says so.
FRAMEWORK_NAMES = {**{f"_{key}": NAMES[key] for key in COMPARED}, "_jax": "JAX (Keras 3)"}
BOTH_FRAMEWORKS = re.compile(
    r"^[ \t]*#[ \t]*shows-both-frameworks:[ \t]*(?P<names>[\w-]+(?:[ \t]*,[ \t]*[\w-]+)*)",
    re.MULTILINE,
)
# Strings and comments of a doctest line, which are not code.
_DOCTEST_NOISE = re.compile(r"#.*$|'[^']*'|\"[^\"]*\"")

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


class _IgnoreTagsLoader(yaml_files.SafeLoader):
    """Reads mkdocs.yml without executing the `!!python/...` tags that Material configs use."""


_IgnoreTagsLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config() -> dict:
    """mkdocs.yml as it is now (a copy: callers may change theirs)."""
    return copy.deepcopy(_parsed_config(MKDOCS_YML.read_text(encoding="utf-8")))


@lru_cache(maxsize=4)
def _parsed_config(text: str) -> dict:
    """Parsed once per content of mkdocs.yml: a build asks for its languages on every page,
    and parsing the file in pure-Python YAML each time was most of a warm build's time."""
    return yaml.load(text, Loader=_IgnoreTagsLoader)


class _Env:
    """A ``!ENV [NAME, default]`` value of mkdocs.yml, written back as it was read."""

    def __init__(self, value) -> None:
        self.value = value


class _ConfigLoader(yaml_files.SafeLoader):
    pass


class _ConfigDumper(yaml.SafeDumper):
    pass


_ConfigLoader.add_constructor(
    "!ENV",
    lambda loader, node: _Env(
        loader.construct_sequence(node)
        if isinstance(node, yaml.SequenceNode)
        else loader.construct_scalar(node)
    ),
)

_ConfigDumper.add_representer(
    _Env,
    lambda dumper, env: (
        dumper.represent_sequence("!ENV", env.value, flow_style=True)
        if isinstance(env.value, list)
        else dumper.represent_scalar("!ENV", env.value)
    ),
)


def load_mkdocs_yml(text: str) -> dict:
    """mkdocs.yml's settings to edit and write back with ``dump_mkdocs_yml``: its ``!ENV``
    tags (``site_url`` comes from ``SITE_URL``) are kept as they were, not resolved."""
    return yaml.load(text, Loader=_ConfigLoader)


def dump_mkdocs_yml(settings: dict) -> str:
    """The text of ``settings`` read by ``load_mkdocs_yml``, its ``!ENV`` tags as they were
    (comments are not kept)."""
    return yaml.dump(settings, Dumper=_ConfigDumper, allow_unicode=True, sort_keys=False)


def i18n_config() -> dict:
    """The i18n plugin's settings in mkdocs.yml (a copy). Asked for on every page, so only
    this part is copied, not the whole configuration."""
    for plugin in _parsed_config(MKDOCS_YML.read_text(encoding="utf-8"))["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            return copy.deepcopy(plugin["i18n"])
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
    """`x_torch.py` <-> `x_tf.py`; `x_jax.py` -> `x_tf.py`, the Keras code it runs on JAX."""
    stem = snippet.stem
    if stem.endswith("_jax"):
        return snippet.with_name(stem.removesuffix("_jax") + "_tf.py")
    if stem.endswith("_torch"):
        return snippet.with_name(stem.removesuffix("_torch") + "_tf.py")
    if stem.endswith("_tf"):
        return snippet.with_name(stem.removesuffix("_tf") + "_torch.py")
    raise ValueError(f"{snippet} does not end in _torch.py, _tf.py or _jax.py")


def pages(language: str) -> dict[str, Path]:
    """Markdown pages of one language, keyed by their path inside docs/<language>/."""
    base = DOCS_DIR / language
    return {p.relative_to(base).as_posix(): p for p in sorted(base.rglob("*.md"))}


def page_text(page_file: Path) -> str:
    """What a page shows: its Markdown, or the file it points to (see page_source.py)."""
    return page_markdown(page_file)


FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def front_matter(page_file: Path) -> dict:
    """The YAML header of a page (``---`` lines at the top), or {}."""
    match = FRONT_MATTER.match(page_file.read_text(encoding="utf-8"))
    meta = yaml_files.safe_load(match[1]) if match else None
    return meta if isinstance(meta, dict) else {}


def description_problem(page_file: Path, where: str = "") -> str | None:
    """Why a page has no description for search engines and link previews, or None. A page
    that shows another file (page_source.py) is described by the site's description; a
    notebook page writes it under ``jupyter:``."""
    if pointed_file(page_file) is not None:
        return None
    meta = front_matter(page_file)
    description = meta.get("description", (meta.get("jupyter") or {}).get("description"))
    if isinstance(description, str) and description.strip():
        return None
    return (
        f"{where or relative(page_file)} has no description: add `description: ...` (one "
        "sentence, in the page's language, different on every page) to the front matter at "
        "the top of the page, between two lines of `---`."
    )


def includes(markdown: str) -> list[Include]:
    found = []
    for match in INCLUDE.finditer(markdown):
        file, _, section = match.group("target").partition(":")
        found.append(Include(file.strip(), section.strip() or None))
    return found


def numbered_includes(markdown: str) -> list[tuple[int, Include]]:
    """(line number, include) of every snippet inclusion of a page."""
    return [
        (markdown.count("\n", 0, match.start()) + 1, include)
        for match, include in zip(INCLUDE.finditer(markdown), includes(markdown), strict=True)
    ]


def include_problem(page: str, include: Include) -> str | None:
    """Why ``include`` on ``page`` (``docs/en/x.md``, with ``:LINE`` where known) shows
    nothing, or None: the file or the section it names does not exist."""
    target = SNIPPETS_DIR / include.file
    if not target.is_file():
        twin = twin_of(target) if SNIPPET_FILE.match(target.name) else None
        if twin is not None and twin.is_file():
            fix = (
                f"add it, the twin of snippets/{twin.relative_to(SNIPPETS_DIR).as_posix()} "
                "marking the same sections, or fix the include"
            )
        else:
            fix = "fix the path (it is relative to snippets/), or add the file"
        return f"{page} includes '{include}', but snippets/{include.file} does not exist: {fix}."
    if not include.section:
        return (
            f"{page} includes the whole of {include.file}: include a named section "
            f'("{include.file}:SECTION") so the docstring and imports stay out of the page.'
        )
    found = sections(target.read_text(encoding="utf-8"))
    if include.section not in found:
        return (
            f"{page} includes section '{include.section}' of {include.file}, which marks only "
            f"{sorted(found)}: add '# --8<-- [start:{include.section}]' and "
            f"'# --8<-- [end:{include.section}]' to the snippet, or fix the page."
        )
    return None


def syntax_problem(snippet: Path) -> str | None:
    """Where and why a snippet is not valid Python, or None."""
    where = relative(snippet) if snippet.is_relative_to(ROOT) else snippet.as_posix()
    try:
        compile(snippet.read_text(encoding="utf-8"), where, "exec")
    except SyntaxError as error:
        return f"{where}:{error.lineno}: {error.msg}; fix the syntax error."
    return None


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


@dataclass(frozen=True)
class MarkedLine:
    """A line of a snippet file: its section marker if it is one, and the sections open on
    it (outermost first; a start marker's section is open on its own line, an end marker's
    is not)."""

    number: int  # from 1
    text: str
    marker: re.Match | None
    sections: tuple[str, ...]


def marked_lines(snippet_text: str) -> Iterator[MarkedLine]:
    """The one walk over a snippet's section markers (every rule about sections reads it).

    A start marker opens its section (again, after an end), an end marker closes it; an end
    without a start changes nothing. pymdownx.snippets reads the markers the same way, and
    leaves the marker lines of every section out of what it includes.
    """
    open_sections: list[str] = []
    for number, text in enumerate(snippet_text.splitlines(), start=1):
        if marker := SECTION_MARKER.search(text):
            name = marker["name"]
            if marker["kind"] == "start" and name not in open_sections:
                open_sections.append(name)
            elif marker["kind"] == "end" and name in open_sections:
                open_sections.remove(name)
        yield MarkedLine(number, text, marker, tuple(open_sections))


def shown_code(snippet_text: str) -> Iterator[MarkedLine]:
    """The lines that are not section markers, with the sections open on them."""
    return (line for line in marked_lines(snippet_text) if line.marker is None)


def section_line_numbers(snippet_text: str, section: str) -> list[int] | None:
    """The numbers of the lines pymdownx.snippets includes for ``section``: from its first
    start marker to the end marker after it, without marker lines; None when the file has no
    such complete section."""
    numbers = _section_line_numbers(snippet_text, section)
    return None if numbers is None else list(numbers)


# Keyed by the file's text, so an edited snippet is parsed again. A build asks for the same
# sections thousands of times: the comment checks walk every page's includes once per page.
@lru_cache(maxsize=4096)
def _section_line_numbers(snippet_text: str, section: str) -> tuple[int, ...] | None:
    numbers: list[int] = []
    started = False
    for line in marked_lines(snippet_text):
        if line.marker is None:
            if section in line.sections:
                numbers.append(line.number)
        elif line.marker["name"] == section:
            if line.marker["kind"] == "start":
                started = True
            elif started:
                return tuple(numbers)
    return None


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def too_wide_lines(snippet_text: str, limit: int = SHOWN_LINE_LIMIT) -> list[int]:
    """Line numbers of shown code wider than ``limit``. Doctest output (the ``-checks``
    sections) is compared verbatim and cannot be wrapped, so it does not count."""
    return [
        line.number
        for line in shown_code(snippet_text)
        if any(not name.endswith("-checks") for name in line.sections) and len(line.text) > limit
    ]


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


def shown_sections_by_line(snippet_text: str) -> dict[int, str]:
    """The section each line inside a start/end pair belongs to (the innermost), by number."""
    return {line.number: line.sections[-1] for line in shown_code(snippet_text) if line.sections}


def sections_showing_both_frameworks(snippet_text: str) -> set[str]:
    """The sections a ``# shows-both-frameworks:`` line names, with their ``-checks``."""
    names = {
        name.strip()
        for match in BOTH_FRAMEWORKS.finditer(snippet_text)
        for name in match["names"].split(",")
    }
    return names | {f"{name}-checks" for name in names}


def _code_names(snippet_text: str) -> list[tuple[int, str]]:
    """(line, name) of every name in the code, and in the ``>>>``/``...`` lines of its
    docstrings; names inside other strings and comments do not count."""
    found = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(snippet_text).readline))
    except (tokenize.TokenError, SyntaxError):
        return []  # the syntax check names the file and the line
    for token in tokens:
        if token.type == tokenize.NAME:
            found.append((token.start[0], token.string))
        elif token.type == tokenize.STRING and token.start[0] != token.end[0]:
            for offset, line in enumerate(token.string.splitlines()):
                code = line.strip()
                if code.startswith((">>>", "...")):
                    code = _DOCTEST_NOISE.sub("", code[3:])
                    names = re.findall(r"(?<!\.)\b\w+", code)
                    found += [(token.start[0] + offset, name) for name in names]
    return found


def other_framework_problems(snippet: Path) -> list[str]:
    """What a snippet shows of the other framework, one message per section, or []."""
    suffix = next((s for s in FRAMEWORK_SUFFIXES if snippet.stem.endswith(s)), None)
    if suffix is None:
        return []
    text = snippet.read_text(encoding="utf-8")
    shown, allowed = shown_sections_by_line(text), sections_showing_both_frameworks(text)
    foreign: dict[str, list[tuple[int, str]]] = {}
    for line, name in _code_names(text):
        section = shown.get(line)
        if section and section not in allowed and name in OTHER_FRAMEWORK_NAMES[suffix]:
            foreign.setdefault(section, []).append((line, name))
    where = relative(snippet) if snippet.is_relative_to(ROOT) else snippet.as_posix()
    problems = []
    for section, uses in foreign.items():
        lines = sorted({line for line, _ in uses})
        names = sorted({name for _, name in uses})
        base = section.removesuffix("-checks")
        problems.append(
            f"{where}:{lines[0]}: section '{section}' of the "
            f"{FRAMEWORK_NAMES[suffix]} file shows {names} of the other framework (lines "
            f"{lines}); a twin shows its own framework only. Move that code into "
            f"{twin_of(snippet).name} or out of the section, or, if the section compares or "
            "connects both frameworks on purpose (interchange, weight porting), add the line "
            f"'# shows-both-frameworks: {base}' above its start marker."
        )
    return problems
