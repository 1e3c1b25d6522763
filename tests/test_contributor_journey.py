"""A contributor adds a pair with the scaffold, then makes each common mistake once.

Every mistake must fail the checks with a message that names the file and the fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.contributor_copy import build_site, copy_project, run_module, run_pytest

CHECKS = ("tests/test_snippets.py", "tests/test_pages.py")
PAGE_INTRO = {
    "en": "# Shapes\n\nHow shapes combine.\n\n",
    "es": "# Formas\n\nCómo se combinan.\n\n",
}


def _printed_blocks(stdout: str) -> dict[str, str]:
    """The tab block the scaffold printed for each page, keyed by the page's path."""
    blocks = {}
    for chunk in stdout.split("Paste into ")[1:]:
        header, _, body = chunk.partition(":\n\n")
        blocks[header.split()[0]] = body.split("Then run")[0].strip() + "\n"
    return blocks


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory) -> Path:
    """A copy of the project where a contributor added shapes/broadcasting, correctly."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    created = run_module(project, "site_build.core.new_snippet", "shapes/broadcasting")
    assert created.returncode == 0, created.stderr
    for page, block in _printed_blocks(created.stdout).items():
        language = page.split("/")[1]
        (project / page).write_text(PAGE_INTRO[language] + block, encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "  - Contributing: contributing.md\n",
        "  - Shapes: shapes.md\n  - Contributing: contributing.md\n",
    ).replace(
        "            Contributing: Cómo contribuir\n",
        "            Shapes: Formas\n            Contributing: Cómo contribuir\n",
    )
    config.write_text(text, encoding="utf-8")
    return project


def test_the_new_pair_passes_every_check_and_appears_in_both_languages(scaffolded, tmp_path):
    result = run_pytest(scaffolded, *CHECKS, "snippets/shapes")
    assert result.returncode == 0, result.stdout
    built = build_site(scaffolded, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    for page in ("shapes/index.html", "es/shapes/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert ">PyTorch</label>" in html and ">TensorFlow</label>" in html, page
        assert "result" in html and "--8&lt;--" not in html, page


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _drop_tab_blocks(page: Path) -> None:
    page.write_text(page.read_text(encoding="utf-8").split('=== "PyTorch"')[0], encoding="utf-8")


TORCH = "snippets/shapes/broadcasting_torch.py"
TF = "snippets/shapes/broadcasting_tf.py"
MISTAKES = {
    "twin missing": (
        lambda p: (p / TF).unlink(),
        f"{TORCH} has no twin: add {TF}",
    ),
    "shown on no page": (
        lambda p: [_drop_tab_blocks(p / f"docs/{lang}/shapes.md") for lang in ("en", "es")],
        f"{TORCH} is not shown on any page in docs/en/",
    ),
    "shown in one language only": (
        lambda p: _drop_tab_blocks(p / "docs/es/shapes.md"),
        "docs/es/shapes.md and docs/en/shapes.md differ in snippet includes",
    ),
    "page names a section the file lacks": (
        lambda p: (
            _replace(p / TORCH, "[start:example]", "[start:sample]")
            or _replace(p / TORCH, "[end:example]", "[end:sample]")
        ),
        "includes section 'example' of shapes/broadcasting_torch.py, which marks only",
    ),
    "file marks a section no page shows": (
        lambda p: [
            _replace(
                p / f,
                "# --8<-- [end:example]\n",
                "# --8<-- [end:example]\n# --8<-- [start:extra]\nextra = 1\n# --8<-- [end:extra]\n",
            )
            for f in (TORCH, TF)
        ],
        f"{TORCH} marks sections ['extra'] that no page in docs/en/ shows",
    ),
    "no doctest": (
        lambda p: _replace(p / TORCH, ">>> result\n", "result\n"),
        f"{TORCH} has no doctest",
    ),
    "syntax error": (
        lambda p: _replace(p / TORCH, "result = torch", "result = = torch"),
        f"{TORCH}:16: invalid syntax",
    ),
    "lint error": (
        lambda p: _replace(p / TORCH, "import torch\n", "import os\nimport torch\n"),
        f"{TORCH}:14:8: F401",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_fails_with_its_message(scaffolded, tmp_path, mistake):
    project = tmp_path / "project"
    shutil.copytree(scaffolded, project)
    make_mistake, message = MISTAKES[mistake]
    make_mistake(project)
    result = run_pytest(project, *CHECKS)
    assert result.returncode == 1, result.stdout
    assert message in result.stdout, result.stdout
