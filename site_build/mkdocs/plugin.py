"""The site's one MkDocs plugin (``site-build`` in mkdocs.yml): MkDocs' events, handed to core.

Registered by entry point in pyproject.toml. Every job is done in ``site_build.core``; this
module only says when:

- ``on_config``: read the claims ledger (a bad entry fails at once).
- ``on_pre_build`` (once per language): key mkdocs-jupyter's cache to the code the notebooks
  import; train, measure and draw what is out of date (``core/generated.py``).
- ``on_files``: put the generated figures, kept outside docs/, beside each language's pages.
- ``on_page_read_source``: a page that points to a file shows it (``core/page_source.py``).
- ``on_page_markdown``: a warning for each rule of the tests the page breaks
  (``core/checks.py``), the stale-translation notice (``core/translation_status.py``), then
  every ``{{ kind:arg }}`` placeholder (``core/placeholders.py``; the kinds are listed in
  ``core/generated.py``).
- ``on_post_build``: the ``Build timing`` summary.

A ``BuildError`` from core becomes a ``PluginError`` that names the page, what is wrong
and the fix.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger

from site_build.core import checks, translation_status
from site_build.core.cache import cache_root
from site_build.core.errors import BuildError
from site_build.core.generated import Generated, notebook_key
from site_build.core.layout import languages
from site_build.core.page_source import shown_markdown
from site_build.core.placeholders import render
from site_build.mkdocs import publish
from site_build.mkdocs.files import DEFAULT_LANGUAGE, add_figures

log = get_plugin_logger(__name__)


class SiteBuildPlugin(BasePlugin):
    def __init__(self) -> None:
        super().__init__()
        self.generated = Generated()

    def on_config(self, config, **_):
        with _as_plugin_error():
            self.generated.load_ledger()
        return config

    def on_pre_build(self, config, **_) -> None:
        _key_notebook_cache(config)
        with _as_plugin_error():
            self.generated.prepare()

    def on_files(self, files, config, **_):
        for folder, paths in Generated.figures(languages()).items():
            files = add_figures(files, config, folder, paths)
        return files

    def on_page_read_source(self, page, **_) -> str | None:
        """A pointer page's source; None lets MkDocs read ordinary pages itself."""
        with _as_plugin_error(page.file.src_path):
            return shown_markdown(Path(page.file.abs_src_path))

    def on_page_markdown(self, markdown: str, page, **_) -> str:
        language, *rest = PurePosixPath(page.file.src_uri).parts
        # What the tests would reject about this page (a missing or different translation,
        # a shown line too wide): the preview says so instead of looking right.
        for problem in checks.page_problems(language, "/".join(rest)):
            log.warning(problem)
        with _as_plugin_error(page.file.src_path):
            markdown = translation_status.with_notice(markdown, language, "/".join(rest))
            return render(markdown, language, page.file.src_path, self.generated.kinds())

    def on_post_build(self, config, **_) -> None:
        for line in self.generated.timings:
            print(f"Build timing | {line}")

    # Per-language search indexes, sitemaps, 404 pages and robots.txt
    # (site_build/mkdocs/publish.py): after each language's build, then after the last one
    # (mkdocs-static-i18n builds the other languages from its on_post_build, priority -100).
    @event_priority(-50)
    def _publish_language(self, config, **_) -> None:
        publish.after_language(config)

    @event_priority(-110)
    def _publish_site(self, config, **_) -> None:
        with _as_plugin_error():
            publish.after_site(config)

    on_post_build = CombinedEvent(on_post_build, _publish_language, _publish_site)


@contextmanager
def _as_plugin_error(where: str = ""):
    """Turn a core ``BuildError`` into MkDocs' ``PluginError``, naming where it happened."""
    try:
        yield
    except BuildError as error:
        message = str(error)
        if where and not message.startswith(where):
            message = f"{where}: {message}"
        raise PluginError(message) from None


def _key_notebook_cache(config) -> None:
    """Key mkdocs-jupyter's cache to the code the notebooks import, and keep one per language.

    Its own key covers a notebook's source alone; a notebook that calls the MNIST snippets
    must run again when they (or the libraries) change. And at the end of each build it
    deletes the entries that build did not use: the English build would delete the Spanish
    notebooks' entries and the other way round, so each language gets its own folder.
    """
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is None:
        return
    i18n = config.plugins.get("i18n")
    language = getattr(i18n, "current_language", None) or DEFAULT_LANGUAGE
    jupyter.config["cache_dir"] = str(cache_root() / "notebooks" / notebook_key()[:16] / language)
