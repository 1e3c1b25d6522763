"""Work the site's build runs for real: MNIST data, training runs, their cache and plots.

Framework-specific code lives in ``snippets/`` (it is shown on the pages); the modules
here only orchestrate it, so a page never shows code that did not run.
"""
