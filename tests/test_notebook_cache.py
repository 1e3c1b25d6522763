"""The notebook cache (site_build/core/notebook_cache.py and ``generated.notebook_key``): a
torn entry is discarded and rebuilt, new ones are published atomically, old keys pruned."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from site_build.core import generated, notebook_cache

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
