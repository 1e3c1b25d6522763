"""What Sybil collects: the doctests in snippet docstrings and the code blocks of pages.

Snippets: every ``>>>`` example in a snippet module's docstrings runs in that module's
namespace (Sybil imports the module first), so the checked output shown on a page is the
output of the very code shown above it. Each file starts from the frameworks' settings of a
fresh process (``tests/framework_state.py``), so its output does not depend on which files
ran before it.

Pages: ``python`` blocks run as code (or as doctests when they start with ``>>>``) and
``pycon`` blocks run as doctests. A block that only includes snippet sections
(``--8<-- "topic/name_torch.py:section"``) is skipped here: its code is the snippet's own,
already run by the snippet's doctests, and ``tests/test_pages.py`` checks that it resolves.
"""

from __future__ import annotations

import doctest
import re
from collections.abc import Iterable

from sybil import Document, Region, Sybil
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer
from sybil.parsers.rest import DocTestParser
from sybil.sybil import SybilCollection

from site_build.core.layout import CONTRIBUTING, DOCS_DIR, INCLUDE, ROOT, SNIPPETS_DIR
from tests import framework_state

# ELLIPSIS lets a traceback be elided as "..."; whitespace stays exact, as the page shows it.
OPTIONFLAGS = doctest.ELLIPSIS
PYTHON_LANGUAGES = {"python", "py", "python3"}
CONSOLE_LANGUAGES = {"pycon"}


# An include directive, or one escaped with `;` to be shown literally (the contributor guide
# shows tab blocks that way, and the lexer also reports fences nested in a ````markdown block).
DIRECTIVE = re.compile(r"[ \t]*;*" + INCLUDE.pattern.removeprefix(r"^[ \t]*"), re.MULTILINE)


def is_include_only(source: str) -> bool:
    """True when every non-blank line of a code block is a pymdownx.snippets include."""
    lines = [line for line in source.splitlines() if line.strip()]
    return bool(lines) and all(DIRECTIVE.fullmatch(line) for line in lines)


class PageCodeBlockParser:
    """Finds the runnable Python in a Markdown page (fences may be indented inside tabs)."""

    def __init__(self) -> None:
        self.lexer = FencedCodeBlockLexer(
            language=r".+", mapping={"language": "info", "source": "source"}
        )
        self.doctests = DocTestStringParser(DocTestEvaluator(OPTIONFLAGS))
        self.run_python = PythonEvaluator()

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            # The info string may carry options after the language: ```python title="x"
            info = region.lexemes["info"].split()
            language = info[0].lstrip("{.") if info else ""
            source = region.lexemes["source"]
            if is_include_only(source):
                continue
            if language in CONSOLE_LANGUAGES or (
                language in PYTHON_LANGUAGES and source.lstrip().startswith(">>>")
            ):
                for example in self.doctests(source, document.path):
                    example.adjust(region, source)
                    yield example
            elif language in PYTHON_LANGUAGES:
                region.parsed = source
                region.evaluator = self.run_python
                yield region


# docs/<language>/notebooks/*.md are Jupyter notebooks that the site's build executes.
NOTEBOOKS = "*/notebooks/*"

SNIPPET_EXAMPLES = Sybil(
    parsers=[DocTestParser(optionflags=OPTIONFLAGS)],
    # Absolute paths: Sybil matches files against this path without resolving "..".
    path=str(SNIPPETS_DIR),
    patterns=["*.py"],
    excludes=["__init__.py"],
    name="snippets",
    # Each file starts as a fresh process would, whatever ran before it in this one: a page
    # shows the output of the file alone (tests/framework_state.py).
    setup=framework_state.start_file,
    teardown=framework_state.end_file,
)

PAGE_EXAMPLES = Sybil(
    parsers=[PageCodeBlockParser()],
    path=str(DOCS_DIR),
    patterns=["*.md"],
    # Notebooks run when the site is built (site_build/mkdocs/notebook_pages.py: a cell
    # that fails fails the build).
    excludes=[NOTEBOOKS],
    name="pages",
)

# The contributor guide's English source lives at the root (docs/en/contributing.md
# points to it), and its example snippet must run like any page's code.
GUIDE_EXAMPLES = Sybil(
    parsers=[PageCodeBlockParser()],
    path=str(ROOT),
    filenames=[CONTRIBUTING.name],
    name="guide",
)

ALL_EXAMPLES = SybilCollection([SNIPPET_EXAMPLES, PAGE_EXAMPLES, GUIDE_EXAMPLES])
