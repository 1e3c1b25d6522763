"""A contributor follows CONTRIBUTING.md: a new topic with the scaffold, then each common
mistake once, each caught by `nox -s check -- <topic>`.

Every mistake must make the check fail with one message that names the file and the fix
(how long the check takes is measured and noted in CONTRIBUTING.md, not asserted here: the
tests check behaviour, not speed). The journey runs in a copy of the project with none of
its content (a home page in each language), so that these self-tests say whether each check
fired, and are not made to fail by an unfinished page or pair of the checkout they run in.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.contributor_copy import (
    IGNORE,
    SCAFFOLDED_NAV,
    SCAFFOLDED_PAIR,
    add_to_nav,
    build_problem,
    build_site,
    copies_bytecode,
    copy_project,
    link_or_copy,
    read_config,
    run_check,
    run_pytest,
    scaffold_project,
    write_config,
)
from tests.contributor_copy import run_module as run
from tests.preview import page_showing, preview, replace

TORCH = "snippets/shapes/broadcasting_torch.py"
TF = "snippets/shapes/broadcasting_tf.py"
EN, ES = "docs/en/shapes.md", "docs/es/shapes.md"


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory) -> Path:
    """A project where a contributor added the topic shapes with its first pair, correctly."""
    project = tmp_path_factory.mktemp("project")
    created = scaffold_project(project)
    assert created.returncode == 0, created.stderr
    # A new topic: the scaffold wrote both pages, showing the pair, and says where nav goes.
    assert f"{EN}, {ES}" in created.stdout, created.stdout
    assert "      - Shapes: shapes.md" in created.stdout, created.stdout
    assert "            Shapes: Shapes" in created.stdout, created.stdout
    assert "nox -s check -- shapes/broadcasting" in created.stdout, created.stdout
    return project


@pytest.fixture(scope="module")
def checked(scaffolded, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`nox -s check -- shapes`, once, in a copy of the scaffolded project, as nox runs it
    (bytecode where the check puts it), in a checkout where the check ran before: the
    installed packages' bytecode (torch, TensorFlow, pytest) in .cache/pycache, linked, not
    compiled again. The copy's own files are at a new path, so the check compiles them and
    writes their bytecode there."""
    project = tmp_path_factory.mktemp("checked") / "project"
    shutil.copytree(scaffolded, project)
    shutil.copytree(copies_bytecode(), project / ".cache" / "pycache", copy_function=link_or_copy)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    }
    check = subprocess.run(
        [sys.executable, "-m", "tests.check_topic", "shapes"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return project, check


def test_the_new_pair_passes_every_check_and_appears_in_both_languages(
    scaffolded, checked, tmp_path
):
    _, check = checked
    message = check.stdout[-2000:] + check.stderr[-2000:]
    assert check.returncode == 0, f"the scaffolded pair fails `check shapes`:\n{message}"
    assert re.search(r"all \d+ checks passed", check.stdout), "`check shapes` passed silently"
    built = build_site(scaffolded, tmp_path / "site")
    assert built.returncode == 0, f"the scaffolded site does not build:\n{build_problem(built)}"
    for page in ("shapes/index.html", "es/shapes/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert ">PyTorch</label>" in html and ">TensorFlow</label>" in html, page
        assert "result" in html and "--8&lt;--" not in html, page


def test_the_scaffold_reprints_the_tab_blocks_of_an_existing_pair(scaffolded):
    printed = run(scaffolded, "site_build.core.new_snippet", "--tabs", "shapes/broadcasting")
    assert printed.returncode == 0, printed.stderr
    for page in (EN, ES):
        shown = (scaffolded / page).read_text(encoding="utf-8")
        after = printed.stdout.split(f"{page}, section 'example':\n\n")[1]
        block = re.split(r"^(?:docs/|Keep text)", after, flags=re.M)[0].strip()
        assert block in shown, f"the tab block printed for {page} is not the one it shows"


def _drop_tab_blocks(page: Path) -> None:
    """Remove the tab block (both tabs) and nothing else."""
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r'=== "PyTorch".*?```\n(?=\n[^ \n])', "", text, flags=re.S), "utf-8")


def _nav_without(project: Path, title: str | None, spanish: bool) -> None:
    config = project / "mkdocs.yml"
    settings = read_config(config)
    if not spanish:
        settings["nav"] = [entry for entry in settings["nav"] if title not in entry]
    for plugin in settings["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin and spanish:
            for language in plugin["i18n"]["languages"]:
                language.get("nav_translations", {}).pop(title, None)
    write_config(config, settings)


def _cite_in_english_only(project: Path) -> None:
    """A sourced fact on the English page whose Spanish page states it without the claim."""
    (project / "claims" / "shapes.yaml").write_text(
        "shapes-origin:\n"
        "  title: A source about shapes\n"
        "  source: https://example.org/shapes\n"
        '  evidence: "Paraphrase: shapes came first."\n'
        '  supports: "Shapes came first."\n'
        "  volatility: history\n"
        "  verified: 2026-12-06\n",
        encoding="utf-8",
    )
    replace(
        project / EN, "in a sentence or two.\n", "in a sentence or two.{{ claim:shapes-origin }}\n"
    )


# mistake -> (how a contributor makes it, what the one message must say)
MISTAKES = {
    "twin missing": (
        lambda p: (p / TF).unlink(),
        f"{TORCH} has no twin: add {TF}",
    ),
    "shown in one language only": (
        lambda p: _drop_tab_blocks(p / ES),
        "docs/es/shapes.md and docs/en/shapes.md differ in snippet includes",
    ),
    "shown on no page": (
        lambda p: [_drop_tab_blocks(p / page) for page in (EN, ES)],
        f"{TORCH} is not shown on any page in docs/en/",
    ),
    "wrong doctest output": (
        lambda p: replace(p / TORCH, "[2.0, 4.0, 6.0]", "[2.0, 4.0, 8.0]"),
        f"Example at {TORCH}, line 7, column 1 did not evaluate as expected",
    ),
    "section name typo on the page": (
        lambda p: replace(
            p / EN, "broadcasting_torch.py:example-checks", "broadcasting_torch.py:example-check"
        ),
        "docs/en/shapes.md includes section 'example-check' of shapes/broadcasting_torch.py, "
        "which marks only",
    ),
    "section name typo in the file": (
        lambda p: (
            replace(p / TORCH, "[start:example]", "[start:sample]")
            or replace(p / TORCH, "[end:example]", "[end:sample]")
        ),
        f"{TF} and {TORCH} must mark the same sections so pages can show them side by side; "
        "only in broadcasting_tf.py: ['example'], only in broadcasting_torch.py: ['sample']",
    ),
    "file marks a section no page shows": (
        lambda p: [
            replace(
                p / f,
                "# --8<-- [end:example]\n",
                "# --8<-- [end:example]\n# --8<-- [start:extra]\nextra = 1\n# --8<-- [end:extra]\n",
            )
            for f in (TORCH, TF)
        ],
        f"{TF} marks sections ['extra'] that no page in docs/en/ shows",
    ),
    "no doctest": (
        lambda p: replace(p / TORCH, ">>> result.tolist()\n", "result.tolist()\n"),
        f"{TORCH} has no doctest",
    ),
    "syntax error": (
        lambda p: replace(p / TORCH, "result = torch", "result = = torch"),
        f"{TORCH}:16: invalid syntax",
    ),
    "shown line too wide": (
        lambda p: replace(
            p / TORCH,
            "  # every element doubled\n",
            "  # every element doubled, as float32 numbers, in a line too wide\n",
        ),
        f"{TORCH}: lines [16] of shown sections exceed 80 characters",
    ),
    "an English comment changed after its translation": (
        lambda p: replace(p / TORCH, "# every element doubled", "# each element times two"),
        f"{TORCH}:16: the comment 'each element times two' has no 'es' translation: add the "
        "line `each element times two: <its translation>` to snippets/shapes/comments.es.yaml",
    ),
    "lint error": (
        lambda p: replace(p / TORCH, "import torch\n", "import os\nimport torch\n"),
        f"{TORCH}:14:8: F401",
    ),
    "page missing in a language": (
        lambda p: (p / ES).unlink(),
        "docs/es/shapes.md is missing: translate docs/en/shapes.md",
    ),
    "page missing in nav": (
        lambda p: _nav_without(p, "Shapes", spanish=False),
        "add these pages to the nav in mkdocs.yml: ['shapes.md']",
    ),
    "no Spanish nav title": (
        lambda p: _nav_without(p, "Shapes", spanish=True),
        "mkdocs.yml: the i18n language 'es' needs nav_translations for ['Shapes']",
    ),
    "Spanish headings differ": (
        lambda p: replace(p / ES, "\n## ", "\n## Una sección de más\n\n## "),
        "docs/es/shapes.md has 3 headings where docs/en/shapes.md has 2",
    ),
    "the other framework in the TensorFlow tab": (
        lambda p: (
            replace(p / TF, "import tensorflow as tf\n", "import tensorflow as tf\nimport torch\n")
            or replace(p / TF, "tf.constant([1.0, 2.0, 3.0])", "tf.constant(torch.ones(3).numpy())")
        ),
        f"{TF}:15: section 'example' of the TensorFlow file shows ['torch'] of the other "
        "framework (lines [15, 17]); a twin shows its own framework only. Move that code into "
        "broadcasting_torch.py",
    ),
    "a year without its claim": (
        lambda p: replace(p / EN, "Start with what", "Shapes arrived in 2019. Start with what"),
        f"{EN}:9: '2019' is stated without a source: reference a claim",
    ),
    "no description": (
        lambda p: replace(p / ES, (p / ES).read_text(encoding="utf-8").split("# ")[0], ""),
        f"{ES} has no description: add `description: ...`",
    ),
    "a claim without its source": (
        lambda p: (p / "claims" / "shapes.yaml").write_text(
            "shapes-origin:\n  title: A source\n  evidence: It says so.\n"
            '  supports: "It is so."\n  volatility: history\n  verified: 2026-12-06\n',
            encoding="utf-8",
        ),
        "claims/shapes.yaml: 'shapes-origin' has no source: every claim needs title, source, "
        "evidence, verified",
    ),
    "a claim cited in one language only": (
        _cite_in_english_only,
        f"{ES} and {EN} cite different claims: only in en: ['shapes-origin']; only in es: [].",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_is_reported_by_the_check_once(scaffolded, tmp_path, mistake):
    project = tmp_path / "project"
    shutil.copytree(scaffolded, project)
    make_mistake, expected = MISTAKES[mistake]
    make_mistake(project)
    check = run_check(project, "shapes")
    # Say whether the check fired as it should; the copy's own output is not the point.
    code, message, failed = check.returncode, check.message, check.failed
    assert code == 1, f"`check shapes` did not catch '{mistake}' (exit {code})"
    assert expected in message, (
        f"`check shapes` reported '{mistake}' with another message than the one expected "
        f"({expected!r}); its first line: {message.splitlines()[:1]}"
    )
    assert failed == 1, f"'{mistake}' made {failed} checks fail instead of one"


# mistake -> what `nox -s docs` and `nox -s serve` say, before they train or render anything:
# the same rule as the check, with the page's line where the mistake is on a page.
BUILD_MESSAGES = {
    "twin missing": (
        rf"{EN}:\d+ includes 'shapes/broadcasting_tf.py:example', but {TF} does not exist: "
        rf"add it, the twin of {TORCH} marking the same sections, or fix the include\."
    ),
    "section name typo on the page": (
        rf"{EN}:\d+ includes section 'example-check' of shapes/broadcasting_torch.py, which "
        r"marks only \['example', 'example-checks'\]: add '# --8<-- \[start:example-check\]'"
    ),
    "syntax error": rf"{TORCH}:16: invalid syntax; fix the syntax error\.",
    "the other framework in the TensorFlow tab": re.escape(
        MISTAKES["the other framework in the TensorFlow tab"][1]
    ),
    "a year without its claim": re.escape(MISTAKES["a year without its claim"][1]),
    "no description": re.escape(MISTAKES["no description"][1]),
    "a claim cited in one language only": re.escape(
        MISTAKES["a claim cited in one language only"][1]
    ),
    "a claim without its source": re.escape(MISTAKES["a claim without its source"][1]),
    "Spanish headings differ": re.escape(MISTAKES["Spanish headings differ"][1]),
    "shown line too wide": (
        rf"shapes.md shows {TORCH}, whose lines \[16\] are wider than 80 characters"
    ),
}


@pytest.mark.parametrize("mistake", BUILD_MESSAGES)
def test_each_mistake_stops_the_build_with_one_message(scaffolded, tmp_path, mistake):
    project = tmp_path / "project"
    shutil.copytree(scaffolded, project)
    MISTAKES[mistake][0](project)
    built = build_site(project, tmp_path / "site")
    assert built.returncode == 1, f"the strict build did not stop on '{mistake}'"
    assert "Traceback" not in built.stderr, f"'{mistake}': a traceback instead of the message"
    # One message; the plugin's line that the previous site was kept is not another one.
    errors = [
        line
        for line in built.stderr.splitlines()
        if line.startswith("ERROR") and "was left as it was" not in line
    ]
    assert len(errors) == 1, f"'{mistake}' gave {len(errors)} errors: {errors}"
    assert re.search(BUILD_MESSAGES[mistake], errors[0]), (mistake, errors[0])
    assert "Build timing" not in built.stdout, f"'{mistake}': the build trained first"


# What the mistakes edit: a project copy is made like its scaffolded original by syncing these.
EDITED = ("mkdocs.yml", "docs", "snippets", "claims")


def _files(project: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for name in EDITED:
        path = project / name
        for file in [path] if path.is_file() else path.rglob("*"):
            if file.is_file() and "__pycache__" not in file.parts:
                found[file.relative_to(project).as_posix()] = file
    return found


def _differ(first: dict[str, Path], second: dict[str, Path]) -> set[str]:
    names = first.keys() | second.keys()
    return {
        name
        for name in names
        if name not in first
        or name not in second
        or first[name].read_bytes() != second[name].read_bytes()
    }


def _sync(project: Path, source: Path, scaffolded: Path) -> None:
    """Make ``project``'s edited files those of ``source`` (a copy of ``scaffolded`` with a
    mistake made): only the files that differ are written or removed, in one burst, so that
    a running preview rebuilds once. The mistake's own files come first: should the preview
    start building halfway, it builds a project with a problem, never one without (that
    build would train)."""
    have, want = _files(project), _files(source)
    mistake = _differ(want, _files(scaffolded))
    for name in sorted(_differ(have, want), key=lambda name: name not in mistake):
        if name not in want:
            have[name].unlink()
        else:
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(want[name], project / name)


class SharedPreview:
    """One `mkdocs serve` of a project copy for the preview tests, as a contributor keeps
    it running: each test saves its mistake in one burst (the previous one's files put back
    as they were) and waits for the pages the rebuild shows. Started on the first call, with
    that mistake made, so that no build of the preview is ever one without a problem (that
    build would train)."""

    def __init__(self, scaffolded: Path, folder: Path, stack: ExitStack) -> None:
        self.scaffolded, self.folder, self.stack = scaffolded, folder, stack
        self.project = folder / "project"
        self.log = folder / "serve.log"
        self.site = ""
        self.saves = 0

    def show(self, mistake: str) -> int:
        """Save ``mistake`` (and nothing else) into the served project; where the log of the
        rebuild it causes starts."""
        self.saves += 1
        staging = self.folder / f"save-{self.saves}"
        staging.mkdir()
        for name in EDITED:
            source = self.scaffolded / name
            if source.is_dir():
                shutil.copytree(source, staging / name, ignore=IGNORE)
            else:
                shutil.copy2(source, staging / name)
        MISTAKES[mistake][0](staging)
        if not self.site:
            shutil.copytree(self.scaffolded, self.project)
            _sync(self.project, staging, self.scaffolded)
            self.site = self.stack.enter_context(preview(self.project, self.log))
            return 0
        start = self.log.stat().st_size
        _sync(self.project, staging, self.scaffolded)
        return start

    def builds_since(self, start: int) -> list[list[str]]:
        """What each build since ``start`` printed, build by build."""
        with self.log.open("rb") as log:
            log.seek(start)
            printed = log.read().decode("utf-8")
        builds: list[list[str]] = []
        for line in printed.splitlines():
            if "Building documentation..." in line:
                builds.append([])
            if builds:
                builds[-1].append(line)
        return builds


@pytest.fixture(scope="module")
def served(scaffolded, tmp_path_factory) -> Iterator[SharedPreview]:
    with ExitStack() as stack:
        yield SharedPreview(scaffolded, tmp_path_factory.mktemp("preview"), stack)


def _page_matching(url: str, title: str, pattern: str, seconds: float = 90) -> str:
    """The page at ``url`` once it shows ``title`` and a match of ``pattern`` (the preview
    may still show the previous mistake for a moment)."""
    deadline = time.monotonic() + seconds
    while True:
        html = page_showing(url, title, seconds=max(deadline - time.monotonic(), 1))
        if re.search(pattern, html) or time.monotonic() > deadline:
            return html
        time.sleep(0.1)


@pytest.mark.parametrize("mistake", BUILD_MESSAGES)
def test_each_mistake_is_shown_on_every_page_of_thepreview(served, mistake):
    start = served.show(mistake)
    site = served.site
    for page, title in (("", "The preview stopped on a problem"), ("es/shapes/", "La vista")):
        html = _page_matching(site + page, title, BUILD_MESSAGES[mistake])
        assert re.search(BUILD_MESSAGES[mistake], html), f"'{mistake}' is not shown on {page}"
    # The save's build printed the one message, once (each build prints one message; should
    # the preview have started building halfway through the save, the last build is this
    # mistake's own).
    builds = [
        [line for line in printed if line.startswith("ERROR")]
        for printed in served.builds_since(start)
    ]
    assert builds and all(len(errors) == 1 for errors in builds), builds
    assert re.search(BUILD_MESSAGES[mistake], builds[-1][0]), builds


def test_the_preview_follows_each_save(served):
    served.show("section name typo on the page")
    site, project = served.site, served.project
    typo = "includes section 'example-check' of shapes/broadcasting_torch.py"
    for page in ("", "shapes/", "es/", "es/shapes/"):
        html = page_showing(site + page, typo)
        assert "add '# --8<-- [start:example-check]' and" in html, page
    # Each save rebuilds the preview by itself: a second mistake, then the first fixed.
    # (Never a site without a problem here: that build would train.)
    MISTAKES["syntax error"][0](project)
    replace(project / EN, "broadcasting_torch.py:example-check", "broadcasting_torch.py:example")
    page_showing(site + "shapes/", f"{TORCH}:16: invalid syntax", absent=typo)


def test_the_check_writes_no_bytecode_into_the_folders_the_preview_watches(checked):
    project, check = checked
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    watched = [
        project / "docs",
        *(project / folder for folder in read_config(project / "mkdocs.yml")["watch"]),
    ]
    written = sorted(
        p.relative_to(project).as_posix() for folder in watched for p in folder.rglob("__pycache__")
    )
    assert written == [], f"the check wrote bytecode into watched folders: {written}"
    own = project / ".cache" / "pycache" / project.resolve().relative_to("/")
    folders = {p.relative_to(own).parts[0] for p in own.rglob("*.pyc")}
    assert {"site_build", "snippets"} <= folders, (
        "the check wrote no bytecode of the project's site_build/ and snippets/ to "
        f".cache/pycache (only of {sorted(folders)})"
    )


# The full suite's rules over a whole checkout: every page, snippet, translation, code
# comment and claim. (The rest of the suite tests the build's machinery, which a new topic
# does not change, or builds the whole site, which the journey above already does.)
RULE_FILES = (
    "tests/test_pages.py",
    "tests/test_snippets.py",
    "tests/test_code_comments.py",
    "tests/test_spanish_style.py",
    "tests/test_claims.py",
    "tests/test_checks.py",
    "tests/test_decision_page.py",
    "tests/test_catalogs.py",
)


def _written(folder: Path) -> dict[Path, bytes]:
    """The files under ``folder`` by their path in it, bytecode left out."""
    return {
        path.relative_to(folder): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.mark.slow
def test_a_scaffolded_topic_passes_the_full_suites_rules_unchanged(scaffolded, checked, tmp_path):
    """In a full copy of the project, the scaffold and the nav line CONTRIBUTING.md asks
    for, nothing more: the suite's rules over every page and snippet, and the new pair's
    doctests, pass. The doctests are those `nox -s check -- shapes` ran (``checked``), of
    the same files: the scaffold writes the new topic's snippets byte for byte as it does
    in the empty copy, so they are not run again here (with torch and TensorFlow imported
    for them)."""
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    created = run(project, "site_build.core.new_snippet", SCAFFOLDED_PAIR)
    assert created.returncode == 0, created.stdout + created.stderr
    add_to_nav(project, *SCAFFOLDED_NAV)
    topic = SCAFFOLDED_PAIR.split("/")[0]
    checked_project, check = checked
    assert _written(project / "snippets" / topic) == _written(
        checked_project / "snippets" / topic
    ), "the scaffold wrote another pair in the full project than in the empty copy"
    assert check.returncode == 0 and re.search(r"all \d+ checks passed", check.stdout), (
        "the new pair's doctests failed in `check shapes`:\n" + check.stdout[-2000:]
    )
    result = run_pytest(project, "-q", "-m", "not slow", *RULE_FILES)
    assert result.returncode == 0, (
        "a freshly scaffolded topic fails the suite's rules:\n" + result.stdout[-4000:]
    )
    assert " passed" in result.stdout, result.stdout[-2000:]
