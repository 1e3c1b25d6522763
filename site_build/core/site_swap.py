"""Build the site beside the previous one and put it in place only when the build succeeded.

MkDocs empties its ``site_dir`` before it renders, so a failed or interrupted build (a bad
include on one page, an exception, Ctrl-C while a notebook runs) would leave no site, or
half of one. ``AtomicSite`` gives the build a fresh folder beside the target
(``.<name>.partial-<pid>/<name>``, on the same file system, so that moving it is a rename)
and either ``publish``es it over the target or ``discard``s it, leaving the target as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from pathlib import Path

# A partial folder of a process that no longer runs, or older than this, is a leftover.
LEFTOVER_HOURS = 24


class AtomicSite:
    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self.partial = self.target.parent / f".{self.target.name}.partial-{os.getpid()}"
        self.staging = self.partial / self.target.name

    def start(self) -> Path:
        """Remove leftovers of killed builds and return the empty folder to build into."""
        remove_leftovers(self.target)
        shutil.rmtree(self.partial, ignore_errors=True)
        self.staging.mkdir(parents=True)
        return self.staging

    @property
    def pending(self) -> bool:
        return self.partial.exists()

    def publish(self) -> None:
        """Put the new site in place of the previous one (two renames), then remove the old."""
        previous = self.partial / f"{self.target.name}.previous"
        try:
            if self.target.exists():
                os.replace(self.target, previous)
            os.replace(self.staging, self.target)
        except OSError:
            # The target may be a mount point (a container volume), which cannot be renamed:
            # replace its contents instead.
            _replace_contents(self.target, self.staging)
        shutil.rmtree(self.partial, ignore_errors=True)

    def discard(self) -> bool:
        """Remove the unfinished site; True when there was one."""
        if not self.partial.exists():
            return False
        shutil.rmtree(self.partial, ignore_errors=True)
        return True


def _replace_contents(target: Path, source: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in source.iterdir():
        shutil.move(str(child), str(target / child.name))


def remove_leftovers(target: Path) -> list[Path]:
    """Partial folders of builds that were killed (their process is gone) beside ``target``."""
    removed = []
    if not target.parent.is_dir():
        return removed
    for folder in target.parent.glob(f".{target.name}.partial-*"):
        pid = folder.name.rpartition("-")[2]
        if pid == str(os.getpid()):
            continue
        if not process_alive(pid) or _age_hours(folder) > LEFTOVER_HOURS:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def process_alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would end the process there
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _age_hours(path: Path) -> float:
    with contextlib.suppress(OSError):
        return (time.time() - path.stat().st_mtime) / 3600
    return 0.0
