"""Work the site's build runs for real: data, training runs, benchmarks, caches, figures,
reports, the claims ledger and the rules of pages and snippets. No MkDocs here.

Framework-specific code lives in ``snippets/`` (it is shown on the pages); the modules
here only orchestrate it, so a page never shows code that did not run.
"""
