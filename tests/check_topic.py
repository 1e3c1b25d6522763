"""`nox -s check -- <topic>[/<name>]`: every check of one topic or pair, and one message.

The inner loop of a contributor (CONTRIBUTING.md, "Check and preview"). It runs the tests
of the gate that concern the topic, unchanged: the snippet rules of tests/test_snippets.py,
the page rules of tests/test_pages.py (both languages, includes, structure, descriptions,
nav), the claims rules of tests/test_claims.py (a year with its source, the same claims in
both languages), the code comments of tests/test_code_comments.py (each shown comment
translated, none stale) and the doctests of the topic's snippets and pages. Everything else
is deselected, so it takes seconds where the full suite takes minutes.

The checks run in an order where a problem comes before its consequences (a missing twin
before the includes that name it, the page rules before the doctests that import torch and
TensorFlow), and the run stops at the first failure. What is printed at the end is that
failure's own message, which names the file and the fix, once, without a traceback.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

# Bytecode of what the check imports goes to .cache/pycache, not beside the sources: a
# __pycache__ written into snippets/ or site_build/ would make a running `nox -s serve`
# rebuild the preview (mkdocs.yml watches them).
sys.pycache_prefix = sys.pycache_prefix or str(Path(__file__).parents[1] / ".cache" / "pycache")

import pytest  # noqa: E402

from site_build.core.layout import DOCS_DIR, ROOT, SNIPPETS_DIR, Include, languages  # noqa: E402

# The checks that run, in the order they run; anything else collected (the doctests of
# snippets and pages) runs after them.
ORDER = (
    "test_site_has_a_default_language_and_a_translation",
    "test_there_are_snippets",
    "test_snippet_is_named_topic_slash_name_framework",
    "test_snippet_is_valid_python",
    "test_snippet_has_its_twin_in_the_other_framework",
    "test_snippet_sections_are_well_formed_and_match_the_twin",
    "test_twin_shows_only_its_own_framework",
    "test_page_exists_in_every_language",
    "test_mkdocs_yml_gives_each_key_once",
    "test_navigation_lists_every_page_with_translated_titles",
    "test_include_names_an_existing_snippet_section",
    "test_translation_shows_the_same_snippets_and_images",
    "test_snippet_and_each_of_its_sections_are_shown",
    "test_page_has_a_description",
    "test_every_cited_claim_is_in_the_ledger",
    "test_translations_cite_the_same_claims",
    "test_translation_has_the_same_structure",
    "test_every_year_on_a_page_comes_with_its_source",
    "test_every_ledger_entry_is_used_by_a_page",
    "test_snippet_has_doctest_examples",
    "test_shown_code_fits_the_page_width",
    "test_snippets_pass_ruff",
    # A shown comment's translation comes after the code it comments is right.
    "test_every_shown_comment_has_its_translation",
    "test_no_translation_of_a_comment_is_stale",
    "test_both_languages_show_the_same_code_tokens",
)
CHECK_MODULES = (
    "tests/test_snippets.py",
    "tests/test_pages.py",
    "tests/test_claims.py",
    "tests/test_code_comments.py",
)
# Output that would only repeat or bury the one message: no tracebacks, no short summary,
# no warnings summary; plain asserts, so a failure is the test's own message.
PYTEST_OPTIONS = (
    "-q",
    "--no-header",
    "--tb=no",
    "-rN",
    "--disable-warnings",
    "--assert=plain",
    "-p",
    "no:randomly",
    "-p",
    "no:cacheprovider",
)
USAGE = "usage: nox -s check -- <topic>[/<name>]   (for example tensors or tensors/creation)"


class TargetError(ValueError):
    """A target that names no topic of the project."""


def parse_target(target: str) -> tuple[str, str | None]:
    topic, _, name = target.strip().strip("/").removeprefix("snippets/").partition("/")
    topic = topic.removesuffix(".md")
    name = name.removesuffix(".py")
    name = name.removesuffix("_torch").removesuffix("_tf").removesuffix("_jax") or None
    pages = [DOCS_DIR / lang / f"{topic}.md" for lang in languages()]
    if not topic or not ((SNIPPETS_DIR / topic).is_dir() or any(p.is_file() for p in pages)):
        raise TargetError(
            f"'{target}' names no topic: there is no snippets/{topic}/ and no "
            f"docs/*/{topic}.md. Give the topic's folder name (`ls snippets`), or create the "
            "pair first with `nox -s new -- <topic>/<name>`."
        )
    pair = [SNIPPETS_DIR / topic / f"{name}_{framework}.py" for framework in ("torch", "tf")]
    if name and not any(path.is_file() for path in pair):
        raise TargetError(
            f"'{target}' names no pair: snippets/{topic}/ has no {name}_torch.py or "
            f"{name}_tf.py. Run `nox -s check -- {topic}` for the whole topic."
        )
    return topic, name


def pytest_args(topic: str, name: str | None) -> list[str]:
    """The files pytest collects: the topic's snippets and pages, and the two rule modules.
    A pair's files are its two twins and, for a Keras pair that has one, its `_jax` file."""
    folder = SNIPPETS_DIR / topic
    files = ("torch", "tf", "jax")
    pair = [folder / f"{name}_{framework}.py" for framework in files] if name else []
    paths = [path for path in pair if path.is_file()] or ([folder] if folder.is_dir() else [])
    paths += [p for lang in languages() if (p := DOCS_DIR / lang / f"{topic}.md").is_file()]
    return [*PYTEST_OPTIONS, *(p.relative_to(ROOT).as_posix() for p in paths), *CHECK_MODULES]


class FocusPlugin:
    """Keeps the checks of one topic or pair, orders them, stops at the first failure."""

    def __init__(self, topic: str, name: str | None) -> None:
        self.topic, self.name = topic, name
        self.session: pytest.Session | None = None
        self.failure: tuple[str, str] | None = None  # (test id, message)
        self.ran = 0
        self.started = time.perf_counter()

    # Selection ---------------------------------------------------------------------------

    def _snippet(self, file: str) -> bool:
        """``file`` is a path under snippets/ (``topic/name_torch.py``)."""
        topic, _, base = file.partition("/")
        if topic != self.topic:
            return False
        return self.name is None or base.rsplit("_", 1)[0] == self.name

    def _page(self, page: str) -> bool:
        return Path(page).name == f"{self.topic}.md"

    def concerns(self, item: pytest.Item) -> bool:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if not params:
            return True  # a rule of the whole site (nav, ruff) or a doctest of a kept file
        if isinstance(snippet := params.get("snippet"), Path):
            return self._snippet(snippet.relative_to(SNIPPETS_DIR).as_posix())
        if isinstance(include := params.get("include"), Include):
            return self._snippet(include.file) or self._page(params.get("page", ""))
        if isinstance(page := params.get("page"), str):
            return self._page(page)
        return False  # a self-test of a rule (test_naming_rules): not about this topic

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items: list[pytest.Item]) -> None:
        kept = [item for item in items if self.concerns(item)]
        dropped = [item for item in items if not self.concerns(item)]
        rank = {name: index for index, name in enumerate(ORDER)}
        kept.sort(key=lambda item: rank.get(getattr(item, "originalname", ""), len(ORDER)))
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = kept

    # The first failure ---------------------------------------------------------------------

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call):
        report = yield
        if report.failed and self.failure is None and call.excinfo is not None:
            self.failure = (item.nodeid, failure_message(call.excinfo))
            if self.session is not None:
                self.session.shouldstop = "stopped at the first problem"
        if report.when == "call":
            self.ran += 1
        return report

    def pytest_collectreport(self, report) -> None:
        if report.failed and self.failure is None:
            self.failure = (report.nodeid, collection_message(report))

    @pytest.hookimpl(tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter) -> None:
        target = self.topic + (f"/{self.name}" if self.name else "")
        seconds = time.perf_counter() - self.started
        write = terminalreporter.write_line
        write("")
        if self.failure is None:
            write(
                f"check {target}: all {self.ran} checks passed in {seconds:.0f} s. Before a pull "
                "request, run the full gate: nox -s tests (and nox -s docs)."
            )
            return
        test, message = self.failure
        write(f"check {target}: a problem (stopped at the first; fix it and run again):", bold=True)
        write("")
        write(message, red=True)
        write("")
        write(f"(found by {test})")


def failure_message(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    """A check's own message; for a doctest, Sybil's comparison and where the fix goes."""
    error = excinfo.value
    text = str(error).replace(f"{ROOT}/", "")
    if type(error).__name__ == "SybilFailure":
        return (
            f"{text.rstrip()}\n"
            "The doctest's output differs: fix the code or the expected output "
            "(the file and line are named above)."
        )
    if isinstance(error, AssertionError | pytest.fail.Exception):
        return text
    # An unexpected error (a snippet that fails to import): where it happened in the project.
    where = ""
    for entry in reversed(excinfo.traceback):
        path = Path(str(entry.path))
        if path.is_relative_to(ROOT):
            where = f"{path.relative_to(ROOT)}:{entry.lineno + 1}: "
            break
    return f"{where}{type(error).__name__}: {text}"


def collection_message(report) -> str:
    """Why a file could not be collected; for a snippet that does not parse, where and why,
    in the words of test_snippet_is_valid_python."""
    path = ROOT / report.nodeid.split("::")[0]
    if path.suffix == ".py" and path.is_file():
        try:
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
        except SyntaxError as error:
            return f"{path.relative_to(ROOT)}:{error.lineno}: {error.msg}; fix the syntax error."
    lines = str(report.longrepr).strip().splitlines()
    # A project error while a rule module loads (a claims/*.yaml entry without its source):
    # its own message names the file and the fix.
    own = re.match(r"E\s+site_build\.[\w.]+Error: (?P<message>.+)", lines[-1] if lines else "")
    if own:
        return own["message"]
    return "\n".join(lines[-12:])


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        topic, name = parse_target(argv[0])
    except TargetError as error:
        print(f"check: {error}", file=sys.stderr)
        return 2
    focus = FocusPlugin(topic, name)
    code = int(pytest.main(pytest_args(topic, name), plugins=[focus]))
    # Stopping at the first failure is an interruption to pytest (exit 2); it is a failure.
    return 1 if focus.failure else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
