"""The set-up every family's figures share (site_build/core/kit/figure_style.py): drawn
without a display, in the site's style and each scheme's colours, saved alike, the file named
in an error, and a figure's key changed by any module that draws it."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pytest

from site_build.core.kit import figure_style
from site_build.core.kit.figure_data import (
    FONT_PT,
    SCHEMES,
    WIDTH,
    FigureNotLegible,
    FigureTooLarge,
    relative_luminance,
)
from tests.figure_checks import background_luminance, png_size


def _draw(points: float = FONT_PT):
    def draw(scheme):
        fig, axis = plt.subplots(figsize=(WIDTH, 3))
        axis.plot([0, 1, 2], [1.5, 0.5, 2.5], color=scheme.colours["torch"])
        axis.set_title("A title", fontsize=points)
        return fig

    return draw


def test_importing_it_draws_without_a_display():
    assert matplotlib.get_backend().lower() == "agg"


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_a_figure_is_saved_on_its_schemes_background_the_same_bytes_each_time(scheme):
    png, smallest = figure_style.render("demo", "line", "en", scheme, _draw())
    assert png == figure_style.render("demo", "line", "en", scheme, _draw())[0]
    assert png_size(png)[0] == WIDTH * 120  # the site's DPI
    background = tuple(int(SCHEMES[scheme].background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    assert background_luminance(png) == pytest.approx(relative_luminance(background), abs=0.01)
    assert smallest >= 9  # CSS px on a phone


def test_a_text_too_small_fails_naming_the_familys_file():
    with pytest.raises(FigureNotLegible, match=r"site_build/core/demo/figures\.py, es/line\.png"):
        figure_style.render("demo", "line", "es", "light", _draw(points=6))


def test_a_figure_over_the_size_limit_fails_naming_it():
    with pytest.raises(
        FigureTooLarge, match=r"site_build/core/demo/figures\.py, en/line-dark\.png"
    ):
        figure_style.render("demo", "line", "en", "dark", _draw(), max_bytes=100)


def test_the_key_of_a_drawing_changes_with_any_module_that_draws_it(tmp_path, monkeypatch):
    for module in ("demo/figures.py", *figure_style.KIT):
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_text(f"# {module}\n")
    monkeypatch.setattr(figure_style, "CORE", tmp_path)
    before = figure_style.drawing(("demo/figures.py",))
    assert set(before["code"]) == {"demo/figures.py", *figure_style.KIT}
    assert before["matplotlib"] == matplotlib.__version__
    for module in ("demo/figures.py", "kit/figure_style.py"):
        (tmp_path / module).write_text("# changed\n")
        after = figure_style.drawing(("demo/figures.py",))
        assert after != before
        before = after


def test_the_kits_modules_are_there():
    """A module renamed or moved would leave the figures' keys blind to it."""
    for module in figure_style.KIT:
        assert (figure_style.CORE / module).is_file(), module


def test_a_wrapped_title_keeps_its_words_in_fewer_lines_at_a_smaller_size():
    title = "Images per second of every configuration, higher is better " * 3
    large = figure_style.wrap(title, FONT_PT + 2).splitlines()
    small = figure_style.wrap(title, FONT_PT - 2).splitlines()
    assert " ".join(large).split() == " ".join(small).split() == title.split()
    assert 1 < len(small) < len(large)
