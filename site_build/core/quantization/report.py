"""The quantization page's generated Markdown, from one ``QuantizationResults``.

A page asks for it with ``{{ quantization:NAME }}`` (``GENERATED`` below, registered in
``generated.py``): the size and accuracy table, the speed table, the sentence about the int8
kernels and the provenance line. The numbers come from ``measure.py``'s results, the words
from the ``quantization`` section of each language's catalog. ``ON_ROOFS`` sets the same
speeds against the benchmarks' roofs of the same build (``kit/roofline.py``), which the build
passes in beside the results.
"""

from __future__ import annotations

from site_build.core import mnist_data
from site_build.core.catalog import texts
from site_build.core.i18n_format import number, percent, seconds
from site_build.core.kit import machine
from site_build.core.kit.frameworks import COMPARED, NAMES
from site_build.core.kit.markdown_table import markdown_table
from site_build.core.kit.roofline import (
    MachineRoofs,
    Share,
    caveat_fields,
    caveats,
    roofs_from,
    share,
)
from site_build.core.quantization.results import VARIANTS, QuantizationResults

TEXT = texts("quantization")
# The words of a speed set against the roofs, shared with the other precision page.
ROOF_TEXT = texts("roofline")


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


# The speeds against the roofs -------------------------------------------------------------

PRECISION = {"float32": "float32", "int8": "int8", "full_int8": "int8"}  # variant -> roof


def shares(results: QuantizationResults, roofs: MachineRoofs) -> dict[tuple[str, str, int], Share]:
    """(framework, variant, batch) -> that speed on the roofs: batch 1 from the median
    latency, and the larger batch where the model takes it, in the table's order."""
    found = {}
    threads = results.settings.threads
    for framework in COMPARED:
        result = results.frameworks[framework]
        for variant in VARIANTS:
            v = result.variant(variant)
            rates = [(1, v.single_images_per_second)]
            if v.batch_rate is not None:
                rates.append((results.settings.batch, v.batch_rate))
            for batch, rate in rates:
                found[framework, variant, batch] = share(
                    roofs, PRECISION[variant], rate, batch, False, threads
                )
    return found


def _ops(value: float, language: str) -> str:
    return f"{number(value, language, 1 if value < 100 else 0)}\u00a0GOP/s"


def peaks(results: QuantizationResults, roofs: MachineRoofs, language: str) -> str:
    """Each speed as achieved operations per second, against the peak of its own precision
    (per thread) and the memory roof at its batch, with the roof that binds."""
    t = TEXT[language] | ROOF_TEXT[language]
    if results.machine.cpu != roofs.cpu:
        return t["roofs_elsewhere"].format(roofs_cpu=roofs.cpu, cpu=results.machine.cpu)
    rows = []
    for (framework, variant, batch), found in shares(results, roofs).items():
        binds = t["roof_memory" if found.memory_bound else "roof_compute"]
        rows.append(
            [
                NAMES[framework],
                t[f"roof_model.{variant}"],
                str(batch),
                _ops(found.gflops, language),
                f"{_ops(found.peak, language)} ({found.precision})",
                percent(found.of_peak, language),
                _ops(found.memory_roof, language),
                f"{binds}, {percent(found.of_ceiling, language)}",
            ]
        )
    header = [t[k] for k in ("framework", "model", "roof_batch", "achieved", "peak", "of_peak")]
    header += [t[k] for k in ("memory_roof", "binds")]
    return markdown_table(header, rows)


def reach(results: QuantizationResults, language: str) -> str:
    """Per framework, whether its int8 models gained from the int8 units, from measurement:
    int8 kernels on the AMX units in oneDNN's log, and a speed above float32 at every batch."""
    t = TEXT[language]
    sentences = []
    for framework in COMPARED:
        result, name = results.frameworks[framework], NAMES[framework]
        base = result.float32
        slower = []
        for variant in VARIANTS[1:]:
            v = result.variant(variant)
            pairs = [(1, v.single_images_per_second, base.single_images_per_second)]
            if v.batch_rate is not None and base.batch_rate is not None:
                pairs.append((results.settings.batch, v.batch_rate, base.batch_rate))
            slower += [
                t["slower_at"].format(
                    model=t[f"roof_model.{variant}"],
                    batch=batch,
                    ratio=_times(rate / base_rate, language),
                )
                for batch, rate, base_rate in pairs
                if rate <= base_rate
            ]
        amx = any(k.amx for k in result.int8_kernels)
        if slower:
            sentences.append(t["no_faster"].format(framework=name, cases=t["and"].join(slower)))
        elif amx:
            sentences.append(t["reached"].format(framework=name))
        else:
            sentences.append(t["faster_unseen"].format(framework=name))
    return " ".join(sentences)


def roofs_note(results: QuantizationResults, roofs: MachineRoofs, language: str) -> str:
    """Where the roofs come from and the rules that set a speed against them."""
    t, threads = TEXT[language] | ROOF_TEXT[language], results.settings.threads
    sentences = [
        roofs_from(roofs, ("float32", "int8"), _ops, t["and"], language),
        t["roofs_rule"].format(forward=number(roofs.forward_flops / 1e6, language, 1)),
        t["threads_same" if threads >= roofs.threads else "threads_scaled"].format(
            threads=threads, bench_threads=roofs.threads
        ),
    ]
    if "int8" not in roofs.peaks:
        sentences.append(t["no_int8_peak"])
    same = results.machine.cpu == roofs.cpu
    if same:
        for key in caveats(roofs, shares(results, roofs).values()):
            sentences.append(t[key].format(**caveat_fields(roofs, language)))
    return " ".join(sentences)


GENERATED = {
    "results": table,
    "speed": speed,
    "kernels": kernels,
    "reach": reach,
    "run": run,
}
# The values that read the benchmarks' roofs too: NAME(results, roofs, language).
ON_ROOFS = {"peaks": peaks, "roofs_note": roofs_note}
