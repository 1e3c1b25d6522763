"""MkDocs hook: benchmark both frameworks (only when out of date), draw the figure, fill tables.

- Before the build, the results of ``experiments/benchmarks.py`` are reused when their key
  (benchmark code, the model snippets, library versions, machine) matches: a full run
  (``nox -s bench``) first, else a short one. Otherwise the short run is measured now, in
  worker processes, and cached.
- The figure, kept outside ``docs/``, is added at ``generated/bench/throughput.png`` for
  each language, like the MNIST figures.
- ``{{ bench:NAME }}`` on a page becomes the Markdown NAME of ``experiments/bench_report.py``
  in the page's language.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError

# MkDocs loads a hook by its file path; the benchmark code is in `experiments`, one folder up.
PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

from experiments import bench_report, benchmarks  # noqa: E402
from experiments.site_files import add_figures  # noqa: E402

# Inside backticks (`{{ bench:run }}`) a placeholder is shown as it is.
PLACEHOLDER = re.compile(r"(?<!`)\{\{\s*bench:([a-z_]+)\s*\}\}(?!`)")

_results: dict = {}
_timings: list[str] = []


def on_pre_build(config, **_) -> None:
    started = time.perf_counter()
    try:
        results, measured = benchmarks.ensure_results("short")
    except benchmarks.BenchmarkFailed as error:
        raise PluginError(f"benchmarks: {error}") from None
    _results.clear()
    _results.update(results)
    state = f"measured the {results['mode']} run" if measured else f"{results['mode']} run cached"
    drawn = bench_report.ensure_figures(results)
    _timings[:] = [
        f"Benchmarks: {time.perf_counter() - started:.1f} s ({state}; figure "
        + ("redrawn)" if drawn else "cached)")
    ]


def on_files(files, config, **_):
    paths = {language: [bench_report.figure_path(language)] for language in bench_report.LANGUAGES}
    return add_figures(files, config, "bench", paths)


def on_page_markdown(markdown: str, page, **_) -> str:
    if "bench:" not in markdown:
        return markdown
    language = PurePosixPath(page.file.src_uri).parts[0]

    def generated(match: re.Match) -> str:
        name = match.group(1)
        if name not in bench_report.GENERATED:
            known = sorted(bench_report.GENERATED)
            raise PluginError(
                f"{page.file.src_path}: unknown {{{{ bench:{name} }}}}; known: {known}"
            )
        return bench_report.GENERATED[name](_results, language)

    return PLACEHOLDER.sub(generated, markdown)


def on_post_build(config, **_) -> None:
    for line in _timings:
        print(f"Build timing | {line}")
