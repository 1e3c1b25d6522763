"""Typed result records (site_build/core/kit/records.py): one decoder, and one meaning of a
results file this code cannot read, whichever measured page wrote it: missing, corrupt or of
another format, it counts as not cached and is made again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TypedDict

import pytest

from site_build.core.kit.records import Record, ResultsFormatError, from_json, ordered, to_json


@dataclass(frozen=True)
class Sample(Record):
    FORMAT = 2
    LOG = "[sample]"

    key: str
    accuracy: float
    format: int = field(default=2)


def test_a_record_reads_back_as_it_was_written(tmp_path):
    path = tmp_path / "sample.json"
    Sample("k", 0.5).write(path)
    assert Sample.read(path) == Sample("k", 0.5)
    assert Sample.read(tmp_path / "missing.json") is None


def test_another_format_counts_as_missing_with_one_line_naming_the_file(tmp_path, capsys):
    path = tmp_path / "sample.json"
    path.write_text(json.dumps({"key": "k", "accuracy": 0.5, "format": 1}))
    assert Sample.read(path) is None
    said = capsys.readouterr().err.splitlines()
    assert said == [
        f"[sample] {path} is not in this code's results format (format 1; this code reads 2): "
        "trained again"
    ]
    assert Sample.read(path, say=False) is None and capsys.readouterr().err == ""
    with pytest.raises(ResultsFormatError, match="no format number"):
        Sample.from_json({"key": "k", "accuracy": 0.5})


def test_a_missing_or_extra_field_counts_as_another_format(tmp_path, capsys):
    path = tmp_path / "sample.json"
    path.write_text(json.dumps({"key": "k", "format": 2}))
    assert Sample.read(path) is None
    assert "missing ['accuracy']" in capsys.readouterr().err
    path.write_text(json.dumps({"key": "k", "accuracy": 0.5, "seed": 1, "format": 2}))
    assert Sample.read(path) is None
    assert "unexpected ['seed']" in capsys.readouterr().err


def test_a_corrupt_file_is_removed_and_counts_as_missing(tmp_path, capsys):
    path = tmp_path / "sample.json"
    path.write_text('{"key": "k", "accur')
    assert Sample.read(path) is None
    assert not path.exists()
    assert str(path) in capsys.readouterr().err


def test_ordered_puts_the_keys_in_the_pages_order_and_the_others_after():
    read_back = {"numpy": "2", "tensorflow": "3", "other": "1", "torch": "4"}  # sorted by JSON
    assert list(ordered(read_back, ("torch", "tensorflow", "numpy"))) == [
        "torch",
        "tensorflow",
        "numpy",
        "other",
    ]
    assert ordered(read_back, ()) == read_back


@dataclass(frozen=True)
class Repeats:
    seconds: tuple[float, ...]
    shape: tuple[int, str]


def test_tuples_read_back_from_json_lists_and_keep_their_types():
    value = json.loads(json.dumps(to_json(Repeats((0.5, 1), (3, "x")))))
    assert from_json(Repeats, value) == Repeats((0.5, 1.0), (3, "x"))
    with pytest.raises(ResultsFormatError, match="expected 2 items"):
        from_json(Repeats, {"seconds": [], "shape": [3]})
    with pytest.raises(ResultsFormatError, match="expected a list"):
        from_json(Repeats, {"seconds": 0.5, "shape": [3, "x"]})


class Named(TypedDict):
    run: str
    epochs: int


@dataclass(frozen=True)
class Models:
    models: dict[str, Named]


def test_a_typed_mapping_reads_back_with_its_keys_and_their_types():
    value = {"models": {"torch": {"run": "matched-torch", "epochs": 3}}}
    assert from_json(Models, value) == Models({"torch": Named(run="matched-torch", epochs=3)})
    with pytest.raises(ResultsFormatError, match=r"Named: missing \['epochs'\]"):
        from_json(Models, {"models": {"torch": {"run": "matched-torch"}}})
    with pytest.raises(ResultsFormatError, match="expected int, found '3'"):
        from_json(Models, {"models": {"torch": {"run": "matched-torch", "epochs": "3"}}})
