"""The build's generated work as units, so that several machines can share it.

A unit is one piece of work the docs build would otherwise do itself, stored in the cache
under its content key: each MNIST run, each Fashion-MNIST run of the build's set, the
benchmarks, the data loading, quantization and mixed-precision measurements, the
learning-curve page's Keras model on its three backends, each executed notebook (per
language), and the GPU benchmarks (``bench-gpu``, only on a machine with a
GPU). Figures are not units: the build draws them in seconds from these results.

Every unit runs through the same function the build calls (the families' ``ensure_*``,
``notebook_run.executed_notebook``), so a unit's cache entry is the file a build would have
written, and a build that finds it trains and measures nothing.

    python -m site_build.core.units list [--json]
    python -m site_build.core.units run [--shard K/N] [--only PATTERN,...] [--export FOLDER]
    python -m site_build.core.units merge SHARD_CACHE [SHARD_CACHE ...]

``run`` writes into the cache that ``$SITE_CACHE_DIR`` names (``--export FOLDER``: and copies
the results of the units it ran, and only those, into FOLDER); ``merge`` copies shard caches
or exported folders into it, checking each entry and refusing a conflict.
A new measured family registers its units in ``units()`` below.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from site_build.core.bench import gpu as bench_gpu
from site_build.core.bench import measure as benchmarks
from site_build.core.data_loading import measure as data_loading
from site_build.core.errors import BuildError
from site_build.core.fashion import runs as fashion_runs
from site_build.core.fashion_data import locate as fashion_locate
from site_build.core.fashion_data import md5s as fashion_md5s
from site_build.core.kit.cache import (
    CACHE_ENV,
    RESULTS_FOLDER,
    atomic_write_bytes,
    cache_root,
    read_json,
)
from site_build.core.learning_curve import backends as keras_backends
from site_build.core.mixed_precision import measure as mixed_precision
from site_build.core.mnist import runs as mnist_runs
from site_build.core.mnist import spec as mnist_spec
from site_build.core.mnist_data import locate as mnist_locate
from site_build.core.notebook_run import executed_notebook, executed_path, readable
from site_build.core.paths import ROOT
from site_build.core.quantization import measure as quantization

COMMAND = "python -m site_build.core.units"


class UnitsError(BuildError):
    """A command line or a shard cache that cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class Unit:
    name: str
    # The content key of its result now; None when it cannot be known yet (it depends on
    # another unit's result that is not in the cache, or on a GPU this machine lacks).
    key: Callable[[], str | None]
    # Does the work unless the cache holds it; True when it trained or measured.
    run: Callable[[], bool]
    # Rough seconds on a loaded two-core machine: only to balance the shards.
    cost: float
    # Where its result lives, relative to the cache folder, for a key: the key's folder of
    # its family, or the executed notebook file.
    entry: Callable[[str], Path]
    needs: tuple[str, ...] = ()  # units whose results it reads
    gpu: bool = False


def _results(family: str) -> Callable[[str], Path]:
    return lambda key: Path(RESULTS_FOLDER) / family / key


def _mnist(name: str) -> Unit:
    spec = mnist_spec.RUNS[name]

    def run() -> bool:
        return mnist_runs.ensure_results([name])[name].trained

    cost = {"matched": 360.0, "article": 120.0}[spec.experiment]
    return Unit(
        f"mnist:{name}",
        lambda: mnist_spec.cache_key(spec, mnist_locate().md5s()),
        run,
        cost,
        _results("mnist-runs"),
    )


def _fashion(run: fashion_runs.Run) -> Unit:
    return Unit(
        f"fashion:{run.name}",
        lambda: fashion_runs.cache_key(run, fashion_md5s(fashion_locate())),
        lambda: fashion_runs.ensure_run(run),
        150.0,
        _results("fashion-runs"),
    )


def _quantization_key() -> str | None:
    models = mnist_runs.trained_models(quantization.RUNS, train=False)
    return None if models is None else quantization.cache_key(mnist_locate().md5s(), models)


def _quantization_run() -> bool:
    return quantization.ensure_results(mnist_runs.trained_models(quantization.RUNS))[1]


def _notebook(source: Path) -> Unit:
    language = source.parent.parent.name

    def key() -> str:
        # notebooks/<code and data key>/executed/<text key>/...: the two keys of the entry
        path = executed_path(source).relative_to(cache_root() / "notebooks")
        return f"{path.parts[0]}/{path.parts[2]}"

    return Unit(
        f"notebook:{language}/{source.stem}",
        key,
        lambda: executed_notebook(source)[1],
        120.0,
        lambda key: executed_path(source).relative_to(cache_root()),
    )


def units() -> list[Unit]:
    """Every unit of the build, in a stable order. A new measured family adds its own here."""
    return [
        *(_mnist(name) for name in mnist_spec.RUNS),
        *(_fashion(run) for run in fashion_runs.runs("build")),
        Unit(
            "bench",
            lambda: benchmarks.cache_key(benchmarks.settings_for("short")),
            lambda: benchmarks.ensure_results("short")[1],
            150.0,
            _results("benchmarks"),
        ),
        Unit(
            "data-loading",
            lambda: data_loading.cache_key(dict(data_loading.SETTINGS), data_loading.data_md5s()),
            lambda: data_loading.ensure_result()[1],
            90.0,
            _results("data-loading"),
        ),
        Unit(
            "quantization",
            _quantization_key,
            _quantization_run,
            90.0,
            _results("quantization"),
            needs=tuple(f"mnist:{name}" for name in quantization.RUNS.values()),
        ),
        Unit(
            "mixed-precision",
            lambda: mixed_precision.cache_key(mnist_locate().md5s()),
            lambda: mixed_precision.ensure_results()[1],
            120.0,
            _results("mixed-precision"),
        ),
        Unit(
            "keras-backends",
            keras_backends.cache_key,
            lambda: keras_backends.ensure_result()[1],
            110.0,
            _results("keras-backends"),
        ),
        *(_notebook(source) for source in sorted(ROOT.glob("docs/*/notebooks/*.md"))),
        Unit(
            "bench-gpu",
            bench_gpu.current_key,
            bench_gpu.ensure_result,
            60.0,
            _results(bench_gpu.FAMILY),
            gpu=True,
        ),
    ]


# Shards -------------------------------------------------------------------------------------


def parse_shard(text: str) -> tuple[int, int]:
    k, slash, n = text.partition("/")
    if not (slash and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise UsageError(f"--shard {text}: write K/N with 1 <= K <= N, e.g. --shard 2/3.")
    return int(k), int(n)


def shards(all_units: list[Unit], count: int) -> list[list[Unit]]:
    """The units of each of ``count`` shards (GPU units are in none: a GPU machine runs them
    with ``--only``).

    A unit and the units it needs go to the same shard, as one group: quantization measures
    the models of the two matched MNIST runs, and running those again in its own shard
    would train them twice and give two results under one key (timings differ run to run),
    which the merge refuses. The groups go, largest first, to the shard with the least work
    so far (ties: the lowest shard, then the group's first name), so the assignment depends
    only on the list of units and their costs, never on the machine or the order of calls.
    """
    by_name = {unit.name: unit for unit in all_units}
    group_of: dict[str, set[str]] = {}
    for unit in all_units:
        if unit.gpu:
            continue
        group = {unit.name, *unit.needs}
        for name in list(group):
            group |= group_of.get(name, set())
        for name in group:
            group_of[name] = group
    groups = {tuple(sorted(group)) for group in group_of.values()}
    ordered = sorted(groups, key=lambda g: (-sum(by_name[n].cost for n in g), g))
    loads = [0.0] * count
    assigned: list[list[str]] = [[] for _ in range(count)]
    for group in ordered:
        shard = min(range(count), key=lambda i: (loads[i], i))
        loads[shard] += sum(by_name[n].cost for n in group)
        assigned[shard].extend(group)
    order = [unit.name for unit in all_units]
    return [[by_name[n] for n in sorted(names, key=order.index)] for names in assigned]


def select(all_units: list[Unit], shard: tuple[int, int] | None, only: str | None) -> list[Unit]:
    chosen = all_units if shard is None else shards(all_units, shard[1])[shard[0] - 1]
    if only:
        patterns = [p.strip() for p in only.split(",") if p.strip()]
        for pattern in patterns:
            if not any(fnmatch.fnmatchcase(u.name, pattern) for u in all_units):
                raise UsageError(
                    f"--only {pattern}: no unit is named so; '{COMMAND} list' names them all."
                )
        chosen = [u for u in chosen if any(fnmatch.fnmatchcase(u.name, p) for p in patterns)]
    return chosen


# list and run -------------------------------------------------------------------------------


def describe(unit: Unit, gpu_device: str | None) -> dict:
    if unit.gpu and gpu_device is None:
        return {"unit": unit.name, "key": None, "needs": "a GPU", "cached": False}
    key = unit.key()
    row = {"unit": unit.name, "key": key, "needs": ", ".join(unit.needs) or None}
    row["cached"] = key is not None and is_cached(unit)
    return row


def is_cached(unit: Unit) -> bool:
    """Whether the cache holds the unit's result under its current key."""
    key = unit.key()
    if key is None:
        return False
    entry = cache_root() / unit.entry(key)
    if unit.name.startswith("notebook:"):
        return readable(entry)
    if unit.gpu:
        return bench_gpu.valid(read_json(entry / "results.json"), key)
    return any(
        (read_json(path) or {}).get("key") == key
        for path in entry.glob("*.json")
        if not path.name.startswith(".")
    )


def list_units(as_json: bool) -> int:
    device = bench_gpu.device()
    rows = [describe(unit, device) for unit in units()]
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        if row["needs"] == "a GPU":
            state = "needs a GPU (none here)"
        elif row["key"] is None:
            state = f"key known once {row['needs']} are cached"
        else:
            state = row["key"] + ("  cached" if row["cached"] else "")
        print(f"{row['unit']:<28} {state}")
    return 0


def run_units(chosen: list[Unit], export: Path | None = None) -> int:
    """Run ``chosen`` into the cache; with ``export``, copy their entries (and nothing else
    of the cache) into that folder, laid out as in the cache, for ``merge``."""
    # A shard with nothing to do still leaves its (empty) cache folder for the merge.
    cache_root().mkdir(parents=True, exist_ok=True)
    if export is not None:
        export.mkdir(parents=True, exist_ok=True)
    print(f"Cache: {cache_root()}; units: {', '.join(u.name for u in chosen) or 'none'}")
    device = bench_gpu.device() if any(u.gpu for u in chosen) else None
    for unit in chosen:
        if unit.gpu and device is None:
            print(f"{unit.name}: skipped, it needs a GPU ({bench_gpu.NO_GPU})", flush=True)
            continue
        started = time.perf_counter()
        did = unit.run()
        state = "trained or measured" if did else "cached"
        print(f"{unit.name}: {time.perf_counter() - started:.1f} s ({state})", flush=True)
        if export is not None:
            _export(unit, export)
    return 0


def _export(unit: Unit, folder: Path) -> None:
    key = unit.key()
    if key is None:
        raise UnitsError(f"{unit.name} ran but its key is unknown: its results are incomplete.")
    source = cache_root() / unit.entry(key)
    files = [source] if source.is_file() else sorted(source.iterdir())
    for path in files:
        if path.is_file() and not path.name.startswith("."):
            atomic_write_bytes(folder / path.relative_to(cache_root()), path.read_bytes())


# merge --------------------------------------------------------------------------------------


def _entries(shard: Path) -> list[Path]:
    """The files of a shard cache that units write: results under their key, executed
    notebooks. Locks and temporary files (``.name``) are not results."""
    found = [
        path
        for pattern in (f"{RESULTS_FOLDER}/*/*/*", "notebooks/*/executed/*/*/notebooks/*.ipynb")
        for path in shard.glob(pattern)
        if path.is_file() and not path.name.startswith(".")
    ]
    return sorted(path.relative_to(shard) for path in found)


def _check_entry(shard: Path, relative: Path) -> None:
    """A result that records a key must sit in that key's folder; a notebook must parse."""
    path = shard / relative
    if relative.parts[0] == "notebooks":
        if not readable(path):
            raise UnitsError(
                f"{path} is not a readable executed notebook: run the notebook's unit again "
                "in that shard, or leave that shard cache out."
            )
        return
    if path.suffix != ".json":
        return  # weights beside their run's results
    value = read_json(path)
    key = value.get("key") if isinstance(value, dict) else None
    if key != relative.parts[2]:
        raise UnitsError(
            f"{path} records the key {key!r}, not the key of its folder {relative.parts[2]}: "
            "it was copied or edited by hand. Remove that folder from the shard cache and run "
            "its unit again."
        )


def merge(shard_dirs: list[Path], target: Path) -> list[Path]:
    """Copy the shard caches' entries into ``target``; returns the files copied.

    Everything is checked before anything is copied, so a refusal leaves ``target`` as it
    was. An entry the target already holds with the same bytes is skipped (merging twice
    changes nothing); different bytes under the same key is a conflict.
    """
    plan: dict[Path, Path] = {}  # relative path -> the shard folder it comes from
    for shard in shard_dirs:
        if not shard.is_dir():
            raise UnitsError(f"{shard} is not a folder: pass the shard cache folders to merge.")
        for relative in _entries(shard):
            _check_entry(shard, relative)
            data = (shard / relative).read_bytes()
            if relative in plan:
                other = plan[relative]
                if (other / relative).read_bytes() != data:
                    raise _conflict(relative, other, shard)
                continue
            existing = target / relative
            if existing.is_file() and existing.read_bytes() != data:
                raise _conflict(relative, target, shard)
            plan[relative] = shard
    copied = []
    for relative, shard in sorted(plan.items()):
        destination = target / relative
        data = (shard / relative).read_bytes()
        if destination.is_file() and destination.read_bytes() == data:
            continue
        atomic_write_bytes(destination, data)
        copied.append(destination)
    return copied


def _conflict(relative: Path, first: Path, second: Path) -> UnitsError:
    return UnitsError(
        f"{first} and {second} hold different results under the same key ({relative}): the "
        "same unit ran in both (an assignment that changed between shards, or a cache that "
        "was warm from another run). Nothing was merged. Run each unit in one shard only: "
        f"remove {relative.parent} from one of the two folders."
    )


# The command line ---------------------------------------------------------------------------


class UsageError(UnitsError):
    """A command line that cannot mean what was meant."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every unit with its content key")
    listing.add_argument("--json", action="store_true", help="as JSON")
    run = commands.add_parser("run", help=f"run units into the cache ${CACHE_ENV} names")
    run.add_argument("--shard", metavar="K/N", help="only the units of shard K of N")
    run.add_argument(
        "--only",
        metavar="PATTERN,...",
        help="only units matching these names (fnmatch: notebook:*)",
    )
    run.add_argument(
        "--export",
        type=Path,
        metavar="FOLDER",
        help="also copy the results of these units (only those) into FOLDER, for merge",
    )
    merge_command = commands.add_parser("merge", help=f"copy shard caches into ${CACHE_ENV}")
    merge_command.add_argument("shards", nargs="+", type=Path, metavar="SHARD_CACHE")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return list_units(args.json)
        if args.command == "run":
            shard = parse_shard(args.shard) if args.shard else None
            return run_units(select(units(), shard, args.only), args.export)
        copied = merge(args.shards, cache_root())
        print(f"Merged {len(args.shards)} shard caches into {cache_root()}: {len(copied)} files")
        return 0
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
