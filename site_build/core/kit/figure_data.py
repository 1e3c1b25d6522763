"""A generated figure for every reader: its data as text, as a table and as a CSV file,
and text that stays legible on a phone.

A module that draws a figure also describes what it plots as one ``FigureData`` per
language: the series as rows of a table (raw values, ``Column`` says how to write them),
a sentence saying what the figure shows, and its key numbers. From that one object:

- ``alt_text``: the image's alt text in the page's language, what it shows and its key
  numbers;
- ``table_markdown``: the plotted values, numbers written as the language writes them;
- ``csv_text``: the same values for a spreadsheet (headers in the page's language, numbers
  as plain decimals with a point, so that every program reads them alike); ``write_csv``
  puts it beside the PNG, ``<name>.csv`` next to ``<name>.png``;
- ``figure_markdown``: what a page's placeholder becomes, the image with its alt text
  followed by a collapsed note holding the table and the CSV link, so that a page cannot
  show a figure without its data.

Both colour schemes: every figure is drawn twice, for Material's light scheme
(``<name>.png``) and for its dark one, slate (``<name>-dark.png``), the same size in pixels.
``figure_markdown`` writes both images with Material's fragments, ``#only-light`` and
``#only-dark``: the page shows the one of the reader's scheme, and since both carry the same
width and height (``site_build/mkdocs/images.py``), switching schemes moves nothing.
``SCHEMES`` holds each scheme's background, text and grid colours, its heat map and the
frameworks' colours (``kit.frameworks``: ``colour`` and ``dark_colour``).

The site serves every file of ``generated/<folder>/`` (``Generated.figures`` lists them,
CSV files included), so the relative links written here work from a page at the top of its
language's folder, ``docs/<language>/<page>.md``.

Legibility: a figure is shown at most as wide as the content column; on a 390-pixel-wide
phone that column is about 358 CSS pixels. ``smallest_text_px`` works out how large the
smallest text of a matplotlib figure is on such a screen, and ``check_legible`` fails below
9 CSS pixels, naming the figure and the text; ``check_contrast`` fails when a text contrasts
less than 4.5:1 with its scheme's background. Figures are drawn on an opaque background, the
page's own in each scheme, and ``text_colour_on`` picks black or white text for a coloured
fill (a heat map's cells).

The site's figures share one look: ``WIDTH`` inches wide at ``DPI``, no text under
``FONT_PT`` points (``site_style``), each framework in its colour (``kit.frameworks.COLOURS``),
Spanish tick labels with a decimal comma (``decimal_comma_ticks``). ``FigureFiles`` says
where one page's figures are kept, and ``FigureFiles.ensure`` draws each of them again only
when what it shows has changed.

The words (caption, link) are in the ``figure_data`` section of site_build/catalogs/.
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from site_build.core.catalog import LANGUAGES, texts
from site_build.core.errors import BuildError
from site_build.core.i18n_format import number, percent, seconds
from site_build.core.kit.cache import atomic_write_bytes, cache_root
from site_build.core.kit.frameworks import COLOURS, DARK_COLOURS
from site_build.core.kit.markdown_table import markdown_table

TEXT = texts("figure_data")

# On a 390-CSS-pixel-wide phone, Material's content column is about 358 CSS pixels wide.
PHONE_CONTENT_PX = 358
MIN_TEXT_PX = 9.0
MIN_TEXT_CONTRAST = 4.5  # WCAG 2, AA, for text
MIN_GRAPHIC_CONTRAST = 3.0  # WCAG 2, AA, for lines, bars and markers
# The size of every figure of the site, drawn for a phone.
WIDTH = 6.4  # inches
DPI = 120  # 768 pixels wide: the width of the content column on a desktop screen
FONT_PT = 12  # 12 pt in 6.4 in shown 358 px wide: 9.3 CSS px
MAX_BYTES = 150_000

Value = float | int | str


class FigureNotLegible(BuildError):
    """Text in a figure would be smaller than MIN_TEXT_PX on a phone, or would contrast
    less than MIN_TEXT_CONTRAST with the figure's background."""


class FigureTooLarge(BuildError):
    """A figure's PNG is larger than its limit (``MAX_BYTES``: a phone downloads it)."""


@dataclass(frozen=True)
class Scheme:
    """One of Material's colour schemes, as a figure is drawn for it.

    ``suffix``: what the file name adds (``curves-dark.png``); ``fragment``: what the image's
    address ends with, which Material's stylesheet reads to show the image in this scheme
    only. ``background`` is the page's own (Material's ``--md-default-bg-color``), so that a
    figure sits on the page without a frame; ``text`` every text on it, ``grid`` its grid
    lines and frames; ``heatmap`` a matplotlib colour map running from near the background
    to far from it; ``colours`` each framework's colour (``kit/frameworks.py``).
    """

    name: str
    suffix: str
    fragment: str
    background: str
    text: str
    grid: str
    heatmap: str
    colours: dict[str, str]

    def style(self) -> dict[str, Any]:
        """matplotlib's colour settings for this scheme (``site_style`` gives the sizes)."""
        return {
            "figure.facecolor": self.background,
            "axes.facecolor": self.background,
            "savefig.facecolor": self.background,
            "legend.facecolor": self.background,
            "text.color": self.text,
            "axes.labelcolor": self.text,
            "axes.titlecolor": self.text,
            "xtick.color": self.text,
            "ytick.color": self.text,
            "xtick.labelcolor": self.text,
            "ytick.labelcolor": self.text,
            "legend.labelcolor": self.text,
            "axes.edgecolor": self.grid,
            "legend.edgecolor": self.grid,
            "grid.color": self.grid,
        }


SCHEMES = {
    scheme.name: scheme
    for scheme in (
        Scheme(
            name="light",
            suffix="",
            fragment="#only-light",
            background="#ffffff",
            text="#000000",
            grid="#808080",
            heatmap="Blues",
            colours=COLOURS,
        ),
        Scheme(
            name="dark",
            suffix="-dark",
            fragment="#only-dark",
            background="#1e2129",  # Material's slate: hsl(225, 15%, 14%)
            text="#e2e4e9",  # Material's slate text colour, opaque
            grid="#8a8f9c",
            heatmap="Blues_r",  # a dark blue for few, a light one for many
            colours=DARK_COLOURS,
        ),
    )
}


@dataclass(frozen=True)
class Column:
    """A column of a figure's data: its heading in the page's language and how its values
    are written in the table: ``text``, ``integer``, ``decimal:N``, ``seconds:N`` or ``percent:N``
    (values are fractions; the CSV keeps them as fractions)."""

    label: str
    format: str = "text"


@dataclass(frozen=True)
class FigureData:
    """What one figure plots, in one language.

    ``folder``/``name``: the figure is ``generated/<folder>/<name>.png`` on the site and its
    data ``<name>.csv``. ``title``: the figure's title (the table's caption). ``description``:
    a sentence saying what the figure shows. ``highlights``: its key numbers, as
    ``(label, value, format)``, written into the alt text in the page's language.
    """

    folder: str
    name: str
    language: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    highlights: tuple[tuple[str, Value, str], ...] = ()

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"{self.name}: a row has {len(row)} values for "
                    f"{len(self.columns)} columns: {row}"
                )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def image(self) -> str:
        return self.image_for("light")

    def image_for(self, scheme: str) -> str:
        """The figure drawn for ``scheme`` (``SCHEMES``), as the page links it."""
        return f"generated/{self.folder}/{self.name}{SCHEMES[scheme].suffix}.png"

    @property
    def csv(self) -> str:
        return f"generated/{self.folder}/{self.name}.csv"


def write_value(value: Value, format: str, language: str) -> str:
    """One value as the page's language writes it, following a column's format."""
    if format == "text" or isinstance(value, str):
        return str(value)
    kind, _, decimals = format.partition(":")
    if kind == "integer":
        return number(value, language)
    if kind == "decimal":
        return number(value, language, int(decimals or 0))
    if kind == "percent":
        return percent(value, language, int(decimals or 0))
    if kind == "seconds":
        return seconds(value, language, int(decimals or 0))
    raise ValueError(
        f"unknown column format '{format}': use text, integer, decimal:N, seconds:N or percent:N"
    )


def alt_text(data: FigureData) -> str:
    """What the figure shows and its key numbers, in one paragraph of the page's language."""
    numbers = "; ".join(
        f"{label}: {write_value(value, format, data.language)}"
        for label, value, format in data.highlights
    )
    text = data.description.rstrip(".") + "." + (f" {numbers}." if numbers else "")
    return re.sub(r"[ \t\n]+", " ", text)  # non-breaking spaces stay


def table_markdown(data: FigureData) -> str:
    rows = (
        [write_value(v, c.format, data.language) for v, c in zip(row, data.columns, strict=True)]
        for row in data.rows
    )
    return markdown_table([c.label for c in data.columns], rows)


def csv_text(data: FigureData) -> str:
    """Headers in the page's language; numbers as Python writes them (a decimal point)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.label for c in data.columns])
    writer.writerows(data.rows)
    return buffer.getvalue()


def write_csv(data: FigureData, folder: Path) -> Path:
    """``<folder>/<name>.csv``, written atomically (UTF-8 with a byte-order mark, which
    spreadsheet programs need to read accented headers)."""
    path = folder / f"{data.name}.csv"
    atomic_write_bytes(path, csv_text(data).encode("utf-8-sig"))
    return path


def _markdown_text(text: str) -> str:
    """Text safe inside ``![...]`` and a quoted admonition title."""
    for character in "\\[]*_`":
        text = text.replace(character, "\\" + character)
    return text


def figure_markdown(data: FigureData) -> str:
    """The image with its alt text, one for each colour scheme (Material shows the one of the
    reader's scheme), then a collapsed note with the table and the CSV link."""
    text = TEXT[data.language]
    caption = text["caption"].format(title=data.title).replace('"', "'")
    table = "\n".join(f"    {line}" for line in table_markdown(data).splitlines())
    alt = _markdown_text(alt_text(data))
    images = "\n".join(
        f"![{alt}]({data.image_for(name)}{scheme.fragment})" for name, scheme in SCHEMES.items()
    )
    return f'{images}\n\n??? note "{caption}"\n\n{table}\n\n    [{text["download"]}]({data.csv})\n'


# Legibility on a phone and in both colour schemes ------------------------------------------


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour with channels in [0, 1]."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return sum(w * linear(c) for w, c in zip((0.2126, 0.7152, 0.0722), rgb, strict=True))


def contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def colour_contrast(first: str, second: str) -> float:
    """``contrast`` of two matplotlib colours (names or ``#rrggbb``)."""
    from matplotlib.colors import to_rgb

    return contrast(to_rgb(first), to_rgb(second))


def text_colour_on(fill: tuple[float, float, float]) -> str:
    """Black or white text, whichever contrasts more with ``fill``: at least 4.58:1 on any
    colour (e.g. the numbers written in the cells of a heat map)."""
    black, white = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
    return "black" if contrast(fill, black) >= contrast(fill, white) else "white"


def rendered_text_px(
    font_pt: float, dpi: float, image_width_px: float, content_px: float = PHONE_CONTENT_PX
) -> float:
    """CSS pixels of text of ``font_pt`` points in an image drawn at ``dpi`` and shown at
    most ``content_px`` wide (an image is scaled down to fit, never up)."""
    return font_pt * dpi / 72 * min(1.0, content_px / image_width_px)


def texts_in(fig) -> list[Any]:
    """Every visible, non-empty text of a matplotlib figure (titles, labels, ticks, legends)."""
    from matplotlib.text import Text

    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and (t.axes is None or t.axes.get_visible())
    ]


def smallest_text_px(fig, dpi: float, content_px: float = PHONE_CONTENT_PX) -> tuple[float, str]:
    """(CSS pixels, text) of the smallest text of ``fig`` saved at ``dpi``, on a phone."""
    width_px = fig.get_size_inches()[0] * dpi
    smallest = min(texts_in(fig), key=lambda t: t.get_fontsize())
    return (
        rendered_text_px(smallest.get_fontsize(), dpi, width_px, content_px),
        smallest.get_text(),
    )


def check_legible(fig, dpi: float, name: str, minimum: float = MIN_TEXT_PX) -> float:
    """The smallest text's size on a phone; FigureNotLegible when it is below ``minimum``."""
    size, text = smallest_text_px(fig, dpi)
    if size < minimum:
        inches = fig.get_size_inches()[0]
        raise FigureNotLegible(
            f"{name}: the text '{text[:40]}' would be {size:.1f} CSS px on a phone (at least "
            f"{minimum:g}): in a figure {inches:g} in wide, use fonts of at least "
            f"{minimum * 72 * inches / PHONE_CONTENT_PX:.1f} pt "
            "(site_build/core/kit/figure_data.py)."
        )
    return size


def check_contrast(fig, scheme: str, name: str, minimum: float = MIN_TEXT_CONTRAST) -> None:
    """FigureNotLegible when a text of ``fig`` contrasts less than ``minimum`` with the
    background of ``scheme`` (a text written in a fixed colour that suits one scheme only).
    Texts over an image (a heat map's counts) sit on its cells: ``text_colour_on`` picks
    theirs."""
    from matplotlib.colors import to_rgb

    background = to_rgb(SCHEMES[scheme].background)
    for text in texts_in(fig):
        if text.axes is not None and text.axes.images and text in text.axes.texts:
            continue
        ratio = contrast(to_rgb(text.get_color()), background)
        if ratio < minimum:
            raise FigureNotLegible(
                f"{name}: the text '{text.get_text()[:40]}' contrasts {ratio:.1f}:1 with the "
                f"{scheme} scheme's background (at least {minimum:g}:1): leave its colour to "
                "the scheme's style, or take it from SCHEMES[scheme] "
                "(site_build/core/kit/figure_data.py)."
            )


def site_style(font_pt: float = FONT_PT) -> dict[str, Any]:
    """matplotlib's settings for the site's figures (``plt.rc_context``): every text at least
    ``font_pt`` points, titles larger (``render_png`` adds the colours of a scheme,
    ``Scheme.style``)."""
    return {
        "font.size": font_pt,
        "axes.titlesize": font_pt + 1,
        "axes.labelsize": font_pt,
        "xtick.labelsize": font_pt,
        "ytick.labelsize": font_pt,
        "legend.fontsize": font_pt,
        "figure.titlesize": font_pt + 2,
        "figure.labelsize": font_pt,
    }


def decimal_comma_ticks(fig, language: str) -> None:
    """Spanish tick labels use a decimal comma, as the Spanish tables do (numeric axes only:
    an axis of names or of percentages keeps its own labels)."""
    if language != "es":
        return
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    comma = FuncFormatter(lambda value, _: f"{value:g}".replace(".", ","))
    for axes in fig.axes:
        for axis in (axes.xaxis, axes.yaxis):
            if isinstance(axis.get_major_formatter(), ScalarFormatter):
                axis.set_major_formatter(comma)


@dataclass(frozen=True)
class FigureFiles:
    """Where one page's figures and the CSV files of their data are kept, per language.

    ``<cache>/site-assets/<language>/generated/<folder>/<name>.png``, ``<name>-dark.png``
    (each scheme's, ``SCHEMES``) and ``<name>.csv``; the MkDocs plugin publishes them at
    ``generated/<folder>/`` beside that language's pages.
    """

    folder: str
    names: tuple[str, ...]

    def assets_dir(self, language: str) -> Path:
        return cache_root() / "site-assets" / language / "generated" / self.folder

    def figure_paths(self, language: str, scheme: str = "light") -> dict[str, Path]:
        suffix = SCHEMES[scheme].suffix
        return {name: self.assets_dir(language) / f"{name}{suffix}.png" for name in self.names}

    def data_paths(self, language: str) -> dict[str, Path]:
        return {name: self.assets_dir(language) / f"{name}.csv" for name in self.names}

    def generated_files(self, language: str) -> list[Path]:
        """Every file the site publishes under ``generated/<folder>/`` for ``language``."""
        return [
            *(path for scheme in SCHEMES for path in self.figure_paths(language, scheme).values()),
            *self.data_paths(language).values(),
        ]

    def stamp_path(self, name: str, language: str) -> Path:
        """The key figure ``name`` in ``language`` was last drawn with."""
        return cache_root() / "site-assets" / f"{self.folder}-keys" / f"{language}-{name}.key"

    def ensure(
        self,
        results: Any,
        key: Callable[[str, Any, str], str],
        render: Callable[[str, Any, str, str], tuple[bytes, float]],
        data: Callable[[str, Any, str], FigureData],
    ) -> bool:
        """Draw each figure of ``results`` in each language and scheme, ``render(name,
        results, language, scheme)`` (what ``render_png`` returns), and write the CSV of its
        ``data(name, results, language)``, unless its ``key(name, results, language)`` (which
        covers both schemes) is the one it was last drawn with and every file is there; True
        if any was drawn."""
        drawn = False
        for language in LANGUAGES:
            for name in self.names:
                wanted = key(name, results, language)
                stamp = self.stamp_path(name, language)
                pngs = {scheme: self.figure_paths(language, scheme)[name] for scheme in SCHEMES}
                csv = self.data_paths(language)[name]
                if (
                    stamp.is_file()
                    and stamp.read_text() == wanted
                    and all(png.is_file() for png in pngs.values())
                    and csv.is_file()
                ):
                    continue
                stamp.unlink(missing_ok=True)  # a redraw stopped midway must not pass for done
                for scheme, png in pngs.items():
                    atomic_write_bytes(png, render(name, results, language, scheme)[0])
                write_csv(data(name, results, language), csv.parent)
                atomic_write_bytes(stamp, wanted.encode())
                drawn = True
        return drawn


def wrap_to_width(text: str, points: float, width_inches: float) -> str:
    """``text`` in lines that fit a figure ``width_inches`` wide at ``points`` (a letter is
    about 0.55 em; 8 % of the width is left for the margins)."""
    return textwrap.fill(text, width=int(width_inches * 72 * 0.92 / (0.55 * points)))


def png_bytes(
    fig, dpi: int, where: str, max_bytes: int | None = None, scheme: str = "light"
) -> tuple[bytes, float]:
    """``fig`` saved as the site's figures are, and the size of its smallest text on a phone.

    Call it while the figure's style still holds (matplotlib makes the ticks while saving).
    FigureNotLegible when a text would be under 9 CSS px on a phone or contrast less than
    4.5:1 with the background of ``scheme`` (``where`` names the file in the message). The
    PNG has 256 colours, no transparency and no timestamp: about a third of the size, opaque
    on its scheme's background, and the same results give the same bytes.
    """
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", dpi=dpi)
    smallest = check_legible(fig, dpi, where)
    check_contrast(fig, scheme, where)
    buffer = io.BytesIO()
    image = Image.open(drawn).convert("RGB")
    image.quantize(256, dither=Image.Dither.NONE).save(buffer, format="PNG", optimize=True)
    data = buffer.getvalue()
    if max_bytes is not None and len(data) > max_bytes:
        raise FigureTooLarge(
            f"{where} is {len(data):,} bytes, above the {max_bytes:,} limit: draw fewer bars "
            "or points, or a smaller figure."
        )
    return data, smallest


def render_png(
    draw: Callable[[], Any],
    style: dict[str, Any],
    where: str,
    language: str,
    max_bytes: int | None = None,
    dpi: int = DPI,
    scheme: str = "light",
) -> tuple[bytes, float]:
    """The figure that ``draw()`` makes, drawn and saved in ``style`` and the colours of
    ``scheme`` (matplotlib makes the ticks while saving, so the style must still hold then)
    with the tick labels of ``language`` (``decimal_comma_ticks``), as ``png_bytes`` saves
    it; then closed. FigureNotLegible when a text would be under 9 CSS px on a phone or
    contrast less than 4.5:1 with the scheme's background."""
    import matplotlib

    matplotlib.use("Agg")  # before pyplot is imported: build machines have no display
    import matplotlib.pyplot as plt

    with plt.rc_context({**style, **SCHEMES[scheme].style()}):
        fig = draw()
        try:
            decimal_comma_ticks(fig, language)
            return png_bytes(fig, dpi, where, max_bytes, scheme)
        finally:
            plt.close(fig)
