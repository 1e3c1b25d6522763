"""The code that builds the site, in two layers that import one way.

- ``site_build.core``: data, training runs, benchmarks, caches, figures, reports, the
  claims ledger and the page rules. It imports ``snippets`` (the framework code that pages
  show) and never MkDocs.
- ``site_build.mkdocs``: the MkDocs plugin (``site-build`` in mkdocs.yml), a thin adapter
  that hands MkDocs' events to ``core``.

``tests/test_layers.py`` fails on an import that points the other way.
"""
