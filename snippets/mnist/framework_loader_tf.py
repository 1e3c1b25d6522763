"""MNIST through Keras' own download cache (``keras.utils.get_file``), offline.

Shown on docs/*/mnist.md next to framework_loader_torch.py. The doctest first copies the
official test files (from MNIST_DIR, the project's cache or the official mirror) into a
temporary Keras cache (not shown on the page), as an earlier download would have left them.

>>> import tempfile
>>> workdir = tempfile.TemporaryDirectory()
>>> from site_build.core.mnist_data import locate
>>> mnist_dir = official_test_files(locate().paths)
>>> cache_dir = keras_cache(mnist_dir, Path(workdir.name))

# --8<-- [start:load-checks]
>>> # An unreachable mirror: the files can only come from the cache.
>>> offline = "http://127.0.0.1:9/"
>>> test_ds = mnist_test_dataset(cache_dir, mirror=offline)
>>> int(test_ds.unbatch().reduce(0, lambda count, _: count + 1))
10000
>>> images, labels = next(iter(test_ds))
>>> images.shape, images.dtype, labels.dtype
(TensorShape([1000, 28, 28, 1]), tf.float32, tf.int64)
>>> float(tf.reduce_min(images)), float(tf.reduce_max(images))
(0.0, 1.0)
>>> # The pixels and labels are the official files' bytes, after the header.
>>> raw_images = read_idx("t10k-images-idx3-ubyte.gz", 16, cache_dir, offline)
>>> np.array_equal(raw_images, official_bytes("t10k-images-idx3-ubyte.gz", 16))
True
>>> raw_labels = read_idx("t10k-labels-idx1-ubyte.gz", 8, cache_dir, offline)
>>> np.array_equal(raw_labels, official_bytes("t10k-labels-idx1-ubyte.gz", 8))
True
>>> # ...and each scaled value is its byte divided by 255.
>>> first = raw_images[: 1000 * 28 * 28].reshape(1000, 28, 28, 1)
>>> np.allclose(images.numpy() * 255, first)
True
>>> # A wrong hash sends get_file to the mirror; offline, that fails, and
>>> # Keras deletes the cached copy it no longer trusts.
>>> cached = cache_dir / "mnist" / "t10k-labels-idx1-ubyte.gz"
>>> keras.utils.get_file(
...     cached.name,
...     offline + cached.name,
...     file_hash="0" * 32,
...     cache_dir=cache_dir,
...     cache_subdir="mnist",
... )
Traceback (most recent call last):
    ...
Exception: URL fetch failure on http://127.0.0.1:9/t10k-labels-idx1-ubyte.gz: ...
>>> cached.exists()
False

# --8<-- [end:load-checks]
>>> workdir.cleanup()
"""

# --8<-- [start:load]
import gzip

import keras
import numpy as np
import tensorflow as tf

# The mirror torchvision downloads from, and the md5 sums of the files there.
MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"
MD5 = {
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}


def read_idx(name, header_bytes, cache_dir=None, mirror=MIRROR):
    # Served from cache_dir/mnist/ when the file there has the right md5;
    # otherwise downloaded from the mirror, then checked.
    path = keras.utils.get_file(
        name,
        mirror + name,
        file_hash=MD5[name],
        cache_dir=cache_dir,
        cache_subdir="mnist",
    )
    with gzip.open(path) as file:
        return np.frombuffer(file.read(), np.uint8, offset=header_bytes)


def scale(image, label):
    # float32 in [0, 1] and int64 labels, as torchvision's pipeline gives
    return tf.cast(image, tf.float32) / 255.0, tf.cast(label, tf.int64)


def mnist_test_dataset(cache_dir=None, batch_size=1000, mirror=MIRROR):
    images = read_idx("t10k-images-idx3-ubyte.gz", 16, cache_dir, mirror)
    labels = read_idx("t10k-labels-idx1-ubyte.gz", 8, cache_dir, mirror)
    # Keras puts channels last: 28 x 28 x 1 (PyTorch: 1 x 28 x 28).
    images = images.reshape(-1, 28, 28, 1)
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    return dataset.map(scale).batch(batch_size)


# --8<-- [end:load]

# Not shown on the page: the doctest's setup.


def official_test_files(paths):
    """The one folder of the official test files that the build's loader found: ``paths``
    is ``locate().paths`` of site_build/core/mnist_data.py, which looks in MNIST_DIR, then
    the project's cache, then downloads into it, and checks each file's md5. Kept for
    ``official_bytes``."""
    folders = {paths[part].parent for part in ("test_images", "test_labels")}
    if len(folders) != 1:
        raise RuntimeError(
            f"The official {' and '.join(MD5)} lie in different folders "
            f"({', '.join(map(str, sorted(folders)))}): put them in one folder and set "
            "MNIST_DIR to it (README.md, 'Data')."
        )
    _official["folder"] = folders.pop()
    return _official["folder"]


# The folder official_test_files found, which official_bytes reads.
_official = {}


def keras_cache(mnist_dir, workdir):
    """A Keras cache folder holding the official test files, as a download leaves them.

    Nothing is checked here: get_file checks each file's md5 when it is asked for it.
    """
    import shutil

    (workdir / "mnist").mkdir(parents=True)
    for name in MD5:
        shutil.copyfile(mnist_dir / name, workdir / "mnist" / name)
    return workdir


def official_bytes(name, header_bytes):
    """The bytes after the header of an official file, read straight from its folder."""
    if "folder" not in _official:
        raise RuntimeError("call official_test_files(locate().paths) first")
    with gzip.open(_official["folder"] / name) as file:
        return np.frombuffer(file.read(), np.uint8, offset=header_bytes)


from pathlib import Path  # noqa: E402, F401 (below the shown code; the doctest uses it)
