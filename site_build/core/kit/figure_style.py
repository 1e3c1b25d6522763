"""The set-up every family's ``figures.py`` shares: matplotlib without a display, the site's
style, one way to draw and save a figure, and what of the drawing goes into a figure's key.

``kit/figure_data.py`` says what the site's figures look like (``WIDTH``, ``DPI``,
``FONT_PT``, ``SCHEMES``, ``site_style``) and checks them; this module is where a family's
figure module gets them from, so that the three drawing families (``mnist``, ``fashion``,
``bench``) no longer each choose the backend, build the style, name the file in an error
message and list matplotlib's version in its key:

- nothing of matplotlib is imported until a figure is drawn (``render``, on matplotlib's
  Agg backend: build machines have no display), so a warm build, which draws nothing,
  does not pay for it;
- ``STYLE``: matplotlib's settings for every site figure (``site_style(FONT_PT)``);
- ``wrap``: a title or label in lines that fit the figure's ``WIDTH``;
- ``render``: a family's figure drawn in ``STYLE`` and a scheme's colours, saved as every
  site figure is (``render_png``: 256 colours, no timestamp, legible on a phone);
- ``drawing``: the part of a figure's cache key that says how it is drawn, the digest of
  each module that draws it and matplotlib's version.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from site_build.core.kit.cache import file_digest
from site_build.core.kit.figure_data import (
    DPI,
    FONT_PT,
    MAX_BYTES,
    SCHEMES,
    WIDTH,
    Scheme,
    render_png,
    site_style,
    wrap_to_width,
)
from site_build.core.kit.machine import installed_version

CORE = Path(__file__).parents[1]  # site_build/core: ``drawing`` names modules from there
# The modules every site figure is drawn with: its look, the frameworks' names and colours,
# the numbers written as each language writes them.
KIT = ("kit/figure_data.py", "kit/figure_style.py", "kit/frameworks.py", "i18n_format.py")
STYLE = site_style(FONT_PT)


def wrap(text: str, points: float) -> str:
    """``text`` in lines that fit a site figure (``WIDTH`` inches) at ``points``."""
    return wrap_to_width(text, points, WIDTH)


def render(
    folder: str,
    name: str,
    language: str,
    scheme: str,
    draw: Callable[[Scheme], Any],
    max_bytes: int | None = MAX_BYTES,
) -> tuple[bytes, float]:
    """Figure ``name`` of the family in ``site_build/core/<folder>/``, as ``draw(scheme)``
    makes it, as PNG bytes in the site's style and the colours of ``scheme``, and the size of
    its smallest text on a phone (CSS px). FigureNotLegible when a text would be under 9 CSS
    px on a phone or contrast too little with the scheme's background; FigureTooLarge, naming
    the file, above ``max_bytes``."""
    return render_png(
        lambda: draw(SCHEMES[scheme]),
        STYLE,
        f"site_build/core/{folder}/figures.py, {language}/{name}{SCHEMES[scheme].suffix}.png",
        language,
        max_bytes,
        DPI,
        scheme,
    )


def drawing(code: tuple[str, ...]) -> dict[str, Any]:
    """What a figure's cache key holds of how it is drawn: the digest of each module of
    ``code`` (the family's own, paths under ``site_build/core``) and of ``KIT``, and
    matplotlib's version."""
    return {
        "code": {module: file_digest(CORE / module) for module in (*code, *KIT)},
        # From the installed package's metadata: a warm build draws nothing, and importing
        # matplotlib for its version cost each of its processes a tenth of a second.
        "matplotlib": installed_version("matplotlib"),
    }
