"""Old PyTorch files on PyTorch 2.6 and later: what breaks, and the way out.

Shown on docs/*/migrating.md next to saved_files_tf.py (Keras 2 files on Keras 3).

# --8<-- [start:convert-checks]
>>> torch.load(old_file)  # weights_only=True by default
Traceback (most recent call last):
...
_pickle.UnpicklingError: Weights only load failed...
>>> with torch.no_grad():
...     expected = model(torch.from_numpy(inputs)).numpy()
...     bool(np.abs(old(torch.from_numpy(inputs)).numpy() - expected).max() < 1e-6)
True
>>> with torch.no_grad():
...     outputs = reloaded(torch.from_numpy(inputs)).numpy()
...     bool(np.abs(outputs - expected).max() < 1e-6)
True

# --8<-- [end:convert-checks]
"""

# --8<-- [start:convert]
import tempfile

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 3))
inputs = np.random.default_rng(0).random((2, 4), dtype="float32")
workdir = tempfile.TemporaryDirectory()
old_file = f"{workdir.name}/model.pt"
# The pickled module, as torch.save(model, old_file) wrote it.
torch.save(model, old_file)

# Once, and for a file you trust only: unpickling runs its code.
old = torch.load(old_file, weights_only=False)

# From now on, the state_dict: weights only, and code to rebuild the model.
weights_file = f"{workdir.name}/model.weights.pt"
torch.save(old.state_dict(), weights_file)
reloaded = nn.Sequential(nn.Linear(4, 3))
reloaded.load_state_dict(torch.load(weights_file))
# --8<-- [end:convert]
