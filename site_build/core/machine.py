"""The machine and library versions a result was measured with, recorded beside the result.

``installed_version`` also fills ``{{ version:NAME }}`` on pages: NAME is what you import
(``torch``, ``tensorflow``, ``keras``), and the version comes from the environment that
builds the site, so the pages name the exact releases the snippets ran against.
"""

from __future__ import annotations

import os
import platform
from functools import cache
from importlib import metadata
from pathlib import Path

from site_build.core.errors import PlaceholderError


@cache
def _distributions_by_import_name() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def installed_version(import_name: str) -> str:
    """The version of the installed distribution that provides ``import import_name``.

    Looking up the import name rather than the distribution name means
    ``tensorflow`` resolves whether ``tensorflow`` or ``tensorflow-cpu`` is installed.
    """
    distributions = _distributions_by_import_name().get(import_name)
    if not distributions:
        raise PlaceholderError(
            f"{{{{ version:{import_name} }}}}: no installed package provides '{import_name}'. "
            "Use the name you would import, and add the package to pyproject.toml if it is new."
        )
    return metadata.version(distributions[0])


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
