"""MkDocs hooks, one job per module; mkdocs.yml names each. A package so tests can import them."""
