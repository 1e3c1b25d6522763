"""Notebook pages as readers get them: a light page, and the executed notebook to download.

mkdocs-jupyter renders a notebook page with its own assets inlined at the top of the
article: about 590 KB of JupyterLab CSS, the copy-button script, a MathJax configuration
with an empty ``src`` and a Mermaid loader. Inlined, the CSS arrives on every notebook page
in every language, and because it sits in the body the page is laid out before it is
parsed and shifts once it is. ``finish_page`` moves those styles and scripts into one
file each under ``assets/`` (named by their content, so pages with the same ones share them
and a browser caches them), linked from ``<head>``; the Mermaid and MathJax loaders go
when the notebook has no diagram or formula. The CSS keeps only the rules that can match
the page and the custom properties they read (about 28 KB of the 590 KB: JupyterLab's CSS
styles its whole interface), so that a phone does not parse it all before the first paint.

mkdocs-jupyter can copy a notebook's source next to its page (``include_source``), but the
source here is jupytext Markdown without outputs: the only notebooks executed under
mkdocs-static-i18n. So the stage (``site_build/core/stage.py``) executes each notebook
once (``executed_notebook`` of ``site_build/core/notebook_run.py``: from the project root,
as mkdocs-jupyter would, cached on the code the notebooks import, ``notebook_key``, and on
the source; an error in a cell fails the build) and stages that one execution twice: the
executed ``.ipynb`` mkdocs-jupyter renders the page from, with its own execution switched
off in ``mkdocs.yml``, and ``<name>.ipynb`` beside the page for download, without the cells
tagged ``page-only`` (the download link itself). The page a reader sees and the file a
reader downloads hold the same outputs. ``finish_page`` checks that the page links its
download.

Why this module is longer than the project's usual 300 lines: moving the assets and pruning
the CSS to what the page can use work on the same parsed page, in one pass.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

from site_build.core.errors import BuildError
from site_build.core.kit.cache import atomic_write_bytes
from site_build.core.notebook_run import PAGE_ONLY_TAG, download_name

WRAPPER = '<div class="jupyter-wrapper">'
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">')
INLINED = re.compile(r"<(style|script)\b([^>]*)>(.*?)</\1>\s*", re.DOTALL)
STYLESHEET_DIR = "assets/stylesheets"
SCRIPT_DIR = "assets/javascripts"


def is_notebook_page(html: str) -> bool:
    return WRAPPER in html


def split_inlined_assets(html: str) -> tuple[str, str, str]:
    """(html without mkdocs-jupyter's inlined assets, their CSS, their scripts).

    The assets are the ``<style>`` and ``<script>`` elements between the start of the
    article and the notebook's wrapper. The MathJax configuration and its empty script go
    when no formula is on the page; the Mermaid loader (a module script) stays on the page
    when there is a diagram and goes otherwise.
    """
    article = ARTICLE.search(html)
    wrapper = html.find(WRAPPER)
    if article is None or wrapper < article.end():
        raise BuildError(
            "a notebook page without Material's article before mkdocs-jupyter's wrapper: "
            "site_build/mkdocs/notebook_pages.py must learn the new layout"
        )
    head = html[article.end() : wrapper]
    body = html[wrapper:]
    styles, scripts, kept = [], [], []
    for match in INLINED.finditer(head):
        kind, attributes, text = match.groups()
        if kind == "style":
            styles.append(text.strip())
        elif "x-mathjax-config" in attributes or re.search(r'\bsrc=""', attributes):
            if "\\(" in body or "$$" in body or "\\[" in body:
                kept.append(match.group(0))
        elif 'type="module"' in attributes:
            if "jp-Mermaid" in body:
                kept.append(match.group(0))
        elif "src=" in attributes:
            kept.append(match.group(0))
        else:
            scripts.append(text.strip())
    rest = INLINED.sub("", head).strip()
    html = html[: article.end()] + "".join(kept) + rest + body
    return html, "\n".join(styles) + "\n", ";\n".join(scripts) + ";\n"


def _shared_file(site_dir: Path, folder: str, stem: str, suffix: str, text: str) -> str:
    """Write `text` once under site_dir/folder, named by its content; its path from the root."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    relative = f"{folder}/{stem}.{digest}{suffix}"
    target = site_dir / relative
    if not target.is_file():
        atomic_write_bytes(target, text.encode("utf-8"))
    return relative


def _from_page(page_url: str, path: str) -> str:
    """`path` (from the site root) relative to the page at `page_url` ("es/notebooks/x/")."""
    depth = len([part for part in PurePosixPath(page_url or ".").parts if part != "."])
    if page_url and not page_url.endswith("/"):  # use_directory_urls: false
        depth -= 1
    return "../" * depth + path


def link_assets(html: str, page_url: str, site_dir: Path) -> str:
    """The page with mkdocs-jupyter's CSS and scripts moved to shared files in <head>."""
    html, css, scripts = split_inlined_assets(html)
    css = prune_css(css, html)
    stylesheet = _shared_file(site_dir, STYLESHEET_DIR, "notebook", ".css", css)
    script = _shared_file(site_dir, SCRIPT_DIR, "notebook", ".js", scripts)
    links = (
        f'<link rel="stylesheet" href="{_from_page(page_url, stylesheet)}">'
        f'<script defer src="{_from_page(page_url, script)}"></script>'
    )
    if "</head>" not in html:
        raise BuildError("a notebook page without </head>: cannot link its stylesheet")
    return html.replace("</head>", links + "</head>", 1)


def finish_page(html: str, page, config) -> str:
    """on_post_page for every page: a notebook page gets its shared assets, and must link
    its download (the staged tree's, which the plugin puts beside it)."""
    if not is_notebook_page(html):
        return html
    site_dir = Path(config["site_dir"])
    source = Path(page.file.abs_src_path)
    link = download_name(source)
    if f'href="{link}"' not in html:
        raise BuildError(
            f"{page.file.src_path}: the notebook page does not link its download "
            f'"{link}": add a Markdown cell tagged "{PAGE_ONLY_TAG}" with '
            f'<a href="{link}" download>...</a> near the top'
        )
    return link_assets(html, page.url, site_dir)


# ------------------------------------------------------------------ pruning the CSS

CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
# Classes that scripts add after load (clipboard notice, Mermaid), and Material's.
DYNAMIC_CLASSES = re.compile(r"^(md-|jp-RenderedMermaid|jp-mod-warning|notice)")


# What the CSS scanner stops at; the runs between (most of the text) are skipped at once.
_CSS_STOP = re.compile(r"""/\*|["'{};\\]""")


@lru_cache(maxsize=64)
def _blocks(css: str) -> tuple[tuple[str, str | None], ...]:
    """Top-level (prelude, block body) pairs; body None for statements such as @charset.
    Kept per text: every notebook page of a build inlines the same JupyterLab CSS."""
    found, start, depth, quote = [], 0, 0, ""
    body_start = 0
    prelude = ""
    i = 0
    while (stop := _CSS_STOP.search(css, i)) is not None:
        i, token = stop.start(), stop.group()
        if quote:
            if token == "\\":
                i += 1  # the escaped character
            elif token == quote:
                quote = ""
        elif token == "/*":
            end = css.find("*/", i + 2)
            i = len(css) if end < 0 else end + 1
        elif token in "\"'":
            quote = token
        elif token == "{":
            if depth == 0:
                prelude, body_start = css[start:i].strip(), i + 1
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                found.append((prelude, css[body_start:i]))
                start = i + 1
        elif token == ";" and depth == 0:
            found.append((css[start:i].strip(), None))
            start = i + 1
        i += 1
    return tuple(found)


def _selector_used(selector: str, classes: set[str]) -> bool:
    if re.search(r"\S\s*:root", selector):  # ".jupyter-wrapper :root" matches nothing
        return False
    return all(
        name in classes or DYNAMIC_CLASSES.match(name)
        for name in CLASS.findall(re.sub(r"\[[^\]]*\]|\"[^\"]*\"|'[^']*'", "", selector))
    )


def prune_css(css: str, html: str) -> str:
    """`css` without the style rules whose every selector names a class absent from `html`
    (JupyterLab's CSS styles its whole interface; a page uses a few dozen classes).
    At-rules other than @media and @supports are kept whole."""
    classes = {name for value in CLASS_ATTRIBUTE.findall(html) for name in value.split()}
    css = COMMENT.sub("", css)  # a comment before a rule would count as its selector

    def keep(text: str) -> str:
        kept = []
        for prelude, body in _blocks(text):
            if body is None:
                kept.append(prelude + ";")
            elif prelude.startswith(("@media", "@supports")):
                inner = keep(body)
                if inner:
                    kept.append(f"{prelude}{{{inner}}}")
            elif prelude.startswith("@"):
                kept.append(f"{prelude}{{{body}}}")
            elif any(_selector_used(s, classes) for s in prelude.split(",")):
                kept.append(f"{prelude}{{{body.strip()}}}")
        return "\n".join(kept)

    return _drop_unused_properties(keep(css), html) + "\n"


def _declarations(body: str) -> list[str]:
    """The declarations of a rule's body, split at semicolons outside strings and ()."""
    parts, start, depth, quote = [], 0, 0, ""
    for i, char in enumerate(body):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == ";" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return [part.strip() for part in parts if part.strip()]


CUSTOM_PROPERTY = re.compile(r"^(--[\w-]+)\s*:(.*)$", re.DOTALL)
VAR = re.compile(r"var\(\s*(--[\w-]+)")


def _drop_unused_properties(css: str, html: str) -> str:
    """Custom properties (`--name: value`) that no kept rule, other property or the page reads
    are dropped: JupyterLab defines hundreds (icons as data URIs among them)."""
    rules = []  # (prefix up to "{", declarations, suffix) of each innermost rule

    def collect(text: str, wrap: tuple[str, str]) -> None:
        for prelude, body in _blocks(text):
            if body is None:
                rules.append((wrap, prelude + ";", None))
            elif prelude.startswith(("@media", "@supports")):
                collect(body, (wrap[0] + prelude + "{", "}" + wrap[1]))
            elif prelude.startswith("@"):
                rules.append((wrap, f"{prelude}{{{body}}}", None))
            else:
                rules.append((wrap, prelude, _declarations(body)))

    collect(css, ("", ""))
    definitions: dict[str, list[str]] = {}
    used = set(VAR.findall(html))
    for _, prelude, declarations in rules:
        if declarations is None:
            used.update(VAR.findall(prelude))
            continue
        for declaration in declarations:
            custom = CUSTOM_PROPERTY.match(declaration)
            if custom:
                definitions.setdefault(custom[1], []).append(custom[2])
            else:
                used.update(VAR.findall(declaration))
    pending = list(used)
    while pending:
        for value in definitions.get(pending.pop(), []):
            for name in VAR.findall(value):
                if name not in used:
                    used.add(name)
                    pending.append(name)
    out = []
    for (before, after), prelude, declarations in rules:
        if declarations is None:
            out.append(before + prelude + after)
            continue
        kept = [
            declaration
            for declaration in declarations
            if not (custom := CUSTOM_PROPERTY.match(declaration))
            or custom[1] in used
            or custom[1].startswith("--md-")
        ]
        if kept:
            out.append(f"{before}{prelude}{{{';'.join(kept)}}}{after}")
    return "\n".join(out)
