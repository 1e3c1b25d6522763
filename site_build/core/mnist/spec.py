"""What an MNIST run is and the key of its cached results: the runs, their settings, where
their results live and what their cache key covers.

``mnist/runs.py`` (the build's process) decides which runs are out of date from these keys;
``mnist/worker.py`` (the training process) trains one ``RunSpec``. Both import this module
and neither imports the other's way back, so the two processes share one description of a
run. A cache key covers what is measured: the run's snippet files, its settings, the data's
md5 sums, the library versions, the results format and ``METHOD``. The build package's own
modules are not part of it, so moving or tidying them trains nothing; a change to how this
folder trains or measures a run raises ``METHOD``. A key that matches means nothing is
trained; editing only the PyTorch snippets retrains only the PyTorch runs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from site_build.core.kit import machine
from site_build.core.kit.cache import file_digest, fingerprint, keyed_path
from site_build.core.kit.frameworks import LIBRARIES, NAMES
from site_build.core.mnist.results import RESULTS_FORMAT, RunResult, Settings
from site_build.core.paths import ROOT

# Raise when a change to this folder's code changes what a run measures (the training loop,
# the evaluation, what is recorded): the keys cover the snippets, settings, data and
# versions, not the build package's own files.
METHOD = 1

# The matched comparison: the same settings for both frameworks.
MATCHED = Settings(batch_size=64, epochs=10, learning_rate=0.01, seed=2026)
# The Analytics India Magazine tutorial's own settings (see docs/*/seed_replay.md): Keras'
# default batch of 32 with validation_split=0.3, and PyTorch with batch 512 on 8x8 images;
# 5 epochs each. Passed to snippets/seed_replay/article_setup_*.py, which report them back.
ARTICLE = {
    framework: Settings(
        batch_size=batch_size, epochs=5, learning_rate=0.01, seed=2026, validation_split=0.3
    )
    for framework, batch_size in (("torch", 512), ("tf", 32))
}


@dataclass(frozen=True)
class RunSpec:
    name: str
    framework: str
    experiment: str
    sources: tuple[str, ...]
    settings: Settings

    @property
    def label(self) -> str:
        return f"{NAMES[self.framework]} ({self.experiment})"

    @property
    def libraries(self) -> tuple[str, ...]:
        return LIBRARIES[self.framework]


def _matched(framework: str) -> RunSpec:
    return RunSpec(
        name=f"matched-{framework}",
        framework=framework,
        experiment="matched",
        sources=tuple(
            f"snippets/mnist/{part}_{framework}.py" for part in ("model", "pipeline", "training")
        ),
        settings=MATCHED,
    )


def _article(framework: str) -> RunSpec:
    return RunSpec(
        name=f"article-{framework}",
        framework=framework,
        experiment="article",
        sources=(
            f"snippets/seed_replay/article_setup_{framework}.py",
            f"snippets/mnist/training_{framework}.py",
        ),
        settings=ARTICLE[framework],
    )


RUNS = {
    spec.name: spec
    for spec in (_matched("torch"), _matched("tf"), _article("torch"), _article("tf"))
}


def results_path(spec: RunSpec, key: str) -> Path:
    """The results of ``spec`` with the cache key ``key``: each version of the run's code,
    settings, data and libraries has its own (``kit.cache.keyed_path``)."""
    return keyed_path("mnist-runs", key, f"{spec.name}.json")


def weights_path(spec: RunSpec, results: RunResult) -> Path | None:
    """The file of the weights that ``results`` recorded, beside the results file."""
    if not results.weights:
        return None
    return results_path(spec, results.key).with_name(results.weights.file)


def cache_key(
    spec: RunSpec, data_md5s: dict[str, str], root: Path = ROOT, limit: int | None = None
) -> str:
    parts = {
        "sources": {p: file_digest(root / p) for p in spec.sources},
        "method": METHOD,
        "settings": dataclasses.asdict(spec.settings),
        "data": data_md5s,
        "versions": machine.versions(*spec.libraries),
        "format": RESULTS_FORMAT,
    }
    if limit:  # a shortened run must never pass for the full one
        parts["limit"] = limit
    return fingerprint(parts)
