"""The data loading page's table and sentence (site_build/core/data_loading/report.py), from a
made-up result, in both languages, as the rendered page shows them."""

from __future__ import annotations

import pytest

from site_build.core.data_loading import report
from site_build.core.data_loading.results import ThroughputResult
from site_build.core.generated import Generated
from site_build.core.i18n_format import NBSP
from tests.stand_ins import rendered_page, throughput_result

LANGUAGES = ("en", "es")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_shows_the_measured_numbers_the_machine_and_the_date(language):
    generated = Generated()
    generated.data_loading = throughput_result()
    _, rendered = rendered_page(generated, language, "data_loading.md")
    assert "{{ loading:" not in rendered
    table = report.throughput(generated.data_loading, language)
    assert table in rendered
    rows = [line for line in table.splitlines() if not line.startswith("| --- |")]
    assert len(rows) == 5  # the header and four pipelines
    assert table.count("PyTorch") == table.count("TensorFlow") == 2
    median, low, high = {
        "en": ("32,000", "16,000", "64,000"),
        "es": ("32\u00a0000", "16\u00a0000", "64\u00a0000"),
    }[language]
    assert f"| {median} | {low} \u2013 {high} |" in table
    first = {"en": "1.25", "es": "1,25"}[language]
    assert f"{first}{NBSP}s" in table
    sentence = report.machine_sentence(generated.data_loading, language)
    assert sentence in rendered
    date = {"en": "30 November 2026", "es": "30 de noviembre de 2026"}[language]
    assert date in sentence and "Test CPU" in sentence
    assert {"en": "6,400", "es": "6400"}[language] in sentence


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_versions_keep_their_order_when_read_back(language):
    result = throughput_result()
    reread = ThroughputResult.from_json(
        {**result.to_json(), "versions": dict(sorted(result.versions.items()))}
    )
    versions = "torch 2.13.0, tensorflow 2.21.0, numpy 2.3.0"
    assert versions in report.machine_sentence(result, language)
    assert versions in report.machine_sentence(reread, language)
