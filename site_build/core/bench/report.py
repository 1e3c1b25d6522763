"""The benchmarks page's generated Markdown, written from one results file.

A page asks for a table with ``{{ bench:NAME }}`` (``GENERATED`` below, registered in
``generated.py``); every number on the page comes from the ``BenchResults`` that
``bench/measure.py`` measured, nothing is typed by hand. The figure is drawn by
``bench/figures.py``; ``figure_data`` here says what it plots (alt text, table, CSV).
"""

from __future__ import annotations

from dataclasses import dataclass

from site_build.core.bench import flops as bench_flops
from site_build.core.bench import gpu as bench_gpu
from site_build.core.bench.flops import Traffic
from site_build.core.bench.results import BenchResults
from site_build.core.catalog import texts
from site_build.core.i18n_format import number, percent, seconds
from site_build.core.kit import machine
from site_build.core.kit.figure_data import Column, FigureData, figure_markdown
from site_build.core.kit.frameworks import COMPARED, NAMES
from site_build.core.kit.markdown_table import markdown_table

# Table headers, notes and figure labels per language (the bench sections of the catalogs);
# a configuration's name is looked up as "<framework>.<config>".
CONFIGS = {
    language: {tuple(key.split(".")): name for key, name in names.items()}
    for language, names in texts("bench_configs").items()
}
TEXT = texts("bench")


def _rate(value: float, language: str) -> str:
    return number(value, language, 1 if value < 100 else 0)


def _rate_spread(low: float, high: float, language: str) -> str:
    return f"{_rate(low, language)} \u2013 {_rate(high, language)}"


def _ms(value: float, language: str) -> str:
    return f"{number(1000 * value, language, 2)}\u00a0ms"


def training(results: BenchResults, language: str) -> str:
    t = TEXT[language]
    rows = []
    for m in results.tasks("train"):
        ips = m.images_per_second
        first = results.worker(m.framework, "train", m.config).setup
        rows.append(
            [
                NAMES[m.framework],
                CONFIGS[language][m.framework, m.config],
                _rate(ips.median, language),
                _rate_spread(ips.min, ips.max, language),
                percent(m.fraction_of_peak, language),
                seconds(first.first_call_seconds, language),
            ]
        )
    header = ["framework", "config", "ips", "spread", "peak_fraction", "first_call"]
    return markdown_table([t[h] for h in header], rows)


def inference(results: BenchResults, language: str) -> str:
    t = TEXT[language]
    throughput = {(m.framework, m.config): m for m in results.tasks("throughput")}
    rows = []
    for m in results.tasks("latency"):
        lat, big = m.latency_seconds, throughput[m.framework, m.config]
        ips = big.images_per_second
        first = results.worker(m.framework, "infer", m.config).setup
        rows.append(
            [
                NAMES[m.framework],
                CONFIGS[language][m.framework, m.config],
                _ms(lat.median, language),
                f"{_ms(lat.min, language)} \u2013 {_ms(lat.max, language)}",
                _rate(ips.median, language),
                _rate_spread(ips.min, ips.max, language),
                percent(big.fraction_of_peak, language),
                seconds(first.first_call_seconds, language),
            ]
        )
    header = [
        t["framework"],
        t["config"],
        t["latency"],
        t["latency_spread"],
        t["throughput"].format(batch=results.settings.throughput_batch),
        t["spread"],
        t["peak_fraction"],
        t["first_call"],
    ]
    return markdown_table(header, rows)


def peak(results: BenchResults, language: str) -> str:
    t = TEXT[language]
    rows = []
    for framework, rates in results.peak.items():
        g = rates.summary
        rows.append(
            [
                NAMES[framework],
                number(g.median, language, 1),
                f"{number(g.min, language, 1)} \u2013 {number(g.max, language, 1)}",
            ]
        )
    return markdown_table([t["library"], t["gflops"], t["spread"]], rows)


def flops(results: BenchResults, language: str) -> str:
    t, f = TEXT[language], results.flops
    rows = [[name, number(value, language)] for name, value in f.layers.items()]
    rows.append([f"**{t['total']}**", f"**{number(f.forward, language)}**"])
    rows.append([t["training"], number(f.training, language)])
    counted = t["counted_forward"].format(
        value=number(f.counted.forward, language),
        training=number(f.counted.training, language),
    )
    rows.append([t["counted"], counted])
    return markdown_table([t["layer"], t["forward"]], rows)


def startup(results: BenchResults, language: str) -> str:
    t = TEXT[language]
    rows = []
    for framework in COMPARED:
        imports = results.imports[framework].summary
        config = "eager" if framework == "torch" else "graph"
        rss = results.worker(framework, "train", config).max_rss_mib
        rows.append(
            [
                NAMES[framework],
                seconds(imports.median, language, 2),
                " \u2013 ".join(seconds(v, language, 2) for v in (imports.min, imports.max)),
                f"{number(rss, language)}\u00a0MiB",
            ]
        )
    return markdown_table([t["library"], t["import"], t["spread"], t["rss"]], rows)


def artifacts(results: BenchResults, language: str) -> str:
    t = TEXT[language]
    rows = []
    for worker in results.workers:
        setup = worker.setup
        if setup.artifact_bytes is not None:
            rows.append(
                [
                    NAMES[worker.framework],
                    # The file is ONNX; the runtime is what the other tables time.
                    CONFIGS[language][worker.framework, worker.config].replace(
                        "ONNX Runtime", "ONNX"
                    ),
                    f"{number(setup.artifact_bytes / 2**20, language, 1)}\u00a0MiB",
                    seconds(setup.export_seconds, language),
                ]
            )
    return markdown_table([t["framework"], t["artifact"], t["size"], t["export_time"]], rows)


def settings(results: BenchResults, language: str) -> str:
    t, s = TEXT[language], results.settings
    rows = [
        [t["repeats"], str(s.repeats)],
        [t["warmup"], str(s.warmup)],
        [t["threads"], str(s.threads)],
        [t["train_images"], t["train_batch"].format(batches=s.train_batches, batch=s.train_batch)],
        [t["latency_calls"], str(s.latency_calls)],
        [
            t["throughput_images"],
            t["train_batch"].format(batches=s.throughput_batches, batch=s.throughput_batch),
        ],
        [t["matmul"], t["matmul_value"].format(n=s.matmul_size, calls=s.matmul_calls)],
    ]
    return markdown_table([t["setting"], t["value"]], rows)


def run(results: BenchResults, language: str) -> str:
    t, s = TEXT[language], results.settings
    mode = t[results.mode].format(repeats=s.repeats, warmup=s.warmup)
    fields = machine.provenance_fields(
        vars(results.machine), results.versions, results.created, language
    )
    provenance = t["machine"].format(**fields, seconds=seconds(results.seconds, language, 0))
    return f"{mode}\n\n{provenance}"


def plain(label: str) -> str:
    return label.replace("`", "")


def figure_data(results: BenchResults, language: str) -> FigureData:
    """Every bar of the figure as a row; the fastest training and inference in the alt text."""
    t, text = TEXT[language], texts("bench_figure_data")[language]
    batch = results.settings.throughput_batch
    panels = (
        (t["figure_train"], results.tasks("train")),
        (t["figure_infer"].format(batch=batch), results.tasks("throughput")),
    )
    rows, highlights = [], []
    for task, entries in panels:
        for e in entries:
            rate = e.images_per_second
            config = plain(CONFIGS[language][e.framework, e.config])
            share = e.fraction_of_peak
            rows.append((NAMES[e.framework], task, config, rate.median, rate.min, rate.max, share))
        best = max(entries, key=lambda e: e.images_per_second.median)
        label = text["fastest"].format(
            task=task.lower() if language == "en" else task[0].lower() + task[1:],
            framework=NAMES[best.framework],
            config=plain(CONFIGS[language][best.framework, best.config]),
        )
        highlights.append((label, best.images_per_second.median, "decimal:0"))
    return FigureData(
        folder="bench",
        name="throughput",
        language=language,
        title=t["figure_title"],
        description=text["description"].format(batch=batch),
        columns=(
            Column(text["framework"]),
            Column(text["task"]),
            Column(text["config"]),
            Column(text["median"], "decimal:1"),
            Column(text["min"], "decimal:1"),
            Column(text["max"], "decimal:1"),
            Column(text["peak_fraction"], "percent:1"),
        ),
        rows=tuple(rows),
        highlights=tuple(highlights),
    )


def figure(results: BenchResults, language: str) -> str:
    """The figure (drawn by bench/figures.py), its alt text, and its data in a table."""
    return figure_markdown(figure_data(results, language))


def peak_value(results: BenchResults, language: str) -> str:
    return f"{number(results.peak_gflops, language, 1)} GFLOP/s"


def gpu(results: BenchResults, language: str) -> str:
    """The GPU rows (``bench/gpu.py``), under their own heading, only when the cache holds a
    result measured on a GPU; otherwise nothing at all, not an empty table."""
    record = bench_gpu.cached_result()
    if record is None:
        return ""
    t = TEXT[language]
    rows = []
    for row in record["rows"]:
        if row["task"] == "matmul":
            task = t["gpu_matmul"].format(n=record["settings"]["matmul_size"])
            value = f"{number(row['gflops'], language, 0)} GFLOP/s"
        else:
            task = t["gpu_infer"].format(batch=record["settings"]["batch"])
            value = f"{number(row['images_per_second'], language, 0)} {t['unit_images']}"
        rows.append([NAMES[row["framework"]], task, value])
    libraries = {lib: v for libs in record["versions"].values() for lib, v in libs.items()}
    fields = machine.provenance_fields(record["machine"], libraries, record["created"], language)
    intro = t["gpu_intro"].format(device=record["device"], **fields)
    table = markdown_table([t["framework"], t["gpu_task"], t["gpu_value"]], rows)
    return f"## {t['gpu_heading']}\n\n{intro}\n\n{table}"


# The roofline ---------------------------------------------------------------------------

# Each group of points, in the page's order: the measured task it plots, and the batch.
GROUPS = ("train", "throughput", "latency", "adam")


@dataclass(frozen=True)
class Point:
    """One configuration (or the Adam update) on the roofline."""

    group: str  # one of GROUPS
    framework: str | None  # None: the Adam update, measured in PyTorch only
    config: str | None
    batch: int
    traffic: Traffic  # per call
    gflops: float  # measured, median


def bandwidth(results: BenchResults) -> float:
    return results.roofs.bandwidth.summary.median


def ridge(results: BenchResults) -> float:
    """The intensity (FLOP/byte) at which the two roofs meet."""
    return results.peak_gflops / bandwidth(results)


def group_batch(results: BenchResults, group: str) -> int:
    s = results.settings
    return {"train": s.train_batch, "throughput": s.throughput_batch, "latency": 1}.get(group, 0)


def group_traffic(results: BenchResults, group: str) -> Traffic:
    costs, batch = results.flops.costs, group_batch(results, group)
    if group == "train":
        return bench_flops.training_traffic(costs, batch)
    if group == "adam":
        return bench_flops.adam_traffic(costs)
    return bench_flops.forward_traffic(costs, batch)


def predicted(results: BenchResults, group: str) -> float:
    """GFLOP/s at most, from the roofs and the group's intensity: the prediction."""
    intensity = group_traffic(results, group).intensity
    return bench_flops.attainable(intensity, results.peak_gflops, bandwidth(results))


def memory_bound(results: BenchResults, group: str) -> bool:
    return group_traffic(results, group).intensity < ridge(results)


def points(results: BenchResults) -> list[Point]:
    """Every measured configuration, then the Adam update, each at its intensity."""
    found = []
    for group in GROUPS[:3]:
        traffic = group_traffic(results, group)
        for m in results.tasks(group):
            batch = group_batch(results, group)
            found.append(Point(group, m.framework, m.config, batch, traffic, m.gflops))
    adam = group_traffic(results, "adam")
    found.append(
        Point("adam", None, None, 0, adam, adam.flops / results.roofs.adam.summary.median / 1e9)
    )
    return found


def best(results: BenchResults, group: str) -> Point:
    return max((p for p in points(results) if p.group == group), key=lambda p: p.gflops)


def _gflops(value: float, language: str) -> str:
    return f"{number(value, language, 2 if value < 10 else 1)}\u00a0GFLOP/s"


def _intensity(value: float, language: str) -> str:
    return number(value, language, 2 if value < 10 else 1)


def point_label(point: Point, language: str) -> str:
    if point.framework is None:
        return TEXT[language]["roof_adam_point"]
    return f"{NAMES[point.framework]} · {plain(CONFIGS[language][point.framework, point.config])}"


def group_label(results: BenchResults, group: str, language: str) -> str:
    return TEXT[language][f"roof_group_{group}"].format(batch=group_batch(results, group))


def roofs(results: BenchResults, language: str) -> str:
    """The roofs measured in this run, each with how it was measured."""
    t, r = TEXT[language], results.roofs
    mib = number(r.triad_elements * 4 / 2**20, language)

    def row(name, rates, unit, how):
        g = rates.summary
        spread = f"{number(g.min, language, 1)} \u2013 {number(g.max, language, 1)}"
        return [name, f"{number(g.median, language, 1)}\u00a0{unit}", spread, how]

    best_library = max(results.peak, key=lambda k: results.peak[k].summary.median)
    rows = [
        row(t["roof_bandwidth"], r.bandwidth, "GB/s", t["roof_triad_how"].format(mib=mib)),
        row(
            t["roof_fp32"],
            results.peak[best_library],
            "GFLOP/s",
            t["roof_fp32_how"].format(library=NAMES[best_library]),
        ),
    ]
    for name, rates in r.peaks.items():
        how = t[f"roof_{name}_how"].format(kernel=f"`{r.kernels[name]}`")
        rows.append(row(t[f"roof_{name}"], rates, "GOP/s" if name == "int8" else "GFLOP/s", how))
    return markdown_table([t["roof"], t["gflops_median"], t["spread"], t["roof_how"]], rows)


def roof_flags(results: BenchResults, language: str) -> str:
    flags = results.roofs.cpu_flags
    t = TEXT[language]
    return (
        t["roof_flags"].format(flags=", ".join(f"`{f}`" for f in flags))
        if flags
        else t["roof_no_flags"]
    )


def bandwidth_value(results: BenchResults, language: str) -> str:
    return f"{number(bandwidth(results), language, 1)}\u00a0GB/s"


def ridge_value(results: BenchResults, language: str) -> str:
    return _intensity(ridge(results), language)


def layers(results: BenchResults, language: str) -> str:
    """Each layer's parameters, traffic and intensity at batch 1 and at the throughput batch."""
    t, costs = TEXT[language], results.flops.costs
    big = results.settings.throughput_batch
    rows = []
    for layer in costs:
        one, many = (bench_flops.layer_traffic(layer, b) for b in (1, big))
        rows.append(
            [
                f"`{layer.name}`",
                number(layer.parameters, language),
                number(layer.flops, language),
                number(one.bytes / 1e6, language, 2),
                _intensity(one.intensity, language),
                _intensity(many.intensity, language),
            ]
        )
    one, many = (bench_flops.forward_traffic(costs, b) for b in (1, big))
    rows.append(
        [
            f"**{t['layers_total']}**",
            f"**{number(bench_flops.parameters(costs), language)}**",
            f"**{number(sum(c.flops for c in costs), language)}**",
            f"**{number(one.bytes / 1e6, language, 2)}**",
            f"**{_intensity(one.intensity, language)}**",
            f"**{_intensity(many.intensity, language)}**",
        ]
    )
    header = [
        t["layer"],
        t["parameters"],
        t["forward"],
        t["layer_mb"],
        t["intensity_at"].format(batch=1),
        t["intensity_at"].format(batch=big),
    ]
    return markdown_table(header, rows)


def _group_values(results: BenchResults, group: str, language: str) -> dict[str, str]:
    traffic, top = group_traffic(results, group), best(results, group)
    bound = predicted(results, group)
    return {
        "group": group_label(results, group, language),
        "intensity": _intensity(traffic.intensity, language),
        "mb": number(traffic.bytes / 1e6, language, 1),
        "predicted": _gflops(bound, language),
        "measured": _gflops(top.gflops, language),
        "best": point_label(top, language),
        "share": percent(top.gflops / bound, language),
    }


def roofline(results: BenchResults, language: str) -> str:
    """Each group: intensity, which roof bounds it, the prediction, the best measurement."""
    t = TEXT[language]
    rows = []
    for group in GROUPS:
        v = _group_values(results, group, language)
        roof = t["roof_memory"] if memory_bound(results, group) else t["roof_compute"]
        rows.append(
            [
                v["group"],
                v["intensity"],
                roof,
                v["predicted"],
                f"{v['measured']} ({v['best']})",
                v["share"],
            ]
        )
    header = [
        "roof_what",
        "intensity",
        "roof_bound",
        "roof_predicted",
        "roof_measured",
        "roof_share",
    ]
    return markdown_table([t[h] for h in header], rows)


def prediction(results: BenchResults, language: str) -> str:
    """The prediction for batch-1 inference and the Adam update, before any measurement."""
    t = TEXT[language]
    latency, adam = (_group_values(results, g, language) for g in ("latency", "adam"))
    return t["roof_prediction"].format(
        bandwidth=bandwidth_value(results, language),
        latency_intensity=latency["intensity"],
        latency_mb=latency["mb"],
        latency=latency["predicted"],
        adam_intensity=adam["intensity"],
        adam_mb=adam["mb"],
        adam=adam["predicted"],
    )


def verdicts(results: BenchResults, language: str) -> str:
    """Where the measurement agrees with the prediction and where not, group by group."""
    t = TEXT[language]
    lines = []
    for group in GROUPS:
        v = _group_values(results, group, language)
        share = best(results, group).gflops / predicted(results, group)
        memory = memory_bound(results, group)
        if share > 1.1:
            verdict = t["verdict_above_memory" if memory else "verdict_above_compute"]
        elif share >= 0.5:
            verdict = t["verdict_near"]
        elif group == "adam":  # no layers, no calls per image: its own reason
            verdict = t["verdict_below_adam"]
        else:
            verdict = t["verdict_below_memory" if memory else "verdict_below_compute"]
        lines.append("- " + t["verdict"].format(**v) + " " + verdict)
    return "\n".join(lines)


def roofline_data(results: BenchResults, language: str) -> FigureData:
    """Every point of the roofline figure as a row."""
    t, text = TEXT[language], texts("bench_figure_data")[language]
    rows = []
    for p in points(results):
        rows.append(
            (
                group_label(results, p.group, language),
                point_label(p, language),
                p.traffic.intensity,
                p.gflops,
                predicted(results, p.group),
            )
        )
    ridge_label = text["roof_ridge"]
    return FigureData(
        folder="bench",
        name="roofline",
        language=language,
        title=t["roof_figure_title"],
        description=text["roof_description"],
        columns=(
            Column(text["roof_group"]),
            Column(text["config"]),
            Column(text["roof_intensity"], "decimal:2"),
            Column(text["roof_measured"], "decimal:2"),
            Column(text["roof_predicted"], "decimal:2"),
        ),
        rows=tuple(rows),
        highlights=(
            (text["roof_bandwidth"], bandwidth(results), "decimal:1"),
            (text["roof_peak"], results.peak_gflops, "decimal:1"),
            (ridge_label, ridge(results), "decimal:2"),
        ),
    )


def roofline_figure(results: BenchResults, language: str) -> str:
    return figure_markdown(roofline_data(results, language))


GENERATED = {
    "gpu": gpu,
    "run": run,
    "settings": settings,
    "peak": peak,
    "peak_value": peak_value,
    "flops": flops,
    "training": training,
    "inference": inference,
    "startup": startup,
    "artifacts": artifacts,
    "figure": figure,
    "roofs": roofs,
    "roof_flags": roof_flags,
    "bandwidth_value": bandwidth_value,
    "ridge_value": ridge_value,
    "layers": layers,
    "prediction": prediction,
    "roofline": roofline,
    "verdicts": verdicts,
    "roofline_figure": roofline_figure,
}
