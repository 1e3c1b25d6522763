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
