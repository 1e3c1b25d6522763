"""Eager execution in PyTorch: every operation runs as soon as Python reaches it.

The blocks between ``--8<--`` markers are shown on the page "Graph generation";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:eager-checks]
>>> type(product).__name__
'Tensor'
>>> product.tolist()  # a concrete value, available at once
[[7.0, 10.0], [15.0, 22.0]]
>>> bigger
True

# --8<-- [end:eager-checks]
"""

# --8<-- [start:eager]
import torch

matrix = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
product = matrix @ matrix  # computed now, no graph to build or session to run
bigger = bool(product.sum() > 50)  # ordinary Python can branch on the value
# --8<-- [end:eager]
