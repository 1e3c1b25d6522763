"""Where generated results live, how their cache keys are made, and how they are written.

Two places, for two kinds of files:

- ``cache_root()``: results keyed by their content (training runs, benchmarks, notebook
  outputs, passing doctest records, the downloaded MNIST files). The same code, data and
  versions give the same key wherever the checkout is, so by default they live in the
  user's cache folder (``user_cache_dir()``) and a second clone on the same machine builds
  warm. ``$SITE_CACHE_DIR`` moves them; ``nox -s docs -- --fresh`` points it at an empty
  folder for one build.
- ``checkout_cache_root()``: ``.cache/`` in the checkout, for what belongs to this checkout
  only: the browser checks' screenshots (a picture of this checkout's built site) and files
  kept in a single place that a build overwrites in place, such as drawn figures. Shared
  with another clone on other code, such a file could be replaced by that clone's version
  while this build copies it into its site.

Generated files stay outside ``docs/``: MkDocs copies everything under ``docs/`` into the
site, and ``mkdocs serve`` would rebuild in a loop on every write there.

Every cache file is written atomically (``atomic_write_*``), read through a check
(``read_json`` discards a corrupt file with one line saying so, and the caller rebuilds it),
and computed under ``entry_lock`` so that two builds never compute the same entry at once.

Why this module is longer than the project's usual 300 lines: it holds the cache's folders,
keys, atomic writes, locks and pruning, each a few short functions, so that every cache of
the build follows the same rules from one place.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from site_build.core.errors import BuildError
from site_build.core.paths import ROOT

CACHE_ENV = "SITE_CACHE_DIR"
# The folder of this project inside the user's cache folder.
APP_FOLDER = "pytorch-vs-tensorflow-site"
# Temporary files of atomic writes start with "." and end with ".tmp" (see atomic_write_bytes).
TEMPORARY_SUFFIX = ".tmp"
# The free space a build needs in the cache folder, with a margin: a cold build writes tens
# of MiB there (the downloaded MNIST and Fashion-MNIST files alone are about 40 MiB, then
# runs, executed notebooks, figures); with less it would fail after minutes of doctests,
# training and notebook execution.
MIN_FREE_BYTES = 100 * 1024 * 1024
# Measured and trained results live under their content key (``keyed_path``):
# ``<cache>/results/<family>/<key>/``. ``prune_results`` removes a key unused for
# RESULTS_MAX_AGE_DAYS, then the least recently used keys while all of them together take more
# than RESULTS_MAX_BYTES; the keys this build uses, and those another build holds locked, stay.
RESULTS_FOLDER = "results"
RESULTS_MAX_AGE_DAYS = 30
RESULTS_MAX_BYTES = 1024 * 2**20  # 1 GiB: the matched MNIST runs' weights are a few MiB each
# Where earlier versions of the code kept one result per run name, overwritten by each
# version of the code: old path -> (family, the file's name under its key, or None to keep
# it). ``keyed_path`` moves each such result under the key it records (``migrate_old_layout``),
# and ``prune_results`` removes what is left there.
OLD_LAYOUT = {
    "data-loading": ("data-loading", None),
    "quantization": ("quantization", None),
    "mnist-runs": ("mnist-runs", None),
    "fashion-runs": ("fashion-runs", None),
    "benchmarks/full.json": ("benchmarks", "results.json"),
    "benchmarks/short.json": ("benchmarks", "results.json"),
}
_KEY = re.compile(r"[0-9a-f]{64}")
# The key folders this process has used (``keyed_path``): never pruned by it.
_in_use: set[Path] = set()


class CacheNotWritable(BuildError):
    """The cache folder cannot be written: found before anything is trained or measured."""


def user_cache_dir() -> Path:
    """This project's folder in the user's cache, by each platform's convention.

    Linux and other Unix: ``$XDG_CACHE_HOME`` (when absolute) or ``~/.cache``; macOS:
    ``~/Library/Caches``; Windows: ``%LOCALAPPDATA%``.
    """
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Caches"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else home / ".cache"
    return base / APP_FOLDER


def checkout_cache_root() -> Path:
    """``.cache/`` in this checkout (ignored by git): files that belong to this checkout only."""
    return ROOT / ".cache"


_default_root: Path | None = None


def cache_root() -> Path:
    """Where content-keyed results live: ``$SITE_CACHE_DIR`` if set, else the user's cache.

    When the user's cache folder cannot be created or written, what happens depends on
    what it holds:

    - Nothing (it is missing, or empty: a home folder that is read-only, as on some CI
      machines): the checkout's ``.cache/`` is used instead, with one line saying so.
      Nothing cached is lost.
    - Results of earlier builds: the build stops at once with the message an unwritable
      ``$SITE_CACHE_DIR`` gets (``not_writable``). Switching to ``.cache/`` would silently
      turn a warm build cold (every doctest run again, every model trained again), and
      reading the old folder while writing a new one would split every cache entry, its
      lock and its pruning between two folders. Stopping costs seconds, and the message
      names both fixes: make the folder writable, or choose one with ``$SITE_CACHE_DIR``.

    ``$SITE_CACHE_DIR`` itself is never replaced (``check_writable``).
    """
    global _default_root
    if configured := os.environ.get(CACHE_ENV):
        return Path(configured).resolve()
    if _default_root is None:
        preferred = user_cache_dir()
        if (problem := _writable_problem(preferred)) is None:
            _default_root = preferred
        elif _holds_entries(preferred):
            raise not_writable(
                preferred,
                problem,
                "It holds the results of earlier builds, which a build elsewhere would "
                "compute again.",
            )
        else:
            _default_root = checkout_cache_root()
            print(
                f"The user cache folder {preferred} is not writable; caching in "
                f"{_default_root} instead (set {CACHE_ENV} to choose the folder).",
                file=sys.stderr,
            )
    return _default_root


def _holds_entries(folder: Path) -> bool:
    """Whether ``folder`` holds anything (an unreadable folder counts: it may)."""
    try:
        return folder.is_dir() and any(folder.iterdir())
    except OSError:
        return True


def _writable_problem(folder: Path) -> str | None:
    """Why files cannot be created in ``folder`` (created if missing), or None.

    The probe writes a few bytes: on a full disk an empty file can still be created."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".probe.", suffix=TEMPORARY_SUFFIX)
        try:
            os.write(handle, b"\0" * 4096)
            os.fsync(handle)
        finally:
            os.close(handle)
            os.unlink(probe)
    except OSError as error:
        return error.strerror or str(error)
    return None


def _free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None  # not measurable here: the probe above is the only check


def check_writable(folders: list[Path] | None = None) -> None:
    """Fail at once, naming the folder and ``$SITE_CACHE_DIR``, when the cache is not writable
    or its disk has less than ``MIN_FREE_BYTES`` free.

    A build writes results, locks and records there; finding out after minutes of training
    wastes them. Checks the cache root and each folder of it that exists.
    """
    root = cache_root()
    candidates = folders if folders is not None else [root]
    if folders is None and root.is_dir():
        candidates += sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink())
    for folder in candidates:
        if problem := _writable_problem(folder):
            if problem == os.strerror(errno.ENOSPC):
                raise disk_full(folder, _free_bytes(folder))
            raise not_writable(folder, problem)
    free = _free_bytes(root)
    if free is not None and free < MIN_FREE_BYTES:
        raise disk_full(root, free)


def disk_full(folder: Path, free: int | None, before_build: bool = True) -> CacheNotWritable:
    """The error for a cache folder on a (nearly) full disk: the folder and the fixes;
    ``before_build`` False when the disk filled up while the build wrote ``folder``."""
    left = "" if free is None else f" ({free / 2**20:.0f} MiB free)"
    done = (
        "Nothing was trained or measured."
        if before_build
        else "It filled up during the build; the results it had finished are kept."
    )
    return CacheNotWritable(
        f"The disk of the cache folder {folder} is full{left}: a build needs about "
        f"{MIN_FREE_BYTES // 2**20} MiB there. {done} Free space on that disk, or set "
        f"{CACHE_ENV} to a folder on another disk (for example {CACHE_ENV}=/tmp/site-cache "
        "nox -s docs)."
    )


def not_writable(folder: Path, problem: str, note: str = "") -> CacheNotWritable:
    """The error for an unwritable cache folder: where it comes from and what to do."""
    source = (
        f"{CACHE_ENV}={os.environ[CACHE_ENV]}"
        if os.environ.get(CACHE_ENV)
        else f"the default cache folder ({CACHE_ENV} is not set)"
    )
    return CacheNotWritable(
        f"The cache folder {folder} is not writable ({problem}); it comes from {source}. "
        + (f"{note} " if note else "")
        + f"Nothing was trained or measured. Make it writable, or set {CACHE_ENV} to a "
        f"writable folder (for example {CACHE_ENV}=/tmp/site-cache nox -s docs)."
    )


def fingerprint(parts: dict[str, Any]) -> str:
    """A stable sha256 of named parts (file contents, settings, versions), in any order."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    digest = hashlib.new(algorithm)
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename it, so a reader never sees half a file.

    An interrupted build leaves either the previous file or none, never a truncated one
    that a later build would trust (a temporary file it leaves is removed by ``prune``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        # mkstemp makes the file private (0600); results and figures are meant to be read.
        os.chmod(temporary, 0o644)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            raise disk_full(path.parent, _free_bytes(path.parent), before_build=False) from None
        raise


def atomic_write_json(path: Path, value: Any) -> None:
    atomic_write_bytes(path, (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def discard(path: Path, reason: str, inode: int | None = None) -> None:
    """Remove a corrupt cache entry, saying so in one line; its owner rebuilds it.

    With ``inode``, the file is removed only if it is still the one that was read (another
    build may have replaced it with a good one meanwhile).
    """
    print(f"Discarded a corrupt cache entry, rebuilt instead: {path} ({reason})", file=sys.stderr)
    with contextlib.suppress(FileNotFoundError):
        if inode is None or path.stat().st_ino == inode:
            path.unlink()


def read_json(path: Path) -> Any | None:
    """The JSON in ``path``, or None when it is missing or corrupt (then it is rebuilt).

    A corrupt file (cut short, not UTF-8, not JSON) is removed with one line naming it.
    """
    try:
        with path.open("rb") as stream:
            inode = os.fstat(stream.fileno()).st_ino
            data = stream.read()
    except FileNotFoundError:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        discard(path, f"not UTF-8: {error.reason}", inode)
    except json.JSONDecodeError as error:
        discard(path, f"not valid JSON: {error.msg} at line {error.lineno}", inode)
    return None


@contextlib.contextmanager
def entry_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the cache entry ``path`` while it is computed and stored.

    Two builds (two terminals, ``nox -s docs`` beside ``nox -s serve``) that need the same
    result: the second waits here, then finds the result the first stored. Use it around the
    check *and* the computation, so the check is repeated once the lock is held::

        with entry_lock(results_path):
            cached = read_json(results_path)
            if not valid(cached):
                compute_and_store(results_path)

    The lock is ``.<name>.lock`` beside the entry, taken with ``flock`` (released by the
    system if the process dies); on Windows with ``msvcrt.locking``.
    """
    lock_path = path.with_name(f".{path.name}.lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+b")  # noqa: SIM115 - closed by the with below
    except OSError as error:  # before anything is computed, not after
        raise not_writable(path.parent, error.strerror or str(error)) from None
    with handle:
        if not _try_lock(handle):
            print(
                f"Waiting for another build that is computing {path} (lock {lock_path}).",
                file=sys.stderr,
                flush=True,
            )
            _lock(handle)
        try:
            yield
        finally:
            _unlock(handle)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _lock(handle) -> None:
        while not _try_lock(handle):
            time.sleep(0.5)

    def _unlock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        return True

    def _lock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def touch(path: Path) -> None:
    """Mark a cache entry as used now, so that ``prune`` keeps it."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(folder: Path, keep: set[str], max_age_days: float, keep_newest: int = 0) -> list[Path]:
    """Remove the entries of ``folder`` (files or folders) that no build has used lately.

    The cache may be shared by several clones on other versions of the code, so an entry of
    another key is not stale at once: it goes when it has not been used (``touch``) for
    ``max_age_days``, or when ``keep_newest`` more recently used entries exist. Names in
    ``keep`` and lock files always stay. Returns what was removed.
    """
    if not folder.is_dir():
        return []
    entries = [
        p
        for p in folder.iterdir()
        if p.name not in keep and not p.name.endswith(".lock") and not p.name.startswith(".")
    ]
    entries.sort(key=_mtime, reverse=True)
    cutoff = time.time() - max_age_days * 86400
    removed = []
    for index, entry in enumerate(entries):
        if _mtime(entry) < cutoff or (keep_newest and index >= keep_newest):
            _remove(entry)
            removed.append(entry)
    return removed


def prune_temporaries(folder: Path, max_age_hours: float = 1.0) -> list[Path]:
    """Remove the temporary files that interrupted atomic writes left (``.NAME.*.tmp``)."""
    if not folder.is_dir():
        return []
    cutoff = time.time() - max_age_hours * 3600
    removed = []
    for temporary in folder.rglob(f".*{TEMPORARY_SUFFIX}"):
        if temporary.is_file() and _mtime(temporary) < cutoff:
            _remove(temporary)
            removed.append(temporary)
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def keyed_path(family: str, key: str, name: str) -> Path:
    """Where the result ``name`` of ``family`` with the content key ``key`` lives:
    ``<cache>/results/<family>/<key>/<name>``, with the files that belong to it beside it.

    The key covers what is measured (snippet files, settings, data, versions, machine, the
    family's ``METHOD``), so two versions of the code keep two entries side by side: clones
    and branches share one cache, and switching back finds the first entry untouched. The
    key's folder is marked used now and in use by this build, so ``prune_results`` keeps it.
    """
    if not _KEY.fullmatch(key):
        raise ValueError(f"{family}: a cache key is 64 hexadecimal digits (a sha256), not {key!r}")
    root = cache_root()
    migrate_old_layout(root)
    entry = root / RESULTS_FOLDER / family / key
    _in_use.add(entry)
    touch(entry)
    return entry / name


def migrate_old_layout(root: Path) -> list[Path]:
    """Move the results of the old layout (``OLD_LAYOUT``) under the key each one records,
    with the files beside it that share its name (an MNIST run's weights), so that a warm
    cache stays warm (when there is none, this costs a few ``exists`` calls). A file that
    records no key (corrupt, or of a format before keys) is left for ``prune_results``.
    Returns the key folders the results went to."""
    if not any((root / old).exists() for old in OLD_LAYOUT):
        return []
    moved = []
    # Two builds that start at once: the second finds the files moved.
    with entry_lock(root / RESULTS_FOLDER):
        for old, (family, name) in OLD_LAYOUT.items():
            source = root / old
            files = sorted(source.glob("*.json")) if source.is_dir() else [source]
            for path in (p for p in files if p.is_file() and not p.name.startswith(".")):
                value = read_json(path)
                key = value.get("key") if isinstance(value, dict) else None
                if not isinstance(key, str) or not _KEY.fullmatch(key):
                    continue
                entry = root / RESULTS_FOLDER / family / key
                target = entry / (name or path.name)
                if target.exists():
                    continue  # stored under its key already: the old copy is pruned
                entry.mkdir(parents=True, exist_ok=True)
                if source.is_dir():
                    for companion in path.parent.glob(f"{path.stem}.*"):
                        if companion != path and companion.is_file():
                            os.replace(companion, entry / companion.name)
                os.replace(path, target)
                moved.append(entry)
    return moved


def prune_results(
    max_age_days: float = RESULTS_MAX_AGE_DAYS, max_bytes: int = RESULTS_MAX_BYTES
) -> list[Path]:
    """Remove the result keys of every family that no build has used lately.

    First the keys unused (``keyed_path``) for ``max_age_days``; then, while what is left
    takes more than ``max_bytes``, the least recently used. The keys this process used and
    those another build holds locked (computing them now) are never removed. What is left of
    the old layout (``OLD_LAYOUT``: files ``migrate_old_layout`` could not move, locks) is
    removed. Returns what was removed.
    """
    root = cache_root()
    removed = []
    for old in OLD_LAYOUT:
        path = root / old
        if path.exists():
            _remove(path)
            removed.append(path)
        if path.suffix:
            _remove(path.with_name(f".{path.name}.lock"))
    entries = [
        entry
        for family in _children(root / RESULTS_FOLDER)
        if family.is_dir()
        for entry in _children(family)
        if entry.is_dir() and entry not in _in_use and not _busy(entry)
    ]
    entries.sort(key=_mtime)  # least recently used first
    cutoff = time.time() - max_age_days * 86400
    kept = []
    for entry in entries:
        if _mtime(entry) < cutoff:
            _remove(entry)
            removed.append(entry)
        else:
            kept.append(entry)
    total = sum(
        _size(entry) for family in _children(root / RESULTS_FOLDER) for entry in _children(family)
    )
    for entry in kept:
        if total <= max_bytes:
            break
        total -= _size(entry)
        _remove(entry)
        removed.append(entry)
    return removed


def _children(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if not p.name.startswith(".")]
    except OSError:
        return []


def _size(path: Path) -> int:
    """The bytes of the files in ``path`` (a file another build removes meanwhile counts 0)."""
    total, files = 0, [path]
    with contextlib.suppress(OSError):
        files += path.rglob("*") if path.is_dir() else []
    for file in files:
        with contextlib.suppress(OSError):
            if file.is_file() and not file.is_symlink():
                total += file.stat().st_size
    return total


def _busy(entry: Path) -> bool:
    """Whether another build holds a lock in ``entry`` (it is computing that result now)."""
    for lock_path in entry.glob(".*.lock"):
        try:
            with open(lock_path, "a+b") as handle:
                if not _try_lock(handle):
                    return True
                _unlock(handle)
        except OSError:
            return True
    return False
