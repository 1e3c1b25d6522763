"""Every image on a page gets its size, lazy loading and asynchronous decoding.

A browser lays out a page before its images arrive. An ``<img>`` without ``width`` and
``height`` takes no room until its file is in, so the text below it moves when it lands
(layout shift). Every image of a long page is also fetched at once, competing with the
stylesheets and scripts that the first paint needs, on a phone's connection most of all.

``sized_images`` gives each ``<img>`` of a page's HTML the pixel size of its file, read
from the file MkDocs copies to the site (a generated figure, a screenshot) or from the
header of a ``data:`` URL (a notebook's plots), plus ``loading="lazy"`` and
``decoding="async"``. Material's stylesheet (``max-width: 100%; height: auto``) keeps the
shown width and the ratio, so nothing changes on screen. Every page's figures sit below
its opening text, which is each page's largest paint, so lazy loading never delays it.

The plugin calls it from ``on_page_content`` (notebook pages included), in ``mkdocs build``
and ``mkdocs serve`` alike. An image whose file is not on the site is left as it is: the
link checks report it.
"""

from __future__ import annotations

import base64
import binascii
import io
import posixpath
import re
from urllib.parse import unquote, urlsplit

from PIL import Image, UnidentifiedImageError

IMG = re.compile(r"<img\b(?P<attributes>[^>]*?)\s*(?P<close>/?)>", re.IGNORECASE)
ATTRIBUTE = re.compile(
    r'\s(?P<name>[\w:-]+)(?:\s*=\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"\'>]+)))?'
)


def attributes(tag_attributes: str) -> dict[str, str]:
    """The attributes of one tag, names lower-cased (``alt`` with no value is ``""``)."""
    return {
        match["name"].lower(): (match["quoted"] if match["quoted"] is not None else match["bare"])
        or ""
        for match in ATTRIBUTE.finditer(tag_attributes)
    }


def data_url_size(src: str) -> tuple[int, int] | None:
    """Width and height of a base64 ``data:`` image, or None when it cannot be read."""
    header, _, payload = src.partition(",")
    payload = payload.partition("#")[0]  # a notebook figure's #only-light / #only-dark
    if ";base64" not in header:
        return None
    try:
        with Image.open(io.BytesIO(base64.b64decode(payload))) as image:
            return image.size
    except (binascii.Error, UnidentifiedImageError, OSError):
        return None


def site_path(src: str, page_url: str) -> str | None:
    """The site path (``es/generated/mnist/curves.png``) that a relative ``src`` of the page
    at ``page_url`` (``es/mnist/``) points to; None for another host or an absolute path."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    folder = posixpath.dirname("/" + page_url)  # "/es/mnist/" -> "/es/mnist"
    return posixpath.normpath(posixpath.join(folder, unquote(parts.path))).lstrip("/")


def file_size(path: str) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        return None  # not a raster image (an SVG) or unreadable: left unsized


def _missing_dimensions(found: dict[str, str], size: tuple[int, int] | None) -> list[str]:
    """``width``/``height`` attributes that ``found`` lacks, from the file's ``size``; one
    that is stated (a notebook's ``width="800"``) sets the scale of the other."""
    if size is None:
        return []
    width, height = size
    if "width" in found and found["width"].isdigit():
        return [f'height="{round(int(found["width"]) * height / width)}"']
    if "height" in found and found["height"].isdigit():
        return [f'width="{round(int(found["height"]) * width / height)}"']
    if "width" in found or "height" in found:
        return []  # a size in other units (50%): left to the page
    return [f'width="{width}"', f'height="{height}"']


def sized_images(html: str, page_url: str, files_by_dest: dict[str, str]) -> str:
    """``html`` with every ``<img>`` sized and lazily loaded.

    ``files_by_dest`` maps a site path (a file's ``dest_uri``) to the file it is copied
    from. An image that already states a width or height keeps it.
    """

    def rewrite(match: re.Match) -> str:
        found = attributes(match["attributes"])
        added = []
        if "width" not in found or "height" not in found:
            src = found.get("src", "")
            if src.startswith("data:"):
                size = data_url_size(src)
            else:
                path = site_path(src, page_url)
                size = file_size(files_by_dest[path]) if path in files_by_dest else None
            added += _missing_dimensions(found, size)
        if "loading" not in found:
            added.append('loading="lazy"')
        if "decoding" not in found:
            added.append('decoding="async"')
        if not added:
            return match[0]
        return f"<img{match['attributes']} {' '.join(added)}{' /' if match['close'] else ''}>"

    return IMG.sub(rewrite, html)
