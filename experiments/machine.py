"""The machine and library versions a result was measured with, recorded beside the result."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from hooks.library_versions import installed_version


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
    return round(pages * page_size / 2**30, 1)


def describe() -> dict[str, object]:
    return {
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def versions(*import_names: str) -> dict[str, str]:
    return {name: installed_version(name) for name in import_names}
