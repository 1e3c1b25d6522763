"""The matched MNIST CNN in Keras 3. Shown on docs/*/mnist.md next to model_torch.py.

>>> import numpy as np

# --8<-- [start:model-checks]
>>> model = build_model()
>>> model.count_params()  # the same count as PyTorch
9467274
>>> [tuple(w.shape) for w in model.weights][::2]  # kernels (..., in, out)
[(3, 3, 1, 32), (3, 3, 32, 64), (9216, 1024), (1024, 10)]
>>> model(np.zeros((8, 28, 28, 1), "float32")).shape  # channels last
TensorShape([8, 10])

# --8<-- [end:model-checks]
"""

# --8<-- [start:model]
import keras
from keras import layers


def build_model() -> keras.Sequential:
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),  # -> 26x26
            layers.Conv2D(64, 3, activation="relu"),  # -> 24x24
            layers.MaxPooling2D(2),  # -> 12x12
            layers.Flatten(),  # 12 * 12 * 64 = 9216 features
            layers.Dense(1024, activation="relu"),
            layers.Dense(10),  # logits; the loss applies the softmax
        ]
    )


# --8<-- [end:model]
