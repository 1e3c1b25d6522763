"""The quantization results: written and read back by the one decoder (kit/records.py),
and what they compute from their numbers."""

from __future__ import annotations

import json

from site_build.core.kit.onednn import Kernel
from site_build.core.quantization.results import QuantizationResults
from tests.stand_ins import quantization_results


def test_results_read_back_as_they_were_written(tmp_path):
    results = quantization_results()
    path = tmp_path / "results.json"
    results.write(path)
    assert QuantizationResults.read(path) == results
    assert results.frameworks["torch"].full_int8.float_bytes == 38_518_045
    assert results.frameworks["tf"].full_int8.float_bytes is None


def test_a_results_file_written_before_the_speeds_were_measured_is_measured_again(tmp_path):
    # The layout of the results before this format: no format number, no batch rates.
    old = quantization_results().to_json()
    del old["format"]
    for result in old["frameworks"].values():
        for variant in ("float32", "int8", "full_int8"):
            del result[variant]["batch_images_per_second"]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(old))
    assert QuantizationResults.read(path, say=False) is None
    path.write_text(json.dumps({**old, "format": QuantizationResults.FORMAT}))
    assert QuantizationResults.read(path, say=False) is None  # a field is missing


def test_rates_batch_one_from_the_latency_and_the_median_of_the_batches():
    torch = quantization_results().frameworks["torch"]
    assert torch.float32.single_images_per_second == 500.0  # 2 ms per image
    assert torch.float32.batch_rate == 1000.0
    assert torch.full_int8.batch_rate is None  # one image at a time only


def test_only_8_bit_computing_kernels_count_as_int8_kernels():
    kernels = (
        Kernel("convolution", "brg_conv_fwd:avx10_1_512_amx", "u8", 2),
        Kernel("inner_product", "brgemm:avx10_1_512_amx", "s8", 1),
        Kernel("reorder", "jit:uni", "u8", 4),
        Kernel("convolution", "brg_conv_fwd:avx10_1_512", "f32", 3),
    )
    torch = quantization_results(torch_kernels=kernels).frameworks["torch"]
    assert [k.kind for k in torch.int8_kernels] == ["convolution", "inner_product"]
