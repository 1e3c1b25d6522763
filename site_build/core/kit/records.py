"""Typed result records: the one decoder of the results files, and the machine they record.

A measured page's results are dataclasses that write themselves as JSON (``to_json``) and
read back strictly (``from_json``): every field must be there, with its type, and no other,
or ``ResultsFormatError`` says what differs, so that a file of another version of the code
is measured again instead of being misread. ``Record`` gives a results
dataclass its format number, its JSON, and the one way a results file is read back
(``Record.read``): missing or corrupt (``read_json`` removes it, saying so) or of another
format (one line naming the file) all mean the same thing, "not cached": it is made again.
``Machine`` is what ``kit.machine.describe()`` recorded where a result was measured.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypedDict, TypeVar

from site_build.core.kit.cache import atomic_write_json, read_json

T = TypeVar("T")

# Metadata of a field that says what one build did, for its log (the seconds it spent, the
# runs it trained), not what a page shows: ``field(metadata={BUILD_LOG: True})``. The staged
# docs tree's key (``core/stage.py``) leaves such fields out.
BUILD_LOG = "build_log"


class ResultsFormatError(ValueError):
    """A results file that does not have the fields of this version of the code."""


def _decode(kind: Any, value: Any) -> Any:
    """``value`` (parsed JSON) as an instance of the annotation ``kind``."""
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        return from_json(kind, value)
    if typing.is_typeddict(kind):  # a mapping with named, typed keys: all of them, no other
        if not isinstance(value, dict):
            raise ResultsFormatError(f"{kind.__name__}: expected a mapping, found {value!r}")
        hints = typing.get_type_hints(kind)
        missing, extra = sorted(set(hints) - set(value)), sorted(set(value) - set(hints))
        if missing or extra:
            raise ResultsFormatError(f"{kind.__name__}: missing {missing}, unexpected {extra}")
        return {name: _decode(hints[name], value[name]) for name in hints}
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return None
        (single,) = (option for option in options if option is not type(None))
        return _decode(single, value)
    if origin is list:
        (item,) = typing.get_args(kind)
        if not isinstance(value, list):
            raise ResultsFormatError(f"expected a list, found {value!r}")
        return [_decode(item, element) for element in value]
    if origin is tuple:  # tuple[X, ...] or a fixed tuple, written as a JSON list
        items = typing.get_args(kind)
        if not isinstance(value, list):
            raise ResultsFormatError(f"expected a list, found {value!r}")
        if len(items) == 2 and items[1] is Ellipsis:
            return tuple(_decode(items[0], element) for element in value)
        if len(items) != len(value):
            raise ResultsFormatError(f"expected {len(items)} items, found {value!r}")
        return tuple(_decode(item, element) for item, element in zip(items, value, strict=True))
    if origin is dict:
        _, item = typing.get_args(kind)
        if not isinstance(value, dict):
            raise ResultsFormatError(f"expected a mapping, found {value!r}")
        return {key: _decode(item, element) for key, element in value.items()}
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind in (int, str, bool) and type(value) is kind:
        return value
    if kind is Any:
        return value
    raise ResultsFormatError(f"expected {getattr(kind, '__name__', kind)}, found {value!r}")


def from_json(cls: type[T], value: Any) -> T:
    """An instance of the dataclass ``cls`` from parsed JSON; every field must be present."""
    if not isinstance(value, dict):
        raise ResultsFormatError(f"{cls.__name__}: expected a mapping, found {value!r}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    missing, extra = sorted(names - set(value)), sorted(set(value) - names)
    if missing or extra:
        raise ResultsFormatError(f"{cls.__name__}: missing {missing}, unexpected {extra}")
    return cls(**{name: _decode(hints[name], value[name]) for name in names})


def ordered(mapping: dict[str, T], order: tuple[str, ...]) -> dict[str, T]:
    """``mapping`` with its keys in ``order`` (the others after them, as they come): a JSON
    results file sorts its keys, a page lists frameworks and libraries in its own order."""
    rank = {name: index for index, name in enumerate(order)}
    return {name: mapping[name] for name in sorted(mapping, key=lambda n: rank.get(n, len(rank)))}


def to_json(record: Any) -> Any:
    """A dataclass (or lists and mappings of them) as plain JSON values."""
    return dataclasses.asdict(record) if dataclasses.is_dataclass(record) else record


R = TypeVar("R", bound="Record")


class Record:
    """A results dataclass that carries a format number (its ``format`` field, defaulting to
    ``FORMAT``) and reads back only in that format."""

    FORMAT: ClassVar[int]  # the results format this code writes and reads
    LOG: ClassVar[str]  # the prefix of the build's log lines about these results
    AGAIN: ClassVar[str] = "trained again"  # what the build does about a file it cannot read

    def to_json(self) -> dict[str, Any]:
        return to_json(self)

    @classmethod
    def from_json(cls: type[R], value: Any) -> R:
        """The record in parsed JSON; ResultsFormatError when it is of another format."""
        found = value.get("format") if isinstance(value, dict) else None
        if found != cls.FORMAT:
            written = "no format number (an older format)" if found is None else f"format {found}"
            raise ResultsFormatError(f"{written}; this code reads {cls.FORMAT}")
        return from_json(cls, value)

    def write(self, path: Path) -> None:
        atomic_write_json(path, self.to_json())

    @classmethod
    def read(cls: type[R], path: Path, say: bool = True) -> R | None:
        """The record in ``path``, or None when there is none this code can read: missing,
        corrupt (``read_json`` removes it, saying so) or of another format (one line naming
        the file, unless ``say`` is false). Each means the result is made again."""
        value = read_json(path)
        if value is None:
            return None
        try:
            return cls.from_json(value)
        except ResultsFormatError as error:
            if say:
                print(
                    f"{cls.LOG} {path} is not in this code's results format ({error}): {cls.AGAIN}",
                    file=sys.stderr,
                    flush=True,
                )
            return None


@dataclass(frozen=True)
class Machine:
    """What ``kit.machine.describe()`` recorded where a result was measured."""

    cpu: str
    logical_cores: int | None
    memory_gib: float | None
    system: str
    python: str


class TrainedModel(TypedDict):
    """One MNIST run's trained model, as its results describe it: what the quantization page
    measures (``mnist/runs.py`` ``trained_models`` gives them)."""

    run: str
    key: str  # the run's cache key
    weights: str  # the sha256 of its weights file
    path: str  # the weights file (not in the cache key: the same file may live elsewhere)
    epochs: int
    accuracy: float  # on the test images, as the run measured it
