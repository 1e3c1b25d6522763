"""The quantization page's generated tables and sentences, in both languages, from made-up
results: numbers from the results, words from the catalogs."""

from __future__ import annotations

import dataclasses

import pytest

from site_build.core.generated import Generated
from site_build.core.i18n_format import percent
from site_build.core.kit.onednn import Kernel
from site_build.core.placeholders import render
from site_build.core.quantization import report
from tests.stand_ins import bench_roofs, fake_results, quantization_results

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
    bench = fake_results()
    machine = dataclasses.replace(bench.machine, cpu="Test CPU")
    generated.bench = dataclasses.replace(bench, machine=machine)
    for name in [*report.GENERATED, *report.ON_ROOFS]:
        for language in LANGUAGES:
            page = render(f"{{{{ quantization:{name} }}}}", language, "page.md", generated.kinds())
            assert "{{" not in page and page.strip()


# Against the benchmarks' roofs ------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_speed_is_set_against_the_per_thread_peak_of_its_precision(language):
    results, roofs = quantization_results(), bench_roofs(threads=2)
    assert results.settings.threads == 1
    table = report.peaks(results, roofs, language)
    rows = table.splitlines()[2:]
    shares = report.shares(results, roofs)
    # batch 1 for every model, the larger batch for all but PyTorch's full integer program
    assert len(rows) == len(shares) == 11
    assert ("torch", "full_int8", 256) not in shares
    for row, ((_, variant, batch), found) in zip(rows, shares.items(), strict=True):
        roof = "float32" if variant == "float32" else "int8"
        assert found.precision == roof and f"({roof})" in row
        assert found.peak == pytest.approx(roofs.peaks[roof] / 2)  # one thread of two
        assert f"| {batch} |" in row and f"| {percent(found.of_peak, language)} |" in row
    tf_full = shares["tf", "full_int8", 256]
    rate = results.frameworks["tf"].full_int8.batch_rate
    expected = rate * roofs.forward_flops / 1e9
    assert tf_full.gflops == pytest.approx(expected)
    assert tf_full.of_peak == pytest.approx(expected / (roofs.peaks["int8"] / 2))
    single = shares["torch", "float32", 1]
    assert single.gflops == pytest.approx(
        1000 / results.frameworks["torch"].float32.latency_ms.median * roofs.forward_flops / 1e9
    )


def test_one_image_at_a_time_is_bound_by_memory_and_int8_raises_that_roof():
    results, roofs = quantization_results(), bench_roofs()
    shares = report.shares(results, roofs)
    float32, int8 = shares["tf", "float32", 1], shares["tf", "int8", 1]
    assert float32.memory_bound and int8.memory_bound
    assert int8.memory_roof == pytest.approx(4 * float32.memory_roof)
    rows = report.peaks(results, roofs, "en").splitlines()[2:]
    assert rows[0].endswith(
        f"| memory, {percent(shares['torch', 'float32', 1].of_ceiling, 'en')} |"
    )
    assert "| memoria, " in report.peaks(results, roofs, "es")


def test_no_share_is_given_against_another_machines_peaks():
    text = report.peaks(quantization_results(), bench_roofs(cpu="Other CPU"), "en")
    assert "Other CPU" in text and "not on Test CPU" in text and "|" not in text


def test_the_note_names_the_machine_the_threads_and_the_rule():
    results, roofs = quantization_results(), bench_roofs(threads=2)
    en, es = (report.roofs_note(results, roofs, language) for language in LANGUAGES)
    assert "on Test CPU on " in en and "with 2 threads" in en
    assert "ran on 1 thread, the benchmarks on 2" in en and "the peak times 1/2" in en
    assert "se ejecutaron con 1 hilo" in es and "40,5 MFLOP por imagen" in es
    assert "as the benchmarks did" in report.roofs_note(results, bench_roofs(threads=1), "en")
    bare = dataclasses.replace(roofs, peaks={"float32": roofs.peaks["float32"]})
    assert "measured no int8 peak" in report.roofs_note(results, bare, "en")
    low = dataclasses.replace(roofs, peaks={k: v / 1000 for k, v in roofs.peaks.items()})
    assert "A share of the peak above 100%" in report.roofs_note(results, low, "en")


def test_the_page_says_from_measurement_whether_int8_gained_from_the_units():
    results = quantization_results()  # both faster everywhere; AMX kernels only in PyTorch
    en, es = (report.reach(results, language) for language in LANGUAGES)
    assert en.startswith("PyTorch's int8 models gained from the int8 units")
    assert "TensorFlow's int8 models are faster than float32 at every batch measured" in en
    assert "Los modelos int8 de PyTorch sacaron partido de las unidades de int8" in es
    torch = results.frameworks["torch"]
    slow = dataclasses.replace(
        torch,
        int8=dataclasses.replace(
            torch.int8,
            batch_images_per_second=[r / 2 for r in torch.float32.batch_images_per_second],
        ),
    )
    slower = dataclasses.replace(results, frameworks={**results.frameworks, "torch": slow})
    en = report.reach(slower, "en")
    assert "For PyTorch, measurement shows no gain from int8 for int8 (dynamic) at batch 256" in en
    assert "(0.50\u00d7 the float32 speed)" in en
    assert "con lotes de 256 (0,50\u00d7 la velocidad en float32)" in report.reach(slower, "es")
