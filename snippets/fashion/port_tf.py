"""PyTorch weights in the Keras model: the port, and the proof that both compute the same.

Shown on docs/*/fashion_mnist.md next to port_torch.py (the other direction). The proof
compares both models in float64, where rounding cannot hide a difference in the math: the
helpers below the shown code build the pair and measure the largest relative difference of
each quantity (``compare``).

>>> import keras
>>> import numpy as np
>>> import torch
>>> from site_build.core.fashion_data import sample
>>> from snippets.fashion import model_tf, model_torch

# --8<-- [start:port-checks]
>>> images, labels = sample(256)  # 256 real training images
>>> torch_model = model_torch.build_model(seed=2026)
>>> keras_model = model_tf.build_model(seed=7)  # other weights, then ported
>>> torch_to_keras(torch_model, keras_model)
>>> x_torch = torch.tensor(images).unsqueeze(1).float() / 255  # N, C, H, W
>>> x_keras = x_torch.permute(0, 2, 3, 1).numpy()  # N, H, W, C
>>> logits_torch = torch_model.eval()(x_torch).detach().numpy()
>>> logits_keras = keras_model(x_keras, training=False).numpy()
>>> bool(np.abs(logits_torch - logits_keras).max() < 1e-5)  # float32
True
>>> # One training step in float64 (dropout off: each framework draws its
>>> # own random masks): logits, loss, the 10 gradients, running statistics.
>>> differences = compare(*float64_pair(), images, labels)
>>> {name: bool(value < TOLERANCE[name]) for name, value in differences.items()}
{'logits': True, 'loss': True, 'gradients': True, 'running_stats': True}

# --8<-- [end:port-checks]
# --8<-- [start:defaults-checks]
>>> # Keras' own defaults, which the model and the optimizer override:
>>> default = keras.layers.BatchNormalization()
>>> default.momentum, default.epsilon, keras.optimizers.Adam().epsilon
(0.99, 0.001, 1e-07)
>>> # Keras' default momentum (0.99): the running statistics drift apart.
>>> differences = compare(*float64_pair(keras_momentum=0.99), images, labels)
>>> {name: bool(value < TOLERANCE[name]) for name, value in differences.items()}
{'logits': True, 'loss': True, 'gradients': True, 'running_stats': False}
>>> # The dense kernel copied without reordering its inputs: wrong logits.
>>> differences = compare(*float64_pair(feature_map=None), images, labels)
>>> {name: bool(value < TOLERANCE[name]) for name, value in differences.items()}
{'logits': False, 'loss': False, 'gradients': False, 'running_stats': True}

# --8<-- [end:defaults-checks]
>>> keras.config.set_floatx("float32")  # float64_pair changed them
>>> keras.config.set_dtype_policy("float32")
"""

# shows-both-frameworks: port (a weight port reads the PyTorch model)
# --8<-- [start:port]
import numpy as np
from torch import nn


def conv_kernel(weight):
    # PyTorch (out, in, height, width) -> Keras (height, width, in, out)
    return weight.transpose(2, 3, 1, 0)


def dense_kernel(weight, feature_map=None):
    # PyTorch (out, in) -> Keras (in, out)
    if feature_map is not None:
        # The inputs come from Flatten: PyTorch ordered them channel,
        # row, column; Keras orders them row, column, channel.
        channels, height, width = feature_map
        weight = weight.reshape(-1, channels, height, width)
        weight = weight.transpose(0, 2, 3, 1).reshape(len(weight), -1)
    return weight.T


def keras_arrays(torch_model, feature_map=(32, 7, 7), gradients=False):
    """The PyTorch model's weights (or gradients), as Keras orders them."""

    def get(tensor):
        return (tensor.grad if gradients else tensor).detach().numpy()

    arrays, flattened = [], False
    for layer in torch_model:
        if isinstance(layer, nn.Flatten):
            flattened = True
        elif isinstance(layer, nn.Conv2d):
            arrays.append(conv_kernel(get(layer.weight)))
        elif isinstance(layer, nn.BatchNorm2d):
            arrays += [get(layer.weight), get(layer.bias)]  # gamma, beta
            if not gradients:  # moving mean and variance
                arrays += [get(layer.running_mean), get(layer.running_var)]
        elif isinstance(layer, nn.Linear):
            shape = feature_map if flattened else None
            arrays += [dense_kernel(get(layer.weight), shape), get(layer.bias)]
            flattened = False
    return arrays


def torch_to_keras(torch_model, keras_model, feature_map=(32, 7, 7)):
    keras_model.set_weights(keras_arrays(torch_model, feature_map))


# --8<-- [end:port]


# Not shown on the page: the helpers of the checks.

# Largest relative differences allowed in float64. The running variance differs a
# little by design: PyTorch updates it with the unbiased batch variance (divided by
# n - 1), Keras with the biased one (n); with n = 256 x 14 x 14 values per channel
# that is a few parts per million.
TOLERANCE = {
    "logits": 1e-9,
    "loss": 1e-9,
    "gradients": 1e-9,
    "running_stats": 1e-5,
}


def relative_difference(expected, actual):
    """The largest difference, relative to the largest value of ``expected``."""
    actual = np.asarray(actual)
    return float(np.abs(expected - actual).max() / np.abs(expected).max())


def float64_pair(keras_momentum=None, feature_map=(32, 7, 7)):
    """Both models in float64 without dropout, the PyTorch weights ported into Keras."""
    import keras

    from snippets.fashion import model_tf, model_torch

    keras.config.set_floatx("float64")  # losses compute in floatx
    keras.config.set_dtype_policy("float64")  # layers in their policy's dtype
    torch_model = model_torch.build_model(seed=2026, dropout=0.0).double()
    keras_model = model_tf.build_model(seed=7, dropout=0.0)
    for layer in keras_model.layers:
        if keras_momentum and isinstance(
            layer, keras.layers.BatchNormalization
        ):
            layer.momentum = keras_momentum
    keras_model.set_weights(keras_arrays(torch_model, feature_map))
    return torch_model, keras_model


def compare(torch_model, keras_model, images, labels):
    """Largest relative differences: logits (inference), then one training step's loss,
    gradients and the running statistics it updates."""
    import keras
    import tensorflow as tf
    import torch

    x_torch = torch.tensor(images).unsqueeze(1).double() / 255
    x_keras = x_torch.permute(0, 2, 3, 1).numpy()
    logits = relative_difference(
        torch_model.eval()(x_torch).detach().numpy(),
        keras_model(x_keras, training=False),
    )
    loss_torch = torch.nn.functional.cross_entropy(
        torch_model.train()(x_torch), torch.tensor(labels)
    )
    loss_torch.backward()
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        loss_keras = loss_fn(labels, keras_model(x_keras, training=True))
    gradients = tape.gradient(loss_keras, keras_model.trainable_weights)
    ported = keras_arrays(torch_model, gradients=True)
    running = [a for a in keras_arrays(torch_model) if a.ndim == 1]
    return {
        "logits": logits,
        "loss": relative_difference(loss_torch.item(), float(loss_keras)),
        "gradients": max(map(relative_difference, ported, gradients)),
        "running_stats": max(
            map(
                relative_difference,
                running[2:4] + running[6:8],  # after each gamma and beta
                keras_model.non_trainable_weights,
            )
        ),
    }
