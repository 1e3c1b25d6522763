"""The mixed-precision page's generated Markdown, from one ``MixedPrecisionResults``.

A page asks for it with ``{{ precision:NAME }}`` (``GENERATED`` below, registered in
``generated.py``); the numbers come from ``measure.py``'s results, the words from the
``mixed_precision`` section of each language's catalog.
"""

from __future__ import annotations

from site_build.core.catalog import texts
from site_build.core.i18n_format import number, seconds
from site_build.core.kit import machine
from site_build.core.kit.frameworks import COMPARED, NAMES
from site_build.core.kit.markdown_table import markdown_table
from site_build.core.mixed_precision.results import PRECISIONS, MixedPrecisionResults

TEXT = texts("mixed_precision")


def _rate(value: float, language: str) -> str:
    return number(value, language, 0 if value >= 100 else 1)


def _spread(values: list[float], language: str) -> str:
    return f"{_rate(min(values), language)} \u2013 {_rate(max(values), language)}"


def _times(value: float, language: str) -> str:
    return f"{number(value, language, 2)}\u00d7"


def speed(results: MixedPrecisionResults, language: str) -> str:
    """Training and prediction speed, float32 and bfloat16, with bfloat16's speed-up."""
    t = TEXT[language]
    header = [t[k] for k in ("framework", "precision", "train", "spread", "speed_up")]
    header += [t[k] for k in ("inference", "spread", "speed_up")]
    rows = []
    for framework in COMPARED:
        result = results.frameworks[framework]
        for name in PRECISIONS:
            p = result.precision(name)
            base = name == "float32"
            rows.append(
                [
                    NAMES[framework],
                    t[f"{framework}.{name}"],
                    _rate(p.train, language),
                    _spread(p.train_images_per_second, language),
                    "1" if base else _times(result.speed_up("train"), language),
                    _rate(p.inference, language),
                    _spread(p.inference_images_per_second, language),
                    "1" if base else _times(result.speed_up("inference"), language),
                ]
            )
    return markdown_table(header, rows)


def kernels(results: MixedPrecisionResults, language: str) -> str:
    """The bfloat16 compute kernels oneDNN ran in each framework, with their calls."""
    t = TEXT[language]
    rows = []
    for framework in COMPARED:
        found = results.frameworks[framework].bf16_kernels
        for k in found:
            rows.append([NAMES[framework], f"`{k.kind}`", f"`{k.implementation}`", str(k.calls)])
        if not found:
            rows.append([NAMES[framework], t["none"], "", ""])
    header = [t[k] for k in ("framework", "kernel_kind", "implementation", "calls")]
    return markdown_table(header, rows)


def _kinds(kinds: list[str]) -> str:
    return ", ".join(f"`{kind}`" for kind in kinds)


def units(results: MixedPrecisionResults, language: str) -> str:
    """What the CPU has and, per framework, whether its bfloat16 kernels used the units."""
    t = TEXT[language]
    flags = results.cpu_flags
    bf16_flags = [f for f in flags if "bf16" in f]
    sentences = [
        t["flags"].format(flags=", ".join(f"`{f}`" for f in bf16_flags))
        if bf16_flags
        else t["no_flags"]
    ]
    for framework in COMPARED:
        result = results.frameworks[framework]
        name, version = NAMES[framework], result.onednn
        if result.uses_amx:
            sentences.append(
                t["amx"].format(
                    framework=name, version=version, kinds=_kinds(result.bf16_kinds(True))
                )
            )
            if result.bf16_kinds(False):
                sentences.append(t["not_amx"].format(kinds=_kinds(result.bf16_kinds(False))))
        elif result.bf16_kernels:
            implementations = sorted({k.implementation for k in result.bf16_kernels})
            sentences.append(
                t["no_amx"].format(
                    framework=name,
                    version=version,
                    implementations=", ".join(f"`{i}`" for i in implementations),
                )
            )
        else:
            sentences.append(t["no_bf16"].format(framework=name))
    return " ".join(sentences)


def run(results: MixedPrecisionResults, language: str) -> str:
    """How it was measured: settings, machine, versions, date."""
    t, s = TEXT[language], results.settings
    versions = machine.frameworks_libraries(
        {framework: results.frameworks[framework].versions for framework in COMPARED}
    )
    fields = machine.provenance_fields(
        results.machine.__dict__, versions, results.created, language
    )
    return t["run"].format(
        **fields,
        batch=s.batch,
        short=number(s.short_images, language),
        long=number(s.long_images, language),
        test=number(s.test_images, language),
        test_batch=s.test_batch,
        repeats=s.repeats,
        seconds=seconds(results.seconds, language, 0),
    )


GENERATED = {"speed": speed, "kernels": kernels, "units": units, "run": run}
