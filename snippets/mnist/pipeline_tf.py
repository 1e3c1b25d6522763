"""From MNIST's uint8 arrays to tf.data batches. Shown on docs/*/mnist.md next to pipeline_torch.py.

>>> import numpy as np

# --8<-- [start:pipeline-checks]
>>> images = np.full((100, 28, 28), 255, dtype=np.uint8)
>>> labels = np.arange(100) % 10
>>> batches = make_batches(images, labels, batch_size=32, shuffle=True, seed=0)
>>> x, y = next(iter(batches))
>>> x.shape, x.dtype.name, float(tf.reduce_max(x)), y.dtype.name
(TensorShape([32, 28, 28, 1]), 'float32', 1.0, 'int64')
>>> [len(y) for _, y in batches]  # the last batch is smaller, as in PyTorch
[32, 32, 32, 4]
>>> first = [y.numpy().tolist() for _, y in make_batches(images, labels, 32, True, 0)]
>>> first == [y.numpy().tolist() for _, y in make_batches(images, labels, 32, True, 0)]
True

# --8<-- [end:pipeline-checks]
"""

import numpy as np

# --8<-- [start:pipeline]
import tensorflow as tf


def make_batches(images, labels, batch_size, shuffle, seed=0):
    # uint8 (N, 28, 28) -> float32 (N, 28, 28, 1) in [0, 1]: channels last
    x = images[..., np.newaxis].astype("float32") / 255
    y = labels.astype("int64")
    batches = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        # A seeded shuffle over the whole set, reshuffled every epoch.
        batches = batches.shuffle(len(y), seed=seed)
    return batches.batch(batch_size).prefetch(tf.data.AUTOTUNE)


# --8<-- [end:pipeline]
