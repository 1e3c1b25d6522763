"""Translation freshness: find translated pages whose English original changed later in git.

A translation (``docs/es/X.md``) is *behind* when the last commit that changed its original
(``docs/en/X.md``, or the file that page shows through ``page-source``) is not part of the
history of the last commit that changed the translation: the original moved on afterwards.
Commit ancestry decides, not dates, so clocks and rebases cannot fool it. Pages not yet
committed, or a checkout without git history, are never flagged.

During a build the MkDocs plugin puts a notice at the top of each such page
(``with_notice``); ``nox -s i18n`` prints the report
(``python -m site_build.core.translation_status``), followed by the code comments that the
translated pages show without a current translation (``core/code_comments.py``).
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from site_build.core import code_comments
from site_build.core.catalog import texts
from site_build.core.page_source import pointed_file
from site_build.core.paths import DOCS_DIR, ROOT

ORIGINAL_LANGUAGE = "en"
# The notice's title and text per language (stale_translation in the catalogs).
NOTICES = texts("stale_translation")
FIRST_HEADING = re.compile(r"^# .*\n", re.MULTILINE)


@dataclass(frozen=True)
class StaleTranslation:
    translation: str
    original: str
    original_commit: str
    original_date: str
    translation_commit: str
    translation_date: str

    def __str__(self) -> str:
        return (
            f"{self.translation}: {self.original} changed on {self.original_date} "
            f"({self.original_commit[:8]}), the translation last on {self.translation_date} "
            f"({self.translation_commit[:8]})"
        )


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )


@cache
def _last_change(path: Path) -> tuple[str, str] | None:
    """(commit, date) of the last commit that changed `path`, or None if it has no history."""
    result = _git("log", "-1", "--format=%H %cs", "--", str(path.relative_to(ROOT)))
    if result.returncode != 0 or not result.stdout.strip():
        return None
    commit, date = result.stdout.split()
    return commit, date


def _latest(paths: list[Path]) -> tuple[Path, str, str] | None:
    """The source among `paths` changed last in history, with that commit and date."""
    changes = [(path, *change) for path in paths if (change := _last_change(path))]
    if not changes:
        return None
    # Order by ancestry: a commit that is an ancestor of another is the older one.
    latest = changes[0]
    for candidate in changes[1:]:
        if _is_ancestor(latest[1], candidate[1]):
            latest = candidate
    return latest


def _is_ancestor(older: str, newer: str) -> bool:
    return _git("merge-base", "--is-ancestor", older, newer).returncode == 0


def stale_translation(language: str, page: str) -> StaleTranslation | None:
    """The freshness problem of ``docs/<language>/<page>``, or None if it is up to date."""
    original_page = DOCS_DIR / ORIGINAL_LANGUAGE / page
    translation = DOCS_DIR / language / page
    if language == ORIGINAL_LANGUAGE or not original_page.is_file() or not translation.is_file():
        return None
    sources = [original_page]
    if shown := pointed_file(original_page):
        sources.append(shown)
    original = _latest(sources)
    translated = _last_change(translation)
    if original is None or translated is None or _is_ancestor(original[1], translated[0]):
        return None
    original_file, original_commit, original_date = original
    return StaleTranslation(
        translation=translation.relative_to(ROOT).as_posix(),
        original=original_file.relative_to(ROOT).as_posix(),
        original_commit=original_commit,
        original_date=original_date,
        translation_commit=translated[0],
        translation_date=translated[1],
    )


def translated_pages() -> list[tuple[str, str]]:
    """(language, page) for every page outside the original language's folder."""
    return [
        (folder.name, path.relative_to(folder).as_posix())
        for folder in sorted(DOCS_DIR.iterdir())
        if folder.is_dir() and folder.name != ORIGINAL_LANGUAGE
        for path in sorted(folder.rglob("*.md"))
    ]


def forget_history() -> None:
    """Read git again: `mkdocs serve` rebuilds in one process and must see new commits."""
    _last_change.cache_clear()


def with_notice(markdown: str, language: str, page: str) -> str:
    """``markdown`` of ``docs/<language>/<page>``, with the notice when it is behind."""
    if language not in NOTICES or not (stale := stale_translation(language, page)):
        return markdown
    text = NOTICES[language]["text"].format(
        original_date=stale.original_date, translation_date=stale.translation_date
    )
    notice = f'!!! warning "{NOTICES[language]["title"]}"\n\n    {text}\n\n'
    heading = FIRST_HEADING.search(markdown)
    at = heading.end() if heading else 0
    return f"{markdown[:at]}\n{notice}{markdown[at:]}"


def main() -> int:
    if _git("rev-parse", "--git-dir").returncode != 0:
        print("No git history here: translation freshness cannot be judged.")
    else:
        _report_pages()
    # The code comments that translated pages show (core/code_comments.py): read from the
    # files themselves, so reported with or without git history.
    for line in code_comments.report():
        print(line)
    return 0


def _report_pages() -> None:
    pages = translated_pages()
    stale = [s for language, page in pages if (s := stale_translation(language, page))]
    for item in stale:
        print(item)
    if stale:
        print(f"{len(stale)} of {len(pages)} translated pages are behind their English original.")
    else:
        print(f"All {len(pages)} translated pages are up to date with their English original.")


if __name__ == "__main__":
    sys.exit(main())
