"""The errors a contributor can act on. Every message says what is wrong and how to fix it.

The MkDocs plugin turns a ``BuildError`` into MkDocs' ``PluginError``, adding the page it
was building; nothing in ``site_build.core`` knows about MkDocs.
"""

from __future__ import annotations


class BuildError(RuntimeError):
    """Something in the project stops the build: data, a training run, a ledger, a page."""


class PlaceholderError(BuildError):
    """A ``{{ kind:arg }}`` on a page that cannot be filled; the message names it and the fix."""
