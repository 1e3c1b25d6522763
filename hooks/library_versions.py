"""MkDocs hook: write a library's installed version where a page says ``{{ version:NAME }}``.

NAME is what you import (``torch``, ``tensorflow``, ``keras``). The version comes from the
environment that builds the site, so the pages always name the exact releases that the
snippets ran against; nobody types a version number by hand.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import metadata

from mkdocs.exceptions import PluginError

# Written inside backticks (`{{ version:torch }}`), a placeholder is shown as it is: that is
# how the contributor guide documents it.
PLACEHOLDER = re.compile(r"(?<!`)\{\{\s*version:([A-Za-z_][A-Za-z0-9_]*)\s*\}\}(?!`)")


@cache
def _distributions_by_import_name() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def installed_version(import_name: str) -> str:
    """The version of the installed distribution that provides ``import import_name``.

    Looking up the import name rather than the distribution name means
    ``tensorflow`` resolves whether ``tensorflow`` or ``tensorflow-cpu`` is installed.
    """
    distributions = _distributions_by_import_name().get(import_name)
    if not distributions:
        raise PluginError(
            f"{{{{ version:{import_name} }}}}: no installed package provides '{import_name}'. "
            "Use the name you would import, and add the package to pyproject.toml if it is new."
        )
    return metadata.version(distributions[0])


def on_page_markdown(markdown: str, page, **_) -> str:
    try:
        return PLACEHOLDER.sub(lambda match: installed_version(match.group(1)), markdown)
    except PluginError as error:
        raise PluginError(f"{page.file.src_path}: {error}") from None
