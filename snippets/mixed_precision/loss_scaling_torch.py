"""float16 with loss scaling in PyTorch. Shown on docs/*/mixed_precision.md next to loss_scaling_tf.py.

# --8<-- [start:loss-scaling-checks]
>>> torch.tensor(1e-8).to(torch.float16).item()  # too small: becomes zero
0.0
>>> torch.tensor(1e-8).to(torch.bfloat16).item()  # float32's range, fewer digits
1.0011717677116394e-08
>>> scaler.get_scale()  # the starting scale, 2 ** 16, unchanged after one step
65536.0
>>> {p.grad.dtype for p in model.parameters()}  # stored unscaled, in float32
{torch.float32}

# --8<-- [end:loss-scaling-checks]
"""

# --8<-- [start:loss-scaling]
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(0)  # the same data in both frameworks
inputs = torch.from_numpy(rng.normal(size=(16, 4)).astype("float32"))
labels = torch.from_numpy(rng.integers(0, 3, size=16))

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

device = "cpu"  # "cuda" on an NVIDIA GPU; the rest is the same
scaler = torch.amp.GradScaler(device)  # float16 needs it, bfloat16 does not
with torch.autocast(device, dtype=torch.float16):
    loss = nn.functional.cross_entropy(model(inputs), labels)
scaler.scale(loss).backward()  # gradients of loss * scale: no underflow
scaler.step(optimizer)  # unscales them; skips the step on inf or NaN
scaler.update()  # lowers the scale after an overflow, raises it later
# --8<-- [end:loss-scaling]
