"""Which CPU kernels ran: oneDNN's own log, and the CPU's flags for bfloat16 and int8 units.

On x86 CPUs both frameworks compute convolutions and matrix products with oneDNN, which,
given ``ONEDNN_VERBOSE=1`` in the environment, prints a line to standard output for every
primitive it runs: its kind, its implementation (whose name carries the instruction set, e.g.
``brg_conv_fwd:avx10_1_512_amx`` for the AMX units) and its operands' data types. The
measured pages that ask whether a framework used the CPU's 16-bit or 8-bit units run a short
pass with that variable set and read the log with ``parse_log``. Operations a framework runs
in kernels of its own (or a runtime without oneDNN, such as LiteRT) leave no line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# The CPU flags of bfloat16 and int8 units that the pages name, in the order they name them.
FLAGS = ("avx512_bf16", "amx_bf16", "amx_tile", "avx512_vnni", "amx_int8")
VERBOSE = {"ONEDNN_VERBOSE": "1"}  # the environment that makes oneDNN log what it runs

_VERSION = re.compile(r",info,oneDNN v([0-9][0-9.]*)")
_SOURCE_TYPE = re.compile(r"\bsrc(?:_|:)([a-z0-9]+)")


@dataclass(frozen=True)
class Kernel:
    """One oneDNN primitive implementation that ran, and how many times."""

    kind: str  # convolution, inner_product, matmul, reorder, ...
    implementation: str  # e.g. brg_conv_fwd:avx512_core_amx
    data_type: str  # of its source operand: bf16, f32, u8, s8, ...
    calls: int

    @property
    def computes(self) -> bool:
        """A computing primitive, not a copy between layouts or types (``reorder``)."""
        return self.kind != "reorder"

    @property
    def amx(self) -> bool:
        return "amx" in self.implementation


def parse_log(text: str) -> tuple[list[Kernel], str]:
    """(the primitives that ran, counted by kind, implementation and source data type, in
    sorted order; the oneDNN version that logged them, e.g. "3.12.0", or "") from an
    ``ONEDNN_VERBOSE=1`` log (each framework ships its own oneDNN). Both log formats are
    read, ``onednn_verbose,exec,...`` and ``onednn_verbose,v1,primitive,exec,...``; other
    lines are ignored."""
    counts: Counter[tuple[str, str, str]] = Counter()
    version = ""
    for line in text.splitlines():
        if not line.startswith("onednn_verbose,"):
            continue
        found = _VERSION.search(line)
        if found and not version:
            version = found.group(1)
        fields = line.split(",")
        if "exec" not in fields:
            continue
        at = fields.index("exec")
        if len(fields) < at + 6:
            continue
        kind, implementation, descriptors = fields[at + 2], fields[at + 3], fields[at + 5]
        found = _SOURCE_TYPE.search(descriptors)
        counts[kind, implementation, found.group(1) if found else "?"] += 1
    kernels = [
        Kernel(kind=kind, implementation=impl, data_type=dtype, calls=calls)
        for (kind, impl, dtype), calls in sorted(counts.items())
    ]
    return kernels, version


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> list[str]:
    """Those of ``FLAGS`` that the CPU lists, in ``FLAGS``' order; none if it cannot be read."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return []
    found: set[str] = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            found.update(line.split(":", 1)[1].split())
    return [flag for flag in FLAGS if flag in found]
