"""Lighthouse on every content page of the built site, mobile and desktop (nox -s lighthouse).

Serves `site/` on 127.0.0.1 with gzip, as a static host compresses
(`tests/static_server.py`), and runs the pinned Lighthouse (tests/lighthouse/package.json,
installed by `npm ci`) in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) on each
page of docs/<language>/ in both form factors, one run at a time. Budgets: performance >= 90
on mobile and >= 98 on desktop; accessibility, best practices and SEO 100 in both.

Lighthouse's performance score varies from run to run, more so on a busy machine: a page
under budget is run twice more and judged by the median of its three runs (what
Lighthouse's documentation advises against variance). The other three categories do not
depend on the machine's speed, so one run judges them. The table, and every report as
JSON, go to .cache/lighthouse/. Exit status 1 when a page misses a budget, naming the page,
the form factor, its scores and what cost it points. ``--performance-report-only`` (CI,
whose shared machine's load moves the performance score) reports the performance budget
without failing on it and still enforces the others.

    python -m tests.lighthouse.run [--pages index.md,mnist.md] [--form-factors mobile]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests import static_server

ROOT = Path(__file__).resolve().parents[2]
SITE_DIR = ROOT / "site"
DOCS_DIR = ROOT / "docs"
LIGHTHOUSE = ROOT / "tests" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
REPORT_DIR = ROOT / ".cache" / "lighthouse"
DEFAULT_LANGUAGE = "en"  # served at the site root; the others under /<language>/

# A preview build (no SITE_URL) marks its pages noindex; Lighthouse's audit of that is skipped.
PREVIEW_MARK = '<meta name="robots" content="noindex">'
PREVIEW_AUDIT = "is-crawlable"
BUDGETS = {"mobile": 90, "desktop": 98}  # performance score, 0-100
# Scores that depend on the pages alone, not on the machine's speed: 100 or the page fails.
EXACT = ("accessibility", "best-practices", "seo")
RUNS_WHEN_UNDER_BUDGET = 3
# The metrics that make up the performance score, as Lighthouse names their audits.
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run"


def serve(site_dir: Path) -> contextlib.AbstractContextManager[str]:
    """``site_dir`` served as a static host serves it: text compressed with gzip."""
    return static_server.serve(site_dir, static_server.GzipHandler)


def content_pages(docs_dir: Path = DOCS_DIR) -> list[tuple[str, str, str]]:
    """(language, source, URL path) of every page of docs/<language>/, English first."""
    pages = []
    languages = sorted(
        (p.name for p in docs_dir.iterdir() if p.is_dir()), key=lambda x: (x != DEFAULT_LANGUAGE, x)
    )
    for language in languages:
        for source_file in sorted((docs_dir / language).rglob("*.md")):
            source = source_file.relative_to(docs_dir / language).as_posix()
            prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
            directory = "" if source == "index.md" else source.removesuffix(".md") + "/"
            pages.append((language, source, prefix + directory))
    return pages


def is_preview(site_dir: Path) -> bool:
    """A build without SITE_URL marks every page noindex (README.md, "Publishing the site")."""
    home = (site_dir / "index.html").read_text(encoding="utf-8", errors="replace")
    return PREVIEW_MARK in home.split("</head>", 1)[0]


def lighthouse_command(url: str, form_factor: str, output: Path) -> list[str]:
    """The Lighthouse command for one page. On a preview build, whose pages tell search
    engines not to index them on purpose, SEO is judged without the one audit that says so."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=performance,accessibility,best-practices,seo",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    if is_preview(SITE_DIR):
        command.append(f"--skip-audits={PREVIEW_AUDIT}")
    return command


def lighthouse(url: str, form_factor: str, output: Path) -> dict:
    command = lighthouse_command(url, form_factor, output)
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not output.is_file():
        raise RuntimeError(f"lighthouse failed on {url} ({form_factor}):\n{result.stderr[-2000:]}")
    return json.loads(output.read_text(encoding="utf-8"))


def summary(report: dict) -> dict:
    categories = report["categories"]
    audits = report["audits"]
    return {
        "performance": round(100 * (categories["performance"]["score"] or 0)),
        **{name: round(100 * (categories[name]["score"] or 0)) for name in EXACT},
        "metrics": {
            short: audits[audit].get("displayValue", "") for audit, short in METRICS.items()
        },
        # What cost points: each metric's weight times what it missed of a full score.
        "lost": sorted(
            (
                (
                    round(ref["weight"] * (1 - (audits[ref["id"]]["score"] or 0)), 1),
                    METRICS.get(ref["id"], ref["id"]),
                )
                for ref in categories["performance"]["auditRefs"]
                if ref["weight"] and ref["id"] in audits
            ),
            reverse=True,
        ),
        # The audits that cost the other categories points, named for the failure message.
        "failed": {
            name: sorted(
                ref["id"]
                for ref in categories[name].get("auditRefs", [])
                if ref.get("weight") and (audits.get(ref["id"], {}).get("score") or 0) < 1
            )
            for name in EXACT
            if (categories[name]["score"] or 0) < 1
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", help="comma-separated docs sources, e.g. index.md,mnist.md")
    parser.add_argument("--form-factors", default="mobile,desktop")
    parser.add_argument(
        "--performance-report-only",
        action="store_true",
        help="name the pages under the performance budget but do not fail on them (CI: a "
        "shared machine's load moves the score); the other budgets still fail",
    )
    args = parser.parse_args(argv)
    if not (SITE_DIR / "index.html").is_file():
        print(f"{SITE_DIR}/index.html is missing: run nox -s docs first", file=sys.stderr)
        return 2
    if not LIGHTHOUSE.is_file():
        print(f"{LIGHTHOUSE} is missing: run npm ci in tests/lighthouse", file=sys.stderr)
        return 2
    if is_preview(SITE_DIR):
        print(
            f"{SITE_DIR} is a preview build (no SITE_URL): its pages are noindex on purpose, so "
            f"SEO is judged without Lighthouse's {PREVIEW_AUDIT} audit; build with SITE_URL "
            "to measure it too."
        )
    pages = content_pages()
    if args.pages:
        wanted = set(args.pages.split(","))
        unknown = wanted - {source for _, source, _ in pages}
        if unknown:
            print(
                f"--pages: no docs/<language>/ page named {', '.join(sorted(unknown))}",
                file=sys.stderr,
            )
            return 2
        pages = [page for page in pages if page[1] in wanted]
    form_factors = args.form_factors.split(",")
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    rows, misses, exact_misses = [], [], []
    started = time.perf_counter()
    with serve(SITE_DIR) as base_url:
        for language, source, path in pages:
            for form_factor in form_factors:
                name = f"{language}-{source.removesuffix('.md').replace('/', '-')}-{form_factor}"
                runs = []
                while True:
                    output = REPORT_DIR / f"{name}-{len(runs) + 1}.json"
                    report = lighthouse(base_url + path, form_factor, output)
                    runs.append({**summary(report), "report": str(output)})
                    median = statistics.median(run["performance"] for run in runs)
                    if median >= BUDGETS[form_factor] or len(runs) >= RUNS_WHEN_UNDER_BUDGET:
                        break
                chosen = sorted(runs, key=lambda run: run["performance"])[len(runs) // 2]
                row = {
                    "page": f"/{path} (docs/{language}/{source})",
                    "form_factor": form_factor,
                    "runs": [run["performance"] for run in runs],
                    **chosen,
                }
                rows.append(row)
                line = (
                    f"{row['page']:<50} {form_factor:<7} perf {chosen['performance']:>3} "
                    f"{'(runs ' + ','.join(map(str, row['runs'])) + ') ' if len(runs) > 1 else ''}"
                    f"a11y {chosen['accessibility']:>3} bp {chosen['best-practices']:>3} "
                    f"seo {chosen['seo']:>3} | "
                    + " ".join(f"{k} {v}" for k, v in chosen["metrics"].items())
                )
                print(line, flush=True)
                for name, audits in chosen["failed"].items():
                    exact_misses.append(
                        f"{row['page']}: {form_factor} {name} {chosen[name]} < 100 (failing "
                        f"audits: {', '.join(audits) or 'see the report'}; "
                        f"report: {chosen['report']})"
                    )
                if chosen["performance"] < BUDGETS[form_factor]:
                    lost = ", ".join(f"{metric} -{points}" for points, metric in chosen["lost"][:3])
                    misses.append(
                        f"{row['page']}: {form_factor} performance {chosen['performance']} "
                        f"< {BUDGETS[form_factor]} (median of runs {row['runs']}; points lost: "
                        f"{lost}; metrics: "
                        + ", ".join(f"{k} {v}" for k, v in chosen["metrics"].items())
                        + ")"
                    )
    (REPORT_DIR / "summary.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(
        f"{len(rows)} Lighthouse results in {time.perf_counter() - started:.0f} s; "
        f"reports in {REPORT_DIR}"
    )
    if exact_misses:
        print(
            f"{len(exact_misses)} result(s) below 100 in accessibility, best practices or SEO:",
            file=sys.stderr,
        )
        for miss in exact_misses:
            print(miss, file=sys.stderr)
    if misses:
        print(f"{len(misses)} page(s) miss the performance budget:", file=sys.stderr)
        for miss in misses:
            print(miss, file=sys.stderr)
        if args.performance_report_only:
            print(
                "--performance-report-only: the performance budget is reported, "
                "not enforced, in this run."
            )
    if exact_misses or (misses and not args.performance_report_only):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
