"""Model parallelism in PyTorch: each half of a model on its own device.

The blocks between ``--8<--`` markers are shown on the page "Parallelism and distributed
training"; the examples below run in the tests and appear on the page as checked output.
They hold on any machine: with one device (or none but the CPU) both halves share it.

# --8<-- [start:split-checks]
>>> model.first[0].weight.device == devices[0]
True
>>> model.second.weight.device == devices[1 % len(devices)]
True
>>> outputs.shape, outputs.device == model.second.weight.device
(torch.Size([32, 4]), True)
>>> # The same layers, same weights, run unsplit on the CPU:
>>> import copy
>>> unsplit = copy.deepcopy(nn.Sequential(model.first, model.second)).cpu()
>>> torch.allclose(outputs.cpu(), unsplit(inputs), atol=1e-6)
True

# --8<-- [end:split-checks]
"""

# --8<-- [start:split]
import numpy as np
import torch
from torch import nn

# Every accelerator (GPU) PyTorch sees, or the CPU when there is none.
if torch.accelerator.is_available():
    kind = torch.accelerator.current_accelerator().type  # "cuda" on NVIDIA
    count = torch.accelerator.device_count()
    devices = [torch.device(kind, index) for index in range(count)]
else:
    devices = [torch.device("cpu")]


class TwoDeviceModel(nn.Module):
    def __init__(self, devices):
        super().__init__()
        # Round-robin: half i goes to device i modulo the number of devices.
        self.places = [devices[i % len(devices)] for i in range(2)]
        self.first = nn.Sequential(nn.Linear(8, 16), nn.ReLU())
        self.first.to(self.places[0])  # moves the weights in place
        self.second = nn.Linear(16, 4).to(self.places[1])

    def forward(self, inputs):
        hidden = self.first(inputs.to(self.places[0]))
        # Activations never move by themselves: copy them to the next device.
        return self.second(hidden.to(self.places[1]))


torch.manual_seed(0)
model = TwoDeviceModel(devices)
rng = np.random.default_rng(0)  # the same inputs as the TensorFlow tab
inputs = torch.from_numpy(rng.standard_normal((32, 8), dtype=np.float32))
outputs = model(inputs)
# --8<-- [end:split]
