"""pytest entry point for the documentation examples (see tests/doc_examples.py).

This file sits at the project root because pytest only asks a conftest.py to collect
files at or below its own folder, and the examples live in snippets/ and docs/.
"""

from __future__ import annotations

from collections import Counter

from sybil.integration.pytest import SybilItem

from tests.doc_examples import ALL_EXAMPLES

pytest_collect_file = ALL_EXAMPLES.pytest()

# The browser checks need Playwright and a built site; `nox -s e2e` runs them in their own
# virtualenv with `--confcutdir tests/browser`, which also keeps this file out of that run.
collect_ignore = ["tests/browser"]

_examples_by_place: Counter[str] = Counter()


def pytest_itemcollected(item) -> None:
    if isinstance(item, SybilItem):
        parts = item.path.relative_to(item.config.rootpath).parts
        _examples_by_place[parts[0] + ("/" if len(parts) > 1 else "")] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    counts = ", ".join(f"{n} from {where}" for where, n in sorted(_examples_by_place.items()))
    total = sum(_examples_by_place.values())
    terminalreporter.write_line(f"Documentation examples collected: {total} ({counts or 'none'})")
