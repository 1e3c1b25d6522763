"""Where the project's files are: the one place that computes the project root.

The package is installed in editable mode (``pip install -e . --no-deps``, which the nox
sessions do), so this file stays in the checkout and the root is two folders up.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS_DIR = ROOT / "snippets"
DOCS_DIR = ROOT / "docs"
CLAIMS_DIR = ROOT / "claims"
MKDOCS_YML = ROOT / "mkdocs.yml"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"

# Machines without internet hold the data sets offline in `shared/data/<name>`, in the
# checkout or in a folder above it (README.md, "Data"): /work/shared beside /work/main and
# its worktrees, ../shared beside a CI checkout, shared/ inside a copied checkout.
OFFLINE_DATA = Path("shared", "data")


def offline_data_dir(name: str, start: Path = ROOT) -> Path | None:
    """The offline folder of data set ``name`` (``mnist``): the first
    ``<folder>/shared/data/<name>`` that exists, ``folder`` being ``start`` or one of the
    folders above it; None when there is none (a fresh clone: the loader downloads).

    The nox sessions read this module from its file (stdlib only), so that they hand the
    same folder to everything they run."""
    for folder in (start, *start.parents):
        candidate = folder / OFFLINE_DATA / name
        if candidate.is_dir():
            return candidate
    return None
