"""The machine and library versions a result was measured with, recorded beside the result.

``describe`` records the machine (its exact system release too, so a result measured under
another kernel is not reused); typed results keep it as a ``kit.records.Machine``.
``provenance_fields`` writes the sentence that a page shows about a result, "Measured on
<date> on <machine>, with <versions>", in the page's language, and names only what a reader
needs: the OS family, the CPU model and its core count; ``trained_on`` fills the training
pages' "Trained on <date> on <machine>" sentence.

``installed_version`` also fills ``{{ version:NAME }}`` on pages: NAME is what you import
(``torch``, ``tensorflow``, ``keras``), and the version comes from the environment that
builds the site, so the pages name the exact releases the snippets ran against.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from site_build.core.catalog import texts
from site_build.core.claims import format_date
from site_build.core.errors import PlaceholderError
from site_build.core.i18n_format import number
from site_build.core.kit.records import Machine


def _provides(distribution: metadata.Distribution, import_name: str) -> bool:
    """Whether ``import import_name`` comes from ``distribution``: its top_level.txt, or, for
    a wheel without one (numpy), the first folder of a file it installed."""
    top_level = distribution.read_text("top_level.txt")
    if top_level is not None:
        return import_name in top_level.split()
    return any(
        file.parts and file.parts[0] in (import_name, f"{import_name}.py")
        for file in distribution.files or ()
    )


@cache
def _distributions_providing(import_name: str) -> list[str]:
    """The installed distributions that provide ``import import_name``.

    ``metadata.packages_distributions()`` answers for every import name at once, but it
    reads the file list of every installed wheel (about half a second here, in each of a
    warm build's two processes), so the usual cases go first: the distribution named like
    the import (torch, keras, numpy), then one whose top_level.txt names it
    (tensorflow-cpu provides tensorflow).
    """
    try:
        named = metadata.distribution(import_name)
    except metadata.PackageNotFoundError:
        named = None
    if named is not None and _provides(named, import_name):
        return [named.metadata["Name"]]
    listed = [
        distribution.metadata["Name"]
        for distribution in metadata.distributions()
        if import_name in (distribution.read_text("top_level.txt") or "").split()
    ]
    return listed or metadata.packages_distributions().get(import_name, [])


@cache
def installed_version(import_name: str) -> str:
    """The version of the installed distribution that provides ``import import_name``.

    Looking up the import name rather than the distribution name means
    ``tensorflow`` resolves whether ``tensorflow`` or ``tensorflow-cpu`` is installed.
    Looked up once per process (a build asks several hundred times; the environment does
    not change under a running build).
    """
    distributions = _distributions_providing(import_name)
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


def os_family(system: str) -> str:
    """ "Linux 6.1.0-18-amd64" -> "Linux": the release is left out of what a page shows."""
    return system.split()[0] if system.strip() else "?"


def frameworks_libraries(per_framework: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """One list of the libraries that the frameworks' processes recorded (framework key ->
    library -> version), in the frameworks' order, for ``provenance_fields``: numpy, which
    both record, is left out of the sentence."""
    return {
        name: version
        for libraries in per_framework.values()
        for name, version in libraries.items()
        if name != "numpy"
    }


def provenance_fields(
    recorded: Mapping[str, Any], libraries: Mapping[str, str], created: str, language: str
) -> dict[str, str]:
    """The fields of a page's "measured on ..." sentence, and the sentence (``provenance``).

    ``recorded`` is what ``describe()`` returned when the result was measured, ``libraries``
    the versions in the order the page lists them, and ``created`` the result's ISO 8601
    timestamp. Fields: ``date`` (in the page's language),
    ``cpu``, ``cores``, ``system`` (the OS family only), ``python``, ``versions``,
    ``memory`` (GiB) and ``provenance``, the whole sentence of the ``provenance`` catalog
    section.
    """
    memory = recorded.get("memory_gib")
    fields = {
        "date": format_date(dt.date.fromisoformat(created[:10]), language),
        "cpu": str(recorded.get("cpu", "?")),
        "cores": str(recorded.get("logical_cores", "?")),
        "system": os_family(str(recorded.get("system", ""))),
        "python": str(recorded.get("python", "?")),
        "memory": number(memory, language, 1) if memory else "?",
        "versions": ", ".join(f"{name} {version}" for name, version in libraries.items()),
    }
    fields["provenance"] = texts("provenance")[language]["measured"].format(**fields)
    return fields


def trained_on(
    template: str, recorded: Machine, libraries: Mapping[str, str], created: str, language: str
) -> str:
    """A training page's sentence about its runs: ``template`` (the page's catalog text)
    filled with the date of ``created`` (ISO 8601), the machine ``recorded`` and the
    ``libraries``' versions, sorted by name."""
    return template.format(
        date=created[:10],
        cpu=recorded.cpu,
        cores=recorded.logical_cores,
        memory=number(recorded.memory_gib or 0, language, 1),
        python=recorded.python,
        versions=", ".join(f"{name} {version}" for name, version in sorted(libraries.items())),
    )
