"""An image-classification backbone from the torchvision model zoo, built offline.

Shown on docs/*/use_cases.md next to image_backbone_tf.py. ``weights=None`` builds the
architecture with random weights, so nothing is downloaded.

# --8<-- [start:backbone-checks]
>>> scores.shape  # one score per ImageNet class
torch.Size([2, 1000])
>>> batch.shape  # channels first: (N, C, H, W)
torch.Size([2, 3, 224, 224])
>>> # The last layer is linear: rows are logits, softmax turns them into
>>> # probabilities.
>>> torch.allclose(scores.sum(dim=1), torch.ones(2))
False
>>> torch.allclose(scores.softmax(dim=1).sum(dim=1), torch.ones(2))
True
>>> f"{parameters:,}"
'3,504,872'
>>> # Batch-norm statistics are buffers, not parameters:
>>> f"{sum(b.numel() for b in backbone.buffers() if b.is_floating_point()):,}"
'34,112'

# --8<-- [end:backbone-checks]
"""

# ruff: noqa: E402 (the workaround below must run before the shown imports)

# Not shown on the page: lets torchvision import on the build machines (see the module).
from snippets._torchvision_cpu import declare_torchvision_ops_if_unloadable

_torchvision_ops = declare_torchvision_ops_if_unloadable()

# --8<-- [start:backbone]
import numpy as np
import torch
from torchvision import models

torch.manual_seed(0)
# The architecture only: weights=None downloads nothing.
backbone = models.mobilenet_v2(weights=None, num_classes=1000)
backbone.eval()  # batch norm in inference mode

# Two random "photos", the same array as in the Keras version, moved from
# channels last (N, H, W, C) to PyTorch's channels first (N, C, H, W).
images = np.random.default_rng(0).random((2, 224, 224, 3), dtype=np.float32)
batch = torch.from_numpy(images).permute(0, 3, 1, 2)
with torch.no_grad():
    scores = backbone(batch)
parameters = sum(p.numel() for p in backbone.parameters())
# --8<-- [end:backbone]
