"""The Fashion-MNIST CNN in Keras 3. Shown on docs/*/fashion_mnist.md next to model_torch.py.

>>> import numpy as np

# --8<-- [start:model-checks]
>>> model = build_model(seed=2026)
>>> sum(int(w.numpy().size) for w in model.trainable_weights)  # as PyTorch
105914
>>> model(np.zeros((8, 28, 28, 1), "float32")).shape  # channels last
TensorShape([8, 10])
>>> batch_norm = model.layers[1]
>>> batch_norm.momentum, batch_norm.epsilon  # written out, not the defaults
(0.9, 0.001)
>>> # He uniform: weights within sqrt(6 / fan_in), biases zero.
>>> kernel, bias = model.layers[10].get_weights()
>>> bound = (6 / kernel.shape[0]) ** 0.5
>>> bool(np.abs(kernel).max() <= bound), float(np.abs(bias).max())
(True, 0.0)

# --8<-- [end:model-checks]
"""

# --8<-- [start:model]
import keras
from keras import layers

# The settings whose defaults differ between the frameworks, written out.
# Batch norm: moving = momentum * moving + (1 - momentum) * batch, so
# Keras' momentum=0.9 is PyTorch's momentum=0.1 (PyTorch counts the other way).
# Keras' default 0.99 would be PyTorch's 0.01: a much slower average.
BN_MOMENTUM = 0.9  # PyTorch's default 0.1
BN_EPSILON = 1e-3  # Keras' default (PyTorch's default is 1e-5)
DROPOUT = 0.3


def conv_block(filters):
    return [
        # No bias: the batch norm that follows subtracts the mean anyway.
        layers.Conv2D(
            filters,
            3,
            padding="same",
            use_bias=False,
            kernel_initializer="he_uniform",
        ),
        layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON),
        layers.ReLU(),
        layers.MaxPooling2D(2),
    ]


def build_model(seed, dropout=DROPOUT) -> keras.Sequential:
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),  # channels last
            *conv_block(16),  # 28 x 28 x 1 -> 14 x 14 x 16
            *conv_block(32),  # -> 7 x 7 x 32
            layers.Flatten(),  # flattens channels last: h * 224 + w * 32 + c
            layers.Dropout(dropout),
            layers.Dense(64, kernel_initializer="he_uniform"),
            layers.ReLU(),
            layers.Dropout(dropout),
            layers.Dense(10, kernel_initializer="he_uniform"),  # logits
        ]
    )


# --8<-- [end:model]
