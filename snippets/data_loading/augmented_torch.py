"""Augmented MNIST batches from a Dataset and a DataLoader. Shown on docs/*/data_loading.md next to augmented_tf.py.

The images are the MNIST page's (loaded in the doctest only: snippets import nothing from
the code that builds the site). The build times ``make_loader`` itself, with 0 and 2
workers, for the page's throughput table (site_build/core/data_loading/measure.py).

>>> from site_build.core.mnist_data import load_splits
>>> data = load_splits()  # the MNIST page's split (MNIST_DIR names the files)
>>> images, labels = data.train_images[:256], data.train_labels[:256]

# --8<-- [start:pipeline-checks]
>>> loader = make_loader(images, labels, batch_size=64)
>>> x, y = next(iter(loader))
>>> x.shape, x.dtype, y.dtype
(torch.Size([64, 1, 28, 28]), torch.float32, torch.int64)
>>> y.tolist() == labels[:64].tolist()  # the data's order: no shuffling
True
>>> [shift_of(i) for i in range(4)]  # (rows, columns) image i moves by
[(-2, -2), (-1, 0), (0, 2), (2, -1)]
>>> original = torch.from_numpy(images[1]).float() / 255
>>> torch.equal(x[1, 0, :-1], original[1:])  # image 1: one row up
True
>>> two_workers = make_loader(images, labels, batch_size=64, num_workers=2)
>>> same = [torch.equal(a, b) for (a, _), (b, _) in zip(loader, two_workers)]
>>> same  # two worker processes, the same batches in the same order
[True, True, True, True]

# --8<-- [end:pipeline-checks]
"""

# --8<-- [start:pipeline]
import torch
from torch.utils.data import DataLoader, Dataset


def shift_of(index):
    # Image i moves by the same (rows, columns) in both frameworks: -2 to 2.
    k = index * 7 % 25
    return k // 5 - 2, k % 5 - 2


def augment(image, index):
    # Shift a (1, 28, 28) image: pad 2 blank pixels, crop 28 x 28 off-centre.
    dy, dx = shift_of(index)
    padded = torch.nn.functional.pad(image, (2, 2, 2, 2))
    return padded[:, 2 - dy : 30 - dy, 2 - dx : 30 - dx]


class ShiftedImages(Dataset):
    def __init__(self, images, labels):
        # uint8 (N, 28, 28) -> float32 (N, 1, 28, 28) in [0, 1], once
        self.images = torch.from_numpy(images).unsqueeze(1).float() / 255
        self.labels = torch.from_numpy(labels)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        # Runs in a worker process when num_workers > 0.
        return augment(self.images[index], index), self.labels[index]


def make_loader(images, labels, batch_size=64, num_workers=0):
    return DataLoader(
        ShiftedImages(images, labels),
        batch_size=batch_size,  # the default is 1
        num_workers=num_workers,  # the default, 0: batches made in this process
        persistent_workers=num_workers > 0,  # keep the workers between epochs
    )


# --8<-- [end:pipeline]
