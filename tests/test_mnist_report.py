"""The MNIST figures and tables: both languages, the size limit, numbers written per language."""

from __future__ import annotations

import dataclasses
import io
import shutil
import struct

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from site_build.core.catalog import LANGUAGES
from site_build.core.generated import Generated
from site_build.core.i18n_format import number, percent
from site_build.core.kit import figure_data
from site_build.core.kit.figure_data import SCHEMES
from site_build.core.mnist import figures as mnist_plots
from site_build.core.mnist import report as mnist_report
from tests.figure_checks import background_luminance, png_size
from tests.stand_ins import mnist_results


@pytest.fixture
def results():
    return mnist_results()


@pytest.fixture(scope="module")
def _drawn_once(tmp_path_factory):
    """A cache where every figure of the stand-in results was drawn from nothing, once for
    the module: the tests that redraw start from a copy of it (``drawn``)."""
    folder = tmp_path_factory.mktemp("drawn") / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITE_CACHE_DIR", str(folder))
        assert mnist_plots.ensure_plots(mnist_results()) is True  # nothing was there
    return folder


@pytest.fixture(scope="module")
def rendered():
    """``render(name, language, scheme)`` of the stand-in results, each rendered once for the
    module: the legibility test and the light-and-dark test check the same images."""
    results, done = mnist_results(), {}

    def render(name: str, language: str, scheme: str) -> tuple[bytes, float]:
        if (name, language, scheme) not in done:
            done[name, language, scheme] = mnist_plots.render(name, results, language, scheme)
        return done[name, language, scheme]

    return render


@pytest.fixture
def drawn(_drawn_once, tmp_path, monkeypatch):
    """This test's own copy of that cache (the files' times kept), as $SITE_CACHE_DIR."""
    folder = shutil.copytree(_drawn_once, tmp_path / "cache")
    monkeypatch.setenv("SITE_CACHE_DIR", str(folder))
    return folder


def test_figure_labels_exist_in_both_languages():
    english, spanish = mnist_plots.LABELS["en"], mnist_plots.LABELS["es"]
    assert set(english) == set(spanish)
    assert all(english[key] != spanish[key] for key in english if key != "data")
    assert set(mnist_report.TEXT["en"]) == set(mnist_report.TEXT["es"])


def test_figures_are_drawn_per_language_within_the_size_limit(results, drawn):
    # Drawn from nothing by the fixture, which found ensure_plots True.
    for language in LANGUAGES:
        for scheme in SCHEMES:
            for path in mnist_plots.figure_paths(language, scheme).values():
                assert 0 < path.stat().st_size <= figure_data.MAX_BYTES, path
        for path in mnist_plots.data_paths(language).values():
            assert path.stat().st_size > 0, path
    assert mnist_plots.ensure_plots(results) is False  # unchanged results: nothing redrawn
    # A run trained again from other inputs: its figure is redrawn (the article figure, the
    # cheapest; the matched runs' figures are redrawn in the next test).
    results["article-tf"] = dataclasses.replace(results["article-tf"], key="retrained")
    assert mnist_plots.ensure_plots(results) is True


def _stamps(cache) -> dict[str, float]:
    return {p.name: p.stat().st_mtime_ns for p in (cache / "site-assets/mnist-keys").iterdir()}


def test_a_retrained_run_with_new_timings_redraws_its_figures(results, drawn):
    """Before, figures were keyed on the runs' inputs only: after `nox -s train -- --force`
    (same code, settings and data, so the same key; new timings) the table showed the new
    numbers and speed.png the old ones."""
    assert mnist_plots.ensure_plots(results) is False  # the copy holds every figure
    speed = mnist_plots.figure_paths("en")["speed"]
    old_png, old_csv = speed.read_bytes(), mnist_plots.data_paths("en")["speed"].read_text()
    before = _stamps(drawn)
    retrained = results["matched-torch"]
    slower = [dataclasses.replace(e, seconds=2 * e.seconds) for e in retrained.history]
    results["matched-torch"] = dataclasses.replace(retrained, history=slower)
    assert results["matched-torch"].key == retrained.key  # the same inputs
    assert mnist_plots.ensure_plots(results) is True
    assert speed.read_bytes() != old_png
    new_csv = mnist_plots.data_paths("en")["speed"].read_text()
    assert new_csv != old_csv and "24.0" in new_csv  # the median epoch now takes 24 s
    assert "| Seconds per epoch (median) | 24.0\u00a0s |" in mnist_report.results_table(
        results, "en"
    )
    after = _stamps(drawn)
    redrawn = sorted(name for name in after if after[name] != before[name])
    # Every figure of the matched runs, in both languages; the article figure is untouched.
    assert redrawn == sorted(
        f"{language}-{name}.key"
        for language in ("en", "es")
        for name in ("confusion", "curves", "speed")
    )


def test_figure_placeholders_write_the_image_with_its_alt_text_table_and_csv(results):
    spanish = mnist_report.GENERATED["figure_speed"](results, "es")
    image, note = spanish.split("\n\n", 1)
    assert image.startswith("![Gráficos de barras de la CNN equiparada")
    assert "PyTorch, exactitud en prueba: 87,50\u00a0%" in image
    light, dark = image.split("\n")  # one image per colour scheme, alike but for the file
    assert light.endswith("](generated/mnist/speed.png#only-light)")
    assert dark == light.replace("speed.png#only-light", "speed-dark.png#only-dark")
    assert note.startswith('??? note "Los valores de esta figura: ')
    assert "    | Framework | Exactitud en prueba |" in note
    assert "    [Descargar estos valores en CSV](generated/mnist/speed.csv)" in note
    confusion = mnist_report.GENERATED["figure_confusion"](results, "en")
    assert "most frequent mistake: 7 images of a 4 read as 9" in confusion
    article = mnist_report.GENERATED["figure_article"](results, "en")
    assert "TensorFlow (top), 175 SGD steps per epoch, and PyTorch" in article


def test_the_site_publishes_each_figure_with_its_csv():
    files = Generated.figures(["en", "es"])["mnist"]
    for language in ("en", "es"):
        names = sorted(path.name for path in files[language])
        assert names == sorted(
            name
            for figure in ("curves", "speed", "confusion", "article")
            for name in (f"{figure}.png", f"{figure}-dark.png", f"{figure}.csv")
        )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", mnist_plots.FIGURES)
def test_every_text_of_every_figure_is_legible_on_a_phone(rendered, name, language, scheme):
    """On a 390-px-wide phone the figure is shown 358 CSS px wide: its smallest text, of
    f pt in a PNG of w px drawn at d dpi, is f * d / 72 * 358 / w CSS px, at least 9; in
    either colour scheme."""
    png, smallest = rendered(name, language, scheme)
    width = struct.unpack(">I", png[16:20])[0]  # the PNG header's width
    assert width == figure_data.WIDTH * figure_data.DPI
    font = figure_data.FONT_PT  # the smallest size the style uses; render checks every text
    assert font * figure_data.DPI / 72 * 358 / width >= 9
    assert smallest >= 9
    # Opaque, on the background of the page of its scheme.
    pixels = plt.imread(io.BytesIO(png))
    assert pixels.shape[2] == 3 or pixels[..., 3].min() == 1.0
    background = to_rgb(SCHEMES[scheme].background)
    assert np.allclose(pixels[0, 0, :3], background, atol=1 / 255)
    assert np.allclose(pixels[-1, -1, :3], background, atol=1 / 255)


@pytest.mark.parametrize("name", mnist_plots.FIGURES)
def test_each_figure_is_drawn_light_and_dark_at_the_same_size(rendered, name):
    light, _ = rendered(name, "en", "light")
    dark, _ = rendered(name, "en", "dark")
    assert png_size(light) == png_size(dark)
    assert background_luminance(light) > 0.9 and background_luminance(dark) < 0.05


def test_tables_write_numbers_as_each_language_does(results):
    english = mnist_report.results_table(results, "en")
    spanish = mnist_report.results_table(results, "es")
    assert "| Measure | PyTorch | TensorFlow |" in english
    assert "| Test accuracy | 87.50% | 87.50% |" in english
    assert "| Exactitud en prueba | 87,50\u00a0% | 87,50\u00a0% |" in spanish
    assert "Test CPU (2 logical cores, 24.0 GiB" in english
    assert "Test CPU (2 núcleos lógicos, 24,0 GiB" in spanish
    article = mnist_report.article_table(results, "en")
    assert "| Measure | TensorFlow | PyTorch |" in article
    assert "| Input size | 28x28 | 8x8 |" in article
    assert "| Parameters | 9,467,274 | 29,066 |" in article
    assert "| SGD steps per epoch | 175 | 11 |" in article
    assert "| SGD steps in all | 525 | 33 |" in article
    assert mnist_report.article_numbers(results, "es")["step_ratio"] == "16"


def test_sizes_and_parameter_counts_come_from_the_runs(results):
    """Nothing a run measures is typed by hand: change what a run reported and the table
    follows."""
    results["article-torch"] = dataclasses.replace(
        results["article-torch"], input_size=12, parameters=51_274
    )
    article = mnist_report.article_table(results, "en")
    assert "| Input size | 28x28 | 12x12 |" in article
    assert "| Parameters | 9,467,274 | 51,274 |" in article


def test_number_formats():
    assert number(1234567.891, "en", 2) == "1,234,567.89"
    assert number(1234567.891, "es", 2) == "1\u00a0234\u00a0567,89"
    assert number(6400, "es") == "6400" and number(12000, "es") == "12\u00a0000"
    assert percent(0.9731, "en") == "97.3%" and percent(0.9731, "es") == "97,3\u00a0%"
