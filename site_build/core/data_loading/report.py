"""The data loading page's generated Markdown, written from one ``ThroughputResult``.

A page asks for ``{{ loading:throughput }}`` (the table: images per second of each pipeline,
their range and the first epoch's time) and ``{{ loading:machine }}`` (when, where and with
what it was measured); ``GENERATED`` below is registered in ``generated.py``. The words come
from the ``data_loading`` sections of the catalogs, the numbers from the result only.
"""

from __future__ import annotations

import dataclasses

from site_build.core.catalog import texts
from site_build.core.data_loading.results import ThroughputResult
from site_build.core.i18n_format import NBSP, number, seconds
from site_build.core.kit import machine
from site_build.core.kit.frameworks import NAMES
from site_build.core.kit.markdown_table import markdown_table

TEXT = texts("data_loading")


def _rate(value: float, language: str) -> str:
    return number(value, language, 0)


def throughput(result: ThroughputResult, language: str) -> str:
    t = TEXT[language]
    header = [t["framework"], t["pipeline"], t["ips"], t["spread"], t["first_epoch"]]
    rows = []
    for m in result.measurements:
        label = t["configs"][f"{m.framework}.{m.config}"].format(**result.settings)
        rates = m.rates
        spread = f"{_rate(min(rates), language)} \u2013 {_rate(max(rates), language)}"
        cells = [NAMES[m.framework], label, _rate(m.images_per_second, language), spread]
        cells.append(seconds(m.first_epoch_seconds, language, 2))
        rows.append(cells)
    return markdown_table(header, rows)


def machine_sentence(result: ThroughputResult, language: str) -> str:
    s = result.settings
    recorded = dataclasses.asdict(result.machine)
    return (
        TEXT[language]["machine"]
        .format(
            **machine.provenance_fields(
                recorded, result.ordered_versions(), result.created, language
            ),
            images=number(result.measurements[0].images, language),
            batch=s["batch_size"],
            epochs=s["epochs"],
            seconds=seconds(result.seconds, language, 0),
        )
        .replace(" GiB", f"{NBSP}GiB")
    )


GENERATED = {"throughput": throughput, "machine": machine_sentence}
