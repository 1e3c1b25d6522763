"""The site's one MkDocs plugin (``site-build`` in mkdocs.yml): MkDocs' events, handed to core.

Registered by entry point in pyproject.toml. Every job is done in ``site_build.core``; this
module only says when:

- ``on_startup``: note whether this is a build (written beside the previous site, put in
  place only on success: ``core/site_swap.py``) or ``mkdocs serve`` / a dirty build (which
  write where MkDocs says: serve renders into its own temporary folder).
- ``on_config``: read the claims ledger (a bad entry fails at once); a build without
  ``SITE_URL`` is a preview: its pages are marked ``noindex`` and its summary says so, and a
  build to publish (``SITE_PUBLISH``) stops without it (``mkdocs/publish.py``); the
  includes of a translated language's pages show the code comments in that language
  (``mkdocs/comment_includes.py``).
- ``on_pre_build``: once per build, give MkDocs an empty folder beside the site to render
  into; stop, in the tests' words, on an include of a missing snippet file or section or of
  a file that is not valid Python, on a broken placeholder, and in a strict build on any
  rule a page breaks (``core/checks.py``); check that the cache is writable and run the
  doctests of included snippets that have no passing record (``core/doctest_record.py``).
  Then ``core/stage.py``'s ``ensure``: train, measure and draw what is out of date
  (``core/generated.py``) and write the staged docs tree, unless its key is staged
  already (``nox -s docs`` stages first). Everything generated that the site shows comes
  from that tree. Under ``mkdocs serve`` such a problem (a broken placeholder included)
  does not fail the rebuild (the browser would wait for it): every page shows it
  (``checks.problem_page``) until a save fixes it. Then, for each language, give
  mkdocs-jupyter a checked staging copy of its cache (``core/notebook_cache.py``).
- ``on_files``: put what the stage added beside each language's pages (figures, their CSV
  data, the notebooks' downloads: ``mkdocs/files.py``) on the site.
- ``on_pre_page``: a notebook page renders from its staged executed ``.ipynb``.
- ``on_page_read_source``: an ordinary page is its staged file (``stage.page_for_build``:
  placeholders, claims' footnotes, the stale-translation notice and the line under the
  title filled in; a page that points to a file shows that file).
- ``on_page_markdown``: a warning for each rule of the tests the page breaks
  (``core/checks.py``); the page, includes expanded, is kept for its Markdown copy
  (``mkdocs/reader_files.py``). Nothing is filled here.
- ``on_post_page``: a notebook page links shared CSS instead of inlining it and must link
  its download (``mkdocs/notebook_pages.py``); every page gets its Markdown copy beside it.
- ``on_post_build``: after each language, its own search index; when every language is
  built, the sitemaps, 404 pages and robots.txt (``mkdocs/publish.py``), each language's
  ``llms.txt`` and the claims as JSON (``mkdocs/reader_files.py``), then keep the
  notebooks' new cache entries, put the new site in place and print the ``Build timing``
  summary (each step once, with what each language's pass did: ``core/generated.py``).
- ``on_build_error`` / ``on_shutdown``: a failed or interrupted build leaves the previous
  site as it was, and says so.

A ``BuildError`` from core becomes a ``PluginError`` that names the page, what is wrong
and the fix.

The i18n plugin builds the other languages from inside the first build's ``on_post_build``,
so MkDocs' events arrive nested: ``_build_depth`` tells the outer build from those.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.utils import CountHandler

from site_build.core import (
    checks,
    notebook_cache,
    stage,
)
from site_build.core.errors import BuildError
from site_build.core.generated import Generated, notebook_key
from site_build.core.kit.cache import (
    cache_root,
    prune_results,
    prune_temporaries,
)
from site_build.core.site_swap import AtomicSite
from site_build.mkdocs import (
    code_spans,
    images,
    notebook_pages,
    publish,
    reader_files,
    tables,
)
from site_build.mkdocs.comment_includes import use_language
from site_build.mkdocs.files import DEFAULT_LANGUAGE, add_staged

log = get_plugin_logger(__name__)


class SiteBuildPlugin(BasePlugin):
    def __init__(self) -> None:
        super().__init__()
        self.generated = Generated()
        self.reader = reader_files.ReaderFiles()  # llms.txt and the pages' Markdown copies
        self.atomic = True  # `mkdocs build` and gh-deploy; not serve, not --dirty
        self.serving = False  # `mkdocs serve`: a problem is shown on every page
        self._problem: str | None = None  # what the preview shows instead of the pages
        self._jupyter_settings: dict | None = None  # mkdocs-jupyter's, while a problem shows
        self._build_depth = 0
        self._built = dt.date.today()  # the build's day, for every page's verified line
        self._site: AtomicSite | None = None
        self._warnings: CountHandler | None = None
        self._notebooks: list[notebook_cache.NotebookStaging] = []
        self._timings: list[str] = []
        # The staged tree this build reads its pages, figures and notebooks from.
        self._staged: Path | None = None
        # Notebook pages rendered from their staged executed copy: page -> source.
        self._notebook_sources: dict[str, Path] = {}
        self._sigint_seen = False
        self._previous_sigint = None
        # For the Build timing lines: Python's start, the imports and reading mkdocs.yml
        # (until on_startup; the first build only), and each language's MkDocs rendering.
        self._startup: str | None = None
        self._rendering: dict[str, float] = {}
        self._rendered: list[str] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this plugin alive across `mkdocs serve` rebuilds;
        # every build below starts from a clean state in on_config.
        self.atomic = command != "serve" and not dirty
        self.serving = command == "serve"
        self._startup = _startup_timing()

    def on_config(self, config, **_):
        if self._build_depth == 0:
            with _as_plugin_error():
                publish.check_publishable()  # `nox -s docs -- --publish` needs SITE_URL
            self._start_build(config)
        # Read by overrides/main.html: a preview's pages tell search engines not to index them.
        config.extra["preview_build"] = publish.is_preview()
        # This language's pages show the code comments in its words (comment_includes.py).
        use_language(config, _language(config), DEFAULT_LANGUAGE)
        try:
            self.generated.load_ledger()
        except BuildError as error:
            if not self.serving:
                raise PluginError(str(error)) from None
            if self._problem is None:
                self._show_problem_in_the_preview(str(error))
        return config

    def on_pre_build(self, config, **_) -> None:
        self._build_depth += 1
        with _as_plugin_error():
            if self._build_depth == 1:
                self._render_beside_the_site(config)
                try:
                    if self._problem is None:
                        self._check_before_anything_runs(config)
                        self._stage()
                except BuildError as error:
                    if not self.serving:
                        raise
                    self._show_problem_in_the_preview(str(error))
            self._notebooks_as_problem_pages(config, self._problem is not None)
            if self._problem is not None:
                return  # nothing was staged: the pages show the problem
            self._key_notebook_cache(config)
            # MkDocs reads, renders and writes this language's pages from here on.
            self._rendering[_language(config)] = time.perf_counter()

    def on_files(self, files, config, **_):
        if self._problem is not None:
            return files  # nothing was staged; every page shows the problem instead
        return add_staged(files, config, self._staged)

    def on_env(self, env, config, files, **_):
        """The footer's links to llms.txt and claims.json, in each language's words."""
        env.globals["reader_files_text"] = reader_files.TEXT
        return env

    def on_nav(self, nav, config, **_):
        self.reader.keep_nav(_language(config), nav)
        return nav

    # Before mkdocs-jupyter's (priority 0), which keys its cache on the file it renders.
    @event_priority(10)
    def on_pre_page(self, page, config, **_):
        if self._problem is None and _is_notebook(page, config):
            self._render_from_executed(page)
        return page

    def on_page_read_source(self, page, **_) -> str | None:
        """An ordinary page's staged file (``stage.page_for_build``); a notebook page's own
        source (not the executed copy it renders from). None, while the preview shows a
        problem, lets MkDocs read the page itself."""
        with _as_plugin_error(page.file.src_path):
            source = self._notebook_sources.get(page.file.src_uri)
            if source is not None:
                return source.read_text(encoding="utf-8")
            if self._problem is not None:
                return None
            return stage.page_for_build(self._staged, *_place(page))

    def on_page_markdown(self, markdown: str, page, config, **_) -> str:
        """The staged page as it is (everything generated is filled in already), or the
        problem the preview shows."""
        language, name = _place(page)
        if self._problem is not None:
            return checks.problem_page(self._problem, language)
        # What the tests would reject about this page (a missing or different translation,
        # a shown line too wide): the preview says so instead of looking right. A strict
        # build checked every page before anything ran (check_before_anything) and would
        # have stopped on the first problem, so it does not look again page by page.
        if not config.get("strict"):
            for problem in checks.page_problems(language, name):
                log.warning(problem)
        if not _is_notebook(page, config):  # a notebook's copy is its executed notebook
            self.reader.keep_page(page, markdown, config)
        return markdown

    def _render_from_executed(self, page) -> None:
        """Point the page at its staged executed notebook while mkdocs-jupyter renders it,
        with its own execution switched off (mkdocs.yml): the page and the download show
        the same run. ``on_page_content`` points the page back at its source."""
        executed = stage.executed_copy(self._staged, *_place(page))
        if not executed.is_file():
            raise PluginError(
                f"{page.file.src_path}: {executed} is missing from the staged tree; stage it "
                "again (python -m site_build.core.stage), or build with nox -s docs."
            )
        self._notebook_sources[page.file.src_uri] = Path(page.file.abs_src_path)
        page.file.abs_src_path = str(executed)

    def on_page_content(self, html: str, page, config, files, **_) -> str:
        """Images get their size and lazy loading (images.py), comparison tables their row
        headers (tables.py), code blocks fewer elements (code_spans.py)."""
        source = self._notebook_sources.pop(page.file.src_uri, None)
        if source is not None:  # rendered from its executed copy (_render_from_executed)
            page.file.abs_src_path = str(source)
        by_dest = {f.dest_uri: f.abs_src_path for f in files if f.abs_src_path}
        html = tables.with_row_headers(images.sized_images(html, page.url, by_dest))
        return html if _is_notebook(page, config) else code_spans.lighter_code(html)

    def on_post_page(self, output: str, page, config, **_) -> str:
        """Notebook pages: shared CSS instead of inlined, and the executed .ipynb beside them;
        every page: its Markdown copy beside it (reader_files.py)."""
        with _as_plugin_error(page.file.src_path):
            output = notebook_pages.finish_page(output, page, config)
            if self._problem is None:
                language, name = _place(page)
                if _is_notebook(page, config):
                    # Its copy is its download, from the staged tree (on_files).
                    download = self._staged / "docs" / language / stage.download_path(name)
                    self.reader.keep_notebook(page, download.read_bytes())
                self.reader.page_written(page, language, config)
        return output

    # After the i18n plugin (-100), which builds the other languages in its on_post_build.
    @event_priority(-200)
    def on_post_build(self, config, **_) -> None:
        self._build_depth -= 1
        if self._build_depth > 0:
            return
        self._publish_notebooks()
        if self._site is not None:
            if config.strict and self._warnings and self._warnings.get_counts():
                # MkDocs aborts right after this event; on_build_error says what was kept.
                return
            self._site.publish()
            config.site_dir = str(self._site.target)
            log.info(f"The new site replaced {self._site.target} now that the build succeeded.")
            self._site = None
        self._end_build()
        if self._problem is not None:
            return  # nothing was checked, trained or drawn: no timings to show
        # Every result this build uses is known now (and kept): the others go by age and size.
        prune_results()
        lines = [*self._timings, *self.generated.timings]
        for line in [*lines, *self._rendered]:
            print(f"Build timing | {line}")

    # Per-language search indexes, sitemaps, 404 pages and robots.txt
    # (site_build/mkdocs/publish.py): after each language's build, then after the last one
    # (mkdocs-static-i18n builds the other languages from its on_post_build, priority -100).
    @event_priority(-50)
    def _publish_language(self, config, **_) -> None:
        language = _language(config)
        if (started := self._rendering.pop(language, None)) is not None:
            self._rendered.append(
                f"MkDocs rendering ({language}): {time.perf_counter() - started:.1f} s "
                "(pages read, rendered and written, notebooks included)"
            )
        publish.after_language(config)
        if self._problem is None:
            default, _, current = publish.build_languages(config)
            language = current or default
            root = publish.language_root(Path(config.site_dir), language, default)
            self.reader.write_language(root, language, config)

    @event_priority(-110)
    def _publish_site(self, config, **_) -> None:
        with _as_plugin_error():
            if publish.after_site(config) and self._problem is None:
                reader_files.write_claims(Path(config.site_dir), self.generated.ledger)

    on_post_build = CombinedEvent(on_post_build, _publish_language, _publish_site)

    def on_build_error(self, *, error, **_) -> None:
        if self._sigint_seen or _interrupted(error):
            self._abandon_build("The build was interrupted", keep_notebooks=False)
        else:
            self._abandon_build(f"The build failed ({type(error).__name__})")

    def on_shutdown(self) -> None:
        # Reached after Ctrl-C (KeyboardInterrupt is not an error MkDocs reports to plugins),
        # and after every successful build, when nothing is left to abandon.
        self._abandon_build("The build was interrupted", keep_notebooks=False)

    # --- the steps ------------------------------------------------------------------------

    def _start_build(self, config) -> None:
        self._notebooks, self._timings = [], []
        self._notebook_sources, self._staged = {}, None
        # Printed last: the startup (the first build of this process only), then rendering.
        self._rendering, self._rendered = {}, [self._startup] if self._startup else []
        self._startup = None
        self._built = dt.date.today()
        self.generated.start_build()
        self.reader.start()
        self._problem = None
        self._warnings = CountHandler()
        self._warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self._warnings)
        self._note_ctrl_c()
        if publish.is_preview():
            self._timings.append(publish.preview_notice(config.site_url))

    def _note_ctrl_c(self) -> None:
        """Remember a Ctrl-C, then let it raise as before: the error MkDocs reports afterwards
        can be another one (nbclient's kernel cleanup fails while the interrupt unwinds)."""
        self._sigint_seen = False
        # Signal handlers can only be set from the main thread (not in `mkdocs serve`'s).
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGINT)
        if previous == self._on_sigint:
            return
        self._previous_sigint = previous
        signal.signal(signal.SIGINT, self._on_sigint)

    def _on_sigint(self, signum, frame) -> None:
        self._sigint_seen = True
        previous = self._previous_sigint
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            raise KeyboardInterrupt

    def _show_problem_in_the_preview(self, message: str) -> None:
        """``mkdocs serve`` keeps serving, every page showing ``message``, instead of failing a
        rebuild and leaving the browser waiting; the next save rebuilds the real pages.

        Printed, not logged: the preview builds strictly, and a logged error would abort
        this build too."""
        self._problem = message
        print(f"ERROR    -  {message}", file=sys.stderr)
        print(
            "INFO     -  Every page of the preview shows this problem until it is fixed.",
            file=sys.stderr,
        )

    def _notebooks_as_problem_pages(self, config, problem: bool) -> None:
        """While the preview shows a problem, mkdocs-jupyter leaves the notebook pages alone
        (they show the problem like the others, without running) and keeps its cache as it
        is; its own settings come back with the first build that has no problem."""
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is None:
            return
        if self._jupyter_settings is None:
            self._jupyter_settings = {key: jupyter.config[key] for key in ("include", "cache")}
        if problem:
            jupyter.config["include"], jupyter.config["cache"] = [], False
        else:
            jupyter.config.update(self._jupyter_settings)

    def _render_beside_the_site(self, config) -> None:
        """Before MkDocs empties the site folder: give it an empty one beside it instead."""
        if self.atomic:
            self._site = AtomicSite(Path(config.site_dir))
            config.site_dir = str(self._site.start())

    def _check_before_anything_runs(self, config) -> None:
        """Before any training: ``stage.check_before_anything`` (includes, placeholders, a
        strict build's page rules, the cache, the snippets' doctests; found recorded when
        ``nox -s docs`` has just checked them in the stage)."""
        self._timings.append(stage.check_before_anything(bool(config.strict), self._built))
        prune_temporaries(cache_root())

    def _stage(self) -> None:
        """Train, measure and draw what is out of date, then write the staged tree unless its
        key is staged already (``core/stage.py``): every page, figure and notebook this
        build shows comes from it."""
        self.generated.prepare()
        self._staged = stage.ensure(self.generated, self._built, checked=True)

    def _key_notebook_cache(self, config) -> None:
        """Give mkdocs-jupyter a checked staging copy of the cache folder of this language.

        Its own key covers a notebook's source alone; a notebook that calls the MNIST snippets
        must run again when they (or the data, or the libraries) change, so the folder is
        keyed on those (``notebook_key``). Each language gets its own folder, since
        mkdocs-jupyter deletes the entries a build did not use (in the staging copy only).
        """
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is None:
            return
        key = notebook_key()
        staging = notebook_cache.NotebookStaging(notebook_cache.real_folder(key, _language(config)))
        jupyter.config["cache_dir"] = str(staging.open())
        self._notebooks.append(staging)
        notebook_cache.prune_keys(key)

    def _publish_notebooks(self) -> None:
        """Keep the notebook outputs this build rendered completely, whatever happens next."""
        for staging in self._notebooks:
            staging.publish()
        self._notebooks = []

    def _abandon_build(self, what: str, keep_notebooks: bool = True) -> None:
        if keep_notebooks:
            self._publish_notebooks()
        else:
            for staging in self._notebooks:
                staging.discard()
            self._notebooks = []
        if self._site is not None and self._site.discard():
            log.error(f"{what}: {self._site.target} was left as it was (the previous site).")
        self._site = None
        self._end_build()

    def _end_build(self) -> None:
        self._build_depth = 0
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) == self._on_sigint
        ):
            signal.signal(signal.SIGINT, self._previous_sigint or signal.default_int_handler)
        if self._warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self._warnings)
            self._warnings = None


def _startup_timing() -> str | None:
    """From the process's start to now (Python, the imports, reading mkdocs.yml), or None
    where /proc cannot tell when the process started."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        seconds = uptime - int(stat[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return (
        f"Startup: {seconds:.1f} s (Python, imports and mkdocs.yml, "
        f"{time.process_time():.1f} s of CPU)"
    )


def _language(config) -> str:
    """The language the i18n plugin is building now (the default one first)."""
    i18n = config.plugins.get("i18n")
    return getattr(i18n, "current_language", None) or DEFAULT_LANGUAGE


def _place(page) -> tuple[str, str]:
    """The page's language and its path inside that language's folder (``tensors.md``)."""
    language, *rest = PurePosixPath(page.file.src_uri).parts
    return language, "/".join(rest)


def _is_notebook(page, config) -> bool:
    """A page mkdocs-jupyter renders from a notebook (its Markdown never reaches the page)."""
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is None or page.file.abs_src_path is None:
        return False
    # should_include reads every Markdown page with jupytext before it looks at its include
    # patterns; a page that matches none of them is no notebook whatever it holds.
    path = PurePosixPath(Path(page.file.abs_src_path).as_posix())
    if not any(path.match(pattern) for pattern in jupyter.config["include"]):
        return False
    # Asked in four events per page; a notebook page's answer means reading it with jupytext.
    status = os.stat(page.file.abs_src_path)
    patterns = (tuple(jupyter.config["include"]), tuple(jupyter.config["ignore"]))
    asked = (patterns, page.file.abs_src_path, status.st_mtime_ns, status.st_size)
    if asked not in _NOTEBOOK_ANSWERS:
        _NOTEBOOK_ANSWERS[asked] = bool(jupyter.should_include(page.file))
    return _NOTEBOOK_ANSWERS[asked]


# _is_notebook's answers, by mkdocs-jupyter's patterns, the file, its modification time and size.
_NOTEBOOK_ANSWERS: dict[tuple, bool] = {}


def _interrupted(error: BaseException) -> bool:
    """Ctrl-C, even when it surfaces as another error: nbclient, interrupted while a notebook
    runs, can raise from its kernel cleanup with the KeyboardInterrupt only as the context."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:  # a chain can loop
        chain.append(current)
        current = current.__cause__ or current.__context__
    return any(isinstance(link, KeyboardInterrupt) for link in chain)


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
