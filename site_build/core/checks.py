"""The page rules of the tests, as messages about one page, for the preview.

``tests/test_pages.py`` and ``tests/test_snippets.py`` fail the gate on these rules; the
MkDocs plugin calls :func:`page_problems` for every page it builds, so that ``nox -s serve``
and ``nox -s docs`` warn about the page being previewed instead of showing it as if all
were well. Every message names the page (or the snippet it shows) and the fix. The rules
themselves (what counts as structure, the width of shown code, how includes are written)
come from ``layout.py``, the module the tests read them from.
"""

from __future__ import annotations

import re

from site_build.core import claims, code_comments
from site_build.core.catalog import texts
from site_build.core.layout import (
    DOCS_DIR,
    SHOWN_LINE_LIMIT,
    SNIPPETS_DIR,
    description_problem,
    i18n_config,
    images,
    include_problem,
    includes,
    languages,
    mkdocs_config,
    numbered_includes,
    other_framework_problems,
    page_text,
    pages,
    structure,
    syntax_problem,
    too_wide_lines,
)
from site_build.core.page_source import escape_snippet_syntax
from site_build.core.placeholders import unclosed, unclosed_message


def page_problems(language: str, page: str) -> list[str]:
    """What the tests will reject about ``docs/<language>/<page>``, one message per problem.

    ``page`` is the path inside the language folder (``tensors.md``). A problem that concerns
    both languages of a page (a too wide line, a missing nav title) is reported on the
    default language's page only, so a build names it once.
    """
    default, *_ = all_languages = languages()
    here = DOCS_DIR / language / page
    if not here.is_file():
        return []
    problems = []
    for other in all_languages:
        if other != language and not (DOCS_DIR / other / page).is_file():
            problems.append(
                f"docs/{other}/{page} is missing: translate docs/{language}/{page} into "
                f"'{other}' and save it under that path (same file name in every language)."
            )
    if problem := description_problem(here, f"docs/{language}/{page}"):
        problems.append(problem)
    problems += _year_problems(language, page)
    original = DOCS_DIR / default / page
    if language != default and original.is_file():
        problems += _translation_problems(language, page)
        problems += code_comments.page_problems(language, page_text(here))
    if language == default:
        problems += _nav_title_problems(page)
        problems += _width_problems(page, page_text(here))
        problems += _other_framework_problems(page_text(here))
    return problems


def _translation_problems(language: str, page: str) -> list[str]:
    default = languages()[0]
    original = page_text(DOCS_DIR / default / page)
    translated = page_text(DOCS_DIR / language / page)
    problems = []
    for kind, extract in (("snippet includes", includes), ("images", images)):
        expected, found = sorted(extract(original)), sorted(extract(translated))
        missing = [str(x) for x in expected if x not in found]
        extra = [str(x) for x in found if x not in expected]
        if missing or extra:
            problems.append(
                f"docs/{language}/{page} and docs/{default}/{page} differ in {kind}: "
                f"missing in {language}: {missing}; only in {language}: {extra}. "
                "Both languages must show the same code and figures."
            )
    cited, cited_here = set(claims.references(original)), set(claims.references(translated))
    if cited != cited_here:
        problems.append(
            f"docs/{language}/{page} and docs/{default}/{page} cite different claims: only in "
            f"{default}: {sorted(cited - cited_here)}; only in {language}: "
            f"{sorted(cited_here - cited)}. Both languages state the same sourced facts: cite "
            "each with {{ claim:ID }} on both pages."
        )
    expected_parts, found_parts = structure(original), structure(translated)
    for kind, expected in expected_parts.items():
        # Claims are generated values too: a missing one is named above, by its id.
        if kind == "generated values" and cited != cited_here:
            continue
        if found_parts[kind] != expected:
            problems.append(
                f"docs/{language}/{page} has {found_parts[kind]} {kind} where "
                f"docs/{default}/{page} has {expected}: translate every part of the page, "
                "and nothing more."
            )
    return problems


def _year_problems(language: str, page: str) -> list[str]:
    """A year in the page's prose that no claim cited beside it states."""
    try:
        ledger = claims.load_ledger()
    except claims.LedgerError:
        return []  # the build stops on the ledger itself, naming the file
    return [
        f"docs/{language}/{page}:{line}: {message}"
        for line, _, message in claims.undated_years(page_text(DOCS_DIR / language / page), ledger)
    ]


def _nav_title_problems(page: str) -> list[str]:
    """A nav title (of the page or of a section above it) with no translation."""
    titles = _nav_titles_of(page, mkdocs_config().get("nav"))
    problems = []
    for lang in i18n_config()["languages"]:
        if lang.get("default"):
            continue
        translated = lang.get("nav_translations") or {}
        untranslated = [title for title in titles if title not in translated]
        if untranslated:
            problems.append(
                f"mkdocs.yml: the nav titles of {page} {untranslated} have no "
                f"'{lang['locale']}' title: add them under nav_translations of the i18n "
                f"language '{lang['locale']}' (for example '{untranslated[0]}: ...')."
            )
    return problems


def _nav_titles_of(page: str, nav, above: tuple[str, ...] = ()) -> list[str]:
    """The titles that lead to ``page`` in nav (its sections', then its own), or []."""
    for item in nav or []:
        for title, target in item.items() if isinstance(item, dict) else ():
            if target == page:
                return [*above, title]
            section = target if isinstance(target, list) else []
            if found := _nav_titles_of(page, section, (*above, title)):
                return found
    return []


def _width_problems(page: str, markdown: str) -> list[str]:
    problems = []
    for file in sorted({include.file for include in includes(markdown)}):
        snippet = SNIPPETS_DIR / file
        if not snippet.is_file():
            continue  # pymdownx.snippets fails the build on it, naming the file
        if lines := too_wide_lines(snippet.read_text(encoding="utf-8")):
            problems.append(
                f"{page} shows snippets/{file}, whose lines {lines} are wider than "
                f"{SHOWN_LINE_LIMIT} characters and scroll sideways on the page: wrap the code "
                "(end a wrapped argument list with a comma so ruff format keeps it wrapped) "
                "or shorten the comment."
            )
    return problems


def _other_framework_problems(markdown: str) -> list[str]:
    """A shown snippet section with code of the other framework, named in the snippet."""
    problems = []
    for file in sorted({include.file for include in includes(markdown)}):
        if (snippet := SNIPPETS_DIR / file).is_file():
            problems += other_framework_problems(snippet)
    return problems


def site_problems() -> list[str]:
    """Every page's problems, in both languages (what a build would warn about)."""
    found = []
    for language in languages():
        for path in sorted((DOCS_DIR / language).rglob("*.md")):
            found += page_problems(language, path.relative_to(DOCS_DIR / language).as_posix())
    return found


def include_errors() -> list[str]:
    """What stops every page from being rendered: an include of a snippet file or section that
    does not exist, or of a file that is not valid Python. One message per snippet file (the
    first page that includes it, default language first), with the page's line and the fix;
    the build reports them before pymdownx.snippets or the doctests would fail on them."""
    found: dict[str, str] = {}
    for language in languages():
        for name, path in pages(language).items():
            for line, include in numbered_includes(page_text(path)):
                if include.file in found:
                    continue
                problem = include_problem(f"docs/{language}/{name}:{line}", include)
                snippet = SNIPPETS_DIR / include.file
                if problem is None and snippet.is_file():
                    problem = syntax_problem(snippet)
                if problem is not None:
                    found[include.file] = problem
    return list(found.values())


def placeholder_errors() -> list[str]:
    """A ``{{`` or ``}}`` outside code that is not part of a whole placeholder, on any page of
    any language: one message per page, with its lines, found before anything is trained
    (rendered as it is, it would be published as written)."""
    found = []
    for language in languages():
        for name, path in pages(language).items():
            if problems := unclosed(page_text(path)):
                found.append(unclosed_message(f"docs/{language}/{name}", problems))
    return found


PREVIEW_PROBLEM = texts("preview_problem")


def problem_page(message: str, language: str) -> str:
    """What the preview shows on every page while the project has ``message`` to fix: the
    message itself, with its file, line and fix, instead of a browser that waits for a
    build that cannot finish."""
    words = PREVIEW_PROBLEM[language]
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", message))])
    # A message quotes section markers ('# --8<-- [start:x]'): shown, not executed.
    shown = escape_snippet_syntax(message)
    return f"# {words['title']}\n\n{words['lead']}\n\n{fence}text\n{shown}\n{fence}\n"
