"""Images on pages get their pixel size and lazy loading (site_build/mkdocs/images.py)."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from site_build.mkdocs.images import attributes, site_path, sized_images


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_figure_of_a_spanish_page_gets_the_size_of_its_file(tmp_path):
    figure = tmp_path / "curves.png"
    figure.write_bytes(png(990, 612))
    html = '<p><img alt="Curvas" src="../generated/mnist/curves.png" /></p>'
    out = sized_images(html, "es/mnist/", {"es/generated/mnist/curves.png": str(figure)})
    found = attributes(out.removeprefix("<p><img").split(">")[0])
    assert found["width"] == "990" and found["height"] == "612"
    assert found["loading"] == "lazy" and found["decoding"] == "async"
    assert found["alt"] == "Curvas" and found["src"] == "../generated/mnist/curves.png"
    assert out.endswith(" /></p>")


def test_a_figure_of_each_colour_scheme_gets_the_same_size(tmp_path):
    """Material shows one of the two images, by its fragment; both take the same room, so
    that switching schemes moves nothing."""
    light, dark = tmp_path / "speed.png", tmp_path / "speed-dark.png"
    light.write_bytes(png(768, 900))
    dark.write_bytes(png(768, 900))
    html = (
        '<p><img alt="S" src="../generated/mnist/speed.png#only-light" />\n'
        '<img alt="S" src="../generated/mnist/speed-dark.png#only-dark" /></p>'
    )
    files = {
        "es/generated/mnist/speed.png": str(light),
        "es/generated/mnist/speed-dark.png": str(dark),
    }
    out = sized_images(html, "es/mnist/", files)
    found = [attributes(tag.split(">")[0]) for tag in out.split("<img")[1:]]
    assert [(f["width"], f["height"]) for f in found] == [("768", "900")] * 2
    assert found[1]["src"] == "../generated/mnist/speed-dark.png#only-dark"


def test_a_notebook_plot_is_sized_from_its_data_url():
    src = "data:image/png;base64," + base64.b64encode(png(640, 480)).decode()
    out = sized_images(f'<img alt="Loss" src="{src}">', "notebooks/mnist_tf/", {})
    found = attributes(out[4:])
    assert (found["width"], found["height"]) == ("640", "480")


@pytest.mark.parametrize("fragment", ["#only-light", "#only-dark"])
def test_a_notebook_plot_of_one_scheme_is_sized_from_its_data_url(fragment):
    src = "data:image/png;base64," + base64.b64encode(png(800, 320)).decode() + fragment
    out = sized_images(f'<img alt="Loss" src="{src}">', "notebooks/mnist_tf/", {})
    found = attributes(out[4:])
    assert (found["width"], found["height"]) == ("800", "320")
    assert found["src"] == src


def test_the_home_page_resolves_paths_from_the_site_root(tmp_path):
    figure = tmp_path / "a.png"
    figure.write_bytes(png(10, 20))
    out = sized_images('<img src="generated/x/a.png">', "", {"generated/x/a.png": str(figure)})
    assert 'width="10" height="20"' in out


def test_a_stated_width_sets_the_scale_of_the_missing_height():
    src = "data:image/png;base64," + base64.b64encode(png(1000, 500)).decode()
    out = sized_images(f'<img src="{src}" width="800">', "notebooks/a/", {})
    found = attributes(out[4:])
    assert (found["width"], found["height"]) == ("800", "400")
    out = sized_images(f'<img src="{src}" width="50%">', "notebooks/a/", {})
    assert "height=" not in out


def test_a_stated_size_and_loading_are_kept_and_others_are_left_unsized(tmp_path):
    kept = '<img src="a.png" width="5" height="6" loading="eager" decoding="sync">'
    assert sized_images(kept, "page/", {}) == kept
    # Another host, a missing file, an SVG and a broken data URL: no size, still lazy.
    svg = tmp_path / "logo.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    for tag in (
        '<img src="https://example.org/a.png">',
        '<img src="../missing.png">',
        '<img src="../logo.svg">',
        '<img src="data:image/png;base64,not-an-image">',
    ):
        out = sized_images(tag, "page/", {"logo.svg": str(svg)})
        assert "width=" not in out and 'loading="lazy"' in out, out


def test_site_paths():
    assert site_path("../generated/a.png", "es/mnist/") == "es/generated/a.png"
    assert site_path("img%20one.png", "guide/") == "guide/img one.png"
    assert site_path("/abs.png", "guide/") is None
    assert site_path("//cdn.example/a.png", "guide/") is None
