"""The matched MNIST CNN in PyTorch. Shown on docs/*/mnist.md next to model_tf.py.

>>> import torch

# --8<-- [start:model-checks]
>>> model = build_model()
>>> sum(p.numel() for p in model.parameters())  # the same count as Keras
9467274
>>> [tuple(p.shape) for p in model.parameters()][::2]  # weights (out, in, ...)
[(32, 1, 3, 3), (64, 32, 3, 3), (1024, 9216), (10, 1024)]
>>> model(torch.zeros(8, 1, 28, 28)).shape  # channels first: N, C, H, W
torch.Size([8, 10])

# --8<-- [end:model-checks]
"""

# --8<-- [start:model]
from torch import nn


def build_model() -> nn.Sequential:
    model = nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3),  # 28x28 -> 26x26
        nn.ReLU(),
        nn.Conv2d(32, 64, kernel_size=3),  # -> 24x24
        nn.ReLU(),
        nn.MaxPool2d(2),  # -> 12x12
        nn.Flatten(),  # 64 * 12 * 12 = 9216 features
        nn.Linear(9216, 1024),
        nn.ReLU(),
        nn.Linear(1024, 10),  # logits; the loss applies the softmax
    )
    # Keras' default initialisation (Glorot uniform, zero bias), so that
    # both frameworks start from the same distribution of weights.
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


# --8<-- [end:model]
