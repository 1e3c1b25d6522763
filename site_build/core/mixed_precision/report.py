"""The mixed-precision page's generated Markdown, from one ``MixedPrecisionResults``.

A page asks for it with ``{{ precision:NAME }}`` (``GENERATED`` below, registered in
``generated.py``); the numbers come from ``measure.py``'s results, the words from the
``mixed_precision`` section of each language's catalog. ``ON_ROOFS`` sets the same speeds
against the benchmarks' roofs of the same build (``kit/roofline.py``), which the build passes
in beside the results.
"""

from __future__ import annotations

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
from site_build.core.mixed_precision.results import PRECISIONS, MixedPrecisionResults

TEXT = texts("mixed_precision")
# The words of a speed set against the roofs, shared with the other precision page.
ROOF_TEXT = texts("roofline")


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


# The speeds against the roofs -------------------------------------------------------------

TASKS = ("train", "inference")


def _threads(results: MixedPrecisionResults) -> int:
    """The frameworks' own default: one thread per logical core."""
    return results.machine.logical_cores or 1


def _share(
    results: MixedPrecisionResults, roofs: MachineRoofs, framework: str, name: str, task: str
) -> Share:
    s, p = results.settings, results.frameworks[framework].precision(name)
    training = task == "train"
    rate, batch = (p.train, s.batch) if training else (p.inference, s.test_batch)
    return share(roofs, name, rate, batch, training, _threads(results))


def shares(
    results: MixedPrecisionResults, roofs: MachineRoofs
) -> dict[tuple[str, str, str], Share]:
    """(framework, precision, task) -> its median speed on the roofs, in the table's order."""
    return {
        (framework, name, task): _share(results, roofs, framework, name, task)
        for framework in COMPARED
        for name in PRECISIONS
        for task in TASKS
    }


def _gflops(value: float, language: str) -> str:
    return f"{number(value, language, 1 if value < 100 else 0)}\u00a0GFLOP/s"


def _same_machine(results: MixedPrecisionResults, roofs: MachineRoofs) -> bool:
    return results.machine.cpu == roofs.cpu


def peaks(results: MixedPrecisionResults, roofs: MachineRoofs, language: str) -> str:
    """Each median speed as achieved GFLOP/s, against the peak of its own precision and the
    memory roof at its batch, with the roof that binds."""
    t = TEXT[language] | ROOF_TEXT[language]
    if not _same_machine(results, roofs):
        return t["roofs_elsewhere"].format(roofs_cpu=roofs.cpu, cpu=results.machine.cpu)
    rows = []
    for (framework, name, task), found in shares(results, roofs).items():
        batch = results.settings.batch if task == "train" else results.settings.test_batch
        binds = t["roof_memory" if found.memory_bound else "roof_compute"]
        rows.append(
            [
                NAMES[framework],
                t[f"{framework}.{name}"],
                t[f"roof_task_{task}"].format(batch=batch),
                _gflops(found.gflops, language),
                f"{_gflops(found.peak, language)} ({found.precision})",
                percent(found.of_peak, language),
                _gflops(found.memory_roof, language),
                f"{binds}, {percent(found.of_ceiling, language)}",
            ]
        )
    header = [t[k] for k in ("framework", "precision", "roof_task", "achieved", "peak")]
    header += [t[k] for k in ("of_peak", "memory_roof", "binds")]
    return markdown_table(header, rows)


def _ratios(result, tasks: list[str], language: str) -> str:
    t = TEXT[language]
    return ", ".join(
        f"{_times(result.speed_up(task), language)} {t[f'in_{task}']}" for task in tasks
    )


def reach(results: MixedPrecisionResults, language: str) -> str:
    """Per framework, whether its bfloat16 reached the bfloat16 units, from measurement: AMX
    kernels in oneDNN's log and a speed above its float32 in each task."""
    t = TEXT[language]
    sentences = []
    for framework in COMPARED:
        result, name = results.frameworks[framework], NAMES[framework]
        slower = [task for task in TASKS if result.speed_up(task) <= 1]
        if result.uses_amx and not slower:
            sentences.append(
                t["reached"].format(
                    framework=name,
                    train=_times(result.speed_up("train"), language),
                    inference=_times(result.speed_up("inference"), language),
                )
            )
            continue
        missed = list(TASKS) if not result.uses_amx else slower
        reasons = [] if result.uses_amx else [t["reason_no_amx"]]
        if slower:
            reasons.append(t["reason_no_faster"].format(ratios=_ratios(result, slower, language)))
        sentences.append(
            t["not_reached"].format(
                framework=name,
                tasks=t["and"].join(t[f"in_{task}"] for task in missed),
                reasons=t["and"].join(reasons),
            )
        )
    return " ".join(sentences)


def roofs_note(results: MixedPrecisionResults, roofs: MachineRoofs, language: str) -> str:
    """Where the roofs come from and the rules that set a speed against them."""
    t = TEXT[language] | ROOF_TEXT[language]
    sentences = [
        roofs_from(roofs, ("float32", "bfloat16"), _gflops, t["and"], language),
        t["roofs_rule"].format(
            forward=number(roofs.forward_flops / 1e6, language, 1),
            training=number(roofs.training_flops / 1e6, language, 1),
            counted=number(roofs.counted_ratio, language, 2),
        ),
        t["threads_same" if _threads(results) >= roofs.threads else "threads_scaled"].format(
            threads=_threads(results), bench_threads=roofs.threads
        ),
    ]
    if "bfloat16" not in roofs.peaks:
        sentences.append(t["no_bf16_peak"])
    same = _same_machine(results, roofs)
    if same:
        for key in caveats(roofs, shares(results, roofs).values()):
            sentences.append(t[key].format(**caveat_fields(roofs, language)))
    return " ".join(sentences)


GENERATED = {"speed": speed, "kernels": kernels, "units": units, "reach": reach, "run": run}
# The values that read the benchmarks' roofs too: NAME(results, roofs, language).
ON_ROOFS = {"peaks": peaks, "roofs_note": roofs_note}
