"""The benchmarks page's generated Markdown and figure, written from one results file.

A page asks for a table with ``{{ bench:NAME }}`` (see site_build/mkdocs/plugin.py); every
number on the page comes from here, nothing is typed by hand. Slightly over 300 lines: one
function per table of the page, and the figure drawn from the same results.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on build machines

import matplotlib.pyplot as plt

from site_build.core.cache import atomic_write_bytes, cache_root, file_digest, fingerprint
from site_build.core.catalog import LANGUAGES, texts
from site_build.core.i18n_format import number, percent, seconds

MAX_BYTES = 150_000
COLOURS = {"torch": "#D55E00", "tf": "#0072B2", "numpy": "#009E73"}
NAMES = {"torch": "PyTorch", "tf": "TensorFlow", "numpy": "NumPy"}

# Table headers, notes and figure labels per language (the bench sections of the catalogs);
# a configuration's name is looked up as "<framework>.<config>".
CONFIGS = {
    language: {tuple(key.split(".")): name for key, name in names.items()}
    for language, names in texts("bench_configs").items()
}
TEXT = texts("bench")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _measurements(results: dict, task: str) -> list[dict]:
    return [m for m in results["measurements"] if m["task"] == task]


def _setup(results: dict, framework: str, kind: str, config: str) -> dict:
    for worker in results["workers"]:
        if (worker["framework"], worker["kind"], worker["config"]) == (framework, kind, config):
            return worker
    raise KeyError((framework, kind, config))


def _rate(value: float, language: str) -> str:
    return number(value, language, 1 if value < 100 else 0)


def _ms(value: float, language: str) -> str:
    return f"{number(1000 * value, language, 2)}\u00a0ms"


def training(results: dict, language: str) -> str:
    t = TEXT[language]
    rows = []
    for m in _measurements(results, "train"):
        ips = m["images_per_second"]
        first = _setup(results, m["framework"], "train", m["config"])["setup"]
        rows.append(
            [
                NAMES[m["framework"]],
                CONFIGS[language][m["framework"], m["config"]],
                _rate(ips["median"], language),
                f"{_rate(ips['min'], language)} \u2013 {_rate(ips['max'], language)}",
                percent(m["fraction_of_peak"], language),
                seconds(first["first_call_seconds"], language),
            ]
        )
    header = ["framework", "config", "ips", "spread", "peak_fraction", "first_call"]
    return _table([t[h] for h in header], rows)


def inference(results: dict, language: str) -> str:
    t = TEXT[language]
    batch = results["settings"]["throughput_batch"]
    throughput = {(m["framework"], m["config"]): m for m in _measurements(results, "throughput")}
    rows = []
    for m in _measurements(results, "latency"):
        lat, big = m["latency_seconds"], throughput[m["framework"], m["config"]]
        ips = big["images_per_second"]
        first = _setup(results, m["framework"], "infer", m["config"])["setup"]
        rows.append(
            [
                NAMES[m["framework"]],
                CONFIGS[language][m["framework"], m["config"]],
                _ms(lat["median"], language),
                f"{_ms(lat['min'], language)} \u2013 {_ms(lat['max'], language)}",
                _rate(ips["median"], language),
                f"{_rate(ips['min'], language)} \u2013 {_rate(ips['max'], language)}",
                percent(big["fraction_of_peak"], language),
                seconds(first["first_call_seconds"], language),
            ]
        )
    header = [
        t["framework"],
        t["config"],
        t["latency"],
        t["latency_spread"],
        t["throughput"].format(batch=batch),
        t["spread"],
        t["peak_fraction"],
        t["first_call"],
    ]
    return _table(header, rows)


def peak(results: dict, language: str) -> str:
    t = TEXT[language]
    rows = []
    for framework, entry in results["peak"].items():
        g = entry["gflops"]
        rows.append(
            [
                NAMES[framework],
                number(g["median"], language, 1),
                f"{number(g['min'], language, 1)} \u2013 {number(g['max'], language, 1)}",
            ]
        )
    return _table([t["library"], t["gflops"], t["spread"]], rows)


def flops(results: dict, language: str) -> str:
    t = TEXT[language]
    f = results["flops"]
    rows = [[name, number(value, language)] for name, value in f["layers"].items()]
    rows.append([f"**{t['total']}**", f"**{number(f['forward'], language)}**"])
    rows.append([t["training"], number(f["training"], language)])
    counted = t["counted_forward"].format(
        value=number(f["counted"]["forward"], language),
        training=number(f["counted"]["training"], language),
    )
    rows.append([t["counted"], counted])
    return _table([t["layer"], t["forward"]], rows)


def startup(results: dict, language: str) -> str:
    t = TEXT[language]
    rows = []
    for framework in ("torch", "tf"):
        imports = results["imports"][framework]["seconds"]
        config = "eager" if framework == "torch" else "graph"
        rss = _setup(results, framework, "train", config)["max_rss_mib"]
        rows.append(
            [
                NAMES[framework],
                seconds(imports["median"], language, 2),
                " \u2013 ".join(seconds(imports[k], language, 2) for k in ("min", "max")),
                f"{number(rss, language)}\u00a0MiB",
            ]
        )
    return _table([t["library"], t["import"], t["spread"], t["rss"]], rows)


def artifacts(results: dict, language: str) -> str:
    t = TEXT[language]
    rows = []
    for worker in results["workers"]:
        setup = worker["setup"]
        if "artifact_bytes" in setup:
            rows.append(
                [
                    NAMES[worker["framework"]],
                    # The file is ONNX; the runtime is what the other tables time.
                    CONFIGS[language][worker["framework"], worker["config"]].replace(
                        "ONNX Runtime", "ONNX"
                    ),
                    f"{number(setup['artifact_bytes'] / 2**20, language, 1)}\u00a0MiB",
                    seconds(setup["export_seconds"], language),
                ]
            )
    return _table([t["framework"], t["artifact"], t["size"], t["export_time"]], rows)


def settings(results: dict, language: str) -> str:
    t, s = TEXT[language], results["settings"]
    rows = [
        [t["repeats"], str(s["repeats"])],
        [t["warmup"], str(s["warmup"])],
        [t["threads"], str(s["threads"])],
        [
            t["train_images"],
            t["train_batch"].format(batches=s["train_batches"], batch=s["train_batch"]),
        ],
        [t["latency_calls"], str(s["latency_calls"])],
        [
            t["throughput_images"],
            t["train_batch"].format(batches=s["throughput_batches"], batch=s["throughput_batch"]),
        ],
        [t["matmul"], t["matmul_value"].format(n=s["matmul_size"], calls=s["matmul_calls"])],
    ]
    return _table([t["setting"], t["value"]], rows)


def run(results: dict, language: str) -> str:
    t, s, m = TEXT[language], results["settings"], results["machine"]
    mode = t[results["mode"]].format(repeats=s["repeats"], warmup=s["warmup"])
    memory = number(m["memory_gib"], language, 1) if m.get("memory_gib") else "?"
    versions = ", ".join(f"{name} {version}" for name, version in results["versions"].items())
    provenance = t["machine"].format(
        date=results["created"][:10],
        cpu=m["cpu"],
        cores=m["logical_cores"],
        memory=memory,
        system=m["system"],
        python=m["python"],
        versions=versions,
        seconds=seconds(results["seconds"], language, 0),
    )
    return f"{mode}\n\n{provenance}"


def peak_value(results: dict, language: str) -> str:
    return f"{number(results['peak_gflops'], language, 1)} GFLOP/s"


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
}


# The figure ---------------------------------------------------------------------------------


def figure_path(language: str) -> Path:
    return cache_root() / "site-assets" / language / "generated" / "bench" / "throughput.png"


def _plain(label: str) -> str:
    return label.replace("`", "")


def draw(results: dict, language: str) -> bytes:
    import io

    t = TEXT[language]
    panels = [
        (t["figure_train"], _measurements(results, "train")),
        (
            t["figure_infer"].format(batch=results["settings"]["throughput_batch"]),
            _measurements(results, "throughput"),
        ),
    ]
    figure, axes = plt.subplots(
        1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [4, 8]}, layout="constrained"
    )
    for axis, (title, entries) in zip(axes, panels, strict=True):
        labels = [
            f"{NAMES[e['framework']]}\n{_plain(CONFIGS[language][e['framework'], e['config']])}"
            for e in entries
        ]
        medians = [e["images_per_second"]["median"] for e in entries]
        low = [m - e["images_per_second"]["min"] for m, e in zip(medians, entries, strict=True)]
        high = [e["images_per_second"]["max"] - m for m, e in zip(medians, entries, strict=True)]
        positions = range(len(entries))
        axis.barh(
            positions,
            medians,
            xerr=[low, high],
            color=[COLOURS[e["framework"]] for e in entries],
            capsize=3,
        )
        for y, entry in enumerate(entries):
            axis.text(
                entry["images_per_second"]["max"],
                y,
                "  " + percent(entry["fraction_of_peak"], language),
                va="center",
                ha="left",
                fontsize=8,
            )
        axis.set_yticks(list(positions), labels, fontsize=7)
        axis.invert_yaxis()
        axis.set_title(title, fontsize=10)
        axis.set_xlabel(t["figure_x"], fontsize=8)
        axis.set_xlim(0, 1.3 * max(e["images_per_second"]["max"] for e in entries))
        axis.tick_params(axis="x", labelsize=8)
    figure.suptitle(t["figure_title"], fontsize=11)
    figure.supxlabel(t["figure_note"], fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return buffer.getvalue()


def ensure_figures(results: dict) -> bool:
    """Draw the figure in every language unless the results and this module are unchanged."""
    key = fingerprint({"results": results, "code": file_digest(Path(__file__))})
    stamp = cache_root() / "site-assets" / "bench-figures.key"
    if (
        stamp.exists()
        and stamp.read_text() == key
        and all(figure_path(lang).exists() for lang in LANGUAGES)
    ):
        return False
    for language in LANGUAGES:
        data = draw(results, language)
        if len(data) > MAX_BYTES:
            raise ValueError(f"the benchmark figure is {len(data)} bytes; keep it under 150 KB")
        atomic_write_bytes(figure_path(language), data)
    atomic_write_bytes(stamp, key.encode())
    return True
