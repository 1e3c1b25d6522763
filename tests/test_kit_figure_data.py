"""Figures for every reader (site_build/core/kit/figure_data.py): alt text with the key numbers,
the plotted values as a table and a CSV file, and text legible on a phone."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_rgb

from site_build.core.kit import figure_data
from site_build.core.kit.figure_data import Column, FigureData, FigureNotLegible


def _throughput(language: str) -> FigureData:
    """A figure of another page, as a benchmark would describe it."""
    label = {"en": "Images/s [median]", "es": "Imágenes/s [mediana]"}[language]
    return FigureData(
        folder="bench",
        name="throughput",
        language=language,
        title={"en": "Speed", "es": "Velocidad"}[language],
        description={"en": "Bars of images per second", "es": "Barras de imágenes por segundo"}[
            language
        ],
        columns=(Column("Framework"), Column(label, "decimal:1"), Column("%", "percent:1")),
        rows=(("PyTorch", 12345.678, 0.5), ("TensorFlow", 2345.6, 0.25)),
        highlights=(("PyTorch", 12345.678, "decimal:1"), ("TensorFlow", "2345.6 *", "text")),
    )


def test_alt_text_states_what_the_figure_shows_and_its_numbers_in_the_page_language():
    assert figure_data.alt_text(_throughput("en")) == (
        "Bars of images per second. PyTorch: 12,345.7; TensorFlow: 2345.6 *."
    )
    assert figure_data.alt_text(_throughput("es")) == (
        "Barras de imágenes por segundo. PyTorch: 12\u00a0345,7; TensorFlow: 2345.6 *."
    )


def test_the_table_writes_numbers_as_the_language_does_and_the_csv_as_plain_decimals():
    assert figure_data.table_markdown(_throughput("es")).splitlines() == [
        "| Framework | Imágenes/s [mediana] | % |",
        "| --- | --- | --- |",
        "| PyTorch | 12\u00a0345,7 | 50,0\u00a0% |",
        "| TensorFlow | 2345,6 | 25,0\u00a0% |",
    ]
    assert figure_data.csv_text(_throughput("es")) == (
        "Framework,Imágenes/s [mediana],%\nPyTorch,12345.678,0.5\nTensorFlow,2345.6,0.25\n"
    )


def test_the_csv_lies_beside_the_png_readable_by_spreadsheets(tmp_path):
    path = figure_data.write_csv(_throughput("es"), tmp_path)
    assert path == tmp_path / "throughput.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbfFramework,Im\xc3\xa1genes/s")


def test_a_figure_is_never_written_without_its_data():
    markdown = figure_data.figure_markdown(_throughput("en"))
    parts = markdown.rstrip("\n").split("\n\n")
    image, note, link = parts[0], parts[1], parts[-1]
    # Brackets and asterisks of the alt text cannot end the image or start emphasis; one
    # image per colour scheme, each marked for Material's stylesheet to show in its scheme.
    alt = "![Bars of images per second. PyTorch: 12,345.7; TensorFlow: 2345.6 \\*.]"
    assert image.split("\n") == [
        alt + "(generated/bench/throughput.png#only-light)",
        alt + "(generated/bench/throughput-dark.png#only-dark)",
    ]
    assert note == '??? note "The values in this figure: Speed"'
    assert "    | PyTorch | 12,345.7 | 50.0% |" in markdown
    assert link == "    [Download these values as CSV](generated/bench/throughput.csv)"


def test_rows_must_fill_every_column():
    with pytest.raises(ValueError, match="a row has 2 values for 3 columns"):
        FigureData("bench", "x", "en", "t", "d", (Column("a"), Column("b"), Column("c")), ((1, 2),))


def test_text_size_on_a_phone_follows_font_dpi_and_image_width():
    # 12 pt at 120 dpi is 20 px in the PNG; a 768-px image is shown 358 px wide.
    assert figure_data.rendered_text_px(12, 120, 768) == pytest.approx(12 * 120 / 72 * 358 / 768)
    # An image narrower than the screen is not scaled up.
    assert figure_data.rendered_text_px(9, 72, 300) == 9


def test_a_figure_drawn_for_a_desktop_fails_the_phone_check():
    """The figures before: 11 inches wide at 90 dpi (990 px) with 8-pt legends and 7-pt
    counts, which a phone shows at 3 to 4.5 CSS px."""
    fig, axis = plt.subplots(figsize=(11, 4.4))
    axis.plot([1, 2], [3, 4], label="PyTorch, training")
    axis.legend(fontsize=8)
    axis.text(1, 3, "42", fontsize=7)
    size, text = figure_data.smallest_text_px(fig, 90)
    assert text == "42" and size == pytest.approx(7 * 90 / 72 * 358 / 990)
    with pytest.raises(FigureNotLegible) as error:
        figure_data.check_legible(fig, 90, "site_build/core/example.py, en/old.png")
    message = str(error.value)
    assert "site_build/core/example.py, en/old.png" in message and "'42'" in message
    assert "use fonts of at least 19.9 pt" in message  # 9 px in an 11-inch figure
    # The same figure 6.4 inches wide with nothing under 12 pt passes.
    fig.set_size_inches(6.4, 8)
    for text in figure_data.texts_in(fig):
        text.set_fontsize(12)
    assert figure_data.check_legible(fig, 120, "ok") == pytest.approx(9.32, abs=0.01)
    plt.close(fig)


def test_text_on_any_fill_contrasts_at_least_4_5_to_1():
    for index in range(256):
        fill = plt.get_cmap("Blues")(index)[:3]
        colour = (0.0,) * 3 if figure_data.text_colour_on(fill) == "black" else (1.0,) * 3
        assert figure_data.contrast(fill, colour) >= 4.5, fill
    assert figure_data.contrast((0, 0, 0), (1, 1, 1)) == pytest.approx(21)


@pytest.mark.parametrize("scheme", figure_data.SCHEMES.values(), ids=figure_data.SCHEMES)
def test_each_scheme_keeps_text_and_frameworks_legible_on_its_background(scheme):
    """Text at least 4.5:1 on the figure's background, each framework's lines and bars at
    least 3:1 (WCAG 2, AA); the dark background is the page's, Material's slate."""
    assert figure_data.colour_contrast(scheme.text, scheme.background) >= 4.5
    assert figure_data.colour_contrast(scheme.grid, scheme.background) >= 3
    for framework, colour in scheme.colours.items():
        ratio = figure_data.colour_contrast(colour, scheme.background)
        assert ratio >= figure_data.MIN_GRAPHIC_CONTRAST, (scheme.name, framework, ratio)
    # A heat map's cells run from the background's end of the scale: ``text_colour_on``
    # picks a legible text on each of them.
    for index in range(256):
        fill = plt.get_cmap(scheme.heatmap)(index)[:3]
        colour = (0.0,) * 3 if figure_data.text_colour_on(fill) == "black" else (1.0,) * 3
        assert figure_data.contrast(fill, colour) >= 4.5, fill


def test_the_light_and_dark_backgrounds_are_the_pages_own():
    schemes = figure_data.SCHEMES
    assert set(schemes) == {"light", "dark"}
    assert figure_data.relative_luminance((1.0, 1.0, 1.0)) == pytest.approx(
        figure_data.relative_luminance(to_rgb(schemes["light"].background))
    )
    assert figure_data.relative_luminance(to_rgb(schemes["dark"].background)) < 0.05
    assert schemes["light"].fragment == "#only-light" and schemes["dark"].fragment == "#only-dark"


def test_a_text_in_a_colour_that_suits_one_scheme_only_fails_in_the_other():
    """The figures drew every text black on white; in the dark scheme a text left black
    would vanish, so the check names it."""
    style = {**figure_data.site_style(), **figure_data.SCHEMES["dark"].style()}
    with plt.rc_context(style):
        fig, axis = plt.subplots(figsize=(6.4, 4))
        axis.plot([1, 2], [3, 4], label="PyTorch")
        axis.legend()
        figure_data.check_contrast(fig, "dark", "ok")  # the scheme's own colours pass
        axis.text(1, 3, "peak", color="black")
        with pytest.raises(FigureNotLegible) as error:
            figure_data.check_contrast(fig, "dark", "site_build/core/example.py, en/x-dark.png")
        plt.close(fig)
    message = str(error.value)
    assert "en/x-dark.png" in message and "'peak'" in message and "1.3:1" in message


def test_a_figure_has_a_file_per_scheme_and_one_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path))
    files = figure_data.FigureFiles("bench", ("throughput",))
    assert [path.name for path in files.generated_files("es")] == [
        "throughput.png",
        "throughput-dark.png",
        "throughput.csv",
    ]
    assert _throughput("es").image_for("dark") == "generated/bench/throughput-dark.png"
