"""The build's units of work (site_build/core/units.py): the shard assignment, the merge and
its refusals, the GPU unit on a machine without a GPU, the GPU rows of the benchmarks page,
and (slow) three shards run as three processes, merged, then read by the build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_build.core import units
from site_build.core.bench import gpu as bench_gpu
from site_build.core.bench import report as bench_report
from site_build.core.kit import machine
from site_build.core.mnist import runs as mnist_runs
from site_build.core.paths import ROOT

KEY_A = "a" * 64


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SITE_CACHE_DIR", str(folder))
    return folder


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
def test_every_unit_is_in_exactly_one_shard_and_quantization_beside_its_models(count):
    every = units.units()
    assigned = units.shards(every, count)
    names = [unit.name for shard in assigned for unit in shard]
    assert sorted(names) == sorted(u.name for u in every if not u.gpu)  # each once, GPU: none
    where = {unit.name: k for k, shard in enumerate(assigned) for unit in shard}
    quantization = next(u for u in every if u.name == "quantization")
    assert quantization.needs  # the matched MNIST runs whose models it measures
    assert {where[name] for name in quantization.needs} == {where["quantization"]}
    # Stable: the same shards whatever the order of the list (another machine, another call).
    again = units.shards(list(reversed(every)), count)
    assert [{u.name for u in s} for s in again] == [{u.name for u in s} for s in assigned]


def test_three_shards_share_the_work_and_the_command_line_picks_one():
    every = units.units()
    assigned = units.shards(every, 3)
    assert all(assigned)
    costs = [sum(u.cost for u in shard) for shard in assigned]
    assert max(costs) - min(costs) <= max(u.cost for u in every)
    assert units.select(every, (2, 3), None) == assigned[1]
    chosen = units.select(every, None, "data-loading,notebook:en/*")
    assert [u.name for u in chosen] == [
        "data-loading",
        *sorted(f"notebook:en/{p.stem}" for p in (ROOT / "docs/en/notebooks").glob("*.md")),
    ]
    with pytest.raises(units.UsageError, match="no unit is named so"):
        units.select(every, None, "notebook:fr/*")
    for wrong in ("0/3", "4/3", "3", "a/b"):
        with pytest.raises(units.UsageError, match="K/N"):
            units.parse_shard(wrong)


def _record(relative: Path, variant: str) -> bytes:
    """A result as its family stores it: a JSON record naming its key, or a notebook."""
    if relative.suffix == ".ipynb":
        return json.dumps({"cells": [], "metadata": {"variant": variant}}).encode()
    return json.dumps({"key": relative.parent.name, "seconds": variant}).encode()


def _write(shard: Path, unit: units.Unit, variant: str) -> Path:
    entry = unit.entry(KEY_A)
    relative = entry if entry.suffix == ".ipynb" else entry / "results.json"
    path = shard / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_record(relative, variant))
    return relative


@pytest.mark.parametrize("unit", units.units(), ids=lambda unit: unit.name)
def test_the_merge_refuses_two_results_under_one_key(unit, cache, tmp_path):
    first, second = tmp_path / "shard-1", tmp_path / "shard-2"
    relative = _write(first, unit, "12.5")
    _write(second, unit, "13.1")  # the same unit run twice: timings differ
    with pytest.raises(units.UnitsError) as refused:
        units.merge([first, second], cache)
    assert f"{first} and {second}" in str(refused.value) and str(relative) in str(refused.value)
    assert not (cache / relative).exists()  # nothing merged
    # Merged alone, then again beside the other: the cache's copy conflicts too.
    units.merge([first], cache)
    with pytest.raises(units.UnitsError, match=f"{cache} and {second}"):
        units.merge([second], cache)


def test_the_merge_copies_each_entry_once_and_is_idempotent(cache, tmp_path):
    every = {u.name: u for u in units.units()}
    first, second = tmp_path / "shard-1", tmp_path / "shard-2"
    a = _write(first, every["mnist:matched-torch"], "1")
    (first / a).with_name("matched-torch.weights.pt").write_bytes(b"weights")
    (first / a).with_name(".results.json.lock").write_bytes(b"")
    b = _write(second, every["data-loading"], "2")
    c = _write(second, every["notebook:en/mnist_torch"], "3")
    _write(first, every["notebook:en/mnist_torch"], "3")  # the same bytes in both: fine
    copied = units.merge([first, second], cache)
    assert sorted(p.relative_to(cache) for p in copied) == sorted(
        [a, a.with_name("matched-torch.weights.pt"), b, c]
    )
    assert (cache / a).read_bytes() == (first / a).read_bytes()
    assert not (cache / a).with_name(".results.json.lock").exists()  # locks are no results
    assert units.merge([first, second], cache) == []


def test_the_merge_refuses_a_result_outside_its_keys_folder(cache, tmp_path):
    shard = tmp_path / "shard"
    entry = shard / "results" / "data-loading" / KEY_A / "throughput.json"
    entry.parent.mkdir(parents=True)
    entry.write_text(json.dumps({"key": "b" * 64}))
    with pytest.raises(units.UnitsError, match=f"{entry} records the key '{'b' * 64}'"):
        units.merge([shard], cache)
    notebook = shard / "notebooks/0123456789abcdef/executed/x/en/notebooks/nb.ipynb"
    notebook.parent.mkdir(parents=True)
    notebook.write_text('{"cells": [')
    entry.unlink()
    with pytest.raises(units.UnitsError, match="not a readable executed notebook"):
        units.merge([shard], cache)
    with pytest.raises(units.UnitsError, match="is not a folder"):
        units.merge([tmp_path / "missing"], cache)


@pytest.mark.skipif(bench_gpu.device() is not None, reason="this machine has a GPU")
def test_without_a_gpu_the_gpu_unit_is_listed_as_such_and_skipped(cache, capsys):
    assert units.main(["list", "--json"]) == 0
    rows = {row["unit"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["bench-gpu"] == {
        "unit": "bench-gpu",
        "key": None,
        "needs": "a GPU",
        "cached": False,
    }
    assert rows["quantization"]["needs"] == "mnist:matched-torch, mnist:matched-tf"
    assert units.main(["run", "--only", "bench-gpu"]) == 0
    out = capsys.readouterr().out
    assert "bench-gpu: skipped, it needs a GPU (torch.cuda.is_available() is False" in out
    assert not (cache / "results" / "bench-gpu").exists()
    # Nothing cached: the benchmarks page gets no GPU section at all.
    assert bench_report.GENERATED["gpu"](None, "en") == ""


def _gpu_record(cache: Path, device: str, created: str, torch_version: str | None = None) -> str:
    """A GPU result as ``bench_gpu.ensure_result`` writes it, under its key."""
    versions = bench_gpu._versions(["torch", "tf"])
    release = versions["torch"]["torch"].split("+")[0]
    versions["torch"]["torch"] = torch_version or f"{release}+cu128"  # a CUDA build
    key = bench_gpu._key(device, versions)
    record = {
        "key": key,
        "device": device,
        "devices": {"torch": device, "tf": device},
        "settings": bench_gpu.SETTINGS,
        "versions": versions,
        "machine": machine.describe(),
        "created": created,
        "rows": [
            {"framework": "torch", "task": "matmul", "gflops": 41234.5},
            {"framework": "torch", "task": "infer", "images_per_second": 123456.7},
            {"framework": "tf", "task": "matmul", "gflops": 39876.1},
            {"framework": "tf", "task": "infer", "images_per_second": 98765.4},
        ],
    }
    path = cache / "results" / "bench-gpu" / key / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record))
    return key


def test_the_benchmarks_page_shows_gpu_rows_only_from_a_cached_gpu_result(cache):
    _gpu_record(cache, "NVIDIA H100 80GB HBM3", "2026-12-05T10:00:00+00:00")
    english = bench_report.GENERATED["gpu"](None, "en")
    assert english.startswith("## On a GPU\n")
    assert "**NVIDIA H100 80GB HBM3**" in english and "December" in english
    assert "| PyTorch | 4096 \u00d7 4096 float32 matrix product | 41,234 GFLOP/s |" in english
    assert "| TensorFlow | Inference, batch 1024 | 98,765 images/s |" in english
    spanish = bench_report.GENERATED["gpu"](None, "es")
    assert spanish.startswith("## En una GPU\n") and "41\u00a0234 GFLOP/s" in spanish
    # The newest of two results is shown; one measured with another torch release is not.
    _gpu_record(cache, "NVIDIA H200", "2026-12-06T10:00:00+00:00")
    _gpu_record(cache, "NVIDIA B200", "2026-12-07T10:00:00+00:00", torch_version="9.9.9+cu130")
    assert "**NVIDIA H200**" in bench_report.GENERATED["gpu"](None, "en")


def test_a_gpu_result_whose_key_no_longer_matches_is_not_shown(cache):
    key = _gpu_record(cache, "NVIDIA H100 80GB HBM3", "2026-12-05T10:00:00+00:00")
    folder = cache / "results" / "bench-gpu"
    (folder / key).rename(folder / KEY_A)  # stored under another key (older snippets)
    assert bench_gpu.cached_result() is None
    assert bench_report.GENERATED["gpu"](None, "en") == ""


# Three shards, three processes, one merge ----------------------------------------------------

COMMAND = (sys.executable, "-m", "site_build.core.units")
# The cheapest units that give each of the three shards work (units.shards), one each: the
# data loading (shard 1, about 11 s), the PyTorch article run of the MNIST page (2, about
# 7 s; a notebook takes twice that), the English TensorFlow notebook (3). Both frameworks,
# two families of results under their keys and an executed notebook run; the merge and the
# build read every notebook's entry the same way whatever its language or framework, and the
# data loading's text is compared in both languages.
CHEAP = "data-loading,mnist:article-torch,notebook:en/mnist_tf"


def _run(cache: Path, *args: str) -> str:
    env = {**os.environ, "SITE_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [*COMMAND, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_three_shards_merged_give_a_build_that_measures_nothing(tmp_path, monkeypatch):
    """The cheap units (data loading, an MNIST run, a notebook) run as three shards, each in its
    own process and cache folder, side by side; the merge then holds every unit's result and
    the build reads them all (its timing line says "cached").

    Measurements and the notebooks' timings differ from run to run, so a second run's numbers
    cannot be compared with the first's; what is compared is what is deterministic: the keys,
    the files, and the text a page gets from the same results, from the merged cache and from
    the cache of the process that ran the unit (a one-machine build of those results)."""
    shard_caches = [tmp_path / f"shard-{k}" for k in (1, 2, 3)]
    processes = [
        subprocess.Popen(
            [*COMMAND, "run", "--shard", f"{k}/3", "--only", CHEAP],
            cwd=ROOT,
            env={**os.environ, "SITE_CACHE_DIR": str(folder)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for k, folder in enumerate(shard_caches, start=1)
    ]
    outputs = [process.communicate()[0] for process in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], "\n".join(outputs)[-3000:]
    assert all("(trained or measured)" in output for output in outputs)  # each had work
    merged = tmp_path / "merged"
    assert "Merged 3 shard caches" in _run(merged, "merge", *map(str, shard_caches))

    monkeypatch.setenv("SITE_CACHE_DIR", str(merged))
    chosen = units.select(units.units(), None, CHEAP)
    ran_in = {}
    for unit in chosen:
        assert units.is_cached(unit), unit.name
        entry = unit.entry(unit.key())
        (ran_in[unit.name],) = [c for c in shard_caches if (c / entry).exists()]
        for path in (ran_in[unit.name] / entry).rglob("*") if entry.suffix != ".ipynb" else []:
            if path.is_file() and not path.name.startswith("."):
                assert (merged / path.relative_to(ran_in[unit.name])).read_bytes() == (
                    path.read_bytes()
                )
    from site_build.core.data_loading import report as data_loading
    from site_build.core.generated import Generated
    from site_build.core.notebook_run import download, executed_notebook

    generated = Generated()
    assert generated.prepare_data_loading().endswith("(cached)")
    loading = generated.kinds()["loading"]
    merged_text = {
        (name, lang): loading.fill(name, lang, "data_loading.md")
        for name in data_loading.GENERATED
        for lang in ("en", "es")
    }
    sources = [
        ROOT / "docs" / language / "notebooks" / f"{stem}.md"
        for language, stem in (
            unit.name.removeprefix("notebook:").split("/")
            for unit in chosen
            if unit.name.startswith("notebook:")
        )
    ]
    assert {(s.parent.parent.name, s.stem) for s in sources} == {("en", "mnist_tf")}
    # The MNIST run is read from the merged cache, not trained again.
    assert not mnist_runs.ensure_results(["article-torch"])["article-torch"].trained
    merged_notebooks = {}
    for source in sources:
        executed, ran = executed_notebook(source)
        assert not ran, f"{source.name} was executed again"
        merged_notebooks[source] = download(executed)

    # The same results read in the cache of the process that produced them.
    monkeypatch.setenv("SITE_CACHE_DIR", str(ran_in["data-loading"]))
    alone = Generated()
    assert alone.prepare_data_loading().endswith("(cached)")
    assert merged_text == {
        key: alone.kinds()["loading"].fill(*key, "data_loading.md") for key in merged_text
    }
    for source in sources:
        unit = f"notebook:{source.parent.parent.name}/{source.stem}"
        monkeypatch.setenv("SITE_CACHE_DIR", str(ran_in[unit]))
        executed, ran = executed_notebook(source)
        assert not ran and download(executed) == merged_notebooks[source]


def test_export_copies_the_results_of_the_units_run_and_nothing_else(cache, tmp_path, capsys):
    def store() -> bool:
        folder = cache / "results" / "data-loading" / KEY_A
        folder.mkdir(parents=True)
        (folder / "throughput.json").write_text(json.dumps({"key": KEY_A}))
        (folder / ".throughput.json.lock").write_text("")
        return True

    other = cache / "results" / "benchmarks" / ("b" * 64) / "results.json"
    other.parent.mkdir(parents=True)
    other.write_text(json.dumps({"key": "b" * 64}))  # another unit's result in the same cache
    unit = units.Unit("data-loading", lambda: KEY_A, store, 1.0, units._results("data-loading"))
    export = tmp_path / "export"
    assert units.run_units([unit], export) == 0
    assert "data-loading: " in capsys.readouterr().out
    exported = sorted(p.relative_to(export) for p in export.rglob("*") if p.is_file())
    assert exported == [Path("results/data-loading") / KEY_A / "throughput.json"]
