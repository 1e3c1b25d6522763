"""MkDocs hook: train the MNIST models (only when out of date), draw their figures, fill the tables.

- Before the build, every MNIST run whose cache key changed is retrained in its own process
  (``experiments/mnist_runs.py``), and the figures are redrawn when the results changed.
- The figures, kept outside ``docs/``, are added to the site at ``generated/mnist/NAME.png``
  for each language (``es/generated/...`` holds the Spanish ones), so a page of either
  language writes ``![...](generated/mnist/curves.png)`` and gets its own language's figure.
- ``{{ mnist:NAME }}`` on a page becomes the generated Markdown NAME of
  ``experiments/mnist_report.py`` in the page's language.
- The build ends with a short timing summary.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError

# MkDocs loads a hook by its file path, with only hooks/ importable; the training code is
# in the project's `experiments` package, one folder up.
PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

from experiments import mnist_report  # noqa: E402
from experiments.cache import cache_root, file_digest, fingerprint  # noqa: E402
from experiments.machine import versions  # noqa: E402
from experiments.mnist_data import MnistDataError  # noqa: E402
from experiments.mnist_plots import LANGUAGES, ensure_plots, figure_paths  # noqa: E402
from experiments.mnist_runs import RunFailed, TrainingDiverged, ensure_results  # noqa: E402
from experiments.site_files import DEFAULT_LANGUAGE, add_figures  # noqa: E402

# Inside backticks (`{{ mnist:results }}`) a placeholder is shown as it is, as in the guide.
PLACEHOLDER = re.compile(r"(?<!`)\{\{\s*mnist:([a-z_]+)\s*\}\}(?!`)")

_results: dict[str, dict] = {}
_timings: list[str] = []


def _key_notebook_cache(config) -> None:
    """Key mkdocs-jupyter's cache to the code the notebooks import, and keep one per language.

    Its own key covers a notebook's source alone; a notebook that calls the MNIST snippets
    must run again when they (or the libraries) change. And at the end of each build it
    deletes the entries that build did not use: the English build would delete the Spanish
    notebooks' entries and the other way round, so each language gets its own folder.
    """
    jupyter = config.plugins.get("mkdocs-jupyter")
    i18n = config.plugins.get("i18n")
    if jupyter is not None:
        inputs = sorted(
            path
            for folder in ("snippets/mnist", "experiments")
            for path in (Path(PROJECT_ROOT) / folder).glob("*.py")
        )
        key = fingerprint(
            {
                "code": {path.name: file_digest(path) for path in inputs},
                "versions": versions("torch", "tensorflow", "keras", "numpy", "matplotlib"),
            }
        )
        language = getattr(i18n, "current_language", None) or DEFAULT_LANGUAGE
        jupyter.config["cache_dir"] = str(cache_root() / "notebooks" / key[:16] / language)


def on_pre_build(config, **_) -> None:
    _key_notebook_cache(config)
    started = time.perf_counter()
    try:
        statuses = ensure_results()
    except (MnistDataError, RunFailed, TrainingDiverged) as error:
        raise PluginError(str(error)) from None
    _results.clear()
    _results.update({name: status.results for name, status in statuses.items()})
    trained = [s.spec.label for s in statuses.values() if s.trained]
    runs_seconds = time.perf_counter() - started
    started = time.perf_counter()
    drawn = ensure_plots(_results)
    _timings[:] = [
        f"MNIST runs: {runs_seconds:.1f} s "
        + (f"(trained: {', '.join(trained)})" if trained else f"(all {len(statuses)} cached)"),
        f"MNIST figures: {time.perf_counter() - started:.1f} s "
        + ("(redrawn)" if drawn else "(cached)"),
    ]


def on_files(files, config, **_):
    paths = {language: list(figure_paths(language).values()) for language in LANGUAGES}
    return add_figures(files, config, "mnist", paths)


def on_page_markdown(markdown: str, page, **_) -> str:
    if "mnist:" not in markdown:
        return markdown
    language = PurePosixPath(page.file.src_uri).parts[0]

    def generated(match: re.Match) -> str:
        name = match.group(1)
        if name not in mnist_report.GENERATED:
            known = sorted(mnist_report.GENERATED)
            raise PluginError(
                f"{page.file.src_path}: unknown {{{{ mnist:{name} }}}}; known: {known}"
            )
        return mnist_report.GENERATED[name](_results, language)

    return PLACEHOLDER.sub(generated, markdown)


def on_post_build(config, **_) -> None:
    for line in _timings:
        print(f"Build timing | {line}")
