"""mkdocs-jupyter's cache of executed notebooks, made safe to share and to interrupt.

mkdocs-jupyter keeps one JSON file per notebook in its ``cache_dir``, keyed on the
notebook's text and its options. It writes that file in place (a build killed while writing
leaves half a file, and every later build then fails reading it: "Unterminated string"),
trusts whatever it finds, and at the end of a build deletes every file of the folder that
the build did not use. So the site's plugin never lets it touch the real cache:

- ``NotebookStaging.open`` checks each entry of the real folder (discarding a corrupt one,
  with one line saying so) and gives mkdocs-jupyter a private staging folder holding links
  to the good entries;
- ``publish`` moves the entries it wrote there into the real folder with a rename (atomic),
  after checking them, and removes the staging folder.

The real folder is ``notebooks/<key>/<language>`` in the cache, where the key
(``generated.notebook_key``) covers what the notebooks' outputs depend on besides their
text: the code they import, the data's md5 sums and the library versions. ``prune`` removes
the folders of keys that no build has used for a week (another clone may still use them).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from pathlib import Path

from site_build.core.kit.cache import cache_root, discard, prune, touch
from site_build.core.site_swap import process_alive

STAGING = ".staging"
KEY_LENGTH = 16
KEY_MAX_AGE_DAYS = 7
KEYS_KEPT = 8


def notebooks_root() -> Path:
    return cache_root() / "notebooks"


def entry_problem(path: Path) -> str | None:
    """Why a cache file is not a complete mkdocs-jupyter entry, or None when it is one."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"not valid JSON: {error}"
    except OSError as error:
        return f"unreadable: {error.strerror}"
    if not isinstance(data, dict):
        return "not a JSON object"
    if not isinstance(data.get("content"), str) or not isinstance(data.get("toc_tokens"), list):
        return "no rendered content or table of contents"
    return None


def check_entries(folder: Path) -> list[Path]:
    """Discard the corrupt entries of ``folder`` (one line each); returns the good ones."""
    good = []
    for entry in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if problem := entry_problem(entry):
            discard(entry, problem)
        else:
            good.append(entry)
    return good


class NotebookStaging:
    """One build's private copy of one real cache folder."""

    def __init__(self, real: Path) -> None:
        self.real = real
        parent = real.parent.parent / STAGING
        self.path = parent / f"{os.getpid()}-{uuid.uuid4().hex[:8]}-{real.name}"

    def open(self) -> Path:
        self.real.mkdir(parents=True, exist_ok=True)
        touch(self.real.parent)  # this key is in use (see prune)
        self.path.mkdir(parents=True)
        for entry in check_entries(self.real):
            try:
                os.link(entry, self.path / entry.name)
            except OSError:  # no hard links on this file system
                shutil.copy2(entry, self.path / entry.name)
        return self.path

    def publish(self) -> list[Path]:
        """Move the complete entries mkdocs-jupyter wrote into the real folder; returns them."""
        published = []
        for entry in sorted(self.path.glob("*.json")) if self.path.is_dir() else []:
            target = self.real / entry.name
            if target.exists() and os.path.samefile(entry, target):
                continue
            if problem := entry_problem(entry):
                print(
                    f"Not caching an incomplete notebook output: {entry} ({problem})",
                    file=sys.stderr,
                )
                continue
            self.real.mkdir(parents=True, exist_ok=True)
            os.replace(entry, target)
            published.append(target)
        shutil.rmtree(self.path, ignore_errors=True)
        return published

    def discard(self) -> None:
        """Keep none of this build's entries: after an interrupt, a notebook whose execution
        was cut short can still be written as a well-formed entry, with outputs missing."""
        shutil.rmtree(self.path, ignore_errors=True)


def real_folder(key: str, language: str) -> Path:
    return notebooks_root() / key[:KEY_LENGTH] / language


def prune_keys(current: str) -> list[Path]:
    """Remove the key folders unused for a week (or beyond the newest few), and leftovers."""
    root = notebooks_root()
    staging = root / STAGING
    # Staging folders are named <pid>-...: those of killed builds are leftovers.
    for folder in staging.iterdir() if staging.is_dir() else []:
        if not process_alive(folder.name.split("-")[0]):
            shutil.rmtree(folder, ignore_errors=True)
    return prune(root, {current[:KEY_LENGTH]}, KEY_MAX_AGE_DAYS, keep_newest=KEYS_KEPT)
