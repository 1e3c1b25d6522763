"""The Fashion-MNIST CNN in PyTorch. Shown on docs/*/fashion_mnist.md next to model_tf.py.

>>> import torch

# --8<-- [start:model-checks]
>>> model = build_model(seed=2026)
>>> sum(p.numel() for p in model.parameters())  # the same count as Keras
105914
>>> model(torch.zeros(8, 1, 28, 28)).shape  # channels first: N, C, H, W
torch.Size([8, 10])
>>> batch_norm = model[1]
>>> batch_norm.momentum, batch_norm.eps  # written out, not the defaults
(0.1, 0.001)
>>> # He uniform: weights within sqrt(6 / fan_in), biases zero.
>>> dense = model[10]
>>> bound = (6 / dense.in_features) ** 0.5
>>> weights, bias = dense.weight.detach(), dense.bias.detach()
>>> bool(weights.abs().max() <= bound), float(bias.abs().max())
(True, 0.0)

# --8<-- [end:model-checks]
"""

# --8<-- [start:model]
import torch
from torch import nn

# The settings whose defaults differ between the frameworks, written out.
# Batch norm: running = (1 - momentum) * running + momentum * batch, so
# PyTorch's momentum=0.1 is Keras' momentum=0.9 (Keras counts the other way).
# Keras' default 0.99 would be PyTorch's 0.01: a much slower average.
BN_MOMENTUM = 0.1  # PyTorch's default
BN_EPSILON = 1e-3  # Keras' default (PyTorch's default is 1e-5)
DROPOUT = 0.3


def conv_block(channels_in, channels_out):
    return [
        # No bias: the batch norm that follows subtracts the mean anyway.
        nn.Conv2d(channels_in, channels_out, 3, padding="same", bias=False),
        nn.BatchNorm2d(channels_out, eps=BN_EPSILON, momentum=BN_MOMENTUM),
        nn.ReLU(),
        nn.MaxPool2d(2),
    ]


def build_model(seed, dropout=DROPOUT) -> nn.Sequential:
    torch.manual_seed(seed)
    model = nn.Sequential(
        *conv_block(1, 16),  # 1 x 28 x 28 -> 16 x 14 x 14
        *conv_block(16, 32),  # -> 32 x 7 x 7
        nn.Flatten(),  # flattens channels first: index = c * 49 + h * 7 + w
        nn.Dropout(dropout),
        nn.Linear(32 * 7 * 7, 64),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(64, 10),  # logits; the loss applies the softmax
    )
    # He uniform weights and zero biases, as the Keras model asks for
    # (PyTorch's own default is a scaled uniform for biases as well).
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
    return model


# --8<-- [end:model]
