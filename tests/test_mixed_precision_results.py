"""The mixed-precision results: written and read back by the one decoder (kit/records.py),
and what they compute from their numbers (medians, speed-ups, which kernels used AMX)."""

from __future__ import annotations

import json

from site_build.core.kit.onednn import Kernel
from site_build.core.mixed_precision.results import MixedPrecisionResults
from tests.stand_ins import mixed_precision_results


def test_results_read_back_as_they_were_written(tmp_path):
    results = mixed_precision_results()
    path = tmp_path / "results.json"
    results.write(path)
    assert MixedPrecisionResults.read(path) == results


def test_a_file_of_another_format_is_not_read_and_says_so(tmp_path, capsys):
    path = tmp_path / "results.json"
    data = mixed_precision_results().to_json()
    path.write_text(json.dumps({**data, "format": 0}))
    assert MixedPrecisionResults.read(path) is None
    assert "not in this code's results format" in capsys.readouterr().err
    del data["frameworks"]["torch"]["bfloat16"]
    path.write_text(json.dumps(data))
    assert MixedPrecisionResults.read(path, say=False) is None


def test_speed_up_is_bfloat16_median_over_float32_median():
    torch = mixed_precision_results().frameworks["torch"]
    assert torch.float32.train == 1000.0 and torch.bfloat16.train == 1500.0
    assert torch.speed_up("train") == 1.5
    assert torch.speed_up("inference") == 1.5


def test_only_bfloat16_compute_kernels_count_as_using_the_units():
    results = mixed_precision_results(
        tf_kernels=[
            Kernel("reorder", "jit:uni_avx512_core_amx", "bf16", 3),  # a copy, not compute
            Kernel("convolution", "brg_conv_fwd:avx512_core_amx", "f32", 2),  # float32
        ]
    )
    assert results.frameworks["torch"].uses_amx
    assert results.frameworks["tf"].bf16_kernels == []
    assert not results.frameworks["tf"].uses_amx
    without_amx = mixed_precision_results(
        tf_kernels=[Kernel("convolution", "jit:avx512_core_bf16", "bf16", 2)]
    ).frameworks["tf"]
    assert without_amx.bf16_kernels and not without_amx.uses_amx
