"""The content-keyed cache (site_build/core/kit/cache.py): where it lives, atomic writes,
checked reads, pruning, the lock around a computed entry, and a cache that cannot be written
reported before anything is trained."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from site_build.core.kit import cache
from site_build.core.mnist import runs as mnist_runs
from site_build.core.mnist import spec as mnist_spec
from site_build.core.mnist.spec import RUNS
from site_build.core.paths import ROOT
from tests.stand_ins import (
    at_once,
    write_run,
)

# --- caches: location, atomic writes, checked reads, pruning, locks ---------------------------


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


def _stored(family: str, key: str, size: int, days_ago: float) -> Path:
    """A result of ``size`` bytes stored under ``key``, last used ``days_ago``."""
    path = cache.keyed_path(family, key, "result.json")
    cache.atomic_write_bytes(path, b"x" * size)
    when = time.time() - days_ago * 86400
    os.utime(path.parent, (when, when))
    return path.parent


@pytest.fixture
def fresh_build(monkeypatch):
    """A build that has used no key yet (``keyed_path`` marks the keys a build uses)."""
    monkeypatch.setattr(cache, "_in_use", set())


def test_results_live_under_their_content_key(cache_dir, fresh_build):
    one, two = "1" * 64, "2" * 64
    assert cache.keyed_path("data-loading", one, "t.json") == (
        cache_dir / "results" / "data-loading" / one / "t.json"
    )
    assert cache.keyed_path("data-loading", two, "t.json").parent != (
        cache.keyed_path("data-loading", one, "t.json").parent
    )
    with pytest.raises(ValueError, match="64 hexadecimal digits"):
        cache.keyed_path("data-loading", "matched-torch", "t.json")


def test_results_unused_for_the_stated_days_are_pruned(cache_dir, fresh_build, monkeypatch):
    old = _stored("fashion-runs", "a" * 64, 10, cache.RESULTS_MAX_AGE_DAYS + 1)
    recent = _stored("mnist-runs", "b" * 64, 10, cache.RESULTS_MAX_AGE_DAYS - 1)
    monkeypatch.setattr(cache, "_in_use", set())  # used by another build, not this one
    assert cache.prune_results() == [old]
    assert recent.is_dir() and not old.exists()


def test_the_least_recently_used_results_go_beyond_the_size_limit(
    cache_dir, fresh_build, monkeypatch
):
    oldest = _stored("mnist-runs", "a" * 64, 600, 3)
    middle = _stored("fashion-runs", "b" * 64, 600, 2)
    newest = _stored("mnist-runs", "c" * 64, 600, 1)
    monkeypatch.setattr(cache, "_in_use", set())
    assert cache.prune_results(max_bytes=1300) == [oldest]
    assert cache.prune_results(max_bytes=700) == [middle]
    assert newest.is_dir()


def test_results_this_build_uses_or_another_build_computes_are_never_pruned(
    cache_dir, fresh_build, monkeypatch
):
    used = _stored("data-loading", "a" * 64, 600, cache.RESULTS_MAX_AGE_DAYS + 5)
    computing = _stored("quantization", "b" * 64, 600, cache.RESULTS_MAX_AGE_DAYS + 5)
    monkeypatch.setattr(cache, "_in_use", {used})
    other_build = threading.Event()
    release = threading.Event()

    def hold_lock():
        with cache.entry_lock(computing / "result.json"):
            other_build.set()
            release.wait(10)

    # flock locks belong to an open file: a lock held through another handle, as another
    # process would hold it.
    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert other_build.wait(10)
        assert cache.prune_results(max_bytes=0) == []
    finally:
        release.set()
        holder.join()
    assert cache.prune_results(max_bytes=0) == [computing]
    assert used.is_dir()


def test_results_in_the_old_layout_move_under_their_key_and_the_rest_is_pruned(
    cache_dir, fresh_build
):
    """A warm cache of the old layout (one file per run name) stays warm: each result that
    records its key moves under it, an MNIST run with its weights; the rest is removed."""
    runs, bench, fashion = (
        cache_dir / name for name in ("mnist-runs", "benchmarks", "fashion-runs")
    )
    for folder in (runs, bench, fashion):
        folder.mkdir(parents=True)
    run_key, bench_key = "a" * 64, "b" * 64
    (runs / "matched-torch.json").write_text(json.dumps({"key": run_key, "run": "matched-torch"}))
    (runs / "matched-torch.pt").write_bytes(b"weights")
    (runs / ".matched-torch.json.lock").write_bytes(b"")
    (bench / "short.json").write_text(json.dumps({"key": bench_key}))
    (bench / ".short.json.lock").write_bytes(b"")
    (bench / "scratch").mkdir()  # not a result: kept
    (fashion / "build-tf-2026.json").write_text(json.dumps({"run": "build-tf-2026"}))  # no key

    moved = cache.keyed_path("mnist-runs", run_key, "matched-torch.json")
    assert json.loads(moved.read_text())["run"] == "matched-torch"
    assert (moved.parent / "matched-torch.pt").read_bytes() == b"weights"
    assert cache.keyed_path("benchmarks", bench_key, "results.json").is_file()
    removed = cache.prune_results()
    assert sorted(removed) == [fashion, runs]
    assert sorted(p.name for p in bench.iterdir()) == ["scratch"]
    assert moved.is_file() and (moved.parent / "matched-torch.pt").is_file()


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
        write_run(spec, mnist_spec.cache_key(spec, md5s))

    monkeypatch.setattr(mnist_runs, "_train_in_subprocess", fake_training)
    at_once(mnist_runs.ensure_results)
    assert sorted(trained) == sorted(RUNS)
