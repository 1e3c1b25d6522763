"""Where generated results live, how their cache keys are made, and how they are written.

Generated files stay outside ``docs/``: MkDocs copies everything under ``docs/`` into the
site, and ``mkdocs serve`` would rebuild in a loop on every write there.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from site_build.core.paths import ROOT

CACHE_ENV = "SITE_CACHE_DIR"


def cache_root() -> Path:
    """``$SITE_CACHE_DIR`` if set (copies of the project share one cache), else ``.cache/``."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured).resolve() if configured else ROOT / ".cache"


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
    that a later build would trust.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); results and figures are meant to be read.
        os.chmod(temporary, 0o644)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, value: Any) -> None:
    atomic_write_bytes(path, (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def read_json(path: Path) -> Any | None:
    """The JSON in ``path``, or None when it is missing or unreadable (then it is rebuilt)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None
