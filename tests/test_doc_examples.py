"""The example collector itself: it finds what it should, skips what it should, and fails loudly."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from sybil.example import SybilFailure

from site_build.core.layout import CONTRIBUTING, DOCS_DIR, ROOT, relative, snippet_files
from tests.contributor_copy import copy_project, run_pytest
from tests.doc_examples import (
    GUIDE_EXAMPLES,
    NOTEBOOKS,
    PAGE_EXAMPLES,
    SNIPPET_EXAMPLES,
    is_include_only,
)

PAGE = """\
# A page

=== "PyTorch"

    ```python
    --8<-- "tensors/creation_torch.py:create"
    ```

```python title="Runs as code"
total = 1 + 1
```

```pycon
>>> total
{expected}
```

```text
not Python, never run
```
"""


def _page(tmp_path: Path, expected: str) -> list:
    path = tmp_path / "page.md"
    path.write_text(PAGE.format(expected=expected), encoding="utf-8")
    return list(PAGE_EXAMPLES.parse(path))


def test_page_parser_runs_code_and_console_blocks_and_skips_includes(tmp_path):
    examples = _page(tmp_path, expected="2")
    # A code block is reported at its opening fence, a doctest at its `>>>` line.
    assert [example.line for example in examples] == [9, 14]
    for example in examples:
        example.evaluate()


def test_page_parser_reports_a_wrong_output(tmp_path):
    code, console = _page(tmp_path, expected="3")
    code.evaluate()
    with pytest.raises(SybilFailure, match="Expected:\n    3\nGot:\n    2"):
        console.evaluate()


def test_include_only_detection():
    assert is_include_only('--8<-- "tensors/creation_tf.py:create"\n')
    assert is_include_only('    --8<-- "a_tf.py:x"\n\n    --8<-- "a_tf.py:y"\n')
    assert not is_include_only('--8<-- "a_tf.py:x"\nprint("and more")\n')
    assert not is_include_only("\n")
    assert is_include_only(';--8<-- "a_tf.py:x"\n'), "an escaped directive is shown, not run"


def test_pytest_collects_every_example():
    """Guards against a collector that silently finds nothing (a wrong pattern or parser)."""
    expected = Counter()
    for snippet in snippet_files():
        expected[relative(snippet)] = len(list(SNIPPET_EXAMPLES.parse(snippet)))
    for page in sorted(DOCS_DIR.rglob("*.md")):
        if page.relative_to(DOCS_DIR).match(NOTEBOOKS):
            continue  # executed by the site's build, not by pytest
        if count := len(list(PAGE_EXAMPLES.parse(page))):
            expected[relative(page)] = count
    expected[relative(CONTRIBUTING)] = len(list(GUIDE_EXAMPLES.parse(CONTRIBUTING)))

    result = run_pytest(ROOT, "--collect-only", "-q", "snippets", "docs", CONTRIBUTING.name)
    assert result.returncode == 0, result.stdout + result.stderr
    collected = Counter(
        line.split("::")[0]
        for line in result.stdout.splitlines()
        if re.search(r"::sybil:\w+,line:\d+", line)
    )
    assert collected == expected
    assert all(collected[relative(s)] > 0 for s in snippet_files())


def test_broken_doctest_fails_naming_the_snippet_file_and_line(tmp_path):
    project = copy_project(tmp_path)
    snippet = project / "snippets" / "tensors" / "creation_torch.py"
    text = snippet.read_text(encoding="utf-8")
    snippet.write_text(text.replace("torch.int64\n", "torch.int32\n", 1), encoding="utf-8")
    # The failing example is the `>>>` line just above the expected output we changed.
    broken_line = text[: text.index("torch.int64\n")].count("\n")

    result = run_pytest(project, "snippets/tensors/creation_torch.py")
    assert result.returncode == 1, result.stdout
    failed_node = f"snippets/tensors/creation_torch.py::sybil:snippets,line:{broken_line},column:1"
    assert f"FAILED {failed_node}" in result.stdout, result.stdout
    assert "Expected:\n    torch.int32\nGot:\n    torch.int64" in result.stdout


def test_missing_translation_fails_naming_the_page(tmp_path):
    project = copy_project(tmp_path)
    (project / "docs" / "es" / "tensors.md").unlink()

    # The test of the page checks that says it (the others of the file check what pages hold).
    result = run_pytest(project, "tests/test_pages.py::test_page_exists_in_every_language")
    assert result.returncode == 1, result.stdout
    assert "docs/es/tensors.md is missing: translate docs/en/tensors.md" in result.stdout
