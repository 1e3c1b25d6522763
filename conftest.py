"""pytest entry point for the documentation examples (see tests/doc_examples.py).

This file sits at the project root because pytest only asks a conftest.py to collect
files at or below its own folder, and the examples live in snippets/ and docs/.
"""

from __future__ import annotations

from collections import Counter

from sybil.integration.pytest import SybilItem

from tests.doc_examples import ALL_EXAMPLES

pytest_collect_file = ALL_EXAMPLES.pytest()

_examples_by_folder: Counter[str] = Counter()


def pytest_itemcollected(item) -> None:
    if isinstance(item, SybilItem):
        _examples_by_folder[item.path.relative_to(item.config.rootpath).parts[0]] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    counts = ", ".join(f"{n} from {folder}/" for folder, n in sorted(_examples_by_folder.items()))
    total = sum(_examples_by_folder.values())
    terminalreporter.write_line(f"Documentation examples collected: {total} ({counts or 'none'})")
