"""The YAML parser for the files the build reads: claims, catalogs, mkdocs.yml, comments.

PyYAML's pure-Python parser took about half a second of every warm build on this project's
files; libyaml's parser (``yaml.CSafeLoader``, in PyYAML's wheels) reads the same YAML into
the same values about ten times faster. The safe constructors are the same in both, so a
loader built on ``SafeLoader`` here still refuses ``!!python/...`` tags unless it says
otherwise. Where PyYAML was built without libyaml, the pure-Python loader is used.
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with libyaml's parser when it is there."""
    return yaml.load(text, Loader=SafeLoader)
