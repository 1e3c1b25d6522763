"""The benchmarks page's generated Markdown, written from one results file.

A page asks for a table with ``{{ bench:NAME }}`` (``GENERATED`` below, registered in
``generated.py``); every number on the page comes from the ``BenchResults`` that
``bench/measure.py`` measured, nothing is typed by hand. The figure is drawn by
``bench/figures.py``; ``figure_data`` here says what it plots (alt text, table, CSV).
"""

from __future__ import annotations

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
    fields = machine.provenance_fields(results.machine, results.versions, results.created, language)
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


GENERATED = {
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
}
