"""The MkDocs adapter: the ``site-build`` plugin (mkdocs.yml) and what only MkDocs needs."""
