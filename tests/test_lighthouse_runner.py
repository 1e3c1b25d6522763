"""The Lighthouse runner (tests/lighthouse/run.py, nox -s lighthouse) without Lighthouse:
its server compresses like a static host, and a page under budget fails, named."""

from __future__ import annotations

import gzip
import urllib.request

from tests.lighthouse import run


def _report(performance: float, accessibility: float = 1.0) -> dict:
    audits = {audit: {"score": 0.5, "displayValue": "1.0 s"} for audit in run.METRICS}
    audits["target-size"] = {"score": 0 if accessibility < 1 else 1}
    refs = [{"id": audit, "weight": 20} for audit in run.METRICS]
    categories = {
        "performance": {"score": performance, "auditRefs": refs},
        **{name: {"score": 1.0} for name in run.EXACT},
        "accessibility": {
            "score": accessibility,
            "auditRefs": [{"id": "target-size", "weight": 7}, {"id": "no-such", "weight": 0}],
        },
    }
    return {"categories": categories, "audits": audits}


def test_the_server_sends_text_gzipped_and_images_as_they_are(tmp_path):
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text("<p>hello</p>" * 100)
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    with run.serve(tmp_path) as base_url:
        request = urllib.request.Request(base_url + "page/", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.read()).decode() == "<p>hello</p>" * 100
        request = urllib.request.Request(base_url + "a.png", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] is None
            assert response.read() == b"\x89PNG"


def test_every_page_of_both_languages_is_measured():
    pages = run.content_pages()
    assert ("en", "index.md", "") in pages and ("es", "index.md", "es/") in pages
    assert {language for language, _, _ in pages} == {"en", "es"}


def test_a_page_under_budget_is_measured_three_times_and_named(tmp_path, monkeypatch, capsys):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>home</p>")
    calls = []

    def fake(url, form_factor, output):
        calls.append((url, form_factor))
        return _report(0.95 if form_factor == "mobile" else 0.5)

    monkeypatch.setattr(run, "SITE_DIR", site)
    monkeypatch.setattr(run, "LIGHTHOUSE", site / "index.html")  # any existing file
    monkeypatch.setattr(run, "REPORT_DIR", tmp_path / "reports")
    monkeypatch.setattr(run, "lighthouse", fake)
    assert run.main(["--pages", "tensors.md"]) == 1
    errors = capsys.readouterr().err
    assert "/es/tensors/ (docs/es/tensors.md): desktop performance 50 < 98" in errors
    assert "/tensors/ (docs/en/tensors.md): desktop performance 50 < 98" in errors
    assert "mobile" not in errors
    assert [form for _, form in calls].count("desktop") == 2 * run.RUNS_WHEN_UNDER_BUDGET


def _fake_site(tmp_path, monkeypatch, performance: float, accessibility: float = 1.0) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>home</p>")
    monkeypatch.setattr(run, "SITE_DIR", site)
    monkeypatch.setattr(run, "LIGHTHOUSE", site / "index.html")  # any existing file
    monkeypatch.setattr(run, "REPORT_DIR", tmp_path / "reports")
    monkeypatch.setattr(
        run, "lighthouse", lambda url, form_factor, output: _report(performance, accessibility)
    )


def test_performance_report_only_names_the_pages_under_budget_and_exits_zero(
    tmp_path, monkeypatch, capsys
):
    _fake_site(tmp_path, monkeypatch, 0.5)
    assert run.main(["--pages", "tensors.md", "--performance-report-only"]) == 0
    captured = capsys.readouterr()
    assert "/tensors/ (docs/en/tensors.md): mobile performance 50 < 90" in captured.err
    assert "reported, not enforced" in captured.out


def test_an_accessibility_miss_fails_even_when_performance_is_only_reported(
    tmp_path, monkeypatch, capsys
):
    _fake_site(tmp_path, monkeypatch, 1.0, accessibility=0.96)
    assert run.main(["--pages", "tensors.md", "--performance-report-only"]) == 1
    errors = capsys.readouterr().err
    assert "/es/tensors/ (docs/es/tensors.md): desktop accessibility 96 < 100" in errors
    assert "failing audits: target-size;" in errors
    assert "no-such" not in errors
    assert "performance" not in errors


def test_a_misspelt_page_is_refused_not_silently_skipped(tmp_path, monkeypatch, capsys):
    _fake_site(tmp_path, monkeypatch, 1.0)
    assert run.main(["--pages", "tensor.md"]) == 2
    assert "no docs/<language>/ page named tensor.md" in capsys.readouterr().err


def test_a_preview_build_is_judged_without_the_noindex_audit(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(run, "SITE_DIR", site)
    published = "<html><head><title>Home</title></head><body></body></html>"
    (site / "index.html").write_text(published)
    command = run.lighthouse_command("http://127.0.0.1:1/", "mobile", tmp_path / "r.json")
    assert not any(part.startswith("--skip-audits") for part in command)
    preview = published.replace("</head>", f"{run.PREVIEW_MARK}</head>")
    (site / "index.html").write_text(preview)
    command = run.lighthouse_command("http://127.0.0.1:1/", "desktop", tmp_path / "r.json")
    assert "--skip-audits=is-crawlable" in command and "--preset=desktop" in command
