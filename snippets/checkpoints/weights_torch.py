"""Saving and loading a PyTorch model's weights: torch.save and safetensors.

The blocks between ``--8<--`` markers are shown on the page "Saving and loading models";
the examples below run in the tests and appear on the page as checked output.

>>> import json
>>> import struct
>>> import zipfile

# --8<-- [start:save-checks]
>>> names = zipfile.ZipFile(weights_file).namelist()  # a .pt file is a zip
>>> [name for name in names if name.endswith(".pkl")]  # ...around a pickle
['classifier/data.pkl']
>>> sum(name.startswith("classifier/data/") for name in names)  # + tensors
4
>>> # A .safetensors file opens with a JSON header: names, types, shapes.
>>> with open(safetensors_file, "rb") as file:
...     (header_size,) = struct.unpack("<Q", file.read(8))
...     header = json.loads(file.read(header_size))
>>> for name, entry in sorted(header.items()):
...     print(name, entry["dtype"], entry["shape"])
hidden.bias F32 [8]
hidden.weight F32 [8, 4]
output.bias F32 [3]
output.weight F32 [3, 8]

# --8<-- [end:save-checks]
# --8<-- [start:load-checks]
>>> for name, tensor in state.items():
...     print(name, tuple(tensor.shape), tensor.dtype)
hidden.weight (8, 4) torch.float32
hidden.bias (8,) torch.float32
output.weight (3, 8) torch.float32
output.bias (3,) torch.float32
>>> with torch.no_grad():  # the reloaded models compute the same outputs
...     expected = model(features)
...     print(torch.equal(fresh(features), expected),
...           torch.equal(from_safetensors(features), expected))
True True

# --8<-- [end:load-checks]
"""

# --8<-- [start:save]
import tempfile

import numpy as np
import torch
from safetensors.torch import load_file, save_file


class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(4, 8)
        self.output = torch.nn.Linear(8, 3)

    def forward(self, features):
        return self.output(torch.relu(self.hidden(features)))


torch.manual_seed(0)
model = Classifier()
workdir = tempfile.TemporaryDirectory()
weights_file = f"{workdir.name}/classifier.pt"
torch.save(model.state_dict(), weights_file)
safetensors_file = f"{workdir.name}/classifier.safetensors"
save_file(model.state_dict(), safetensors_file)
# --8<-- [end:save]

# --8<-- [start:load]
inputs = np.linspace(-1.0, 1.0, 8, dtype=np.float32).reshape(2, 4)
features = torch.from_numpy(inputs)

fresh = Classifier()  # the architecture comes from your code...
state = torch.load(weights_file, weights_only=True)  # (the default)
fresh.load_state_dict(state)  # ...and the file fills in the numbers

from_safetensors = Classifier()
from_safetensors.load_state_dict(load_file(safetensors_file))
# --8<-- [end:load]
