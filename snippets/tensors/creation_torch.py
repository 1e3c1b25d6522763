"""Creating, converting and changing tensors in PyTorch.

The blocks between ``--8<--`` markers are shown on the page "Tensors and gradients";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:create-checks]
>>> matrix.dtype, matrix.shape
(torch.float32, torch.Size([2, 3]))
>>> counts.dtype
torch.int64
>>> product
tensor([[14., 32.],
        [32., 77.]])

# --8<-- [end:create-checks]
# --8<-- [start:numpy-checks]
>>> from_numpy
tensor([100.,   1.,   2.], dtype=torch.float64)
>>> type(back_to_numpy).__name__, back_to_numpy.dtype
('ndarray', dtype('float32'))

# --8<-- [end:numpy-checks]
# --8<-- [start:mutate-checks]
>>> matrix
tensor([[10.,  2.,  3.],
        [ 4.,  5.,  6.]])
>>> counts
tensor([2, 3, 4])

# --8<-- [end:mutate-checks]
"""

# --8<-- [start:create]
import numpy as np
import torch

matrix = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
counts = torch.tensor([1, 2, 3])  # Python ints become int64
product = matrix @ matrix.T  # matrix product
# --8<-- [end:create]

# --8<-- [start:numpy]
array = np.arange(3.0)
from_numpy = torch.from_numpy(array)  # shares memory with `array`
array[0] = 100.0  # ...so the tensor sees this change
back_to_numpy = matrix.numpy()  # also shares memory (CPU tensors only)
# --8<-- [end:numpy]

# --8<-- [start:mutate]
matrix[0, 0] = 10.0  # tensors are mutable
counts.add_(1)  # a trailing underscore marks an in-place operation
# --8<-- [end:mutate]
