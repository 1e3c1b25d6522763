"""The Fashion-MNIST figures as the site shows every figure (site_build/core/kit/figure_data.py):
legible on a phone, opaque, each with its alt text, its values as a table and a CSV file
(site_build/core/fashion/figures.py, fashion/report.py)."""

from __future__ import annotations

import csv
import io
import re
import struct

import matplotlib.pyplot as plt
import pytest

from site_build.core.catalog import texts
from site_build.core.fashion import figures as fashion_plots
from site_build.core.fashion import report as fashion_report
from site_build.core.generated import Generated
from site_build.core.kit import figure_data, figure_style
from site_build.core.kit.figure_data import SCHEMES, FigureNotLegible
from site_build.core.paths import ROOT
from tests.figure_checks import background_luminance, png_size
from tests.stand_ins import fashion_results as _results

FIGURE_TEXT = texts("figure_data")


@pytest.fixture
def results():
    return _results([0.880, 0.890, 0.900], [0.885, 0.895, 0.892])


@pytest.fixture(scope="module")
def rendered():
    """``render(name, language, scheme)`` of the stand-in results, each rendered once for the
    module: the legibility test and the dark-figure test check the same images."""
    results, done = _results([0.880, 0.890, 0.900], [0.885, 0.895, 0.892]), {}

    def render(name: str, language: str, scheme: str) -> tuple[bytes, float]:
        if (name, language, scheme) not in done:
            done[name, language, scheme] = fashion_plots.render(name, results, language, scheme)
        return done[name, language, scheme]

    return render


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", fashion_plots.FIGURES)
def test_every_text_of_every_figure_is_legible_on_a_phone(rendered, name, language, scheme):
    """The figures before were 11 in wide with 8-pt legends and footers: on a 390-px-wide
    phone (a 358-px column) that text was under 4 CSS px. Now: 6.4 in at 120 dpi, at least
    12 pt, so at least 9 CSS px, checked on every text of the saved figure."""
    png, smallest = rendered(name, language, scheme)
    width = struct.unpack(">I", png[16:20])[0]  # the PNG header's width
    assert width == figure_data.WIDTH * figure_data.DPI == 768
    assert smallest >= 9
    # A 256-colour PNG (palette), opaque, on the page's background in its scheme.
    assert png[25] == 3  # colour type 3: indexed colours
    pixels = plt.imread(io.BytesIO(png))
    assert pixels.shape[2] == 3 or pixels[..., 3].min() == 1.0
    light = background_luminance(png) > 0.9
    assert light == (scheme == "light") and (light or background_luminance(png) < 0.05)


@pytest.mark.parametrize("name", fashion_plots.FIGURES)
def test_the_dark_figure_has_the_light_ones_size(rendered, name):
    light, dark = (rendered(name, "es", s)[0] for s in ("light", "dark"))
    assert png_size(light) == png_size(dark)
    assert background_luminance(light) > 0.9 and background_luminance(dark) < 0.05


def test_a_text_too_small_for_a_phone_fails_the_build_naming_the_figure(results, monkeypatch):
    """The check runs on what render saves: the old 8-pt legend is refused."""
    monkeypatch.setitem(figure_style.STYLE, "legend.fontsize", 8)  # every figure's style
    with pytest.raises(FigureNotLegible) as error:
        fashion_plots.render("curves", results, "es")
    message = str(error.value)
    assert "site_build/core/fashion/figures.py, es/curves.png" in message
    assert "use fonts of at least" in message


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", fashion_plots.FIGURES)
def test_each_figure_placeholder_writes_the_image_alt_text_table_and_csv_link(
    results, name, language
):
    fill = _generated(results).kinds()["fashion"].fill
    markdown = fill(f"figure_{name}", language, "fashion_mnist.md")
    image, note, *body = markdown.rstrip("\n").split("\n\n")
    data = fashion_report.figure_data(name, results, language)
    light, dark = image.split("\n")  # one image per colour scheme
    assert re.fullmatch(r"!\[[^\n]+\]\(generated/fashion/" + name + r"\.png#only-light\)", light)
    assert dark == light.replace(f"{name}.png#only-light", f"{name}-dark.png#only-dark")
    assert data.description.split(":")[0] in image  # the alt text says what it shows ...
    assert "PyTorch" in image and "TensorFlow" in image  # ... and each framework's numbers
    caption = FIGURE_TEXT[language]["caption"].format(title=data.title)
    assert note == f'??? note "{caption}"'
    table, link = body[0].splitlines(), body[-1]
    assert all(line.startswith("    | ") for line in table)  # inside the collapsed note
    assert len(table) == 2 + len(data.rows)
    assert link == f"    [{FIGURE_TEXT[language]['download']}](generated/fashion/{name}.csv)"


def test_numbers_are_written_as_each_language_does(results):
    english = fashion_report.GENERATED["figure_seeds"](results, "en")
    spanish = fashion_report.GENERATED["figure_seeds"](results, "es")
    assert "PyTorch, final test accuracy per seed: 88.00%, 89.00%, 90.00%" in english
    assert "PyTorch, exactitud final en prueba de cada semilla: 88,00\u00a0%" in spanish
    assert "| PyTorch | 2026 | 88.00% | 20.0 |" in english
    assert "| PyTorch | 2026 | 88,00\u00a0% | 20,0 |" in spanish


def test_the_csv_is_written_beside_the_png_and_published(results, tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    assert fashion_plots.ensure_plots(results) is True
    for language in ("en", "es"):
        published = Generated.figures([language])["fashion"][language]
        assert sorted(p.name for p in published) == sorted(
            f"{name}{end}"
            for name in fashion_plots.FIGURES
            for end in (".png", "-dark.png", ".csv")
        )
        assert all(path.is_file() for path in published)
        seeds = fashion_plots.data_paths(language)["seeds"]
        rows = list(csv.reader(io.StringIO(seeds.read_text(encoding="utf-8-sig"))))
        assert rows[1] == ["PyTorch", "2026", "0.88", "20.0"]  # plain decimals in both
    # A missing CSV or dark figure is written again; nothing else changes.
    fashion_plots.data_paths("es")["curves"].unlink()
    assert fashion_plots.ensure_plots(results) is True
    assert fashion_plots.data_paths("es")["curves"].is_file()
    fashion_plots.figure_paths("en", "dark")["seeds"].unlink()
    assert fashion_plots.ensure_plots(results) is True
    assert fashion_plots.figure_paths("en", "dark")["seeds"].is_file()
    assert fashion_plots.ensure_plots(results) is False


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_page_shows_each_figure_with_its_placeholder_on_a_line_of_its_own(language):
    page = (ROOT / "docs" / language / "fashion_mnist.md").read_text(encoding="utf-8")
    lines = page.splitlines()
    for name in fashion_plots.FIGURES:
        assert lines.count(f"{{{{ fashion:figure_{name} }}}}") == 1, name
    assert "generated/fashion/" not in page  # no image written by hand, without its data


def test_the_figure_words_exist_in_both_languages():
    english, spanish = fashion_report.TEXT["en"], fashion_report.TEXT["es"]
    assert set(english) == set(spanish)
    for name in fashion_plots.FIGURES:
        assert fashion_report.figure_data(name, _results([0.9] * 3, [0.9] * 3), "es").title


def _generated(results) -> Generated:
    generated = Generated()
    generated.fashion = results
    return generated
