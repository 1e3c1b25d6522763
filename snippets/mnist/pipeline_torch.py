"""From MNIST's uint8 arrays to PyTorch batches. Shown on docs/*/mnist.md next to pipeline_tf.py.

>>> import numpy as np

# --8<-- [start:pipeline-checks]
>>> images = np.full((100, 28, 28), 255, dtype=np.uint8)
>>> labels = np.arange(100) % 10
>>> batches = make_batches(images, labels, batch_size=32, shuffle=True, seed=0)
>>> x, y = next(iter(batches))
>>> x.shape, x.dtype, x.max().item(), y.dtype
(torch.Size([32, 1, 28, 28]), torch.float32, 1.0, torch.int64)
>>> [len(y) for _, y in batches]  # the last batch is smaller, as in Keras
[32, 32, 32, 4]
>>> first = [y.tolist() for _, y in make_batches(images, labels, 32, True, 0)]
>>> first == [y.tolist() for _, y in make_batches(images, labels, 32, True, 0)]
True

# --8<-- [end:pipeline-checks]
"""

# --8<-- [start:pipeline]
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_batches(images, labels, batch_size, shuffle, seed=0):
    # uint8 (N, 28, 28) -> float32 (N, 1, 28, 28) in [0, 1]: channels first
    x = torch.from_numpy(images).unsqueeze(1).float() / 255
    y = torch.from_numpy(labels).long()
    # A seeded generator makes the shuffling order reproducible.
    order = torch.Generator().manual_seed(seed)
    dataset = TensorDataset(x, y)
    return DataLoader(dataset, batch_size, shuffle=shuffle, generator=order)


# --8<-- [end:pipeline]
