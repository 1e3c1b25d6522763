"""The quantization page's generated tables and sentences, in both languages, from made-up
results: numbers from the results, words from the catalogs."""

from __future__ import annotations

import dataclasses

import pytest

from site_build.core.generated import Generated
from site_build.core.kit.onednn import Kernel
from site_build.core.placeholders import render
from site_build.core.quantization import report
from tests.stand_ins import quantization_results

LANGUAGES = ("en", "es")


@pytest.mark.parametrize(
    ("language", "size", "ratio", "accuracy"),
    [
        ("en", "9.5\u00a0MB", "(4.0\u00d7 smaller)", "87.45%"),
        ("es", "9,5\u00a0MB", "(4,0 veces", "87,45"),
    ],
)
def test_the_table_has_a_row_per_framework_and_variant(language, size, ratio, accuracy):
    results = quantization_results()
    table = report.table(results, language)
    rows = table.splitlines()[2:]
    assert len(rows) == 6
    # A cached file lists the frameworks sorted (tf first); the table keeps PyTorch first.
    reordered = dataclasses.replace(results, frameworks=dict(sorted(results.frameworks.items())))
    assert list(reordered.frameworks) == ["tf", "torch"]
    assert report.table(reordered, language) == table
    assert [row.split(" | ")[0].strip("| ") for row in rows] == ["PyTorch"] * 3 + ["TensorFlow"] * 3
    assert size in rows[1] and ratio in rows[1] and accuracy in rows[1]


@pytest.mark.parametrize(
    ("language", "pytorch", "tensorflow"),
    [("en", "(3.8\u00d7 smaller)", "(4.0\u00d7 smaller)"), ("es", "(3,8 veces", "(4,0 veces")],
)
def test_full_integer_rows_compare_with_a_float_file_of_the_same_format(
    language, pytorch, tensorflow
):
    # The PyTorch row is a .pt2 file: its ratio is to the float .pt2, not to torch.save's
    # file of the float32 row; the LiteRT row has no float_bytes and uses the float32 row.
    rows = report.table(quantization_results(), language).splitlines()[2:]
    assert pytorch in rows[2] and tensorflow in rows[5]
    assert "200" in rows[2] and "200" in rows[5]  # the calibration images


@pytest.mark.parametrize(
    ("language", "torch_int8", "tf_full", "alone"),
    [
        (
            "en",
            "| 625 | 1.25\u00d7 | 1,500 | 1.50\u00d7 |",
            "| 4,000 | 16.00\u00d7 | 3,200 | 4.00\u00d7 |",
            "one image at a time only",
        ),
        (
            "es",
            "| 625 | 1,25\u00d7 | 1500 | 1,50\u00d7 |",
            "| 4000 | 16,00\u00d7 | 3200 | 4,00\u00d7 |",
            "solo imagen a imagen",
        ),
    ],
)
def test_the_speed_table_gives_rates_and_speed_ups_over_float32(
    language, torch_int8, tf_full, alone
):
    table = report.speed(quantization_results(), language)
    header, _, *rows = table.splitlines()
    assert "256" in header  # the larger batch, from the settings
    assert len(rows) == 6
    assert "| 500 | 1 |" in rows[0] and rows[0].endswith("| 1 |")  # float32 over itself
    assert torch_int8 in rows[1]
    assert alone in rows[2] and rows[2].endswith("\u2013 |")  # no batch rate to compare
    assert tf_full in rows[5]


def test_the_kernels_sentence_names_the_int8_units_and_what_each_runtime_showed():
    results = quantization_results()
    en, es = (report.kernels(results, language) for language in LANGUAGES)
    assert "`avx512_vnni`, `amx_int8`" in en and "bf16" not in en
    assert "PyTorch ran int8 kernels on the AMX units: `convolution`" in en
    assert "LiteRT does not run its kernels through oneDNN" in en
    assert "PyTorch ejecutó kernels int8 en las unidades AMX" in es
    assert "LiteRT no ejecuta sus kernels a través de oneDNN" in es
    vnni = quantization_results(
        torch_kernels=[Kernel("matmul", "gemm:jit:avx512_core_vnni", "u8", 1)]
    )
    assert "none of them on the AMX units: `matmul`" in report.kernels(vnni, "en")
    bare = quantization_results(torch_kernels=[])
    assert "PyTorch ran no int8 kernel in oneDNN" in report.kernels(bare, "en")
    no_units = dataclasses.replace(results, cpu_flags=["avx512_bf16"])
    assert "neither `avx512_vnni` nor `amx_int8`" in report.kernels(no_units, "en")


def test_the_run_line_names_the_machine_the_versions_and_the_batch():
    for language in LANGUAGES:
        line = report.run(quantization_results(), language)
        assert "Test CPU" in line and "torchao 0.18.0" in line and "numpy" not in line
        assert {"en": "1 December 2026", "es": "1 de diciembre de 2026"}[language] in line
        assert {"en": "batches of 256", "es": "lotes de 256"}[language] in line
    one = quantization_results()
    one = dataclasses.replace(one, settings=dataclasses.replace(one.settings, epochs=1))
    assert "for 1 epoch " in report.run(one, "en")


def test_every_placeholder_renders_in_both_languages():
    generated = Generated()
    generated.quantization = quantization_results()
    for name in report.GENERATED:
        for language in LANGUAGES:
            page = render(f"{{{{ quantization:{name} }}}}", language, "page.md", generated.kinds())
            assert "{{" not in page and page.strip()
