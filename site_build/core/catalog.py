"""Reader-facing text of the generated content: one catalog per language of the site.

``site_build/catalogs/<language>.yaml`` holds the figure labels, table headers, notices and
footnote texts that the build writes onto pages, for each language that mkdocs.yml declares
(``LANGUAGES``, default language first). Every key exists in every catalog
(tests/test_catalogs.py); ``{name}`` fields are filled in by the code that uses the text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from site_build.core import yaml_files
from site_build.core.errors import BuildError
from site_build.core.layout import languages

CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalogs"
LANGUAGES: tuple[str, ...] = tuple(languages())


def catalog_path(language: str) -> Path:
    return CATALOG_DIR / f"{language}.yaml"


@cache
def catalog(language: str) -> dict[str, Any]:
    """The whole catalog of ``language``; a BuildError names a missing or broken file."""
    path = catalog_path(language)
    if not path.is_file():
        raise BuildError(
            f"mkdocs.yml declares the language '{language}' but {path.name} is missing from "
            f"site_build/catalogs/: copy en.yaml to {path.name} and translate every value."
        )
    data = yaml_files.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise BuildError(f"site_build/catalogs/{path.name} must be a mapping of keys to text")
    return data


def texts(section: str) -> dict[str, Any]:
    """``section`` of every language's catalog: ``{language: section}``."""
    return {language: catalog(language)[section] for language in LANGUAGES}
