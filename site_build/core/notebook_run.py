"""Executing the site's notebooks: each jupytext notebook once per build, cached.

The notebook pages (``site_build/mkdocs/notebook_pages.py``) render and offer for download
what ``executed_notebook`` returns; the build's units of work (``units.py``) execute the
notebooks ahead of a build, on another machine if need be, through the same function, so a
shard's cache holds exactly the file a build would have written.

An executed notebook is cached on its text, on this module's code (it decides how a notebook
is executed and what is kept) and on what its outputs depend on (``generated.notebook_key``):
``notebooks/<key>/executed/<text>/<language>/notebooks/<name>.ipynb`` in the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import threading
from pathlib import Path

from site_build.core import notebook_schemes
from site_build.core.errors import BuildError
from site_build.core.generated import notebook_key
from site_build.core.kit.cache import atomic_write_bytes
from site_build.core.notebook_cache import KEY_LENGTH, real_folder
from site_build.core.paths import ROOT

PAGE_ONLY_TAG = "page-only"
CELL_TIMEOUT_S = 600
# The kernel colours the name of an error; a build's message is plain text.
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def download_name(source: Path) -> str:
    return source.with_suffix(".ipynb").name


def executed_notebook(source: Path) -> tuple[Path, bool]:
    """The jupytext notebook `source`, executed from the project root, as an .ipynb file, and
    whether this call executed it (False: it came from the cache).

    Every cell is kept (the page renders ``page-only`` cells; ``download`` drops them).
    Cached on the notebook's text and on what its outputs depend on (``notebook_key``).
    """
    cached = executed_path(source)
    if cached.is_file() and readable(cached):
        return cached, False
    atomic_write_bytes(cached, _execute(source))
    return cached, True


def executed_path(source: Path) -> Path:
    """Where the executed notebook of ``source`` is cached under its current key."""
    key = notebook_key()
    # This module's code too: it decides how a notebook is executed and what is kept.
    # notebook_schemes.py too: it draws the figures' dark versions.
    code = Path(__file__).read_bytes() + Path(notebook_schemes.__file__).read_bytes()
    text = hashlib.sha256(source.read_bytes() + code).hexdigest()
    text = text[:KEY_LENGTH]
    # In the key's folder of the rendered pages' cache (pruned with it), named as the page's
    # source, so mkdocs-jupyter gives the page the same title wherever the file is.
    language = source.parent.parent.name
    folder = real_folder(key, language).parent / "executed" / text / language / "notebooks"
    return folder / download_name(source)


def readable(executed: Path) -> bool:
    """A cached notebook that no longer parses (a damaged disk, a hand edit) is executed
    again rather than published broken."""
    try:
        json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return False
    return True


def download(executed: Path) -> bytes:
    """The executed notebook as a reader downloads it: without the ``page-only`` cells."""
    # The figures as they ran: without the dark versions the page shows.
    notebook = notebook_schemes.light_only(json.loads(executed.read_text(encoding="utf-8")))
    notebook["cells"] = [
        cell
        for cell in notebook["cells"]
        if PAGE_ONLY_TAG not in cell.get("metadata", {}).get("tags", [])
    ]
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _execute(source: Path) -> bytes:
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = jupytext.read(source)
    notebook.metadata.pop("jupytext", None)
    notebook_schemes.add_cells(notebook)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        allow_errors=False,
        resources={"metadata": {"path": str(ROOT)}},
    )
    # nbclient replaces the Ctrl-C handler while it runs (its own shuts the kernel down) and
    # puts Python's default back afterwards: the build's handler, which notes the interrupt
    # (plugin.py), is restored here, and an interrupt is raised as one, not as the kernel
    # errors nbclient ends with (DeadKernelError, then an AssertionError in its cleanup).
    main_thread = threading.current_thread() is threading.main_thread()
    handler = signal.getsignal(signal.SIGINT) if main_thread else None
    try:
        client.execute(cwd=str(ROOT), env=dict(os.environ))
    except CellExecutionError as error:
        last_line = ANSI_COLOUR.sub("", str(error).strip().splitlines()[-1])
        raise BuildError(
            f"{source}: a cell failed while executing the notebook: {last_line}"
        ) from None
    except Exception as error:
        if getattr(client, "_async_cleanup_kernel_future", None) is not None:  # a signal
            raise KeyboardInterrupt(f"{source}: interrupted while it ran") from error
        raise
    finally:
        if main_thread and handler is not None:
            signal.signal(signal.SIGINT, handler)
    try:
        notebook_schemes.merge(notebook)
    except ValueError as error:
        raise BuildError(f"{source}: the dark version of a figure: {error}") from None
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = _without_startup_logs(cell.outputs)
    return nbformat.writes(notebook).encode("utf-8") + b"\n"


# TensorFlow's C++ start-up lines (absl's "I0000 00:00:1796... port.cc:153] oneDNN custom
# operations are on ...") reach the kernel's stderr before TF_CPP_MIN_LOG_LEVEL applies.
# They carry a timestamp and a process id and say nothing about the notebook, so they are
# taken out of its outputs; any other stderr text stays.
STARTUP_LOG_LINE = re.compile(
    r"^(?:WARNING: All log messages before absl::InitializeLog\(\) is called are written to "
    r"STDERR|[IWE]\d{4} \d\d:\d\d:[\d.]+\s+\d+ [\w.]+:\d+\] .*)$"
)


def _without_startup_logs(outputs: list) -> list:
    kept = []
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            lines = output["text"].splitlines(keepends=True)
            output["text"] = "".join(line for line in lines if not STARTUP_LOG_LINE.match(line))
            if not output["text"]:
                continue
        kept.append(output)
    return kept
