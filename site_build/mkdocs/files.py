"""Put what the stage adds beside the pages (figures, their data, the notebooks' downloads)
on the site, from the staged tree (``core/stage.py``), beside each language's pages."""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File

from site_build.core.layout import languages
from site_build.core.stage import added_files

# The language served at the site's root (the default of the i18n plugin in mkdocs.yml).
DEFAULT_LANGUAGE = languages()[0]


def add_staged(files, config, staged: Path):
    """Add each file of ``added_files(staged)`` at ``<language prefix><its path>``.

    A page of either language then writes ``![...](generated/<family>/NAME.png)`` and gets
    its own language's figure, and a notebook page's download lies beside its HTML. The
    i18n plugin keeps files from outside docs/ as they are.
    """
    for language, paths in added_files(staged).items():
        prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
        for name in paths:
            source = staged / "docs" / language / name
            file = File.generated(config, f"{language}/{name}", abs_src_path=str(source))
            file.dest_uri = f"{prefix}{name}"
            files.append(file)
    return files
