"""The measurement modules' command line (site_build/core/kit/measurement_cli.py), through each
module's own ``main``: one line on what happened, an error line and status 1 on a failure.
Nothing is measured: each module's ``ensure`` function is replaced."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from site_build.core.bench import measure as benchmarks
from site_build.core.data_loading import measure as data_loading_bench
from site_build.core.errors import BuildError
from site_build.core.quantization import measure as quantization_bench

# module, its ensure function, a result as it returns one, what main prints of it.
CASES = {
    "benchmarks": (
        benchmarks,
        "ensure_results",
        SimpleNamespace(mode="full", seconds=91.6, key="b" * 64),
        "full benchmarks: measured in 92 s; {cache}/results/benchmarks/"
        + "b" * 64
        + "/results.json",
    ),
    "data loading": (
        data_loading_bench,
        "ensure_result",
        SimpleNamespace(seconds=2.34, key="d" * 64),
        "data loading throughput: measured in 2.3 s; {cache}/results/data-loading/"
        + "d" * 64
        + "/throughput.json",
    ),
    "quantization": (
        quantization_bench,
        "ensure_results",
        SimpleNamespace(seconds=61.0, key="a" * 64),
        "quantization: measured in 61 s; {cache}/results/quantization/"
        + "a" * 64
        + "/results.json",
    ),
}


def _main(module):
    """The module's ``main``; the quantization one is given the MNIST models to measure, as
    its command line (``python -m site_build.core.quantization``) gives them."""
    if module is quantization_bench:
        return lambda argv: module.main(argv, trained_models=dict)
    return module.main


@pytest.mark.parametrize("case", CASES)
def test_main_says_measured_or_cached_and_where_the_result_is(case, tmp_path, monkeypatch, capsys):
    module, ensure, result, line = CASES[case]
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    asked = []

    def fake(*args):
        asked.append(args)
        return result, len(asked) == 1  # measured the first time, cached the second

    monkeypatch.setattr(module, ensure, fake)
    argv = ["--full"] if module is benchmarks else []
    main = _main(module)
    assert main([*argv, "--force"]) == 0
    assert capsys.readouterr().out == line.format(cache=tmp_path) + "\n"
    assert asked[0][-1] is True  # --force reaches the ensure function
    assert main(argv) == 0
    assert ": cached; " in capsys.readouterr().out and asked[1][-1] is False


@pytest.mark.parametrize("case", CASES)
def test_a_failed_measurement_is_one_error_line_and_status_1(case, monkeypatch, capsys):
    module, ensure, _, _ = CASES[case]

    def fail(*args):
        raise BuildError("measuring PyTorch failed: see above")

    monkeypatch.setattr(module, ensure, fail)
    assert _main(module)([]) == 1
    captured = capsys.readouterr()
    assert captured.err == "error: measuring PyTorch failed: see above\n"
    assert captured.out == ""
