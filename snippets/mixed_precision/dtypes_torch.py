"""Which tensors autocast makes bfloat16 in PyTorch. Shown on docs/*/mixed_precision.md next to dtypes_tf.py.

# --8<-- [start:autocast-checks]
>>> inputs.dtype, model[0].weight.dtype  # the data and the weights stay float32
(torch.float32, torch.float32)
>>> logits.dtype  # layer outputs: the matrix products ran in bfloat16
torch.bfloat16
>>> loss.dtype  # cross-entropy is on autocast's list of float32 operations
torch.float32
>>> {p.grad.dtype for p in model.parameters()}  # gradients match the weights
{torch.float32}
>>> model(inputs).dtype  # outside the with block, everything is float32 again
torch.float32

# --8<-- [end:autocast-checks]
"""

# --8<-- [start:autocast]
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(0)  # the same data in both frameworks
inputs = torch.from_numpy(rng.normal(size=(16, 4)).astype("float32"))
labels = torch.from_numpy(rng.integers(0, 3, size=16))

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))

# Only the forward pass and the loss run under autocast.
with torch.autocast("cpu", dtype=torch.bfloat16):
    logits = model(inputs)
    loss = nn.functional.cross_entropy(logits, labels)
loss.backward()  # after the with block: backward uses the forward's dtypes
# --8<-- [end:autocast]
