"""MNIST through torchvision's own dataset class, offline.

Shown on docs/*/mnist.md next to framework_loader_tf.py. The doctest first builds, in a
temporary folder, the layout torchvision reads (not shown on the page): the official test
files (from MNIST_DIR, the project's cache or the official mirror), decompressed, and
stand-ins for the training files (see ``torchvision_root`` below).

>>> import tempfile
>>> workdir = tempfile.TemporaryDirectory()
>>> from site_build.core.mnist_data import locate
>>> mnist_dir = official_test_files(locate().paths)
>>> root = torchvision_root(mnist_dir, Path(workdir.name))

# --8<-- [start:load-checks]
>>> sorted(path.name for path in (root / "MNIST" / "raw").iterdir())
['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte']
>>> test_loader = mnist_test_loader(root)
>>> test_set = test_loader.dataset
>>> len(test_set), sum(len(labels) for _, labels in test_loader)
(10000, 10000)
>>> images, labels = next(iter(test_loader))
>>> images.shape, images.dtype, labels.dtype
(torch.Size([1000, 1, 28, 28]), torch.float32, torch.int64)
>>> images.min().item(), images.max().item()
(0.0, 1.0)
>>> # The raw pixels and labels are the official files' bytes, after the header.
>>> import gzip
>>> import numpy as np
>>> def official(name, header_bytes):
...     with gzip.open(mnist_dir / name) as file:
...         return np.frombuffer(file.read(), np.uint8, offset=header_bytes)
>>> pixels = official("t10k-images-idx3-ubyte.gz", 16)
>>> np.array_equal(test_set.data.numpy().ravel(), pixels)
True
>>> digits = official("t10k-labels-idx1-ubyte.gz", 8)
>>> np.array_equal(test_set.targets.numpy(), digits)
True
>>> # ...and each scaled value is its byte divided by 255.
>>> torch.allclose(images * 255, test_set.data[:1000, None].float())
True
>>> # The training files here are stand-ins (the first 100 test images): with
>>> # download=False, torchvision checks that they exist, not their md5.
>>> len(datasets.MNIST(root, train=True, download=False))
100

# --8<-- [end:load-checks]
>>> workdir.cleanup()
"""

# ruff: noqa: E402 (the workaround below must run before the shown imports)

# Not shown on the page: lets torchvision import on the build machines (see the module).
from snippets._torchvision_cpu import declare_torchvision_ops_if_unloadable

_torchvision_ops = declare_torchvision_ops_if_unloadable()

# --8<-- [start:load]
import torch
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import v2

# uint8 images (28 x 28) become float32 tensors (1 x 28 x 28) in [0, 1].
to_tensor = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])


def mnist_test_loader(root, batch_size=1000):
    # Reads root/MNIST/raw/; download=False fails rather than fetch.
    test_set = datasets.MNIST(
        root,
        train=False,
        download=False,
        transform=to_tensor,
    )
    return DataLoader(test_set, batch_size=batch_size)


# --8<-- [end:load]

# Not shown on the page: the doctest's setup.

TEST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def official_test_files(paths):
    """The one folder of the official test files that the build's loader found: ``paths``
    is ``locate().paths`` of site_build/core/mnist_data.py, which looks in MNIST_DIR, then
    the project's cache, then downloads into it, and checks each file's md5."""
    folders = {paths[part].parent for part in ("test_images", "test_labels")}
    if len(folders) != 1:
        raise RuntimeError(
            f"The official {' and '.join(TEST_FILES)} lie in different folders "
            f"({', '.join(map(str, sorted(folders)))}): put them in one folder and set "
            "MNIST_DIR to it (README.md, 'Data')."
        )
    return folders.pop()


def torchvision_root(mnist_dir, workdir):
    """A root folder laid out as torchvision's MNIST reads it, built from the test split.

    torchvision reads root/MNIST/raw/ (the decompressed IDX files) and, with
    download=False, insists that all four files exist, whichever split is asked for. Only
    the test split is available here, so the two training files are stand-ins, not real
    training data: valid IDX files holding the first 100 *test* images and labels. Only
    the one check that prints 100 reads them.
    """
    import gzip
    import struct

    raw = workdir / "MNIST" / "raw"
    raw.mkdir(parents=True)
    images = gzip.decompress(
        (mnist_dir / "t10k-images-idx3-ubyte.gz").read_bytes()
    )
    labels = gzip.decompress(
        (mnist_dir / "t10k-labels-idx1-ubyte.gz").read_bytes()
    )
    (raw / "t10k-images-idx3-ubyte").write_bytes(images)
    (raw / "t10k-labels-idx1-ubyte").write_bytes(labels)
    # IDX headers: a big-endian magic number (0x0803: 3-d uint8, 0x0801: 1-d uint8)
    # followed by each dimension's size.
    count = 100
    (raw / "train-images-idx3-ubyte").write_bytes(
        struct.pack(">4I", 0x0803, count, 28, 28)
        + images[16 : 16 + count * 28 * 28]
    )
    (raw / "train-labels-idx1-ubyte").write_bytes(
        struct.pack(">2I", 0x0801, count) + labels[8 : 8 + count]
    )
    return workdir


from pathlib import Path  # noqa: F401 (the doctest uses it)
