"""Fashion-MNIST for both frameworks: Zalando's official IDX files, found, checked and read.

Where the files come from, in this order (each folder must hold all four files):

1. the folder named by ``FASHION_MNIST_DIR``;
2. Debian's ``dataset-fashion-mnist`` package, ``/usr/share/datasets/fashion-mnist/``
   (``apt-get install dataset-fashion-mnist``; ``.ci/run`` installs it);
3. the project's cache (``.cache/fashion-mnist-data``, or ``$SITE_CACHE_DIR/...``);
4. with internet access: the official files, downloaded into the cache.

Every file is checked before use. Debian re-compressed the files, so their gzip md5 sums
differ from the published ones while the decompressed bytes are the same: a file passes
when either its md5 is the published one or the md5 of its decompressed bytes is.

The models train on all 60,000 training images and are tested on the 10,000 test images,
as published (no validation split: nothing is tuned on the test images, they are only
measured). ``python -m site_build.core.fashion_data --download`` fetches the four files into
the cache.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from site_build.core.catalog import LANGUAGES, texts
from site_build.core.i18n_format import number
from site_build.core.mnist_data import DataError, IdxSource, read_idx

ENV_VAR = "FASHION_MNIST_DIR"
MIRROR_ENV_VAR = "FASHION_MNIST_MIRROR"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
# The download links of Zalando's README (github.com/zalandoresearch/fashion-mnist,
# "Get the Data"), which point at this bucket.
DEFAULT_MIRROR = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"

# {part: (file name, md5 of the gzip file, md5 of its decompressed bytes)}.
# The gzip md5 sums are the ones Zalando's README publishes ("MD5 Checksum" column of "Get
# the Data"). The decompressed md5 sums were computed on 2026-12-01 from the files of
# Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1 (`zcat FILE | md5sum`), which
# Debian re-compressed: their gzip md5 sums are not the published ones. The sizes
# decompressed (47,040,016 / 60,008 / 7,840,016 / 10,008 bytes) are the IDX sizes of
# 60,000 and 10,000 28x28 images and labels, and read_idx checks each header against them.
OFFICIAL_FILES = {
    "train_images": (
        "train-images-idx3-ubyte.gz",
        "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    ),
    "train_labels": (
        "train-labels-idx1-ubyte.gz",
        "25c81989df183df01b3e8a0aad5dffbe",
        "9018921c3c673c538a1fc5bad174d6f9",
    ),
    "test_images": (
        "t10k-images-idx3-ubyte.gz",
        "bef4ecab320f06d8554ea6380940ec79",
        "8181f5470baa50b63fa0f6fddb340f0a",
    ),
    "test_labels": (
        "t10k-labels-idx1-ubyte.gz",
        "bb300cfdad3c16e7a12a480ee83cd310",
        "15d484375f8d13e6eb1aabb0c3f46965",
    ),
}
# The ten classes, in label order (Zalando's README, "Labels").
CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


class FashionDataError(DataError):
    """Fashion-MNIST is missing, incomplete or not the official files; nothing was trained."""


FASHION = IdxSource(
    title="Fashion-MNIST",
    env_var=ENV_VAR,
    mirror_env_var=MIRROR_ENV_VAR,
    default_mirror=DEFAULT_MIRROR,
    cache_name="fashion-mnist-data",
    files=OFFICIAL_FILES,
    required=tuple(OFFICIAL_FILES),
    download_command="python -m site_build.core.fashion_data --download",
    error=FashionDataError,
    system_dirs=(("Debian's dataset-fashion-mnist package", DEBIAN_DIR),),
    one_folder=True,
    hint=(
        ", or install Debian's package (`sudo apt-get install dataset-fashion-mnist`, "
        "`--reinstall` to repair it)"
    ),
)


def source(debian_dir: Path | None = None) -> IdxSource:
    """The loader's settings; tests pass another ``debian_dir`` to stand in for the package."""
    if debian_dir is None:
        return FASHION
    return replace(FASHION, system_dirs=(("Debian's dataset-fashion-mnist package", debian_dir),))


@dataclass
class FashionData:
    """uint8 images (N, 28, 28) and int64 labels (N,): the official training and test splits."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    md5s: dict[str, str]
    folder: Path

    @property
    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train_labels), "test": len(self.test_labels)}

    @property
    def description(self) -> dict[str, str]:
        """What the models were trained on, in each language of the site."""
        return {language: describe(self.sizes, language) for language in LANGUAGES}


def describe(sizes: Mapping[str, int], language: str) -> str:
    """What the models were trained on, in ``language``: the catalogs' words
    (``fashion.data_description``) around the sizes a result records. Read when a page is
    written, never stored in a result nor part of a cache key."""
    template = texts("fashion")[language]["data_description"]
    return template.format(**{part: number(n, language) for part, n in sizes.items()})


def locate(download: bool = True, debian_dir: Path | None = None) -> dict[str, Path]:
    return source(debian_dir).locate(download)


def md5s(paths: dict[str, Path]) -> dict[str, str]:
    return FASHION.md5s(paths)


def load(paths: dict[str, Path] | None = None) -> FashionData:
    """Read the four files (found and checked by ``locate`` unless given)."""
    paths = paths or locate()
    arrays = {part: read_idx(path, FashionDataError) for part, path in paths.items()}
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if len(images) != len(labels) or images.shape[1:] != (28, 28):
            raise FashionDataError(
                f"{paths[f'{split}_images']} and {paths[f'{split}_labels'].name} do not match "
                f"(shapes {images.shape} and {labels.shape}): replace both with the official files."
            )
    return FashionData(
        train_images=arrays["train_images"],
        train_labels=arrays["train_labels"].astype(np.int64),
        test_images=arrays["test_images"],
        test_labels=arrays["test_labels"].astype(np.int64),
        md5s=md5s(paths),
        folder=paths["train_images"].parent,
    )


def sample(count: int, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """The first ``count`` images and labels of a split (for doctests: fast, real data)."""
    paths = locate()
    images = read_idx(paths[f"{split}_images"], FashionDataError)[:count]
    labels = read_idx(paths[f"{split}_labels"], FashionDataError)[:count].astype(np.int64)
    return images, labels


def main(argv: list[str] | None = None) -> int:
    def summary() -> str:
        data = load()
        return f"Fashion-MNIST from {data.folder}: {data.description['en']}"

    return FASHION.command_line(argv, __doc__.splitlines()[0], summary)


if __name__ == "__main__":
    sys.exit(main())
