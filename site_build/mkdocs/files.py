"""Put generated figures, kept outside docs/, on the site beside each language's pages."""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File

from site_build.core.layout import languages

# The language served at the site's root (the default of the i18n plugin in mkdocs.yml).
DEFAULT_LANGUAGE = languages()[0]


def add_figures(files, config, folder: str, paths: dict[str, list[Path]]):
    """Add ``paths[language]`` at ``<language prefix>generated/<folder>/<file name>``.

    A page of either language then writes ``![...](generated/<folder>/NAME.png)`` and gets
    its own language's figure. The i18n plugin keeps files from outside docs/ as they are.
    """
    for language, figures in paths.items():
        prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
        for path in figures:
            name = f"generated/{folder}/{path.name}"
            file = File.generated(config, f"{language}/{name}", abs_src_path=str(path))
            file.dest_uri = f"{prefix}{name}"
            files.append(file)
    return files
