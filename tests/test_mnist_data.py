"""The MNIST loader (site_build/core/mnist_data.py): where it looks, what it refuses, how it
splits."""

from __future__ import annotations

import gzip
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from site_build.core import mnist_data
from site_build.core.mnist_data import OFFICIAL_FILES, TEST_PARTS, MnistDataError
from site_build.core.paths import OFFLINE_DATA, ROOT, offline_data_dir
from tests import stand_ins

TEST_FILES = [OFFICIAL_FILES[part][0] for part in TEST_PARTS]
# Read once, before any test's fixture removes the variable; where nox would set it when it
# is unset (pytest run directly).
CONFIGURED_DIR = os.environ.get(mnist_data.ENV_VAR) or offline_data_dir("mnist")


@pytest.fixture
def official_dir() -> Path:
    folder = CONFIGURED_DIR
    if not folder or not all((Path(folder) / name).is_file() for name in TEST_FILES):
        pytest.fail(
            f"Set {mnist_data.ENV_VAR} to the folder with the official MNIST test split "
            "(README.md, 'Data'), or put it in shared/data/mnist in or above the checkout."
        )
    return Path(folder)


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No MNIST_DIR, an empty cache, and a mirror on a port where nothing listens."""
    return stand_ins.offline(monkeypatch, tmp_path, mnist_data.MNIST)


@pytest.fixture
def mirror(tmp_path):
    """A local HTTP server standing in for the official mirror: (its folder, its URL)."""
    with stand_ins.mirror(tmp_path / "mirror") as served:
        yield served


def test_no_data_and_no_network_names_mnist_dir(isolated):
    with pytest.raises(MnistDataError) as error:
        mnist_data.locate()
    message = str(error.value)
    assert "MNIST_DIR" in message and "is not set" in message and "download failed" in message
    # What to do, online and offline.
    assert "python -m site_build.core.mnist_data --download` with internet access" in message
    assert "put the official test split in shared/data/mnist in the checkout" in message


def _checkout(tmp_path: Path, *offline: str) -> Path:
    """A checkout at tmp_path/machine/work/checkout, with the offline MNIST folder
    (shared/data/mnist) under each of the folders ``offline`` names (relative to tmp_path)."""
    checkout = tmp_path / "machine" / "work" / "checkout"
    checkout.mkdir(parents=True)
    for folder in offline:
        (tmp_path / folder / OFFLINE_DATA / "mnist").mkdir(parents=True)
    return checkout


@pytest.mark.parametrize(
    ("offline", "found"),
    [
        # A copied checkout that carries shared/ inside it.
        (("machine/work/checkout",), "machine/work/checkout"),
        # The build machines: shared/ beside the checkout (../shared, as in CI).
        (("machine/work",), "machine/work"),
        # A worktree one folder deeper than the main checkout, shared/ two folders up.
        (("machine",), "machine"),
        # The nearest one wins.
        (("machine", "machine/work"), "machine/work"),
    ],
)
def test_the_offline_folder_is_found_in_the_checkout_or_a_folder_above_it(tmp_path, offline, found):
    checkout = _checkout(tmp_path, *offline)
    assert offline_data_dir("mnist", checkout) == tmp_path / found / "shared" / "data" / "mnist"


def test_a_fresh_clone_has_no_offline_folder_and_a_file_is_not_one(tmp_path):
    checkout = _checkout(tmp_path)
    assert offline_data_dir("mnist", checkout) is None
    # shared/data/mnist must be a folder; a file of that name is not the data set.
    (checkout / "shared" / "data").mkdir(parents=True)
    (checkout / "shared" / "data" / "mnist").write_text("not a folder")
    assert offline_data_dir("mnist", checkout) is None


def test_mnist_dir_is_used_first_and_the_test_split_alone_is_enough(
    isolated, official_dir, monkeypatch
):
    monkeypatch.setenv(mnist_data.ENV_VAR, str(official_dir))
    files = mnist_data.locate(download=False)
    assert not files.full
    assert set(files.paths) == set(TEST_PARTS)
    assert all(path.parent == official_dir for path in files.paths.values())


def test_a_wrong_md5_stops_before_anything_is_read(isolated, official_dir, monkeypatch):
    broken = isolated / "broken"
    shutil.copytree(official_dir, broken)
    images = broken / TEST_FILES[0]
    data = bytearray(images.read_bytes())
    data[-1] ^= 0xFF
    images.chmod(0o644)
    images.write_bytes(bytes(data))
    monkeypatch.setenv(mnist_data.ENV_VAR, str(broken))
    with pytest.raises(MnistDataError, match=r"md5 .* but the official t10k-images"):
        mnist_data.locate(download=False)


def test_a_checked_file_is_not_read_again_until_it_changes(isolated, official_dir, monkeypatch):
    copy = isolated / "copy"
    shutil.copytree(official_dir, copy)
    monkeypatch.setenv(mnist_data.ENV_VAR, str(copy))
    mnist_data.locate(download=False)  # checks both files and remembers the passes
    read = []
    real_digest = mnist_data.file_digest
    monkeypatch.setattr(
        mnist_data,
        "file_digest",
        lambda path, algorithm: read.append(path) or real_digest(path, algorithm),
    )
    mnist_data.locate(download=False)
    assert read == [], "a file that passed its check and did not change was read again"
    # The same size, another byte: its modification time tells it from the checked file.
    images = copy / TEST_FILES[0]
    data = bytearray(images.read_bytes())
    data[-1] ^= 0xFF
    images.chmod(0o644)
    images.write_bytes(bytes(data))
    with pytest.raises(MnistDataError, match=r"md5 .* but the official t10k-images"):
        mnist_data.locate(download=False)
    assert read == [images]


def test_a_truncated_file_is_refused(tmp_path, official_dir):
    raw = gzip.decompress((official_dir / TEST_FILES[0]).read_bytes())
    truncated = tmp_path / "truncated.gz"
    truncated.write_bytes(gzip.compress(raw[:-784], compresslevel=1))  # one image short
    with pytest.raises(MnistDataError, match="truncated or corrupt"):
        mnist_data.read_idx(truncated)
    cut_stream = tmp_path / "cut.gz"
    cut_stream.write_bytes((official_dir / TEST_FILES[0]).read_bytes()[:5000])
    with pytest.raises(MnistDataError, match="not a readable gzip file"):
        mnist_data.read_idx(cut_stream)


def test_a_file_that_is_not_idx_is_refused(tmp_path):
    other = tmp_path / "other.gz"
    other.write_bytes(gzip.compress(b"PK\x03\x04 not an IDX file"))
    with pytest.raises(MnistDataError, match="magic number"):
        mnist_data.read_idx(other)


def test_download_checks_each_file_and_keeps_only_official_ones(mirror, official_dir, tmp_path):
    served, url = mirror
    for name in TEST_FILES:
        shutil.copy(official_dir / name, served / name)
    cache = tmp_path / "downloaded"
    paths = mnist_data.download_official_files(cache, mirror=url, parts=TEST_PARTS)
    assert sorted(p.name for p in paths.values()) == sorted(TEST_FILES)
    assert mnist_data.read_idx(paths["test_images"]).shape == (10_000, 28, 28)

    # A mirror serving a damaged file: refused, and nothing is left in the cache.
    (served / TEST_FILES[1]).chmod(0o644)
    (served / TEST_FILES[1]).write_bytes(b"\x1f\x8b damaged")
    other_cache = tmp_path / "refused"
    with pytest.raises(MnistDataError, match="md5"):
        mnist_data.download_official_files(other_cache, mirror=url, parts=("test_labels",))
    assert list(other_cache.iterdir()) == []


@pytest.mark.parametrize("loader", ["framework_loader_torch", "framework_loader_tf"])
def test_the_framework_loaders_doctests_find_the_data_as_the_build_does(
    isolated, official_dir, loader
):
    """A fresh clone without MNIST_DIR: the doctests of the two framework loaders read the
    official test split where the build's loader finds it, here the project's cache, where
    its download puts the files (that download is tested above and below)."""
    cache = mnist_data.MNIST.cache_dir()
    cache.mkdir(parents=True)
    for name in TEST_FILES:
        shutil.copy(official_dir / name, cache / name)
    helper = importlib.import_module(f"snippets.mnist.{loader}").official_test_files
    assert helper(mnist_data.locate(download=False).paths) == cache


def test_locate_downloads_into_the_cache_when_nothing_is_local(
    isolated, mirror, official_dir, monkeypatch
):
    served, url = mirror
    for name in TEST_FILES:
        shutil.copy(official_dir / name, served / name)
    monkeypatch.setenv(mnist_data.MIRROR_ENV_VAR, url)
    # The local mirror has no training split: the download of all four files fails clearly.
    with pytest.raises(MnistDataError, match="download failed: HTTP Error 404"):
        mnist_data.locate()


def test_the_command_line_says_what_it_read_or_what_is_missing(
    isolated, official_dir, monkeypatch, capsys
):
    """python -m site_build.core.mnist_data: the data it read, or the error and status 1."""
    assert mnist_data.main([]) == 1
    assert "\nerror: MNIST not found: no folder holds" in capsys.readouterr().err
    monkeypatch.setenv(mnist_data.ENV_VAR, str(official_dir))
    assert mnist_data.main([]) == 0
    assert capsys.readouterr().out.startswith("MNIST: ")


def test_the_test_split_alone_is_split_deterministically(official_dir, monkeypatch):
    monkeypatch.setenv(mnist_data.ENV_VAR, str(official_dir))
    first, second = mnist_data.load_splits(), mnist_data.load_splits()
    assert first.sizes == {"train": 6_400, "validation": 1_600, "test": 2_000}
    assert np.array_equal(first.train_images, second.train_images)
    assert np.array_equal(first.test_labels, second.test_labels)
    assert set(first.train_labels.tolist()) == set(range(10))
    assert first.train_images.dtype == np.uint8 and first.train_labels.dtype == np.int64
    # The three parts are disjoint: together they are the 10,000 images, each once.
    together = np.concatenate([first.train_images, first.val_images, first.test_images])
    everything = mnist_data.read_idx(official_dir / TEST_FILES[0])
    assert sorted(map(bytes, together)) == sorted(map(bytes, everything))
    for language in ("en", "es"):
        assert (
            "seed 2026" in first.description[language]
            or "semilla 2026" in first.description[language]
        )


# The messages of a misconfigured data folder (issue 13, item 6) ------------------------------


def test_a_missing_labels_file_is_named_alone(isolated, official_dir, monkeypatch):
    """Only the images of the test split: the message names the labels, not both files."""
    folder = isolated / "images-only"
    folder.mkdir()
    shutil.copy(official_dir / TEST_FILES[0], folder / TEST_FILES[0])
    monkeypatch.setenv(mnist_data.ENV_VAR, str(folder))
    with pytest.raises(MnistDataError) as error:
        mnist_data.locate(download=False)
    message = str(error.value)
    assert f"no folder holds {TEST_FILES[1]}, found {TEST_FILES[0]} in {folder}" in message
    assert message.startswith(f"MNIST incomplete: no folder holds {TEST_FILES[1]}, found")
    assert f"Put the official {TEST_FILES[1]} beside the others" in message


def test_mnist_dir_naming_a_file_is_not_a_folder(isolated, official_dir, monkeypatch):
    monkeypatch.setenv(mnist_data.ENV_VAR, str(official_dir / TEST_FILES[0]))
    with pytest.raises(MnistDataError) as error:
        mnist_data.locate(download=False)
    message = str(error.value)
    assert f"MNIST_DIR={official_dir / TEST_FILES[0]} is a file, not a folder" in message
    assert f"set MNIST_DIR to the folder that holds the MNIST files ({official_dir}" in message


def test_mnist_dir_naming_nothing_says_so(isolated, monkeypatch):
    monkeypatch.setenv(mnist_data.ENV_VAR, str(isolated / "no-such-folder"))
    with pytest.raises(
        MnistDataError, match=r"is not a folder \(.*no-such-folder does not exist\)"
    ):
        mnist_data.locate(download=False)


def test_a_relative_mnist_dir_reaches_the_training_process(isolated, official_dir, monkeypatch):
    """The build resolves MNIST_DIR where it runs (`mkdocs -f` from another directory); the
    training process starts in the project root (mnist_runs._train_in_subprocess) and must
    read the same folder."""
    elsewhere = isolated / "elsewhere"
    elsewhere.mkdir()
    shutil.copytree(official_dir, elsewhere / "data")
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv(mnist_data.ENV_VAR, "data")  # relative to where the build runs
    files = mnist_data.locate(download=False)
    assert files.paths["test_images"] == elsewhere / "data" / TEST_FILES[0]
    assert os.environ[mnist_data.ENV_VAR] == str(elsewhere / "data")
    # What the training process does: the same lookup, started in the project's root.
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "from site_build.core import mnist_data; "
            "print(mnist_data.locate(download=False).paths['test_images'])",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == str(elsewhere / "data" / TEST_FILES[0])
