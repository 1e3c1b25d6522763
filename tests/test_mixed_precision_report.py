"""The mixed-precision page's generated tables and sentences, in both languages, from
made-up results: numbers from the results, words from the catalogs."""

from __future__ import annotations

import pytest

from site_build.core.generated import Generated
from site_build.core.kit.onednn import Kernel
from site_build.core.kit.records import Machine
from site_build.core.mixed_precision import report
from site_build.core.placeholders import render
from tests.stand_ins import mixed_precision_results

LANGUAGES = ("en", "es")


@pytest.mark.parametrize(
    ("language", "torch_row", "tf_row"),
    [
        ("en", "| 1,500 | 1,350 \u2013 1,650 | 1.50\u00d7 | 6,000 |", "0.50\u00d7"),
        ("es", "| 1500 | 1350 \u2013 1650 | 1,50\u00d7 | 6000 |", "0,50\u00d7"),
    ],
)
def test_speed_table_gives_medians_ranges_and_speed_ups(language, torch_row, tf_row):
    rows = report.speed(mixed_precision_results(), language).splitlines()
    assert len(rows) == 2 + 4  # header, rule, two precisions for each framework
    assert "PyTorch" in rows[3] and "`torch.autocast`" in rows[3]
    assert torch_row in rows[3]
    assert "`mixed_bfloat16`" in rows[5] and tf_row in rows[5]
    assert "| 1 |" in rows[2] and "| 1 |" in rows[4]  # float32 over itself


def test_speed_table_headers_come_from_each_catalog():
    assert "Speed-up over float32" in report.speed(mixed_precision_results(), "en")
    assert "Aceleración sobre float32" in report.speed(mixed_precision_results(), "es")


def test_kernels_table_lists_bfloat16_kernels_and_says_when_there_are_none():
    for language, none in (("en", "no bfloat16 kernel"), ("es", "ningún kernel bfloat16")):
        rows = report.kernels(mixed_precision_results(), language).splitlines()[2:]
        assert "`brg_conv_fwd:avx512_core_amx`" in rows[0] and "| 4 |" in rows[0]
        assert "TensorFlow" in rows[1] and none in rows[1]


def test_units_say_which_framework_used_amx_and_which_showed_none():
    results = mixed_precision_results()
    en, es = (report.units(results, language) for language in LANGUAGES)
    assert "`avx512_bf16`, `amx_bf16`" in en and "`amx_tile`" not in en
    assert "PyTorch (oneDNN 3.12.0) ran its bfloat16 `convolution` on the AMX units." in en
    assert "TensorFlow ran no bfloat16 kernel in oneDNN" in en
    assert "PyTorch (oneDNN 3.12.0) ejecutó en las unidades AMX sus operaciones `convolution`" in es
    assert "TensorFlow no ejecutó ningún kernel bfloat16" in es
    other = mixed_precision_results(tf_kernels=[Kernel("inner_product", "gemm:jit", "bf16", 2)])
    assert "(oneDNN 3.7.3) ran bfloat16 kernels, but none on the AMX units: `gemm:jit`" in (
        report.units(other, "en")
    )
    both = mixed_precision_results(
        tf_kernels=[
            Kernel("matmul", "brg_matmul:avx10_1_512_amx", "bf16", 8),
            Kernel("inner_product", "x64:gemm:jit", "bf16", 6),
        ]
    )
    en = report.units(both, "en")
    assert "TensorFlow (oneDNN 3.7.3) ran its bfloat16 `matmul` on the AMX units." in en
    assert en.endswith("Its bfloat16 `inner_product` ran without them.")
    assert report.units(both, "es").endswith(
        "Sus operaciones `inner_product` en bfloat16 se ejecutaron sin ellas."
    )


def test_units_say_when_the_cpu_has_no_bfloat16_units():
    results = mixed_precision_results()
    bare = type(results)(**{**results.__dict__, "cpu_flags": ["avx512_vnni"]})
    assert "neither `avx512_bf16` nor `amx_bf16`" in report.units(bare, "en")
    assert "no declara `avx512_bf16` ni `amx_bf16`" in report.units(bare, "es")


def test_the_run_line_names_the_machine_settings_and_versions():
    results = mixed_precision_results()
    en, es = (report.run(results, language) for language in LANGUAGES)
    assert "Test CPU" in en and "keras 3.15.1" in en and "numpy" not in en
    assert "1 December 2026" in en and "1 de diciembre de 2026" in es
    assert "first 1,280 training images" in en and "primeras 1280 imágenes" in es
    assert isinstance(results.machine, Machine)


def test_every_placeholder_renders_in_both_languages():
    generated = Generated()
    generated.mixed_precision = mixed_precision_results()
    for name in report.GENERATED:
        for language in LANGUAGES:
            page = render(f"{{{{ precision:{name} }}}}", language, "page.md", generated.kinds())
            assert "{{" not in page and page.strip()
