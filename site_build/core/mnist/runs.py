"""The MNIST training runs behind the MNIST pages: run each one once, cache its results.

Each run (``mnist/spec.py`` lists them, with their settings and cache keys) trains a model
with the code of ``snippets/`` (the code the pages show) and writes one JSON file of typed
results (``mnist/results.py``); the matched runs also keep their trained weights beside it
(``weights_path``). A key that matches means nothing is trained.

Each run trains in its own Python process (``mnist/worker.py``) so that one framework's
settings (threads, determinism) never leak into the other's, and the process that builds
the site never holds a model in memory.

    python -m site_build.core.mnist.runs                   # train whatever is out of date
    python -m site_build.core.mnist.runs article-torch     # only that run, if out of date
    python -m site_build.core.mnist.runs --force           # retrain everything
    python -m site_build.core.mnist.runs train matched-tf --limit 256 --output /tmp/r.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from site_build.core.errors import BuildError
from site_build.core.kit.cache import CacheNotWritable, entry_lock, file_digest
from site_build.core.kit.process import run_module
from site_build.core.kit.records import TrainedModel
from site_build.core.mnist.results import RunResult, Settings
from site_build.core.mnist.spec import RUNS, RunSpec, cache_key, results_path, weights_path
from site_build.core.mnist.worker import SettingsMismatch, TrainingDiverged, train_run
from site_build.core.mnist_data import MnistDataError, locate


class RunFailed(BuildError):
    """A training process failed; its message says why and what to do."""


class UsageError(BuildError):
    """A command line that would do something other than what was meant."""


def _complete(spec: RunSpec, results: RunResult) -> bool:
    """Whether a matched run's weights are there, as the run wrote them (article runs keep
    none). A deleted or changed weights file means the run is trained again."""
    if spec.experiment != "matched":
        return True
    path = weights_path(spec, results)
    if not (path and path.is_file()):
        return False
    status = path.stat()
    return _digest(path, status.st_size, status.st_mtime_ns, status.st_ino) == (
        results.weights.sha256
    )


@lru_cache(maxsize=64)
def _digest(path: Path, size: int, mtime_ns: int, inode: int) -> str:
    """A weights file's sha256, read once per version of the file in this process (each
    language's pass of a build checks every run's weights)."""
    return file_digest(path)


# Orchestration, in the build's process -------------------------------------------------------


@dataclass
class RunStatus:
    spec: RunSpec
    results: RunResult
    trained: bool
    seconds: float


def ensure_results(names: list[str] | None = None, force: bool = False) -> dict[str, RunStatus]:
    """Results of every run, training (in a separate process) only those out of date."""
    md5s = locate().md5s()
    statuses = {}
    for name in names or list(RUNS):
        spec = RUNS[name]
        key = cache_key(spec, md5s)
        # Two builds at once train a run once: the second waits, then finds it (kit/cache.py).
        with entry_lock(results_path(spec, key)):
            cached = RunResult.read(results_path(spec, key))
            if not force and cached and cached.key == key and _complete(spec, cached):
                statuses[name] = RunStatus(spec, cached, trained=False, seconds=0.0)
                continue
            print(
                f"[mnist] training {spec.label}: its code, settings, data or versions changed,"
                " or its weights are missing"
            )
            started = time.perf_counter()
            _train_in_subprocess(spec)
            results = RunResult.read(results_path(spec, key))
            if not results or results.key != key or not _complete(spec, results):
                raise RunFailed(f"{spec.label}: the training process wrote no valid results.")
            statuses[name] = RunStatus(spec, results, True, time.perf_counter() - started)
    return statuses


def cached_results(names: list[str]) -> dict[str, RunStatus] | None:
    """The cached, complete results of the runs ``names``, or None when one is out of date
    (nothing is trained)."""
    md5s = locate().md5s()
    statuses = {}
    for name in names:
        spec = RUNS[name]
        key = cache_key(spec, md5s)
        cached = RunResult.read(results_path(spec, key))
        if not cached or cached.key != key or not _complete(spec, cached):
            return None
        statuses[name] = RunStatus(spec, cached, trained=False, seconds=0.0)
    return statuses


def trained_models(runs: dict[str, str], train: bool = True) -> dict[str, TrainedModel] | None:
    """framework -> the trained model of the run named for it (``runs``), training a run only
    if it is out of date: what the quantization page measures. With ``train`` false, None
    when a run is out of date."""
    if train:
        statuses = ensure_results(list(runs.values()))
    elif (statuses := cached_results(list(runs.values()))) is None:
        return None
    models = {}
    for framework, name in runs.items():
        status = statuses[name]
        results = status.results
        models[framework] = {
            "run": name,
            "key": results.key,
            "weights": results.weights.sha256,
            "path": str(weights_path(status.spec, results)),
            "epochs": results.settings.epochs,
            "accuracy": results.test.accuracy,
        }
    return models


def _train_in_subprocess(spec: RunSpec) -> None:
    run_module(
        "site_build.core.mnist.runs",
        *("train", spec.name),
        failed=lambda reason: RunFailed(f"Training {spec.label} failed: {reason}"),
    )


# The command line ----------------------------------------------------------------------------

COMMAND = "python -m site_build.core.mnist.runs"


def _run_name(name: str) -> str:
    if name not in RUNS:
        raise argparse.ArgumentTypeError(
            f"there is no run '{name}': use one of {', '.join(RUNS)} "
            "(site_build/core/mnist/runs.py lists them)"
        )
    return name


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Train the MNIST runs that are out of date (all, or the runs named), or "
        "with 'train NAME' one run now, as the build's training process does.",
    )
    parser.add_argument("runs", nargs="*", metavar="RUN", type=_run_name, help=", ".join(RUNS))
    parser.add_argument("--force", action="store_true", help="retrain even when cached")
    return parser


def _train_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{COMMAND} train", description="Train one run now, in this process."
    )
    parser.add_argument("run", metavar="RUN", type=_run_name, help=", ".join(RUNS))
    parser.add_argument("--output", type=Path, help="results file (default: the cache)")
    parser.add_argument("--limit", type=int, help="use only the first N images of each split")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting, e.g. --set learning_rate=1e6 (tests use it)",
    )
    return parser


def _train_one(args: argparse.Namespace) -> None:
    spec = RUNS[args.run]
    if (args.limit or args.set) and args.output is None:
        changed = " and ".join(
            option for option, used in (("--limit", args.limit), ("--set", args.set)) if used
        )
        raise UsageError(
            f"{changed} train {spec.name} on other images or settings than the site's run, so "
            f"the result must not replace the cached one of {spec.name}. Add "
            f"--output FILE to write it elsewhere, e.g. --output /tmp/{spec.name}.json."
        )
    if args.set:
        fields = {f.name for f in dataclasses.fields(Settings)}
        overrides = {}
        for item in args.set:
            name, equals, value = item.partition("=")
            if not equals or name not in fields:
                raise UsageError(
                    f"--set {item}: write KEY=VALUE with KEY one of {', '.join(sorted(fields))}."
                )
            overrides[name] = json.loads(value)
        spec = dataclasses.replace(spec, settings=dataclasses.replace(spec.settings, **overrides))
    # The site's run goes where the build looks for it: under its cache key.
    output = args.output or results_path(spec, cache_key(spec, locate().md5s()))
    train_run(
        spec,
        output,
        key=lambda data: cache_key(spec, data.md5s, limit=args.limit),
        limit=args.limit,
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["train"]:
            _train_one(_train_parser().parse_args(argv[1:]))
            return 0
        args = _parser().parse_args(argv)
        for status in ensure_results(args.runs or None, args.force).values():
            state = f"trained in {status.seconds:.0f} s" if status.trained else "cached"
            accuracy = status.results.test.accuracy
            print(f"{status.spec.label}: {state}, test accuracy {accuracy:.4f}")
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (
        TrainingDiverged,
        SettingsMismatch,
        RunFailed,
        MnistDataError,
        CacheNotWritable,
    ) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
