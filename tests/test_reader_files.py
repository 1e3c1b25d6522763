"""What readers' tools read (site_build/mkdocs/reader_files.py), part by part; the built files
themselves are checked in tests/test_site_seo.py."""

from __future__ import annotations

import json

import nbformat

from site_build.core import claims
from site_build.core.kit import figure_data
from site_build.core.layout import ROOT, mkdocs_config
from site_build.mkdocs import reader_files


def test_includes_are_expanded_with_the_settings_of_mkdocs_yml(monkeypatch):
    monkeypatch.chdir(ROOT)  # pymdownx.snippets reads base_path from where mkdocs runs
    settings = next(
        entry["pymdownx.snippets"]
        for entry in mkdocs_config()["markdown_extensions"]
        if isinstance(entry, dict) and "pymdownx.snippets" in entry
    )
    snippet = next((ROOT / "snippets").rglob("*_torch.py"))
    target = snippet.relative_to(ROOT / "snippets").as_posix()
    page = f'=== "PyTorch"\n\n    ```python\n    --8<-- "{target}"\n    ```\n'
    expanded = reader_files.expand_includes(page, {"mdx_configs": {"pymdownx.snippets": settings}})
    assert f'--8<-- "{target}"' not in expanded
    shown = [line for line in snippet.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = [line for line in shown if "--8<--" not in line]
    assert body and all(f"    {line}" in expanded for line in body[:5])


def test_a_notebook_copy_has_its_cells_and_text_outputs():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A notebook\n\nSome prose."),
        nbformat.v4.new_code_cell("print(6 * 7)"),
    ]
    notebook.cells[1].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="42\n"),
        nbformat.v4.new_output(
            "display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"}
        ),
    ]
    text = reader_files.notebook_markdown(nbformat.writes(notebook).encode("utf-8"))
    assert text.startswith("# A notebook\n\nSome prose.")
    assert "```python\nprint(6 * 7)\n```" in text
    assert "```text\n42\n```" in text and "iVBOR" not in text


def test_claims_json_holds_every_claim_with_its_source_date_and_pages():
    ledger = claims.load_ledger()
    data = json.loads(reader_files.claims_json(ledger))
    assert [entry["id"] for entry in data["claims"]] == sorted(ledger)
    for entry in data["claims"]:
        claim = ledger[entry["id"]]
        assert entry["source"] == claim.source and entry["evidence"] == claim.evidence
        assert entry["verified"] == claim.verified.isoformat()
    cited = [entry for entry in data["claims"] if entry["pages"]]
    assert cited, "no claim names the pages that cite it"
    assert any(page.startswith("es/") for entry in cited for page in entry["pages"])


def test_tabs_and_admonitions_become_plain_markdown():
    page = (
        "Intro.\n\n"
        '=== "PyTorch"\n\n    ```python\n    x = 1\n\n    y = 2\n    ```\n\n'
        '=== "TensorFlow"\n\n    Text.\n\n'
        '!!! note "Why"\n\n    Because.\n\n'
        "??? info\n    Hidden.\n\n"
        '```text\n=== "not a tab"\n```\n'
    )
    assert reader_files.plain_markdown(page) == (
        "Intro.\n\n"
        "**PyTorch**\n\n```python\nx = 1\n\ny = 2\n```\n\n"
        "**TensorFlow**\n\nText.\n\n"
        "> **Why**\n>\n> Because.\n\n"
        "> Hidden.\n\n"
        '```text\n=== "not a tab"\n```\n'
    )


def test_links_to_other_pages_lead_to_their_markdown_copies():
    markdown = (
        "[a](sources.md#la-comparativa) [b](index.md) [c](notebooks/mnist_tf.md) "
        "[d](https://x.test/a.md) [e](#here) [g](generated/mnist/curves.png)"
    )
    assert reader_files.copy_links(markdown, "es/tensors.md") == (
        "[a](../sources/index.html.md#la-comparativa) [b](../index.html.md) "
        "[c](../notebooks/mnist_tf/index.html.md) "
        "[d](https://x.test/a.md) [e](#here) [g](../generated/mnist/curves.png)"
    )
    assert reader_files.copy_links("[t](tensors.md)", "en/index.md") == (
        "[t](tensors/index.html.md)"
    )


def test_a_figure_drawn_for_each_colour_scheme_is_copied_once_light():
    """A page shows a figure twice, one image per colour scheme (kit/figure_data.py); plain
    Markdown has no schemes, so the copy keeps the light one, without its fragment."""
    figure = figure_data.FigureData(
        "mnist", "speed", "en", "Speed", "Bars [median] of *speed*", (figure_data.Column("a"),), ()
    )
    page = "Before.\n\n" + figure_data.figure_markdown(figure) + "\nAfter.\n"
    copy = reader_files.light_images(page)
    assert "#only-" not in copy and "speed-dark.png" not in copy
    image = r"![Bars \[median\] of \*speed\*.](generated/mnist/speed.png)"
    assert copy.startswith(f"Before.\n\n{image}\n\n??? note")
    assert copy.count("](generated/mnist/speed.png)") == 1
    assert reader_files.light_images("[a](x.md) ![b](y.png)") == "[a](x.md) ![b](y.png)"
