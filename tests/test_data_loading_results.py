"""The data loading page's results (site_build/core/data_loading/results.py): written as JSON
and read back through the kit's one decoder; anything else is measured again."""

from __future__ import annotations

import json

import pytest

from site_build.core.data_loading.results import ThroughputResult
from site_build.core.kit.cache import atomic_write_json
from tests.stand_ins import throughput_result


def test_the_result_survives_its_json_file(tmp_path):
    result = throughput_result()
    path = tmp_path / "throughput.json"
    result.write(path)
    assert ThroughputResult.read(path) == result
    # The median of 6400 / (0.1, 0.2, 0.4) s.
    assert result.measurements[0].images_per_second == pytest.approx(32_000)


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.pop("format"),  # written before the results had a format number
        lambda data: data.update(format=0),  # another format
        lambda data: data.pop("measurements"),  # a missing field
        lambda data: data.update(rows=[]),  # a field this code does not know
        lambda data: data["measurements"][0].update(images="6400"),  # a mistyped field
        lambda data: data["machine"].pop("cpu"),  # a nested record without a field
    ],
)
def test_a_file_this_code_cannot_read_counts_as_missing(tmp_path, change, capsys):
    data = throughput_result().to_json()
    change(data)
    path = tmp_path / "throughput.json"
    atomic_write_json(path, data)
    assert ThroughputResult.read(path) is None
    assert str(path) in capsys.readouterr().err


def test_a_corrupt_file_counts_as_missing(tmp_path):
    path = tmp_path / "throughput.json"
    path.write_text(json.dumps(throughput_result().to_json())[:-20])
    assert ThroughputResult.read(path) is None


def test_versions_read_back_in_the_pages_order():
    result = throughput_result()
    reread = ThroughputResult.from_json(
        {**result.to_json(), "versions": dict(sorted(result.versions.items()))}
    )
    assert list(reread.ordered_versions()) == ["torch", "tensorflow", "numpy"]
