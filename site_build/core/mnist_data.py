"""MNIST for both frameworks: the official IDX files, checked, read and split once.

Where the files come from, in this order:

1. the folder named by ``MNIST_DIR``;
2. the project's cache (``.cache/mnist-data``, or ``$SITE_CACHE_DIR/mnist-data``);
3. when neither holds the test split: the official files, downloaded into the cache and
   checked against their published md5 sums.

With all four files, the models train on the 60,000 training images and are tested on the
10,000 test images. With only the test split (the case on machines without internet, which
ship the official test files alone), the 10,000 test images are split deterministically:
2,000 held out for the final test and 8,000 for training and validation. Every result
records which of the two it used (``MnistSplits.description``).

``python -m site_build.core.mnist_data --download`` fetches all four files into the cache.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from site_build.core.cache import cache_root, file_digest
from site_build.core.catalog import texts
from site_build.core.errors import BuildError
from site_build.core.i18n_format import number

ENV_VAR = "MNIST_DIR"
# The mirror torchvision downloads from; the original site (yann.lecun.com) now often
# refuses downloads. Overridable so the download path can be tested without a network.
MIRROR_ENV_VAR = "MNIST_MIRROR"
DEFAULT_MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"
DOWNLOAD_TIMEOUT_S = 30

# The published md5 sums of the official gzip files.
OFFICIAL_FILES = {
    "train_images": ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    "train_labels": ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
    "test_images": ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
}
TEST_PARTS = ("test_images", "test_labels")
TRAIN_PARTS = ("train_images", "train_labels")

# The documented split of the test split, when it is all there is.
SPLIT_SEED = 2026
HELD_OUT_TEST_IMAGES = 2_000
VALIDATION_FRACTION = 0.2

# What the models were trained on, per language (data_description in the catalogs); part of
# each run's cache key (mnist_runs.py), since results record it.
DESCRIPTIONS = texts("data_description")

# IDX magic numbers: unsigned bytes, then the number of dimensions (3 images, 1 labels).
IDX_UBYTE_MAGIC = {3: 0x00000803, 1: 0x00000801}


class MnistDataError(BuildError):
    """The data is missing, incomplete or not the official files; nothing was trained."""


@dataclass(frozen=True)
class MnistFiles:
    """The official files found, and where: {part: path}."""

    paths: dict[str, Path]

    @property
    def full(self) -> bool:
        return all(part in self.paths for part in OFFICIAL_FILES)

    def md5s(self) -> dict[str, str]:
        return {OFFICIAL_FILES[part][0]: OFFICIAL_FILES[part][1] for part in sorted(self.paths)}


@dataclass
class MnistSplits:
    """uint8 images (N, 28, 28) and int64 labels (N,), split for training."""

    train_images: np.ndarray
    train_labels: np.ndarray
    val_images: np.ndarray
    val_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    full: bool
    md5s: dict[str, str] = field(default_factory=dict)

    @property
    def sizes(self) -> dict[str, int]:
        return {
            "train": len(self.train_labels),
            "validation": len(self.val_labels),
            "test": len(self.test_labels),
        }

    @property
    def description(self) -> dict[str, str]:
        """What the models were trained on, in each language of the site."""
        sizes = self.sizes
        template = "full" if self.full else "test_only"
        return {
            language: DESCRIPTIONS[language][template].format(
                seed=SPLIT_SEED, **{part: number(n, language) for part, n in sizes.items()}
            )
            for language in DESCRIPTIONS
        }


def read_idx(path: Path) -> np.ndarray:
    """Decode one gzip IDX file of unsigned bytes, refusing anything truncated or foreign."""
    try:
        with gzip.open(path, "rb") as stream:
            raw = stream.read()
    except (OSError, EOFError) as error:
        raise MnistDataError(
            f"{path} is not a readable gzip file ({error}); delete it and download it again."
        ) from error
    if len(raw) < 8:
        raise MnistDataError(f"{path} is truncated: {len(raw)} bytes after decompression.")
    magic = int.from_bytes(raw[:4], "big")
    ndim = raw[3]
    if ndim not in IDX_UBYTE_MAGIC or magic != IDX_UBYTE_MAGIC[ndim]:
        raise MnistDataError(f"{path} is not an MNIST IDX file (magic number {magic:#010x}).")
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise MnistDataError(
            f"{path} holds {len(raw)} bytes but its header announces {expected} "
            f"(shape {shape}): the file is truncated or corrupt; delete it and download it again."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def data_cache_dir() -> Path:
    return cache_root() / "mnist-data"


def _candidate_dirs() -> list[tuple[str, Path]]:
    found = []
    if configured := os.environ.get(ENV_VAR):
        found.append((f"{ENV_VAR}={configured}", Path(configured)))
    found.append(("the project cache", data_cache_dir()))
    return found


def _check_md5(path: Path, part: str) -> None:
    name, expected = OFFICIAL_FILES[part]
    actual = file_digest(path, "md5")
    if actual != expected:
        raise MnistDataError(
            f"{path} has md5 {actual}, but the official {name} has md5 {expected}: the file is "
            "corrupt, truncated or not the official one. Replace it with the official file "
            f"(or delete it and let the build download it). Nothing was trained."
        )


def locate(download: bool = True) -> MnistFiles:
    """Find the official files (checking each md5); download them when the test split is absent."""
    searched = _candidate_dirs()
    paths: dict[str, Path] = {}
    for _, folder in searched:
        for part, (name, _) in OFFICIAL_FILES.items():
            if part not in paths and (folder / name).is_file():
                paths[part] = folder / name
    if not all(part in paths for part in TEST_PARTS):
        if not download:
            raise _missing_error(searched, reason="downloading was not allowed")
        try:
            paths = download_official_files(data_cache_dir())
        except OSError as error:
            raise _missing_error(searched, reason=f"the download failed: {error}") from error
    # A training split is used only as a pair; half of one is a mistake worth reporting.
    if any(part in paths for part in TRAIN_PARTS) and not all(
        part in paths for part in TRAIN_PARTS
    ):
        present = [OFFICIAL_FILES[p][0] for p in TRAIN_PARTS if p in paths]
        raise MnistDataError(
            f"Only {present} of the training split was found: add its other file or remove it."
        )
    for part, path in paths.items():
        _check_md5(path, part)
    return MnistFiles(paths)


def _missing_error(searched: list[tuple[str, Path]], reason: str) -> MnistDataError:
    names = ", ".join(OFFICIAL_FILES[p][0] for p in TEST_PARTS)
    places = "; ".join(f"{label} ({path})" for label, path in searched)
    unset = "" if os.environ.get(ENV_VAR) else f" ({ENV_VAR} is not set)"
    return MnistDataError(
        f"MNIST not found: no folder holds {names}. Searched: {places}{unset}; {reason}. "
        f"Set {ENV_VAR} to a folder with the official gzip IDX files (the test split is "
        "enough), or run `python -m site_build.core.mnist_data --download` with internet access."
    )


def download_official_files(
    destination: Path, mirror: str | None = None, parts: tuple[str, ...] = tuple(OFFICIAL_FILES)
) -> dict[str, Path]:
    """Download official files into ``destination``, each checked before it is kept."""
    base = mirror or os.environ.get(MIRROR_ENV_VAR, DEFAULT_MIRROR)
    destination.mkdir(parents=True, exist_ok=True)
    paths = {}
    for part in parts:
        name = OFFICIAL_FILES[part][0]
        target = destination / name
        if not target.is_file():
            print(f"[mnist] downloading {base}{name}", file=sys.stderr, flush=True)
            partial = target.with_suffix(".part")
            with (
                urllib.request.urlopen(base + name, timeout=DOWNLOAD_TIMEOUT_S) as response,
                partial.open("wb") as stream,
            ):
                shutil.copyfileobj(response, stream)
            try:
                _check_md5(partial, part)
            except MnistDataError:
                partial.unlink()
                raise
            partial.replace(target)
        paths[part] = target
    return paths


def load_splits(files: MnistFiles | None = None) -> MnistSplits:
    """Read the files and split them as the module docstring describes."""
    files = files or locate()
    test_images = read_idx(files.paths["test_images"])
    test_labels = read_idx(files.paths["test_labels"]).astype(np.int64)
    if len(test_images) != len(test_labels):
        raise MnistDataError("The test images and labels have different lengths.")
    order = np.random.default_rng(SPLIT_SEED)
    if files.full:
        pool_images = read_idx(files.paths["train_images"])
        pool_labels = read_idx(files.paths["train_labels"]).astype(np.int64)
        pool = order.permutation(len(pool_labels))
    else:
        shuffled = order.permutation(len(test_labels))
        held_out, pool = shuffled[:HELD_OUT_TEST_IMAGES], shuffled[HELD_OUT_TEST_IMAGES:]
        pool_images, pool_labels = test_images, test_labels
        test_images, test_labels = test_images[held_out], test_labels[held_out]
    n_val = round(len(pool) * VALIDATION_FRACTION)
    val, train = pool[:n_val], pool[n_val:]
    return MnistSplits(
        train_images=pool_images[train],
        train_labels=pool_labels[train],
        val_images=pool_images[val],
        val_labels=pool_labels[val],
        test_images=test_images,
        test_labels=test_labels,
        full=files.full,
        md5s=files.md5s(),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--download", action="store_true", help="download all four official files into the cache"
    )
    args = parser.parse_args(argv)
    try:
        if args.download:
            download_official_files(data_cache_dir())
        splits = load_splits()
    except (MnistDataError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"MNIST: {splits.description['en']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
