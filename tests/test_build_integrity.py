"""What the build promises a reader, even when things go wrong (issue: build integrity).

- "Checked by the tests" is true: the build runs the doctests of every included snippet
  whose exact content has no passing record, and fails naming the file and line.
- A failed or interrupted build leaves the previous site as it was.
- A torn write in mkdocs-jupyter's cache is discarded and rebuilt, not fatal.
- Caches are written atomically, checked when read, pruned, locked while computed, and an
  unwritable one is reported before anything is trained.
- Content-keyed results live in the user's cache folder by default, shared by clones.

The unit tests below run in a second; the tests at the end build a temporary copy of the
project (an empty site with one snippet pair and one tiny notebook) that reuses the warm
cache of training results, so they train nothing.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import pytest

from site_build.core import cache, doctest_record, generated, mnist_runs, mnist_spec, notebook_cache
from site_build.core.mnist_spec import RUNS
from site_build.core.paths import ROOT
from site_build.core.site_swap import AtomicSite, remove_leftovers
from tests.contributor_copy import build_problem, copy_empty_project, read_config, write_config
from tests.stand_ins import at_once
from tests.test_mnist_runs import _write_run as write_stand_in_run

# --- caches: location, atomic writes, checked reads, pruning, locks ---------------------------


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    return folder


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {"XDG_CACHE_HOME": "/xdg"}, "/xdg"),
        ("linux", {"XDG_CACHE_HOME": "relative/ignored"}, "HOME/.cache"),
        ("linux", {}, "HOME/.cache"),
        ("darwin", {}, "HOME/Library/Caches"),
        ("win32", {"LOCALAPPDATA": "/local"}, "/local"),
    ],
)
def test_the_default_cache_follows_each_platform(monkeypatch, tmp_path, platform, env, expected):
    monkeypatch.setattr(cache.sys, "platform", platform)
    monkeypatch.setattr(cache.Path, "home", staticmethod(lambda: tmp_path))
    for name in ("XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    folder = expected.replace("HOME", str(tmp_path))
    assert cache.user_cache_dir() == Path(folder) / cache.APP_FOLDER


def test_site_cache_dir_overrides_the_user_cache_which_is_the_default(monkeypatch, tmp_path):
    monkeypatch.setattr(cache, "_default_root", None)
    monkeypatch.setattr(cache, "user_cache_dir", lambda: tmp_path / "user")
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    assert cache.cache_root() == tmp_path / "user"  # shared by every clone on this machine
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "chosen"))
    assert cache.cache_root() == tmp_path / "chosen"


def test_an_unwritable_user_cache_falls_back_to_the_checkout(monkeypatch, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(cache, "_default_root", None)
    monkeypatch.setattr(cache, "user_cache_dir", lambda: blocker / "cache")
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    assert cache.cache_root() == cache.checkout_cache_root() == ROOT / ".cache"
    assert f"{blocker / 'cache'} is not writable" in capsys.readouterr().err


def test_a_warm_user_cache_that_is_read_only_stops_the_build_instead_of_going_cold(
    monkeypatch, tmp_path, capsys
):
    user = tmp_path / "user"
    entry = user / "mnist-runs" / "run.json"
    cache.atomic_write_json(entry, {"key": "k"})  # what earlier builds left
    monkeypatch.setattr(cache, "_default_root", None)
    monkeypatch.setattr(cache, "user_cache_dir", lambda: user)
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)

    def read_only(*args, **kwargs):  # the folder's file system, mounted read-only
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(cache.tempfile, "mkstemp", read_only)
    for _ in range(2):  # every caller, not only the first, gets the message
        with pytest.raises(cache.CacheNotWritable) as error:
            cache.cache_root()
        message = str(error.value)
        assert f"The cache folder {user} is not writable (Read-only file system)" in message
        assert "SITE_CACHE_DIR is not set" in message and "set SITE_CACHE_DIR to" in message
        assert "results of earlier builds" in message
    assert cache._default_root is None and "caching in" not in capsys.readouterr().err
    with pytest.raises(cache.CacheNotWritable, match="results of earlier builds"):
        cache.check_writable()  # the build's first step: before doctests or training
    assert cache.read_json(entry) == {"key": "k"}  # kept for when it is writable again
    # An empty one holds nothing to lose: the checkout's folder is used, as before.
    shutil.rmtree(user / "mnist-runs")
    assert cache.cache_root() == ROOT / ".cache"
    assert f"{user} is not writable; caching in" in capsys.readouterr().err


def test_an_unwritable_cache_is_reported_with_the_folder_and_the_variable(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    with pytest.raises(cache.CacheNotWritable) as error:
        cache.check_writable()
    message = str(error.value)
    assert str(blocker / "cache") in message and "SITE_CACHE_DIR=" in message
    assert "Nothing was trained" in message
    lock = cache.entry_lock(blocker / "cache" / "runs" / "x.json")
    with pytest.raises(cache.CacheNotWritable, match="SITE_CACHE_DIR"), lock:
        pytest.fail("the lock must not be granted in an unwritable folder")


def test_a_read_only_file_system_is_reported_before_training(monkeypatch, cache_dir):
    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(cache.tempfile, "mkstemp", read_only)
    with pytest.raises(cache.CacheNotWritable, match="Read-only file system"):
        cache.check_writable()


def test_a_full_cache_disk_is_reported_before_anything_runs(monkeypatch, cache_dir):
    usage = shutil.disk_usage(cache_dir.parent)
    nearly_full = usage._replace(free=cache.MIN_FREE_BYTES - 1)
    monkeypatch.setattr(cache.shutil, "disk_usage", lambda path: nearly_full)
    with pytest.raises(cache.CacheNotWritable) as error:
        cache.check_writable()  # the build's first step, before doctests and training
    message = str(error.value)
    assert f"The disk of the cache folder {cache_dir} is full" in message
    assert "Nothing was trained" in message and "set SITE_CACHE_DIR to a folder" in message


def test_a_disk_that_fills_up_during_the_build_is_named_with_the_fix(monkeypatch, cache_dir):
    cache.check_writable()

    def no_space(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.os, "fsync", no_space)
    # A probe of an empty file succeeds on a full disk; writing into it does not.
    with pytest.raises(cache.CacheNotWritable, match=f"cache folder {cache_dir} is full"):
        cache.check_writable()
    entry = cache_dir / "runs" / "run.json"
    with pytest.raises(cache.CacheNotWritable) as error:
        cache.atomic_write_json(entry, {"key": "k"})
    assert f"The disk of the cache folder {entry.parent} is full" in str(error.value)
    assert "filled up during the build" in str(error.value) and "SITE_CACHE_DIR" in str(error.value)
    assert not list(entry.parent.iterdir())  # no temporary file left behind


def _corrupt_copy(source: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for official in source.iterdir():
        shutil.copyfile(official, folder / official.name)
    (folder / name).write_bytes(b"\x1f\x8b not the official file")
    return folder / name


def test_the_advice_for_a_bad_data_file_never_deletes_a_system_packages_file(monkeypatch, tmp_path):
    from site_build.core import fashion_data, mnist_data
    from tests import stand_ins

    debian = fashion_data.DEBIAN_DIR
    name = fashion_data.OFFICIAL_FILES["test_labels"][0]
    stand_ins.offline(monkeypatch, tmp_path, fashion_data.FASHION)
    # A damaged file of the system package (its folder stands in for /usr/share/datasets).
    system = tmp_path / "usr-share-datasets" / "fashion-mnist"
    bad = _corrupt_copy(debian, system, name)
    with pytest.raises(mnist_data.DataError) as error:
        fashion_data.locate(download=False, debian_dir=system)
    message = str(error.value)
    assert message.startswith(f"{bad} has md5")
    assert "do not delete it; reinstall the package" in message
    assert "FASHION_MNIST_DIR" in message and "Delete it" not in message
    # The same file in the project's cache is the build's own download: delete and fetch.
    cached = _corrupt_copy(debian, fashion_data.FASHION.cache_dir(), name)
    with pytest.raises(mnist_data.DataError) as error:
        fashion_data.locate(download=False, debian_dir=tmp_path / "no-package")
    message = str(error.value)
    assert message.startswith(f"{cached} has md5") and "Delete it and run `python -m" in message
    # A folder named by MNIST_DIR may be a package's too: replace, reinstall, or point away.
    mine = tmp_path / "mnist"
    mine.mkdir()
    (mine / mnist_data.OFFICIAL_FILES["test_images"][0]).write_bytes(b"not MNIST")
    (mine / mnist_data.OFFICIAL_FILES["test_labels"][0]).write_bytes(b"not MNIST")
    monkeypatch.setenv(mnist_data.ENV_VAR, str(mine))
    with pytest.raises(mnist_data.MnistDataError) as error:
        mnist_data.locate(download=False)
    message = str(error.value)
    assert "reinstall the package that installed it" in message
    assert "set MNIST_DIR to another folder" in message and "delete" not in message.lower()
    for broken in (b"not gzip", gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x09abc")):
        (mine / "bad.gz").write_bytes(broken)
        with pytest.raises(mnist_data.MnistDataError) as error:
            mnist_data.read_idx(mine / "bad.gz")
        message = str(error.value)
        assert "delete" not in message.lower() and "reinstall the package" in message


def test_a_torn_cache_file_is_discarded_with_one_line(cache_dir, capsys):
    entry = cache_dir / "runs" / "run.json"
    cache.atomic_write_json(entry, {"key": "abc", "history": list(range(100))})
    entry.write_bytes(entry.read_bytes()[:40])  # what a killed writer leaves
    assert cache.read_json(entry) is None
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(entry) in err[0] and "corrupt" in err[0]
    assert not entry.exists()  # rebuilt by its owner, never trusted again


def test_atomic_writes_leave_the_previous_file_when_interrupted(cache_dir, monkeypatch):
    entry = cache_dir / "entry.json"
    cache.atomic_write_json(entry, {"version": 1})

    def killed(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        cache.atomic_write_json(entry, {"version": 2})
    assert cache.read_json(entry) == {"version": 1}
    assert [p.name for p in cache_dir.iterdir()] == ["entry.json"]


def test_prune_removes_entries_unused_for_long_and_leftover_temporaries(tmp_path):
    old, recent, current = (tmp_path / name for name in ("old", "recent", "current"))
    for folder in (old, recent, current):
        folder.mkdir()
    temporary = tmp_path / "recent" / ".entry.json.x1.tmp"
    temporary.write_text("{")
    week_ago = time.time() - 8 * 86400
    for path in (old, current, temporary):
        os.utime(path, (week_ago, week_ago))
    assert cache.prune(tmp_path, keep={"current"}, max_age_days=7) == [old]
    assert cache.prune_temporaries(tmp_path) == [temporary]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "recent"]


def test_the_lock_makes_a_second_build_wait_and_reuse_the_result(cache_dir):
    entry = cache_dir / "runs" / "run.json"
    computed = []

    def build() -> dict:
        with cache.entry_lock(entry):
            if (found := cache.read_json(entry)) is not None:
                return found
            computed.append(threading.current_thread().name)
            time.sleep(0.5)  # the "training"
            cache.atomic_write_json(entry, {"trained_by": threading.current_thread().name})
            return cache.read_json(entry)

    results = {}
    threads = [
        threading.Thread(target=lambda n=n: results.update({n: build()}), name=n)
        for n in ("first", "second")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(computed) == 1
    assert results["first"] == results["second"] == {"trained_by": computed[0]}


def test_two_builds_at_once_train_each_mnist_run_once(cache_dir, monkeypatch):
    md5s = mnist_runs.locate().md5s()
    trained = []

    def fake_training(spec):  # slow enough for the other build to arrive meanwhile
        trained.append(spec.name)
        time.sleep(0.3)
        write_stand_in_run(spec, mnist_spec.cache_key(spec, md5s))

    monkeypatch.setattr(mnist_runs, "_train_in_subprocess", fake_training)
    at_once(mnist_runs.ensure_results)
    assert sorted(trained) == sorted(RUNS)


# --- the Build timing summary ---------------------------------------------------------------


class _StandIns:
    """Each step of ``Generated.prepare`` with stand-ins that behave like the real ones: the
    first pass does the work (trains, measures, draws), a later one finds it done. ``todo``
    names the steps that are out of date when the build starts."""

    def __init__(self, monkeypatch, todo: set[str]) -> None:
        self.todo = set(todo)
        spec = types.SimpleNamespace(label="PyTorch, full set")
        fashion = types.SimpleNamespace(mode="build", seconds=0.0, runs={"torch": [1, 2]})
        g = generated
        for module, name, step, result in [
            (g, "ensure_results", "mnist", lambda work: {"torch": _status(spec, work)}),
            (g.mnist_plots, "ensure_plots", "mnist figures", lambda work: work),
            (g.benchmarks, "ensure_results", "bench", lambda work: (_bench(), work)),
            (g.bench_figure, "ensure_figures", "bench figure", lambda work: work),
            (g.data_loading_bench, "ensure_result", "loading", lambda work: (None, work)),
            (g.quantization_bench, "ensure_results", "quantization", lambda work: ({}, work)),
            (g.fashion_runs, "ensure_results", "fashion", lambda work: _fashion(fashion, work)),
            (g.fashion_plots, "ensure_plots", "fashion figures", lambda work: work),
        ]:
            monkeypatch.setattr(module, name, self._step(step, result))

    def _step(self, step, result):
        def stand_in(*args, **kwargs):
            work = step in self.todo
            self.todo.discard(step)  # done: the next pass finds it in the cache
            return result(work)

        return stand_in


def _status(spec, trained: bool):
    return types.SimpleNamespace(spec=spec, trained=trained, results=None)


def _bench():
    return types.SimpleNamespace(mode="short")


def _fashion(fashion, trained: bool):
    return types.SimpleNamespace(**vars(fashion), trained=["torch seed 1"] if trained else [])


def _two_passes(todo: set[str], monkeypatch, prepared=None) -> dict[str, str]:
    """The timing lines of one build in two languages, by step."""
    _StandIns(monkeypatch, todo)
    prepared = prepared or generated.Generated()
    prepared.start_build()
    for language in ("en", "es"):
        prepared.prepare(language)
    return {line.split(":")[0]: line for line in prepared.timings}


def test_build_timing_says_what_each_language_pass_did_when_figures_are_redrawn(monkeypatch):
    lines = _two_passes({"mnist figures", "bench figure", "fashion figures"}, monkeypatch)
    assert lines["MNIST figures"].endswith("(en: redrawn / es: cached)")
    assert lines["Fashion-MNIST figures"].endswith("(en: redrawn / es: cached)")
    assert lines["Benchmarks"].endswith(
        "(en: short run cached, figure redrawn / es: short run cached, figure cached)"
    )
    assert lines["MNIST runs"].endswith("(en: all 1 cached / es: all 1 cached)")


def test_build_timing_says_what_each_language_pass_did_when_results_are_measured(monkeypatch):
    lines = _two_passes({"mnist", "bench", "loading", "quantization", "fashion"}, monkeypatch)
    assert lines["Data loading throughput"].endswith("(en: measured / es: cached)")
    assert lines["Quantization"].endswith("(en: measured / es: cached)")
    assert lines["Benchmarks"].startswith("Benchmarks: ")
    assert "(en: measured the short run, figure cached / es: short run" in lines["Benchmarks"]
    assert lines["MNIST runs"].endswith("(en: trained: PyTorch, full set / es: all 1 cached)")
    fashion = lines["Fashion-MNIST runs"]
    assert "(en: build set; trained: torch seed 1 / es: build set; all 2 cached)" in fashion
    assert len(lines) == 7
    # The next build (``mkdocs serve`` rebuilds in one process) starts its own summary.
    prepared = generated.Generated()
    _two_passes({"loading"}, monkeypatch, prepared)
    _two_passes(set(), monkeypatch, prepared)
    assert "(en: cached / es: cached)" in prepared.timings[3]


# --- doctest records ------------------------------------------------------------------------


@pytest.fixture
def snippets_project(tmp_path, monkeypatch, cache_dir) -> Path:
    """A project with one snippet that imports a helper module of its own topic."""
    topic = tmp_path / "snippets" / "topic"
    topic.mkdir(parents=True)
    for init in (tmp_path / "snippets" / "__init__.py", topic / "__init__.py"):
        init.write_text("")
    (topic / "helper.py").write_text("VALUE = 1\n")
    (topic / "shown_torch.py").write_text(
        '"""\n>>> from snippets.topic.helper import VALUE\n>>> VALUE\n1\n"""\n'
    )
    (topic / "other_torch.py").write_text('""">>> 1 + 1\n2\n"""\n')
    monkeypatch.setattr(doctest_record, "ROOT", tmp_path)
    return tmp_path


def test_the_record_key_covers_the_file_what_it_imports_and_the_versions(
    snippets_project, monkeypatch
):
    shown = snippets_project / "snippets/topic/shown_torch.py"
    names = [
        p.relative_to(snippets_project).as_posix() for p in doctest_record.project_sources(shown)
    ]
    assert "snippets/topic/helper.py" in names  # imported inside the doctest
    before = doctest_record.record_key(shown)
    (snippets_project / "snippets/topic/helper.py").write_text("VALUE = 2\n")
    after_helper = doctest_record.record_key(shown)
    assert after_helper != before
    monkeypatch.setattr(doctest_record, "_environment", lambda: "other versions")
    assert doctest_record.record_key(shown) != after_helper


def test_the_build_runs_only_the_doctests_without_a_passing_record(snippets_project, monkeypatch):
    shown = snippets_project / "snippets/topic/shown_torch.py"
    other = snippets_project / "snippets/topic/other_torch.py"
    ran = []

    def fake_pytest(files):
        ran.append([f.name for f in files])
        for path in files:
            doctest_record.write_record(path, 1, by="pytest")

    monkeypatch.setattr(doctest_record, "_run_pytest", fake_pytest)
    doctest_record.write_record(shown, 2, by="pytest")  # as `nox -s tests` leaves it
    check = doctest_record.check_included([shown, other])
    assert ran == [["other_torch.py"]] and check.ran == ["snippets/topic/other_torch.py"]
    assert "ran 1 of 2" in check.timing()
    check = doctest_record.check_included([shown, other])  # a warm build runs nothing
    assert ran == [["other_torch.py"]] and "all 2 included files" in check.timing()
    shown.write_text(shown.read_text().replace("1\n", "2\n"))
    doctest_record.check_included([shown, other])
    assert ran[-1] == ["shown_torch.py"]  # an edited file has no record any more


# --- the notebook cache ---------------------------------------------------------------------


def _notebook_entry(path: Path, content: str = "<p>output</p>") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"content": content, "toc_tokens": [], "title": "T"}))


def test_a_torn_notebook_entry_is_discarded_and_new_ones_are_published_atomically(
    cache_dir, capsys
):
    real = notebook_cache.real_folder("k" * 64, "en")
    _notebook_entry(real / "good.json")
    (real / "torn.json").write_text('{"content": "<p>half an outp')
    staging = notebook_cache.NotebookStaging(real)
    folder = staging.open()
    assert sorted(p.name for p in folder.iterdir()) == ["good.json"]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "torn.json" in err[0] and "Discarded" in err[0]
    # mkdocs-jupyter renders the notebook again into the staging folder, and evicts there.
    _notebook_entry(folder / "torn.json", "<p>rendered again</p>")
    (folder / "good.json").unlink()
    (folder / "killed.json").write_text('{"content": "<p>cut')
    assert staging.publish() == [real / "torn.json"]
    assert not folder.exists()
    assert sorted(p.name for p in real.iterdir()) == ["good.json", "torn.json"]
    assert notebook_cache.entry_problem(real / "torn.json") is None


def test_the_notebook_key_covers_the_data(monkeypatch):
    first = generated.notebook_key({"t10k-images-idx3-ubyte.gz": "a" * 32})
    assert generated.notebook_key({"t10k-images-idx3-ubyte.gz": "b" * 32}) != first
    assert generated.notebook_key({"t10k-images-idx3-ubyte.gz": "a" * 32}) == first


def test_folders_of_old_notebook_keys_are_pruned(cache_dir):
    old = notebook_cache.real_folder("o" * 64, "en")
    current = notebook_cache.real_folder("c" * 64, "en")
    for folder in (old, current):
        _notebook_entry(folder / "entry.json")
        month_ago = time.time() - 30 * 86400
        os.utime(folder.parent, (month_ago, month_ago))
    dead = notebook_cache.notebooks_root() / notebook_cache.STAGING / "999999999-x-en"
    dead.mkdir(parents=True)
    assert notebook_cache.prune_keys("c" * 64) == [old.parent]
    assert current.is_dir() and not dead.exists()


# --- the site is replaced only by a successful build ----------------------------------------


def test_the_site_is_replaced_only_when_published(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("previous")
    failed = AtomicSite(target)
    (failed.start() / "index.html").write_text("half")
    assert failed.discard()
    assert (target / "index.html").read_text() == "previous"
    good = AtomicSite(target)
    (good.start() / "index.html").write_text("new")
    good.publish()
    assert (target / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_partial_sites_of_killed_builds_are_removed(tmp_path):
    leftover = tmp_path / ".site.partial-999999999" / "site"
    leftover.mkdir(parents=True)
    assert remove_leftovers(tmp_path / "site") == [leftover.parent]


# --- builds of a temporary copy -------------------------------------------------------------

# The cache folders whose results a copy reuses (warm: nothing is trained); the copy's
# notebook cache is its own, since these tests break it on purpose.
SHARED_RESULTS = (
    "mnist-runs",
    "benchmarks",
    "data-loading",
    "quantization",
    "mnist-data",
    "site-assets",
    "doctests",
    "fashion-runs",
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
    started = time.perf_counter()
    result = built.build(SITE_CACHE_DIR=str(blocker / "cache"))
    _assert_untouched(built, before, result)
    assert time.perf_counter() - started < 120
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
    (program, args, folder, contents), (_, plain_args, plain_folder, _) = calls
    assert program == "mkdocs" and "--fresh" not in args and "-q" in args
    assert contents == [] and not Path(folder).exists()  # empty during, removed after
    assert plain_folder is None and "--fresh" not in plain_args


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
