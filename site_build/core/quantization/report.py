"""The quantization page's generated Markdown, from one ``QuantizationResults``.

A page asks for it with ``{{ quantization:NAME }}`` (``GENERATED`` below, registered in
``generated.py``): the size and accuracy table, the speed table, the sentence about the int8
kernels and the provenance line. The numbers come from ``measure.py``'s results, the words
from the ``quantization`` section of each language's catalog.
"""

from __future__ import annotations

from site_build.core import mnist_data
from site_build.core.catalog import texts
from site_build.core.i18n_format import number, percent, seconds
from site_build.core.kit import machine
from site_build.core.kit.frameworks import COMPARED, NAMES
from site_build.core.kit.markdown_table import markdown_table
from site_build.core.quantization.results import VARIANTS, QuantizationResults

TEXT = texts("quantization")


def _size(n_bytes: int, language: str) -> str:
    return f"{number(n_bytes / 1e6, language, 1)}\u00a0MB"


def _ms(value: float, language: str) -> str:
    return f"{number(value, language, 2)}\u00a0ms"


def _rate(value: float, language: str) -> str:
    return number(value, language, 0 if value >= 100 else 1)


def _times(value: float, language: str) -> str:
    return f"{number(value, language, 2)}\u00d7"


def _model(results: QuantizationResults, framework: str, variant: str, language: str) -> str:
    template = TEXT[language][f"{framework}.{variant}"]
    return template.format(images=results.settings.calibration_images)


def table(results: QuantizationResults, language: str) -> str:
    """Size, accuracy and single-image latency of each model."""
    t = TEXT[language]
    header = [t[k] for k in ("framework", "model", "size", "accuracy", "latency", "spread")]
    rows = []
    for framework in COMPARED:  # a cached file lists them sorted; the page keeps this order
        result = results.frameworks[framework]
        base = result.float32.bytes
        for variant in VARIANTS:
            v = result.variant(variant)
            size = _size(v.bytes, language)
            if variant != "float32":
                ratio = (v.float_bytes or base) / v.bytes
                size += " " + t["smaller"].format(ratio=number(ratio, language, 1))
            latency = v.latency_ms
            rows.append(
                [
                    NAMES[framework],
                    _model(results, framework, variant, language),
                    size,
                    percent(v.accuracy, language, 2),
                    _ms(latency.median, language),
                    f"{_ms(latency.min, language)} \u2013 {_ms(latency.max, language)}",
                ]
            )
    return markdown_table(header, rows)


def speed(results: QuantizationResults, language: str) -> str:
    """Images per second at batch 1 and in batches, with int8's speed-up over float32."""
    t = TEXT[language]
    batch = results.settings.batch
    header = [t["framework"], t["model"], t["single"], t["speed_up"]]
    header += [t["batched"].format(batch=batch), t["speed_up"]]
    rows = []
    for framework in COMPARED:
        result = results.frameworks[framework]
        base = result.float32
        for variant in VARIANTS:
            v = result.variant(variant)
            single, batched = v.single_images_per_second, v.batch_rate
            first = variant == "float32"
            rows.append(
                [
                    NAMES[framework],
                    _model(results, framework, variant, language),
                    _rate(single, language),
                    "1" if first else _times(single / base.single_images_per_second, language),
                    t["one_at_a_time"] if batched is None else _rate(batched, language),
                    "1"
                    if first
                    else "\u2013"
                    if batched is None or base.batch_rate is None
                    else _times(batched / base.batch_rate, language),
                ]
            )
    return markdown_table(header, rows)


def kernels(results: QuantizationResults, language: str) -> str:
    """What the CPU has for int8, and which int8 kernels each runtime showed it ran."""
    t = TEXT[language]
    int8_flags = [f for f in results.cpu_flags if f in ("avx512_vnni", "amx_int8")]
    sentences = [
        t["flags"].format(flags=", ".join(f"`{f}`" for f in int8_flags))
        if int8_flags
        else t["no_flags"]
    ]
    for framework in COMPARED:
        found = results.frameworks[framework].int8_kernels
        if found:
            listed = ", ".join(
                f"`{k.kind}` (`{k.implementation}`)" if k.implementation else f"`{k.kind}`"
                for k in sorted(found, key=lambda k: (k.kind, k.implementation))
            )
            sentences.append(
                t["int8_amx" if any(k.amx for k in found) else "int8_kernels"].format(
                    framework=NAMES[framework], kernels=listed
                )
            )
        else:
            sentences.append(t[f"{framework}.no_kernels"])
    return " ".join(sentences)


def run(results: QuantizationResults, language: str) -> str:
    t, s = TEXT[language], results.settings
    versions = machine.frameworks_libraries(
        {framework: results.frameworks[framework].versions for framework in COMPARED}
    )
    fields = machine.provenance_fields(vars(results.machine), versions, results.created, language)
    return t["run"].format(
        **fields,
        epochs=f"{s.epochs} {t['epoch' if s.epochs == 1 else 'epochs']}",
        data=mnist_data.describe(results.data.full, results.data.sizes, language),
        test=number(results.data.sizes["test"], language),
        threads=s.threads,
        calls=s.latency_calls,
        batch=s.batch,
        repeats=s.batch_repeats,
        seconds=seconds(results.seconds, language, 0),
    )


GENERATED = {"results": table, "speed": speed, "kernels": kernels, "run": run}
