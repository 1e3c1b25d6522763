"""MNIST for both frameworks: the official IDX files, checked, read and split once.

Where the files come from, in this order:

1. the folder named by ``MNIST_DIR`` (the nox sessions set it, when it is unset, to the offline
   test split ``shared/data/mnist`` in the checkout or a folder above it, where machines
   without internet keep it: ``paths.offline_data_dir``);
2. the cache's ``mnist-data/`` folder (in the user's cache folder, or under
   ``$SITE_CACHE_DIR``);
3. when neither holds the test split: the official files, downloaded into the cache and
   checked against their published md5 sums.

With all four files, the models train on the 60,000 training images and are tested on the
10,000 test images. With only the test split (the case on machines without internet, which
ship the official test files alone), the 10,000 test images are split deterministically:
2,000 held out for the final test and 8,000 for training and validation. Every result
records which of the two it used (``full``) and the sizes; ``describe`` says it in words.

``python -m site_build.core.mnist_data --download`` fetches all four files into the cache.

The loader itself (``IdxSource``, ``read_idx``) serves any data set published as gzip IDX
files: Fashion-MNIST (``fashion_data.py``) uses it with its own folders and checksums. Every
message names the folder, the file and the fix; a configured folder that is a file or does
not exist is reported as such, and a relative one is made absolute for the training
processes, which start in the project's root.

Why this module is longer than the project's usual 300 lines: it is the IDX loader of both
data sets (MNIST and Fashion-MNIST): locating, checking, downloading and reading the files
are one chain with one error path.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import os
import shutil
import sys
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from site_build.core.catalog import LANGUAGES, texts
from site_build.core.errors import BuildError
from site_build.core.i18n_format import number
from site_build.core.kit.cache import atomic_write_bytes, cache_root, file_digest, fingerprint
from site_build.core.paths import OFFLINE_DATA

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

# IDX magic numbers: unsigned bytes, then the number of dimensions (3 images, 1 labels).
IDX_UBYTE_MAGIC = {3: 0x00000803, 1: 0x00000801}


class DataError(BuildError):
    """A data set's files are missing, incomplete or not the official ones; nothing was trained."""


class MnistDataError(DataError):
    """The MNIST data is missing, incomplete or not the official files; nothing was trained."""


# The loader, for any data set published as gzip IDX files -----------------------------------


@dataclass(frozen=True)
class IdxSource:
    """A data set published as gzip IDX files: where to look for them and how to check them.

    ``files`` maps a part (``train_images`` ...) to its file name, the md5 of the published
    gzip file and, for data sets that are also distributed re-compressed (Debian's packages
    are), the md5 of the decompressed bytes, which a re-compressed copy keeps.
    """

    title: str  # "MNIST", as messages name it
    env_var: str  # the folder a user configures
    mirror_env_var: str  # overrides the download URL (tests point it at a local server)
    default_mirror: str
    cache_name: str  # the folder under the project's cache
    files: dict[str, tuple[str, str, str | None]]
    required: tuple[str, ...]  # the parts without which nothing can be trained
    download_command: str
    error: type[DataError]
    system_dirs: tuple[tuple[str, Path], ...] = ()  # (label, folder), after env_var
    one_folder: bool = False  # all files from the first folder that holds any of them
    hint: str = ""  # another way to get the files, added to every message

    def cache_dir(self) -> Path:
        return cache_root() / self.cache_name

    def configured_dir(self) -> Path | None:
        """The folder named by ``env_var``, made absolute, or None when it is unset.

        A relative value is resolved against the current directory and written back as an
        absolute path, so that the training processes, which start in the project's root
        (``mkdocs -f`` may run from anywhere), read the same folder as the build.
        """
        configured = os.environ.get(self.env_var)
        if not configured:
            return None
        folder = Path(configured).expanduser().absolute()
        if folder.is_file():
            raise self.error(
                f"{self.env_var}={configured} is a file, not a folder: set {self.env_var} to the "
                f"folder that holds the {self.title} files ({folder.parent} if they lie beside "
                f"{folder.name})."
            )
        if not folder.is_dir():
            raise self.error(
                f"{self.env_var}={configured} is not a folder ({folder} does not exist): set "
                f"{self.env_var} to the folder that holds {self._names(self.required)}, or "
                f"unset it."
            )
        os.environ[self.env_var] = str(folder)
        return folder

    def candidate_dirs(self) -> list[tuple[str, Path]]:
        found = []
        if (configured := self.configured_dir()) is not None:
            found.append((f"{self.env_var}={configured}", configured))
        found.extend(self.system_dirs)
        found.append(("the project cache", self.cache_dir()))
        return found

    def _names(self, parts) -> str:
        return " and ".join(self.files[part][0] for part in parts)

    def check(self, path: Path, part: str) -> None:
        """Refuse a file that is not the published one (its md5, or its decompressed md5).

        A file that passed is not checked again until it changes (``_passed_check``):
        decompressing Debian's re-compressed files to check them took every warm build
        most of a second, in each of its two processes."""
        name, expected, raw_expected = self.files[part]
        passed = _passed_check(path, expected, raw_expected)
        if passed is not None and passed.is_file():
            return
        actual = file_digest(path, "md5")
        if actual == expected:
            _remember(passed)
            return
        if raw_expected is not None:
            raw_actual = _decompressed_md5(path)
            if raw_actual == raw_expected:
                _remember(passed)
                return
            found = f"md5 {actual} (decompressed: {raw_actual or 'not a gzip file'})"
            official = f"md5 {expected} (decompressed: {raw_expected})"
        else:
            found, official = f"md5 {actual}", f"md5 {expected}"
        # Deleting is the fix only in the project's cache: elsewhere the file may belong to
        # a system package (under /usr/share/datasets), which its package manager repairs.
        owner = next((label for label, folder in self.system_dirs if path.parent == folder), "")
        fix = (
            f"Delete it and run `{self.download_command}` with internet access, or set "
            f"{self.env_var} to a folder that holds the official files"
            if path.parent == self.cache_dir()
            else f"It comes from {owner}: do not delete it; reinstall the package, or set "
            f"{self.env_var} to a folder that holds the official files"
            if owner
            else "Replace it with the official file (reinstall the package that installed it, "
            f"if one did), or set {self.env_var} to another folder that holds the official files"
        )
        raise self.error(
            f"{path} has {found}, but the official {name} has {official}: the file is "
            f"corrupt, truncated or not the official one. {fix}{self.hint}. Nothing was trained."
        )

    def md5s(self, paths: dict[str, Path]) -> dict[str, str]:
        """What a run's cache key records of the files it read: their official md5 sums."""
        return {
            self.files[part][0]: self.files[part][2] or self.files[part][1]
            for part in sorted(paths)
        }

    def locate(self, download: bool = True) -> dict[str, Path]:
        """{part: path} of the files found (each checked); downloads what is required and absent."""
        searched = self.candidate_dirs()
        paths: dict[str, Path] = {}
        for _, folder in searched:
            here = {
                part: folder / name
                for part, (name, _, _) in self.files.items()
                if part not in paths and (folder / name).is_file()
            }
            if self.one_folder and here and folder != self.cache_dir():
                if missing := [part for part in self.required if part not in here]:
                    raise self._incomplete_folder_error(folder, here, missing)
                paths = here
                break
            paths.update(here)
        if not all(part in paths for part in self.required):
            if not download:
                raise self._missing_error(searched, paths, "downloading was not allowed")
            try:
                paths = self.download(self.cache_dir())
            except OSError as error:
                raise self._missing_error(
                    searched, paths, f"the download failed: {error}"
                ) from error
        for part, path in paths.items():
            self.check(path, part)
        return paths

    def _incomplete_folder_error(self, folder: Path, here: dict, missing: list[str]) -> DataError:
        return self.error(
            f"{folder} holds {self._names(sorted(here))} but not {self._names(missing)}: "
            f"the {self.title} files are read from one folder. Add the missing file there "
            f"(the official one), or set {self.env_var} to a folder that holds all of "
            f"{self._names(self.files)}{self.hint}."
        )

    def _missing_error(self, searched, paths: dict[str, Path], reason: str) -> DataError:
        missing = [part for part in self.required if part not in paths]
        places = "; ".join(f"{label} ({path})" for label, path in searched)
        found = (
            ", found "
            + ", ".join(f"{path.name} in {path.parent}" for _, path in sorted(paths.items()))
            if paths
            else ""
        )
        unset = "" if os.environ.get(self.env_var) else f" ({self.env_var} is not set)"
        state = "incomplete" if paths else "not found"
        return self.error(
            f"{self.title} {state}: no folder holds {self._names(missing)}{found}. "
            f"Searched: {places}{unset}; {reason}. Put the official "
            f"{self._names(missing)} beside the others, set {self.env_var} to a folder that "
            f"holds {self._names(self.required)}, or run `{self.download_command}` with "
            f"internet access{self.hint}."
        )

    def download(
        self, destination: Path, mirror: str | None = None, parts: tuple[str, ...] | None = None
    ) -> dict[str, Path]:
        """Download official files into ``destination``, each checked before it is kept."""
        base = mirror or os.environ.get(self.mirror_env_var, self.default_mirror)
        destination.mkdir(parents=True, exist_ok=True)
        paths = {}
        for part in parts or tuple(self.files):
            name = self.files[part][0]
            target = destination / name
            if not target.is_file():
                print(f"[{self.cache_name}] downloading {base}{name}", file=sys.stderr, flush=True)
                partial = target.with_name(f"{name}.part")
                with (
                    urllib.request.urlopen(base + name, timeout=DOWNLOAD_TIMEOUT_S) as response,
                    partial.open("wb") as stream,
                ):
                    shutil.copyfileobj(response, stream)
                try:
                    self.check(partial, part)
                except DataError as error:
                    partial.unlink()
                    raise self.error(
                        f"The download of {base}{name} was refused and deleted: {error}"
                    ) from None
                partial.replace(target)
            paths[part] = target
        return paths

    def command_line(
        self, argv: list[str] | None, description: str, summary: Callable[[], str]
    ) -> int:
        """A data module's ``main``: check the files (``--download``: fetch them into the cache
        first) and print ``summary()``, which reads them and says what was read; the exit
        status."""
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument(
            "--download", action="store_true", help="download the official files into the cache"
        )
        args = parser.parse_args(argv)
        try:
            if args.download:
                self.download(self.cache_dir())
            line = summary()
        except (DataError, OSError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(line)
        return 0


# The cache's folder of data files that passed their check, one empty file each.
PASSED_CHECKS = "checked-data"


def _passed_check(path: Path, md5: str, decompressed_md5: str | None) -> Path | None:
    """Where a pass of ``path``'s check is remembered: named after the file's path, size,
    modification time and inode (as ``make`` and git's index tell a changed file) and the
    sums it was checked against, so a rewritten, truncated or replaced file, or a new
    expected sum, is checked again. None when the file cannot be read."""
    try:
        status = path.stat()
    except OSError:
        return None
    identity = {
        "path": str(path.resolve()),
        "size": status.st_size,
        "mtime_ns": status.st_mtime_ns,
        "inode": status.st_ino,
        "md5": md5,
        "decompressed_md5": decompressed_md5,
    }
    return cache_root() / PASSED_CHECKS / fingerprint(identity)


def _remember(passed: Path | None) -> None:
    if passed is None:
        return
    with contextlib.suppress(OSError):  # a read-only cache only means checking again next time
        atomic_write_bytes(passed, b"")


def _decompressed_md5(path: Path) -> str | None:
    digest = hashlib.md5()
    try:
        with gzip.open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except (OSError, EOFError):
        return None
    return digest.hexdigest()


# What to do with a file read_idx refuses: it may lie in any folder, a system package's too,
# so the advice never says to delete it.
REPLACE_ADVICE = (
    "replace it with the official file: download it again if it is in the project's cache, "
    "reinstall the package that installed it if one did, or set MNIST_DIR or "
    "FASHION_MNIST_DIR to a folder that holds the official files."
)


def read_idx(path: Path, error: type[DataError] = MnistDataError) -> np.ndarray:
    """Decode one gzip IDX file of unsigned bytes, refusing anything truncated or foreign."""
    try:
        with gzip.open(path, "rb") as stream:
            raw = stream.read()
    except (OSError, EOFError) as exc:
        raise error(f"{path} is not a readable gzip file ({exc}); {REPLACE_ADVICE}") from exc
    if len(raw) < 8:
        raise error(f"{path} is truncated: {len(raw)} bytes after decompression.")
    magic = int.from_bytes(raw[:4], "big")
    ndim = raw[3]
    if ndim not in IDX_UBYTE_MAGIC or magic != IDX_UBYTE_MAGIC[ndim]:
        raise error(f"{path} is not an IDX file of unsigned bytes (magic number {magic:#010x}).")
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise error(
            f"{path} holds {len(raw)} bytes but its header announces {expected} "
            f"(shape {shape}): the file is truncated or corrupt; {REPLACE_ADVICE}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


# MNIST ----------------------------------------------------------------------------------------

MNIST = IdxSource(
    title="MNIST",
    env_var=ENV_VAR,
    mirror_env_var=MIRROR_ENV_VAR,
    default_mirror=DEFAULT_MIRROR,
    cache_name="mnist-data",
    files={part: (name, md5, None) for part, (name, md5) in OFFICIAL_FILES.items()},
    required=TEST_PARTS,  # the test split alone is enough (see the module's docstring)
    download_command="python -m site_build.core.mnist_data --download",
    error=MnistDataError,
    # Where the nox sessions find the offline test split (site_build/core/paths.py).
    hint=(
        ", or, on a machine without internet, put the official test split in "
        f"{OFFLINE_DATA / 'mnist'} in the checkout or a folder above it, where the nox "
        f"sessions find it and set {ENV_VAR}"
    ),
)


@dataclass(frozen=True)
class MnistFiles:
    """The official files found, and where: {part: path}."""

    paths: dict[str, Path]

    @property
    def full(self) -> bool:
        return all(part in self.paths for part in OFFICIAL_FILES)

    def md5s(self) -> dict[str, str]:
        return MNIST.md5s(self.paths)


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
        return {language: describe(self.full, self.sizes, language) for language in LANGUAGES}


def describe(full: bool, sizes: Mapping[str, int], language: str) -> str:
    """What the models were trained on, in ``language``: the words of the catalogs
    (``data_description``) around the facts a result records. Read when a page is written,
    never stored in a result nor part of a cache key, so editing them trains nothing."""
    template = texts("data_description")[language]["full" if full else "test_only"]
    return template.format(
        seed=SPLIT_SEED, **{part: number(n, language) for part, n in sizes.items()}
    )


def data_cache_dir() -> Path:
    return MNIST.cache_dir()


def locate(download: bool = True) -> MnistFiles:
    """Find the official files (checking each md5); download them when the test split is absent."""
    paths = MNIST.locate(download)
    # A training split is used only as a pair; half of one is a mistake worth reporting.
    if any(part in paths for part in TRAIN_PARTS) and not all(
        part in paths for part in TRAIN_PARTS
    ):
        present = [p for p in TRAIN_PARTS if p in paths]
        missing = [p for p in TRAIN_PARTS if p not in paths]
        raise MnistDataError(
            f"{paths[present[0]]} was found but not {MNIST._names(missing)}: the training "
            f"split is used only as a pair. Add the official {MNIST._names(missing)} to "
            f"{paths[present[0]].parent}, or remove {paths[present[0]].name}."
        )
    return MnistFiles(paths)


def download_official_files(
    destination: Path, mirror: str | None = None, parts: tuple[str, ...] = tuple(OFFICIAL_FILES)
) -> dict[str, Path]:
    """Download official files into ``destination``, each checked before it is kept."""
    return MNIST.download(destination, mirror, parts)


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
    def summary() -> str:
        return f"MNIST: {load_splits().description['en']}"

    return MNIST.command_line(argv, __doc__.splitlines()[0], summary)


if __name__ == "__main__":
    sys.exit(main())
