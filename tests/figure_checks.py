"""What the figure tests read from a PNG: its size and the brightness of its background."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from site_build.core.kit.figure_data import relative_luminance


def _open(png: bytes | Path) -> Image.Image:
    return Image.open(io.BytesIO(png) if isinstance(png, bytes) else png)


def png_size(png: bytes | Path) -> tuple[int, int]:
    """Width and height in pixels."""
    with _open(png) as image:
        return image.size


def background_luminance(png: bytes | Path) -> float:
    """WCAG relative luminance of the figure's background, read in its four corners (which
    must agree: a figure sits on one background)."""
    with _open(png) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        corners = {
            rgb.getpixel(xy)
            for xy in ((0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1))
        }
    assert len(corners) == 1, f"the corners differ: {corners}"
    [corner] = corners
    return relative_luminance(tuple(channel / 255 for channel in corner))
