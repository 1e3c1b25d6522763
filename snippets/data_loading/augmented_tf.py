"""Augmented MNIST batches from tf.data. Shown on docs/*/data_loading.md next to augmented_torch.py.

The images are the MNIST page's (loaded in the doctest only: snippets import nothing from
the code that builds the site). The build times ``make_dataset`` itself, with and without
parallel calls and prefetching, for the page's throughput table
(site_build/core/data_loading/measure.py).

>>> import numpy as np
>>> from site_build.core.mnist_data import load_splits
>>> from snippets.data_loading.augmented_torch import make_loader
>>> data = load_splits()  # the MNIST page's split (MNIST_DIR names the files)
>>> images, labels = data.train_images[:256], data.train_labels[:256]

# --8<-- [start:pipeline-checks]
>>> dataset = make_dataset(images, labels, batch_size=64)
>>> x, y = next(iter(dataset))
>>> x.shape, x.dtype.name, y.dtype.name
(TensorShape([64, 28, 28, 1]), 'float32', 'int64')
>>> y.numpy().tolist() == labels[:64].tolist()  # the data's order: no shuffling
True
>>> [shift_of(i) for i in range(4)]  # (rows, columns) image i moves by
[(-2, -2), (-1, 0), (0, 2), (2, -1)]
>>> original = images[1, :, :, np.newaxis] / np.float32(255)
>>> np.array_equal(x[1, :-1], original[1:])  # image 1: one row up
True
>>> sequential = make_dataset(images, labels, batch_size=64, parallel=False)
>>> [np.array_equal(a, b) for (a, _), (b, _) in zip(dataset, sequential)]
[True, True, True, True]
>>> torch_x, _ = next(iter(make_loader(images, labels, batch_size=64)))
>>> np.array_equal(torch_x.numpy().transpose(0, 2, 3, 1), x)  # PyTorch tab
True

# --8<-- [end:pipeline-checks]
"""

# --8<-- [start:pipeline]
import tensorflow as tf


def shift_of(index):
    # Image i moves by the same (rows, columns) in both frameworks: -2 to 2.
    k = index * 7 % 25
    return k // 5 - 2, k % 5 - 2


def augment(image, index):
    # Shift a (28, 28, 1) image: pad 2 blank pixels, crop 28 x 28 off-centre.
    # (tf.data's index is int64; the crop wants int32 offsets.)
    dy, dx = shift_of(tf.cast(index, tf.int32))
    padded = tf.pad(image, [[2, 2], [2, 2], [0, 0]])
    return tf.image.crop_to_bounding_box(padded, 2 - dy, 2 - dx, 28, 28)


def to_float(image, label):
    # uint8 (28, 28) -> float32 (28, 28, 1) in [0, 1]
    return tf.cast(image[..., tf.newaxis], tf.float32) / 255, label


def make_dataset(images, labels, batch_size=64, parallel=True):
    # AUTOTUNE: tf.data chooses how many threads; None: one element at a time.
    calls = tf.data.AUTOTUNE if parallel else None
    data = tf.data.Dataset.from_tensor_slices((images, labels))
    data = data.map(to_float).cache()  # converted once, then kept in memory
    data = data.enumerate().map(  # augmented every epoch, after the cache
        lambda i, pair: (augment(pair[0], i), pair[1]),
        num_parallel_calls=calls,  # in order all the same: deterministic
    )
    data = data.batch(batch_size)  # no default: without it, single images
    return data.prefetch(tf.data.AUTOTUNE) if parallel else data


# --8<-- [end:pipeline]
