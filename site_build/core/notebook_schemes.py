"""A notebook's figures in both of Material's colour schemes, drawn from the figure that ran.

A notebook cell draws its figure once, as a reader running the notebook would see it (the
light version: matplotlib's white background). The site's own figures come in a light and a
dark version, shown by Material's ``#only-light`` / ``#only-dark`` fragments
(``kit/figure_data.py``); a notebook page must do the same without the reader's code
drawing everything twice, because the downloaded notebook is the code that ran and must stay
a plain notebook.

So the build adds two things to the copy of the notebook it executes, and takes them out
again afterwards (``site_build/mkdocs/notebook_pages.py``):

- ``SETUP``, a cell before the first one: ``install`` makes every PNG that a figure saves
  (``Figure.savefig``, as a cell does to show it) also noted, with the figure and how it was
  saved;
- ``AFTER_CELL``, a cell after every code cell: ``show_dark`` redraws each noted figure in
  the dark scheme's colours (``restyle``: background, texts, frames, grey-scale images;
  nothing is recomputed) with the same size and resolution, checks the text size on a phone
  of the figure as saved (its width and dpi; ``kit.figure_data.check_legible``, the check
  the site's own figures pass) and the text contrast of both versions against their
  scheme's background (``kit.figure_data.check_contrast``), and displays the dark PNG,
  tagged with the digest of the light one. A figure that fails either check fails the
  notebook's execution, so the build, naming the notebook, the figure and the fix.

``merge`` then puts each dark PNG beside its light one, in the output that shows it: the
light ``<img>`` (a notebook shows its figures as an ``<img>`` of the saved PNG, with alt
text) keeps its attributes and gets ``#only-light``, a
copy with the dark image and ``#only-dark`` follows, so Material shows the image of the
reader's scheme; both carry the same width and height, so switching schemes moves nothing.
Why the build redraws the figure instead of running a matplotlib style in a hidden cell:
a style must be set before the figure is drawn, so the notebook would run every plotting
cell twice (twice the training outputs, or cells written for it); redrawing the finished
figure needs no change to the notebook and gives the same data in both images.

The output keeps its original HTML in its metadata (``ORIGINAL``); ``light_only`` puts it
back, which is what the downloaded notebook holds: the outputs as they ran, nothing added.
"""

from __future__ import annotations

import base64
import hashlib
import io
import pickle
import re
from typing import Any

# The cells the build adds to the notebook it executes (and removes from the result).
ADDED_TAG = "site-build-scheme"
SETUP = "import site_build.core.notebook_schemes as _site_schemes\n_site_schemes.install()"
AFTER_CELL = "_site_schemes.show_dark()"
# The metadata of a dark image's output, and of an output that shows both images.
DARK = "site-build-dark-of"
ORIGINAL = "site-build-light-only"
# Colour maps that draw ink on paper (0: the background); the dark version draws light ink
# on the dark background.
INK_MAPS = {"gray_r", "grey_r", "Greys", "binary"}
IMG = re.compile(r'<img\b[^>]*\bsrc="data:image/png;base64,(?P<data>[A-Za-z0-9+/=]+)"[^>]*>')

_noted: list[tuple[Any, dict[str, Any], bytes]] = []


def digest(png: bytes) -> str:
    return hashlib.sha256(png).hexdigest()


# In the notebook's kernel -----------------------------------------------------------------


def install() -> None:
    """Note every PNG a figure saves from now on in this kernel (``SETUP`` calls it)."""
    from matplotlib.figure import Figure

    if getattr(Figure.savefig, "_site_noted", False):
        return
    save = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        start = fname.tell() if hasattr(fname, "tell") else None
        result = save(self, fname, *args, **kwargs)
        png = kwargs.get("format", "png") == "png"
        if png and start is not None and hasattr(fname, "getvalue"):
            _noted.append((self, dict(kwargs), fname.getvalue()[start:]))
        return result

    savefig._site_noted = True
    Figure.savefig = savefig


def restyle(fig, scheme: str = "dark") -> None:
    """``fig``'s colours in ``scheme``'s (``kit.figure_data.SCHEMES``): its background, every
    text, frame and tick, and the grey-scale images; the data and the layout stay."""
    from matplotlib.colors import LinearSegmentedColormap, to_hex

    from site_build.core.kit.figure_data import SCHEMES, texts_in

    colours = SCHEMES[scheme]
    light = SCHEMES["light"]
    fig.patch.set_facecolor(colours.background)
    ink = LinearSegmentedColormap.from_list(f"ink-{scheme}", [colours.background, colours.text])
    for axis in fig.axes:
        axis.set_facecolor(colours.background)
        for spine in axis.spines.values():
            spine.set_edgecolor(colours.grid)
        axis.tick_params(which="both", color=colours.grid)
        for image in axis.get_images():
            if image.get_cmap().name in INK_MAPS:
                image.set_cmap(ink)
        for line in axis.get_lines():
            for key, colour in light.colours.items():
                if to_hex(line.get_color()).lower() == colour.lower():
                    line.set_color(colours.colours[key])
        if legend := axis.get_legend():
            legend.get_frame().set_facecolor(colours.background)
            legend.get_frame().set_edgecolor(colours.grid)
    for text in texts_in(fig):  # a text in a colour of its own keeps it (the check says)
        if to_hex(text.get_color()).lower() == light.text:
            text.set_color(colours.text)


def saved_dpi(fig, kwargs: dict[str, Any]) -> float:
    """The resolution ``fig.savefig(..., **kwargs)`` saved at: its ``dpi``, else matplotlib's
    ``savefig.dpi``, whose default ``"figure"`` means the figure's own."""
    import matplotlib

    dpi = kwargs.get("dpi") or matplotlib.rcParams["savefig.dpi"]
    return fig.dpi if dpi == "figure" else float(dpi)


def show_dark() -> None:
    """Display the dark version of every figure saved since the last call (``AFTER_CELL``)."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    from site_build.core.kit.figure_data import check_contrast, check_legible, texts_in

    noted, _noted[:] = list(_noted), []
    for number, (drawn, kwargs, light) in enumerate(noted, start=1):
        where = f"figure {number} that the cell above saved"
        if texts_in(drawn):  # a figure may be images alone
            check_legible(drawn, saved_dpi(drawn, kwargs), where)
        check_contrast(drawn, "light", where)
        fig = pickle.loads(pickle.dumps(drawn))  # the reader's figure stays as it was drawn
        restyle(fig, "dark")
        check_contrast(fig, "dark", where)
        dark = io.BytesIO()
        kwargs.pop("facecolor", None)  # the dark background, not the one saved for light
        fig.savefig(dark, **kwargs)
        data = base64.b64encode(dark.getvalue()).decode()
        display({"image/png": data}, raw=True, metadata={DARK: digest(light)})
        plt.close(fig)
    _noted.clear()  # the dark PNGs saved just now


# In the build -----------------------------------------------------------------------------


def add_cells(notebook) -> None:
    """``SETUP`` first and ``AFTER_CELL`` after every code cell of ``notebook`` (nbformat)."""
    import nbformat

    def added(source: str):
        return nbformat.v4.new_code_cell(source, metadata={"tags": [ADDED_TAG]})

    cells = [added(SETUP)]
    for cell in notebook.cells:
        cells.append(cell)
        if cell.cell_type == "code":
            cells.append(added(AFTER_CELL))
    notebook.cells = cells


def _is_added(cell) -> bool:
    return ADDED_TAG in cell.get("metadata", {}).get("tags", [])


def merge(notebook) -> int:
    """Put each dark image beside its light one and take the added cells out again; code
    cells are numbered as a reader running the notebook sees them. Returns how many images
    got their dark version; an added cell's error or a dark image without its light one
    raises ValueError."""
    kept, number, merged = [], 0, 0
    last_code = None
    for cell in notebook.cells:
        if not _is_added(cell):
            kept.append(cell)
            if cell.cell_type == "code":
                number += 1
                cell.execution_count = number
                for output in cell.outputs:
                    if "execution_count" in output:
                        output["execution_count"] = number
                last_code = cell
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise ValueError(f"{output['ename']}: {output['evalue']}")
            light_digest = output.get("metadata", {}).get(DARK)
            if light_digest is None:
                continue
            outputs = last_code.outputs if last_code is not None else []
            if not any(_add_dark(o, light_digest, output["data"]["image/png"]) for o in outputs):
                raise ValueError(
                    "a figure was saved as a PNG that no output of its cell shows: show it "
                    'as an <img src="data:image/png;base64,..."> with its alt text, as '
                    "the notebooks in docs/*/notebooks/ do"
                )
            merged += 1
    notebook.cells = kept
    return merged


def _add_dark(output, light_digest: str, dark: str) -> bool:
    """Add ``dark`` after the ``<img>`` of the light PNG with ``light_digest`` in ``output``'s
    HTML, if it is there; the light one gets ``#only-light``, the dark one ``#only-dark``."""
    data = output.get("data", {})
    if "text/html" not in data:
        return False
    html = "".join(data["text/html"])

    def both(match: re.Match) -> str:
        if digest(base64.b64decode(match["data"])) != light_digest:
            return match[0]
        light = match[0].replace(match["data"], match["data"] + "#only-light", 1)
        return light + match[0].replace(match["data"], dark + "#only-dark", 1)

    paired = IMG.sub(both, html)
    if paired == html:
        return False
    output.setdefault("metadata", {})[ORIGINAL] = html
    data["text/html"] = paired
    return True


def light_only(notebook: dict) -> dict:
    """``notebook`` (parsed JSON) with every output as it ran: without the dark images."""
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            original = output.get("metadata", {}).pop(ORIGINAL, None)
            if original is not None:
                output["data"]["text/html"] = original
    return notebook
