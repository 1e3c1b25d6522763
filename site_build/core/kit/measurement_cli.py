"""The command line of the measuring pages (``bench/measure.py``, ``data_loading/measure.py``,
``quantization/``): the same ``--force``, the same error line and exit status, and one line
that says whether the result was measured now (and in how long) or read from the cache.

    python -m site_build.core.<folder>[.measure] [--force]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from site_build.core.errors import BuildError

Result = TypeVar("Result")


def parser(description: str, command: str) -> argparse.ArgumentParser:
    """A parser with ``--force`` for ``command`` (``python -m ...``, as its usage line shows
    it); each module adds its own options."""
    found = argparse.ArgumentParser(prog=command, description=description)
    found.add_argument("--force", action="store_true", help="measure even when cached")
    return found


def report(
    ensure: Callable[[], tuple[Result, bool]],
    outcome: Callable[[Result], tuple[str, float, Path]],
    digits: int = 0,
) -> int:
    """Run ``ensure`` (which returns (result, measured)) and print what happened; the exit
    status. ``outcome`` gives the line's name, the seconds the measurement took and the
    results file; ``digits``: the seconds' decimals."""
    try:
        result, measured = ensure()
    except BuildError as error:  # a failed measurement, missing data: the message says
        print(f"error: {error}", file=sys.stderr)
        return 1
    name, seconds, path = outcome(result)
    state = f"measured in {seconds:.{digits}f} s" if measured else "cached"
    print(f"{name}: {state}; {path}")
    return 0
