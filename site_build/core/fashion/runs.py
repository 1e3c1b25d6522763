"""The Fashion-MNIST runs behind docs/*/fashion_mnist.md: each framework, several seeds.

Each run trains the CNN of ``snippets/fashion/`` on all 60,000 training images with one seed,
measures the 10,000 test images at every checkpoint (a quarter of an epoch) and writes one
JSON file of typed results (``fashion/results.py``), stored under its cache key
(``kit.cache.keyed_path``), so each version of the code keeps its own runs. Its cache key is
made as for the MNIST runs (``mnist/spec.py``): the run's snippet files, its settings, the md5
sums of the data, the library versions, the results format and ``METHOD`` (the build
package's own modules are not part of it); the
catalogs' words are not in it (results hold facts, the page adds the words). A key that
matches means nothing is trained; editing the PyTorch snippets retrains only the PyTorch
runs. The runs are looked up and trained under one cache lock, so two builds at once train
them once. A results file that does not read as this code's format (an
older one, a field missing or added) counts as missing, with one line saying so.

Two sets of runs exist. The build trains the short set when no run of either is cached (two
epochs per seed, three seeds per framework: a few minutes on two cores); ``python -m
site_build.core.fashion.runs --full`` (``nox -s train -- fashion --full``) trains the long set
(ten epochs, five seeds), which later builds then show. Each run uses one thread, and the two
frameworks' runs train side by side, one process each, so on a two-core machine each has a
core to itself and their timings compare alike.

    python -m site_build.core.fashion.runs            # train what is out of date
    python -m site_build.core.fashion.runs --full     # the long set
    python -m site_build.core.fashion.runs --force    # retrain (with --full: the long set)

Why this module is longer than the project's usual 300 lines: it is the Fashion-MNIST
counterpart of ``mnist/runs.py`` (run specifications, keys, the two sets of runs and their
command line) plus the training process's entry point; the training code itself is in
``snippets/fashion/``.
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from site_build.core import fashion_data
from site_build.core.errors import BuildError
from site_build.core.fashion.results import (
    FASHION_RESULTS_FORMAT,
    Checkpoint,
    DataInfo,
    FashionResults,
    RunConfig,
    RunResult,
    TargetReached,
)
from site_build.core.kit import machine
from site_build.core.kit.cache import (
    RESULTS_FOLDER,
    cache_root,
    entry_lock,
    file_digest,
    fingerprint,
    keyed_path,
)
from site_build.core.kit.frameworks import COMPARED, LIBRARIES, NAMES
from site_build.core.kit.process import ModuleProcess
from site_build.core.kit.records import Machine, ResultsFormatError
from site_build.core.mnist_data import DataError
from site_build.core.paths import ROOT

# Raise when a change to this folder's code changes what is measured: the key covers the
# shown snippets, settings, data, versions and results format, not the build package's own files, so
# moving or tidying them measures nothing again.
METHOD = 1
# The same settings for both frameworks and every seed.
COMMON = {"batch_size": 100, "evals_per_epoch": 4, "test_batch_size": 500, "threads": 1}
MODES = {
    "build": {"epochs": 2, "seeds": (2026, 2027, 2028)},
    "full": {"epochs": 10, "seeds": (2026, 2027, 2028, 2029, 2030)},
}
# The accuracy whose first checkpoint the page times ("time to reach").
TARGET_ACCURACY = 0.85


class TrainingDiverged(BuildError):
    """A loss became NaN or infinite; no result is written."""


class RunFailed(BuildError):
    """A training process failed; its message says why and what to do."""


@dataclass(frozen=True)
class Run:
    mode: str
    framework: str
    seed: int

    @property
    def name(self) -> str:
        return f"{self.mode}-{self.framework}-{self.seed}"

    @property
    def label(self) -> str:
        return f"{NAMES[self.framework]} seed {self.seed}"

    @property
    def config(self) -> RunConfig:
        return RunConfig(**COMMON, epochs=MODES[self.mode]["epochs"], seed=self.seed)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(
            f"snippets/fashion/{part}_{self.framework}.py" for part in ("model", "training")
        )


def runs(mode: str) -> list[Run]:
    return [Run(mode, fw, seed) for fw in COMPARED for seed in MODES[mode]["seeds"]]


def results_path(run: Run, key: str) -> Path:
    """The results of ``run`` with the cache key ``key``: each version of the run's code,
    settings, data and libraries has its own (``kit.cache.keyed_path``)."""
    return keyed_path("fashion-runs", key, f"{run.name}.json")


def set_lock() -> Path:
    """What the lock around looking up and training a set of runs is named after."""
    return cache_root() / RESULTS_FOLDER / "fashion-runs"


def cache_key(run: Run, data_md5s: dict[str, str], root: Path = ROOT) -> str:
    return fingerprint(
        {
            "sources": {p: file_digest(root / p) for p in run.sources},
            "method": METHOD,
            "config": asdict(run.config),
            "data": data_md5s,
            "versions": machine.versions(*LIBRARIES[run.framework]),
            "format": FASHION_RESULTS_FORMAT,
        }
    )


# Training, inside a framework's own process ---------------------------------------------------


def epoch_seconds(history: list[Checkpoint]) -> list[float]:
    """Training seconds of each whole epoch (tests excluded), from the checkpoints' totals."""
    totals = [c.train_seconds for c in history if float(c.epoch).is_integer()]
    return [b - a for a, b in zip([0.0, *totals], totals, strict=False)]


def time_to_target(
    history: list[Checkpoint], target: float = TARGET_ACCURACY
) -> TargetReached | None:
    """The first checkpoint whose test accuracy reaches ``target``: epoch and training seconds."""
    for checkpoint in history:
        if checkpoint.test_accuracy >= target:
            return TargetReached(epoch=checkpoint.epoch, seconds=checkpoint.train_seconds)
    return None


def _checkpoint(run: Run, record: dict) -> Checkpoint:
    """A record the training snippet reported, typed; RunFailed naming the snippet when its
    fields are not those of ``Checkpoint``."""
    try:
        return Checkpoint.from_report(record)
    except (ResultsFormatError, TypeError, ValueError) as error:
        raise RunFailed(
            f"Fashion-MNIST, {run.label}: snippets/fashion/training_{run.framework}.py reported "
            f"a checkpoint that site_build/core/fashion/results.py cannot read ({error}). Make "
            "train() report the fields of Checkpoint there, as numbers."
        ) from error


def train_framework(framework: str, mode: str, seeds: list[int], limit: int | None = None) -> None:
    """Train ``framework``'s runs for ``seeds``, writing each result as soon as it is done."""
    model_code = importlib.import_module(f"snippets.fashion.model_{framework}")
    training = importlib.import_module(f"snippets.fashion.training_{framework}")
    paths = fashion_data.locate()
    data = fashion_data.load(paths)
    if limit:  # a short run on the first images, for tests; never cached as the real one
        data.train_images, data.train_labels = data.train_images[:limit], data.train_labels[:limit]
        data.test_images, data.test_labels = data.test_images[:limit], data.test_labels[:limit]
    training.make_reproducible(COMMON["threads"])
    for seed in seeds:
        run = Run(mode, framework, seed)
        cfg = run.config
        key = cache_key(run, data.md5s)
        started = time.perf_counter()
        checkpoints = cfg.epochs * cfg.evals_per_epoch

        def report(record: dict, run=run, cfg=cfg, checkpoints=checkpoints) -> None:
            checkpoint = _checkpoint(run, record)
            for metric in ("loss", "test_loss"):
                value = getattr(checkpoint, metric)
                if not math.isfinite(value):
                    raise TrainingDiverged(
                        f"Fashion-MNIST, {run.label}: the {metric.replace('_', ' ')} is "
                        f"{value} at epoch {checkpoint.epoch}. Nothing was written. Look "
                        f"for the mistake in {', '.join(run.sources)}."
                    )
            print(
                f"[fashion] {run.label}: epoch {checkpoint.epoch:g}/{cfg.epochs} "
                f"({round(checkpoint.epoch * cfg.evals_per_epoch)}/{checkpoints})  "
                f"loss {checkpoint.loss:.4f}  test_acc {checkpoint.test_accuracy:.4f}  "
                f"({checkpoint.train_seconds:.1f} s training)",
                file=sys.stderr,
                flush=True,
            )

        model = model_code.build_model(seed=seed)
        batches = training.make_batches(
            data.train_images, data.train_labels, cfg.batch_size, True, seed
        )
        test = training.make_batches(data.test_images, data.test_labels, cfg.test_batch_size, False)
        reported = training.train(model, batches, test, cfg.epochs, cfg.evals_per_epoch, report)
        history = [_checkpoint(run, record) for record in reported]
        results = RunResult(
            run=run.name,
            mode=mode,
            framework=framework,
            seed=seed,
            key=key,
            config=cfg,
            data=DataInfo(sizes=data.sizes, md5=data.md5s),
            limited_to=limit,
            history=history,
            test_accuracy=history[-1].test_accuracy,
            epoch_seconds=epoch_seconds(history),
            target=TARGET_ACCURACY,
            time_to_target=time_to_target(history),
            seconds=time.perf_counter() - started,
            versions=machine.versions(*LIBRARIES[framework]),
            machine=Machine(**machine.describe()),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        output = results_path(run, key)
        if limit:
            output = output.with_name(f"limited-{output.name}")
        results.write(output)


# Orchestration, in the build's process ----------------------------------------------------------


def read_result(run: Run, key: str, say: bool = True) -> RunResult | None:
    """The cached result of ``run`` under ``key``, or None when there is none this code can
    read. A file of another results format (an older one, a field missing or added) counts
    as missing, with one line saying so (unless ``say`` is false), and is trained again."""
    return RunResult.read(results_path(run, key), say)


def _valid(run: Run, md5s: dict[str, str], say: bool = True) -> RunResult | None:
    key = cache_key(run, md5s)
    cached = read_result(run, key, say)
    return cached if cached and cached.key == key else None


def _cached(mode: str, md5s: dict[str, str], say: bool = True) -> dict[Run, RunResult | None]:
    return {run: _valid(run, md5s, say) for run in runs(mode)}


def _data_md5s() -> dict[str, str]:
    """What a run's key records of the data files: located and checked once per version of
    the files in this process. Checking the Debian package's files (recompressed) means
    decompressing them, about a second, and every language's pass of a build asks again."""
    source = fashion_data.source()
    files = tuple(
        folder / name
        for _, folder in source.candidate_dirs()
        for name, _, _ in source.files.values()
    )
    signature = tuple((str(path), _stat(path)) for path in files)
    # The functions too: a test that stands in for them gets its own answer.
    return dict(_checked_md5s(fashion_data.locate, fashion_data.md5s, signature))


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino


@lru_cache(maxsize=8)
def _checked_md5s(locate, md5s, signature) -> tuple[tuple[str, str], ...]:
    return tuple(md5s(locate()).items())


def ensure_results(mode: str | None = None, force: bool = False) -> FashionResults:
    """The runs a page shows: the long set when it is all cached (or asked for), else the short
    set, training (in two processes, one per framework) whatever is out of date."""
    started = time.perf_counter()
    md5s = _data_md5s()
    # Two builds at once train each run once: the second waits here, then finds the
    # runs the first wrote (kit/cache.py). One lock for the set: a framework's seeds train
    # in one process.
    with entry_lock(set_lock()):
        if mode is None:  # the long set if it is all there (nothing to say about it otherwise)
            full = _cached("full", md5s, say=False)
            mode = "full" if all(full.values()) and not force else "build"
            cached = full if mode == "full" else _cached(mode, md5s)
        else:
            cached = _cached(mode, md5s)
        if force:
            cached = dict.fromkeys(cached)
        pending = {
            fw: [run.seed for run, found in cached.items() if run.framework == fw and not found]
            for fw in COMPARED
        }
        pending = {fw: seeds for fw, seeds in pending.items() if seeds}
        if pending:
            print(
                "[fashion] training "
                + "; ".join(
                    f"{NAMES[fw]} seeds {', '.join(map(str, s))}" for fw, s in pending.items()
                )
                + f" ({mode} set): code, settings, data or versions changed",
                file=sys.stderr,
                flush=True,
            )
            _train_in_subprocesses(mode, pending)
        results: dict[str, list[RunResult]] = {}
        for run in runs(mode):
            found = cached[run] or _valid(run, md5s)
            if not found:
                raise RunFailed(
                    f"Fashion-MNIST, {run.label}: the training process wrote no valid results."
                )
            results.setdefault(run.framework, []).append(found)
        trained = [f"{NAMES[fw]} seeds {', '.join(map(str, s))}" for fw, s in pending.items()]
        return FashionResults(mode, results, trained, time.perf_counter() - started)


def ensure_run(run: Run) -> bool:
    """Train ``run`` alone if it is out of date; whether it trained. One unit of the build's
    work (``units.py``): a shard trains its own runs and no other, under the set's lock."""
    md5s = fashion_data.md5s(fashion_data.locate())
    with entry_lock(set_lock()):
        if _valid(run, md5s):
            return False
        _train_in_subprocesses(run.mode, {run.framework: [run.seed]})
        if not _valid(run, md5s):
            raise RunFailed(
                f"Fashion-MNIST, {run.label}: the training process wrote no valid results."
            )
    return True


def _train_in_subprocesses(mode: str, pending: dict[str, list[int]]) -> None:
    """One process per framework, side by side; their progress lines are passed on as they come."""
    processes = {
        framework: ModuleProcess(
            "site_build.core.fashion.runs",
            *("train", framework, "--mode", mode, "--seeds", *map(str, seeds)),
        )
        for framework, seeds in pending.items()
    }
    failures = []
    for framework, process in processes.items():
        reason, _ = process.finish()
        if reason is not None:
            failures.append(f"Training Fashion-MNIST with {NAMES[framework]} failed: {reason}")
    if failures:
        raise RunFailed("\n".join(failures))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m site_build.core.fashion.runs",
        description="Train the Fashion-MNIST runs that are out of date.",
    )
    parser.add_argument("command", nargs="?", choices=["train"], help="train runs (internal)")
    parser.add_argument("framework", nargs="?", choices=sorted(COMPARED))
    parser.add_argument("--mode", choices=sorted(MODES), default="build")
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--full", action="store_true", help="the long set (10 epochs, 5 seeds)")
    parser.add_argument("--force", action="store_true", help="retrain even when cached")
    parser.add_argument(
        "--limit", type=int, help="train on the first N images only (written beside, never used)"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            if not args.framework:
                parser.error("train needs a framework: torch or tf")
            seeds = args.seeds or list(MODES[args.mode]["seeds"])
            train_framework(args.framework, args.mode, seeds, args.limit)
        else:
            found = ensure_results("full" if args.full else None, args.force)
            state = f"trained {'; '.join(found.trained)}" if found.trained else "all cached"
            print(f"Fashion-MNIST ({found.mode} set, {state}, {found.seconds:.0f} s):")
            for framework, results in found.runs.items():
                accuracies = ", ".join(f"{r.test_accuracy:.4f}" for r in results)
                print(f"  {NAMES[framework]}: test accuracy per seed {accuracies}")
    except (TrainingDiverged, RunFailed, DataError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
