"""The Fashion-MNIST loader (site_build/core/fashion_data.py): where it looks, what it refuses,
what every message names. Each test makes the mistake in a temporary folder and reads the
message a contributor would get."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from site_build.core import fashion_data
from site_build.core.fashion_data import DEBIAN_DIR, OFFICIAL_FILES, FashionDataError
from tests import stand_ins

NAMES = [name for name, _, _ in OFFICIAL_FILES.values()]
REPAIR = "sudo apt-get install dataset-fashion-mnist"


@pytest.fixture
def debian_files() -> Path:
    if not all((DEBIAN_DIR / name).is_file() for name in NAMES):
        pytest.fail(
            f"{DEBIAN_DIR} lacks the Fashion-MNIST files: install Debian's package "
            f"({REPAIR}; .ci/run does it) and run the tests again."
        )
    return DEBIAN_DIR


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No FASHION_MNIST_DIR, an empty cache, and a mirror on a port where nothing listens."""
    return stand_ins.offline(monkeypatch, tmp_path, fashion_data.FASHION)


def _copy(source: Path, folder: Path, names=NAMES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(source / name, folder / name)
    return folder


def test_the_md5_sums_are_the_published_ones_or_those_of_the_decompressed_bytes(debian_files):
    """Debian re-compressed the files: their gzip md5 differs, their bytes do not."""
    for name, published, decompressed in OFFICIAL_FILES.values():
        path = debian_files / name
        assert hashlib.md5(path.read_bytes()).hexdigest() != published
        assert hashlib.md5(gzip.decompress(path.read_bytes())).hexdigest() == decompressed


def test_debian_package_is_used_when_nothing_is_configured(isolated, debian_files):
    paths = fashion_data.locate(download=False)
    assert {path.parent for path in paths.values()} == {debian_files}
    data = fashion_data.load(paths)
    assert data.sizes == {"train": 60_000, "test": 10_000}
    assert data.train_images.shape == (60_000, 28, 28) and data.train_images.dtype == np.uint8
    assert sorted(set(data.test_labels.tolist())) == list(range(10))
    assert "60,000" in data.description["en"] and "60\u00a0000" in data.description["es"]


def test_the_configured_folder_comes_first(isolated, debian_files, monkeypatch):
    mine = _copy(debian_files, isolated / "mine")
    monkeypatch.setenv(fashion_data.ENV_VAR, str(mine))
    assert {p.parent for p in fashion_data.locate(download=False).values()} == {mine}


def test_a_missing_file_names_the_folder_the_file_and_the_fix(isolated, debian_files, monkeypatch):
    mine = _copy(debian_files, isolated / "mine", NAMES[:3])  # no t10k-labels
    monkeypatch.setenv(fashion_data.ENV_VAR, str(mine))
    with pytest.raises(FashionDataError) as error:
        fashion_data.locate(download=False)
    message = str(error.value)
    assert f"{mine} holds" in message and f"but not {NAMES[3]}" in message
    assert "Add the missing file there" in message and REPAIR in message
    # The Debian folder missing a file is reported the same way (not silently skipped).
    with pytest.raises(FashionDataError, match=rf"{isolated / 'debian'} holds .* but not"):
        monkeypatch.delenv(fashion_data.ENV_VAR)
        fashion_data.locate(download=False, debian_dir=_copy(mine, isolated / "debian", NAMES[:3]))


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "not gzip"])
def test_a_corrupt_file_names_the_file_and_the_fix(isolated, debian_files, monkeypatch, damage):
    mine = _copy(debian_files, isolated / "mine")
    labels = mine / NAMES[1]
    raw = bytearray(gzip.decompress(labels.read_bytes()))
    if damage == "flipped byte":
        raw[-1] ^= 0x01
        labels.write_bytes(gzip.compress(bytes(raw)))
    elif damage == "truncated":
        labels.write_bytes(gzip.compress(bytes(raw[:-100])))
    else:
        labels.write_bytes(bytes(raw))
    monkeypatch.setenv(fashion_data.ENV_VAR, str(mine))
    with pytest.raises(FashionDataError) as error:
        fashion_data.locate(download=False)
    message = str(error.value)
    assert message.startswith(f"{labels} has md5 ")
    assert "but the official train-labels-idx1-ubyte.gz has md5 25c81989" in message
    assert "Replace it with the official file" in message and REPAIR in message


def test_configured_folder_that_is_a_file_or_missing(isolated, debian_files, monkeypatch):
    monkeypatch.setenv(fashion_data.ENV_VAR, str(debian_files / NAMES[0]))
    with pytest.raises(FashionDataError, match="is a file, not a folder: set FASHION_MNIST_DIR"):
        fashion_data.locate(download=False)
    monkeypatch.setenv(fashion_data.ENV_VAR, str(isolated / "nowhere"))
    with pytest.raises(FashionDataError, match="nowhere does not exist"):
        fashion_data.locate(download=False)


def test_nothing_anywhere_and_no_network_says_how_to_get_the_files(isolated):
    with pytest.raises(FashionDataError) as error:
        fashion_data.locate(debian_dir=isolated / "no-package")
    message = str(error.value)
    assert message.startswith("Fashion-MNIST not found: no folder holds train-images")
    assert "FASHION_MNIST_DIR is not set" in message and "the download failed" in message
    assert "python -m site_build.core.fashion_data --download" in message and REPAIR in message


@pytest.fixture
def mirror(tmp_path):
    """A local HTTP server standing in for Zalando's: (its folder, its URL)."""
    with stand_ins.mirror(tmp_path / "mirror") as served:
        yield served


def test_download_into_the_cache_when_no_folder_has_the_files(
    isolated, debian_files, mirror, monkeypatch
):
    served, url = mirror
    _copy(debian_files, served)
    monkeypatch.setenv(fashion_data.MIRROR_ENV_VAR, url)
    paths = fashion_data.locate(debian_dir=isolated / "no-package")
    cache = isolated / "cache" / "fashion-mnist-data"
    assert {p.parent for p in paths.values()} == {cache}
    assert sorted(p.name for p in cache.iterdir()) == sorted(NAMES)
    # A damaged file on the mirror is refused and not kept.
    for path in cache.iterdir():
        path.unlink()
    (served / NAMES[3]).write_bytes(b"\x1f\x8b damaged")
    refused = rf"download of {url}t10k-labels-idx1-ubyte.gz was refused and deleted: .* has md5"
    with pytest.raises(FashionDataError, match=refused):
        fashion_data.locate(debian_dir=isolated / "no-package")
    assert NAMES[3] not in [p.name for p in cache.iterdir()]


def test_the_command_line_downloads_the_files_or_says_why_not(
    isolated, debian_files, mirror, monkeypatch, capsys
):
    """python -m site_build.core.fashion_data --download: the files in the cache and the data
    it read, or the error and status 1."""
    served, url = mirror
    monkeypatch.setenv(fashion_data.MIRROR_ENV_VAR, url)
    assert fashion_data.main(["--download"]) == 1  # the mirror has no files yet
    assert "error: HTTP Error 404" in capsys.readouterr().err
    _copy(debian_files, served)
    assert fashion_data.main(["--download"]) == 0
    cache = isolated / "cache" / "fashion-mnist-data"
    assert sorted(p.name for p in cache.iterdir()) == sorted(NAMES)
    # Debian's package comes before the cache: the files read are the package's.
    assert capsys.readouterr().out.startswith(f"Fashion-MNIST from {debian_files}: ")


def test_the_default_download_address_is_zalandos(monkeypatch, tmp_path):
    """Without a network: the URL asked for is the README's link for each file."""
    asked = []

    def fake_urlopen(url, timeout):
        asked.append(url)
        raise urllib.error.URLError("no network in the tests")

    monkeypatch.delenv(fashion_data.MIRROR_ENV_VAR, raising=False)
    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    with pytest.raises(OSError):
        fashion_data.FASHION.download(tmp_path)
    assert asked == [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz"
    ]


def test_sample_reads_the_first_images(isolated, debian_files):
    images, labels = fashion_data.sample(300)
    assert images.shape == (300, 28, 28) and labels.shape == (300,)
    assert labels.dtype == np.int64
