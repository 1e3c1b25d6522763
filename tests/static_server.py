"""A folder served on 127.0.0.1, as a static host serves it, for the checks that need one.

The browser checks (tests/browser/) and Lighthouse (tests/lighthouse/run.py) load the built
site from it, Lighthouse with text compressed (``GzipHandler``), and the data loaders' tests
make it stand in for a download mirror (tests/stand_ins.py). Only the standard library: each
of them runs in its own environment.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

# What GzipHandler compresses: the text types a static host (GitHub Pages) compresses.
COMPRESSED = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "text/xml",
    "application/xml",
    "image/svg+xml",
    "text/plain",
)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """The folder's files as they are."""

    def log_message(self, format, *args):  # the request log would drown the test output
        pass


class GzipHandler(QuietHandler):
    """The folder's files, gzip-compressed for text types when the browser accepts it."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
        ".ipynb": "application/json",
    }

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's URL
            path = path / "index.html"
        kind = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and accepts and kind in COMPRESSED):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header(
            "Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else "")
        )
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        self.end_headers()
        return _Body(body)


class _Body:
    """A compressed body, handed to ``copyfile`` as if it were the file."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


class _Server(http.server.ThreadingHTTPServer):
    # A browser hangs up on the requests it cancels (leaving a page): not a failure of
    # the server, and its traceback would drown the test output.
    def finish_request(self, request, client_address):
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().finish_request(request, client_address)


@contextlib.contextmanager
def serve(
    folder: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 at a free port; yields the base URL (ending in /)."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
