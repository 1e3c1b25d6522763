"""What the build promises a reader, even when things go wrong (issue: build integrity).

- "Checked by the tests" is true: the build runs the doctests of every included snippet
  whose exact content has no passing record, and fails naming the file and line.
- A failed or interrupted build leaves the previous site as it was.
- A torn write in mkdocs-jupyter's cache is discarded and rebuilt, not fatal.
- An unwritable cache stops the build before anything is trained.

The parts have tests of their own (test_kit_cache.py, test_doctest_record.py,
test_notebook_cache.py, test_site_swap.py, test_generated_timing.py); the tests here build a
temporary copy of the
project (an empty site with one snippet pair and one tiny notebook) that reuses the warm
cache of training results, so they train nothing.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from site_build.core import code_comments, notebook_cache
from site_build.core.kit import cache
from site_build.core.paths import ROOT
from tests.contributor_copy import build_problem, copy_empty_project, read_config, write_config

# --- builds of a temporary copy -------------------------------------------------------------

# The cache folders whose results a copy reuses (warm: nothing is trained); the copy's
# notebook cache is its own, since these tests break it on purpose.
SHARED_RESULTS = (
    "results",
    "mnist-data",
    "site-assets",
    "doctests",
)
HOME = """---
description: A home page that shows the checks of one pair ({title}).
---

# {title}

=== "PyTorch"

    ```pycon title="{checked}"
    --8<-- "tensors/gradients_torch.py:derivative-checks"
    ```

=== "TensorFlow"

    ```pycon title="{checked}"
    --8<-- "tensors/gradients_tf.py:derivative-checks"
    ```
"""
NOTEBOOK = """---
jupyter:
  jupytext:
    text_representation:
      extension: .md
      format_name: markdown
  kernelspec:
    display_name: Python 3
    language: python
    name: python3
  description: A one-cell notebook ({title}).
---

# {title}

<!-- #region tags=["page-only"] -->
<a href="tiny.ipynb" download>tiny.ipynb</a>
<!-- #endregion -->

```python
print(6 * 7)
```
"""
TITLES = {
    "en": ("Home", "Checked by the tests", "Tiny notebook"),
    "es": ("Inicio", "Comprobado por las pruebas", "Cuaderno mínimo"),
}


def _make_copy(project: Path) -> Path:
    """An empty site whose home page shows one pair's checks, and a one-cell notebook."""
    copy_empty_project(project)
    topic = project / "snippets" / "tensors"
    topic.mkdir()
    for name in ("__init__.py", "gradients_torch.py", "gradients_tf.py"):
        shutil.copy2(ROOT / "snippets" / "tensors" / name, topic / name)
    # The Spanish of the comments the Spanish home page shows, and only those: an entry for a
    # comment no page shows is stale, and stops the build.
    shown = set()
    for name in ("gradients_torch.py", "gradients_tf.py"):
        source = (topic / name).read_text(encoding="utf-8")
        lines = set(code_comments.section_line_numbers(source, "derivative-checks"))
        shown |= {c.text for c in code_comments.comments(source) if c.line in lines}
    table = code_comments.translations(ROOT / "snippets" / "tensors" / "gradients_torch.py", "es")
    code_comments.add_translations(topic, "es", {k: v for k, v in table.items() if k in shown})
    for language, (home, checked, notebook) in TITLES.items():
        (project / "docs" / language / "index.md").write_text(
            HOME.format(title=home, checked=checked), encoding="utf-8"
        )
        (project / "docs" / language / "notebooks").mkdir()
        (project / "docs" / language / "notebooks" / "tiny.md").write_text(
            NOTEBOOK.format(title=notebook), encoding="utf-8"
        )
    config = project / "mkdocs.yml"
    settings = read_config(config)
    settings["nav"].append({TITLES["en"][2]: "notebooks/tiny.md"})
    for plugin in settings["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            for language in plugin["i18n"]["languages"]:
                if "nav_translations" in language:
                    language["nav_translations"][TITLES["en"][2]] = TITLES["es"][2]
    write_config(config, settings)
    return project


class Copy:
    """The copy, its site, and a cache that shares the warm results but not the notebooks."""

    def __init__(self, root: Path) -> None:
        (root / "project").mkdir()
        self.project = _make_copy(root / "project")
        self.site = root / "site"
        self.cache = root / "cache"
        self.cache.mkdir()
        shared = cache.cache_root()
        cache.migrate_old_layout(shared)  # results of earlier code, under their keys
        for name in SHARED_RESULTS:
            (shared / name).mkdir(parents=True, exist_ok=True)
            (self.cache / name).symlink_to(shared / name, target_is_directory=True)

    def build(self, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(self.site)],
            cwd=self.project,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "PYTHONDONTWRITEBYTECODE": "1",
                "SITE_CACHE_DIR": str(self.cache),
                **env,
            },
            check=False,
        )

    def snapshot(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.site).as_posix(): p.read_bytes()
            for p in sorted(self.site.rglob("*"))
            if p.is_file()
        }

    @contextlib.contextmanager
    def edited(self, relative: str, old: str, new: str):
        """The copy with one file edited, restored afterwards."""
        path = self.project / relative
        original = path.read_text(encoding="utf-8")
        assert old in original, (relative, old)
        path.write_text(original.replace(old, new, 1), encoding="utf-8")
        try:
            yield path
        finally:
            path.write_text(original, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Copy:
    """The copy after one successful build: the previous site the failures must keep."""
    copy = Copy(tmp_path_factory.mktemp("integrity"))
    result = copy.build()
    if result.returncode != 0:
        pytest.fail(f"the copy did not build:\n{build_problem(result)}", pytrace=False)
    assert "Build timing | Snippet doctests" in result.stdout
    return copy


def _assert_untouched(copy: Copy, before: dict[str, bytes], result) -> None:
    assert result.returncode != 0, "the build was expected to fail"
    assert copy.snapshot() == before, "the previous site was changed by a failed build"
    assert f"{copy.site} was left as it was" in result.stderr, result.stderr[-2000:]
    assert not list(copy.site.parent.glob(f".{copy.site.name}.partial-*"))


def test_a_wrong_doctest_output_fails_the_build_naming_the_file_and_line(built):
    before = built.snapshot()
    assert "tensor(7.)" in (built.site / "index.html").read_text(encoding="utf-8")
    snippet = "snippets/tensors/gradients_torch.py"
    with built.edited(snippet, "tensor(7.)", "tensor(8.)") as path:
        lines = path.read_text(encoding="utf-8").splitlines()
        example_line = lines.index("tensor(8.)")  # the >>> line above it, counted from 1
        result = built.build()
    _assert_untouched(built, before, result)
    assert f"{snippet}, line {example_line}" in result.stderr, result.stderr[-3000:]
    assert "tensor(8.)" in result.stderr and "tensor(7.)" in result.stderr
    assert "nox -s check -- tensors/gradients" in result.stderr


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_bad_include_leaves_the_previous_site(built, language):
    before = built.snapshot()
    page = f"docs/{language}/index.md"
    with built.edited(page, "tensors/gradients_tf.py:derivative-checks", "tensors/typo_tf.py:x"):
        result = built.build()
    _assert_untouched(built, before, result)
    assert "typo_tf.py" in result.stderr


def test_ctrl_c_while_a_notebook_runs_leaves_the_previous_site(built):
    before = built.snapshot()
    # A new cell (so the cached output does not apply) that presses Ctrl-C for the user.
    interrupt = "import os, signal, time\nos.kill(os.getppid(), signal.SIGINT)\ntime.sleep(60)"
    with built.edited("docs/en/notebooks/tiny.md", "print(6 * 7)", interrupt):
        result = built.build()
    _assert_untouched(built, before, result)
    assert "interrupted" in result.stderr


def test_a_torn_notebook_cache_entry_is_rebuilt_not_fatal(built):
    entries = sorted((built.cache / "notebooks").glob("*/en/*.json"))
    assert len(entries) == 1, entries
    entry = entries[0]
    entry.write_bytes(entry.read_bytes()[:50])  # a build killed while writing it
    result = built.build()
    assert result.returncode == 0, build_problem(result)
    assert f"Discarded a corrupt cache entry, rebuilt instead: {entry}" in result.stderr
    assert notebook_cache.entry_problem(entry) is None
    assert "42" in (built.site / "notebooks" / "tiny" / "index.html").read_text(encoding="utf-8")


def test_an_unwritable_cache_stops_the_build_before_any_training(built, tmp_path):
    before = built.snapshot()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = built.build(SITE_CACHE_DIR=str(blocker / "cache"))
    _assert_untouched(built, before, result)
    assert f"The cache folder {blocker / 'cache'} is not writable" in result.stderr
    assert "SITE_CACHE_DIR" in result.stderr and "[mnist] training" not in result.stderr


def _noxfile(monkeypatch):
    """noxfile.py imported with a stand-in for nox (not installed in the shared environment)."""

    def session(*args, **kwargs):
        return args[0] if args and callable(args[0]) else (lambda function: function)

    fake = types.ModuleType("nox")
    fake.session = session
    fake.Session = object
    fake.options = types.SimpleNamespace()
    fake.project = types.SimpleNamespace(
        load_toml=lambda path: {}, dependency_groups=lambda *args: []
    )
    monkeypatch.setitem(sys.modules, "nox", fake)
    spec = importlib.util.spec_from_file_location("noxfile_under_test", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_fresh_builds_with_an_empty_cache_of_its_own(monkeypatch):
    noxfile = _noxfile(monkeypatch)
    calls = []

    def run_shared(session, program, *args, extra_env=None):
        folder = (extra_env or {}).get("SITE_CACHE_DIR")
        calls.append((program, args, folder, folder and list(Path(folder).iterdir())))

    monkeypatch.setattr(noxfile, "_run_shared", run_shared)
    noxfile.docs(types.SimpleNamespace(posargs=["--fresh", "-q"], log=lambda message: None))
    noxfile.docs(types.SimpleNamespace(posargs=[], log=lambda message: None))
    staged, (program, args, folder, contents), plain_staged, plain_build = calls
    # First the stage, then MkDocs, both on the same empty cache.
    assert staged[:2] == ("python", ("-m", "site_build.core.stage"))
    assert staged[2] == folder and staged[3] == []
    assert program == "mkdocs" and "--fresh" not in args and "-q" in args
    assert contents == [] and not Path(folder).exists()  # empty during, removed after
    assert plain_staged[:3] == ("python", ("-m", "site_build.core.stage"), None)
    assert plain_build[2] is None and "--fresh" not in plain_build[1]


def test_docs_to_publish_lets_mkdocs_check_the_address_before_it_stages(monkeypatch):
    noxfile = _noxfile(monkeypatch)
    calls = []
    monkeypatch.setattr(
        noxfile,
        "_run_shared",
        lambda session, program, *args, extra_env=None: calls.append((program, extra_env)),
    )
    noxfile.docs(types.SimpleNamespace(posargs=["--publish"], log=lambda message: None))
    [(program, env)] = calls
    assert program == "mkdocs" and env["SITE_PUBLISH"] == "1"


def test_ctrl_c_seen_through_the_error_a_notebook_cleanup_raises_instead():
    # nbclient, interrupted while a cell runs, can fail in its kernel cleanup: the error
    # MkDocs reports is then an AssertionError whose context is the KeyboardInterrupt.
    from site_build.mkdocs.plugin import _interrupted

    try:
        try:
            raise KeyboardInterrupt
        finally:
            raise AssertionError("self.km is not None")
    except AssertionError as error:
        assert _interrupted(error)
    assert not _interrupted(ValueError("an ordinary failure"))


def test_an_interrupted_build_keeps_none_of_its_notebook_entries(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    staging = notebook_cache.NotebookStaging(notebook_cache.real_folder("k" * 16, "en"))
    folder = staging.open()
    (folder / "cut-short.json").write_text(json.dumps({"html": "<p>1 of 2 cells</p>"}))
    staging.discard()
    assert not folder.exists()
    assert list(staging.real.iterdir()) == []


def test_a_ctrl_c_is_remembered_whatever_error_the_build_reports_next():
    import signal

    from site_build.mkdocs.plugin import SiteBuildPlugin

    plugin = SiteBuildPlugin()
    # Python's own handler, as in a fresh `mkdocs build` (the frameworks imported by earlier
    # tests in this process may have replaced it).
    original = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        plugin._note_ctrl_c()
        try:
            with pytest.raises(KeyboardInterrupt):  # Ctrl-C still stops the build
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)  # the handler runs between bytecodes, before this ends
            assert plugin._sigint_seen
        finally:
            plugin._end_build()
        assert signal.getsignal(signal.SIGINT) == signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, original)
