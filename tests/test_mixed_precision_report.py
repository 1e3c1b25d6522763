"""The mixed-precision page's generated tables and sentences, in both languages, from
made-up results: numbers from the results, words from the catalogs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from site_build.core.bench.peaks import machine_roofs
from site_build.core.errors import PlaceholderError
from site_build.core.generated import Generated
from site_build.core.i18n_format import percent
from site_build.core.kit.onednn import Kernel
from site_build.core.kit.records import Machine
from site_build.core.mixed_precision import report
from site_build.core.placeholders import render
from tests.stand_ins import bench_roofs, fake_results, mixed_precision_results

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
    bench = fake_results()
    generated.bench = replace(bench, machine=replace(bench.machine, cpu="Test CPU"))
    for name in [*report.GENERATED, *report.ON_ROOFS]:
        for language in LANGUAGES:
            page = render(f"{{{{ precision:{name} }}}}", language, "page.md", generated.kinds())
            assert "{{" not in page and page.strip()


# Against the benchmarks' roofs ------------------------------------------------------------


def _row(table: str, framework: str, precision: str, task: str) -> str:
    rows = table.splitlines()[2:]
    found = [r for r in rows if f"| {framework} |" in r and precision in r and task in r]
    assert len(found) == 1, (framework, precision, task)
    return found[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_speed_is_set_against_the_peak_of_its_own_precision(language):
    results, roofs = mixed_precision_results(), bench_roofs()
    table = report.peaks(results, roofs, language)
    assert len(table.splitlines()) == 2 + 8  # two frameworks x two precisions x two tasks
    shares = report.shares(results, roofs)
    train = {"en": "Training, batches of 32", "es": "Entrenamiento, lotes de 32"}[language]
    predict = {"en": "Prediction, batches of 256", "es": "Predicción, lotes de 256"}[language]
    for (framework, name, task), found in shares.items():
        label = {"torch": "PyTorch", "tf": "TensorFlow"}[framework]
        words = report.TEXT[language][f"{framework}.{name}"]
        row = _row(table, label, words, train if task == "train" else predict)
        assert f"({name})" in row  # float32 against float32, bfloat16 against bfloat16
        assert f"| {percent(found.of_peak, language)} |" in row
    torch_bf16 = shares["torch", "bfloat16", "train"]
    images = results.frameworks["torch"].bfloat16.train  # the median, images/s
    assert torch_bf16.gflops == pytest.approx(images * 3 * roofs.forward_flops / 1e9)
    assert torch_bf16.of_peak == pytest.approx(torch_bf16.gflops / roofs.peaks["bfloat16"])
    tf_float = shares["tf", "float32", "inference"]
    images = results.frameworks["tf"].float32.inference
    assert tf_float.of_peak == pytest.approx(
        images * roofs.forward_flops / 1e9 / roofs.peaks["float32"]
    )


def test_the_table_names_the_roof_that_binds_and_the_share_of_it():
    results, roofs = mixed_precision_results(), bench_roofs()
    table = report.peaks(results, roofs, "en")
    for (framework, name, task), found in report.shares(results, roofs).items():
        label = {"torch": "PyTorch", "tf": "TensorFlow"}[framework]
        row = _row(
            table,
            label,
            report.TEXT["en"][f"{framework}.{name}"],
            {"train": "Training", "inference": "Prediction"}[task],
        )
        roof = "memory" if found.memory_bound else "compute"
        assert row.endswith(f"| {roof}, {percent(found.of_ceiling, 'en')} |")


def test_no_share_is_given_against_another_machines_peaks():
    results = mixed_precision_results()
    for language, words in (("en", "not on Test CPU"), ("es", "no en Test CPU")):
        text = report.peaks(results, bench_roofs(cpu="Other CPU"), language)
        assert "Other CPU" in text and words in text and "|" not in text


def test_the_note_names_the_machine_the_rule_and_the_threads():
    results, roofs = mixed_precision_results(), bench_roofs()
    en, es = (report.roofs_note(results, roofs, language) for language in LANGUAGES)
    assert "on Test CPU on " in en and "with 2 threads" in en
    assert "40.5 MFLOP for a prediction" in en and "121.6 MFLOP, for a training step" in en
    assert "40,5 MFLOP para una predicción" in es and "121,6 MFLOP" in es
    assert "as many as the benchmarks" in en
    assert "peak times 2/4" in report.roofs_note(results, bench_roofs(threads=4), "en")
    bare = replace(roofs, peaks={"float32": roofs.peaks["float32"]})
    assert "measured no bfloat16 peak" in report.roofs_note(results, bare, "en")
    assert "no midió ningún pico bfloat16" in report.roofs_note(results, bare, "es")


def test_the_note_explains_a_share_above_a_roof_only_when_there_is_one():
    results, roofs = mixed_precision_results(), bench_roofs()
    roomy = replace(
        roofs, peaks={k: v * 1000 for k, v in roofs.peaks.items()}, bandwidth=roofs.bandwidth * 1e6
    )
    assert max(f.of_ceiling for f in report.shares(results, roomy).values()) < 1
    assert "above 100%" not in report.roofs_note(results, roomy, "en")
    low = replace(roofs, peaks={k: v / 1000 for k, v in roofs.peaks.items()})
    assert "A share of the peak above 100%" in report.roofs_note(results, low, "en")
    assert "por encima del 100\u00a0%" in report.roofs_note(results, low, "es")
    starved = replace(roofs, bandwidth=roofs.bandwidth / 1e6)
    assert "fit in this CPU's last-level cache" in report.roofs_note(results, starved, "en")
    uncached = replace(starved, last_level_cache_bytes=None)
    assert "stayed in the CPU's caches" in report.roofs_note(results, uncached, "en")


def test_the_page_says_from_measurement_whether_bfloat16_reached_the_units():
    results = mixed_precision_results()  # PyTorch: AMX and faster; TensorFlow: neither
    en, es = (report.reach(results, language) for language in LANGUAGES)
    assert en.startswith("PyTorch's bfloat16 gained from the bfloat16 units")
    assert "in training (1.50\u00d7) and in prediction (1.50\u00d7)" in en
    assert (
        "no gain from the bfloat16 units for TensorFlow in training and in prediction: "
        "oneDNN's log shows none of its bfloat16 kernels on the AMX units and its bfloat16 is "
        "no faster than its float32 (0.50\u00d7 in training, 0.80\u00d7 in prediction)."
    ) in en
    assert "El bfloat16 de PyTorch sacó partido de las unidades de bfloat16" in es
    assert "(0,50\u00d7 en el entrenamiento, 0,80\u00d7 en la predicción)" in es
    # AMX kernels in the log, but no faster: the speed says the units bought nothing there.
    amx = mixed_precision_results(
        tf_kernels=[Kernel("matmul", "brg_matmul:avx10_1_512_amx", "bf16", 8)]
    )
    en = report.reach(amx, "en")
    assert "for TensorFlow in training and in prediction: its bfloat16 is no faster" in en
    assert "none of its bfloat16 kernels" not in en


def test_the_page_reads_the_roofs_of_the_builds_own_benchmarks():
    generated = Generated()
    generated.mixed_precision = results = mixed_precision_results()
    assert generated.roofs is None  # no benchmarks prepared, no roofs
    bench = fake_results()
    generated.bench = replace(bench, machine=replace(bench.machine, cpu="Test CPU"))
    page = render("{{ precision:peaks }}", "en", "page.md", generated.kinds())
    assert page == report.peaks(results, machine_roofs(generated.bench), "en")
    faster = replace(generated.bench, peak_gflops=2 * generated.bench.peak_gflops)
    generated.bench = faster
    assert render("{{ precision:peaks }}", "en", "page.md", generated.kinds()) != page


def test_an_unknown_name_lists_the_values_on_the_roofs_too():
    with pytest.raises(PlaceholderError, match=r"use one of .*peaks.*roofs_note"):
        render("{{ precision:share }}", "en", "page.md", Generated().kinds())
