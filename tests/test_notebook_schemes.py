"""A notebook page's figures in both colour schemes (site_build/core/notebook_schemes.py): the
page shows a light and a dark version of each figure, the same size, and the downloaded
notebook holds the figure as it ran, nothing added."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from PIL import Image

from site_build.core import notebook_run, notebook_schemes
from site_build.core.errors import BuildError
from site_build.core.kit.figure_data import SCHEMES
from tests.figure_checks import background_luminance, png_size
from tests.stand_ins import NOTEBOOK

FRONT_MATTER = NOTEBOOK.replace("print(6 * 7)", "numbers = [[0, 1], [1, 0]]")
# As the notebooks in docs/*/notebooks/ show a figure: a PNG in an <img> with its alt text.
FIGURE_CELL = """
```python
import base64
import io

import matplotlib.pyplot as plt
from IPython.display import HTML

fig, axis = plt.subplots(figsize=(4, 2))
axis.imshow(numbers, cmap="gray_r")
axis.set_title("two by two"{title_style})
png = io.BytesIO()
fig.savefig(png, format="png", dpi=100)
plt.close(fig)
encoded = base64.b64encode(png.getvalue()).decode()
HTML(f'<img src="data:image/png;base64,{{encoded}}" width="400" height="200" alt="A square">')
```
"""
SAVED_NOT_SHOWN = """
```python
import io

import matplotlib.pyplot as plt

fig, axis = plt.subplots()
axis.axis("off")  # no text: nothing to check for size
fig.savefig(io.BytesIO(), format="png")
```
"""
IMG = re.compile(r"<img\b[^>]*>")


def _notebook(tmp_path, monkeypatch, text: str):
    monkeypatch.setenv("SITE_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "en" / "notebooks" / "nb.md"
    source.parent.mkdir(parents=True)
    source.write_text(text)
    return source


def _attributes(tag: str) -> dict[str, str]:
    return dict(re.findall(r'(\w+)="([^"]*)"', tag))


def _png(src: str) -> bytes:
    return base64.b64decode(src.removeprefix("data:image/png;base64,").split("#")[0])


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook with a figure, executed once for the tests below."""
    tmp_path = tmp_path_factory.mktemp("nb")
    with pytest.MonkeyPatch.context() as monkeypatch:
        source = _notebook(tmp_path, monkeypatch, FRONT_MATTER + FIGURE_CELL.format(title_style=""))
        path, ran = notebook_run.executed_notebook(source)
        assert ran
        yield json.loads(path.read_text()), json.loads(notebook_run.download(path))


def _figure_html(notebook: dict) -> str:
    [html] = [
        "".join(output["data"]["text/html"])
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]
    return html


def test_the_page_shows_a_light_and_a_dark_version_of_the_same_size(executed):
    page, _ = executed
    light, dark = (_attributes(tag) for tag in IMG.findall(_figure_html(page)))
    assert light["src"].endswith("#only-light") and dark["src"].endswith("#only-dark")
    # Same alt text and size attributes: switching schemes moves nothing.
    assert {k: v for k, v in light.items() if k != "src"} == {
        k: v for k, v in dark.items() if k != "src"
    }
    light_png, dark_png = _png(light["src"]), _png(dark["src"])
    assert png_size(light_png) == png_size(dark_png) == (400, 200)
    assert background_luminance(light_png) > 0.9
    assert background_luminance(dark_png) < 0.05
    # The dark one is drawn on the dark scheme's own background.
    assert background_luminance(dark_png) == pytest.approx(
        background_luminance(_slate_png()), abs=0.002
    )


def _slate_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), SCHEMES["dark"].background).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_download_holds_the_figure_as_it_ran_and_nothing_the_build_added(executed):
    page, downloaded = executed
    [tag] = IMG.findall(_figure_html(downloaded))
    assert "#only" not in tag and "only-dark" not in json.dumps(downloaded)
    assert notebook_schemes.ORIGINAL not in json.dumps(downloaded)
    code = [cell for cell in downloaded["cells"] if cell["cell_type"] == "code"]
    sources = ["".join(cell["source"]) for cell in code]
    assert not any("_site_schemes" in text for text in sources)
    assert len(code) == 2 and "numbers = " in sources[0] and "imshow" in sources[1]
    # Numbered as a reader running it sees them.
    assert [cell["execution_count"] for cell in code] == [1, 2]
    assert [output.get("execution_count") for output in code[1]["outputs"]] == [2]
    # The light image on the page is the one that ran.
    light = _attributes(IMG.findall(_figure_html(page))[0])["src"]
    assert light == _attributes(tag)["src"] + "#only-light"


def test_a_saved_figure_that_no_output_shows_fails_naming_the_notebook(tmp_path, monkeypatch):
    source = _notebook(tmp_path, monkeypatch, FRONT_MATTER + SAVED_NOT_SHOWN)
    with pytest.raises(BuildError, match=r"nb\.md: the dark version of a figure.*<img"):
        notebook_run.executed_notebook(source)


def test_a_text_unreadable_in_the_dark_scheme_fails_naming_the_notebook(tmp_path, monkeypatch):
    # A title in a fixed dark grey: legible on white, not on slate.
    cell = FIGURE_CELL.format(title_style=', color="#333333"')
    source = _notebook(tmp_path, monkeypatch, FRONT_MATTER + cell)
    with pytest.raises(
        BuildError, match=r"nb\.md: a cell failed.*: FigureNotLegible: .*two by two.*dark scheme"
    ):
        notebook_run.executed_notebook(source)


def test_a_text_too_small_on_a_phone_fails_naming_the_notebook_and_the_size(tmp_path, monkeypatch):
    """The size check of the site's own figures (kit.figure_data.check_legible): a 6-pt title
    in a 4-inch figure saved at 100 dpi (400 px, shown 358 px wide on a phone) is 7.5 CSS px."""
    cell = FIGURE_CELL.format(title_style=", fontsize=6")
    source = _notebook(tmp_path, monkeypatch, FRONT_MATTER + cell)
    with pytest.raises(
        BuildError,
        match=r"nb\.md: a cell failed.*: FigureNotLegible: figure 1 .*'two by two' would be "
        r"7\.5 CSS px on a phone \(at least 9\).*at least 7\.2 pt",
    ):
        notebook_run.executed_notebook(source)


def test_the_resolution_checked_is_the_one_the_figure_was_saved_at():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(dpi=72)
    assert notebook_schemes.saved_dpi(fig, {"dpi": 120}) == 120
    with matplotlib.rc_context({"savefig.dpi": "figure"}):
        assert notebook_schemes.saved_dpi(fig, {}) == 72
    with matplotlib.rc_context({"savefig.dpi": 150}):
        assert notebook_schemes.saved_dpi(fig, {}) == 150
    plt.close(fig)


def test_restyle_gives_the_dark_schemes_colours_and_keeps_the_data():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    fig, axis = plt.subplots()
    image = axis.imshow([[0.0, 1.0]], cmap="gray_r")
    axis.set_title("ink on paper")
    own = axis.text(0, 0, "a colour of its own", color="#d55e00")
    (line,) = axis.plot([0, 1], color=SCHEMES["light"].colours["tf"])
    notebook_schemes.restyle(fig, "dark")
    dark = SCHEMES["dark"]
    assert to_hex(fig.get_facecolor()) == dark.background
    assert to_hex(axis.get_facecolor()) == dark.background
    assert to_hex(axis.title.get_color()) == dark.text
    assert to_hex(own.get_color()) == "#d55e00"
    assert to_hex(line.get_color()).lower() == dark.colours["tf"].lower()
    # 0 (paper) is the background, 1 (ink) the text colour; the values are unchanged.
    assert to_hex(image.cmap(0.0)) == dark.background and to_hex(image.cmap(1.0)) == dark.text
    assert image.get_array().tolist() == [[0.0, 1.0]]
    plt.close(fig)
