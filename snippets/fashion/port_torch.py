"""Keras weights in the PyTorch model: the port, and the defaults it depends on.

Shown on docs/*/fashion_mnist.md next to port_tf.py (the other direction, with the proof
in float64). The helpers of the checks are below the shown code.

>>> import numpy as np
>>> from site_build.core.fashion_data import sample
>>> from snippets.fashion import model_tf, model_torch

# --8<-- [start:port-checks]
>>> images, labels = sample(256)  # 256 real training images
>>> keras_model = model_tf.build_model(seed=2026)
>>> torch_model = model_torch.build_model(seed=7)  # other weights, then ported
>>> keras_to_torch(keras_model, torch_model)
>>> x_keras = images[..., np.newaxis].astype("float32") / 255  # N, H, W, C
>>> x_torch = torch.tensor(x_keras).permute(0, 3, 1, 2)  # N, C, H, W
>>> logits_keras = keras_model(x_keras, training=False).numpy()
>>> logits_torch = torch_model.eval()(x_torch).detach().numpy()
>>> bool(np.abs(logits_keras - logits_torch).max() < 1e-5)  # float32
True

# --8<-- [end:port-checks]
# --8<-- [start:defaults-checks]
>>> # PyTorch's own defaults, which the model and the optimizer override:
>>> default = nn.BatchNorm2d(16)
>>> default.momentum, default.eps, torch.optim.Adam([default.weight]).defaults["eps"]
(0.1, 1e-05, 1e-08)
>>> # PyTorch's default batch norm epsilon (1e-5 instead of 1e-3):
>>> for layer in torch_model:
...     if isinstance(layer, nn.BatchNorm2d):
...         layer.eps = 1e-5
>>> logits_torch = torch_model(x_torch).detach().numpy()
>>> bool(np.abs(logits_keras - logits_torch).max() < 1e-5)
False
>>> # Adam's epsilon: the same number, not the same step. Keras adds it
>>> # before the bias correction, PyTorch after: the first step for a
>>> # gradient of 1e-6 with epsilon=1e-7 (learning rate 1e-3):
>>> first_adam_step(gradient=1e-6, epsilon=1e-7)
{'PyTorch': 0.000909, 'Keras': 0.00024}
>>> first_adam_step(gradient=1e-2, epsilon=1e-7)  # a usual gradient
{'PyTorch': 0.001, 'Keras': 0.001}

# --8<-- [end:defaults-checks]
"""

# --8<-- [start:port]
import torch
from torch import nn


def conv_weight(kernel):
    # Keras (height, width, in, out) -> PyTorch (out, in, height, width)
    return kernel.transpose(3, 2, 0, 1)


def linear_weight(kernel, feature_map=None):
    # Keras (in, out) -> PyTorch (out, in)
    weight = kernel.T
    if feature_map is not None:
        # The inputs come from Flatten: Keras ordered them row, column,
        # channel; PyTorch orders them channel, row, column.
        channels, height, width = feature_map
        weight = weight.reshape(-1, height, width, channels)
        weight = weight.transpose(0, 3, 1, 2).reshape(len(weight), -1)
    return weight


@torch.no_grad()
def keras_to_torch(keras_model, torch_model, feature_map=(32, 7, 7)):
    keras_layers = [layer for layer in keras_model.layers if layer.weights]
    torch_layers = [
        layer
        for layer in torch_model
        if isinstance(layer, (nn.Conv2d, nn.BatchNorm2d, nn.Linear))
    ]
    flattened = False
    for source, target in zip(keras_layers, torch_layers, strict=True):
        arrays = [w.numpy() for w in source.weights]
        if isinstance(target, nn.Conv2d):
            values = {"weight": conv_weight(arrays[0])}
        elif isinstance(target, nn.BatchNorm2d):
            names = ("weight", "bias", "running_mean", "running_var")
            values = dict(zip(names, arrays, strict=True))
            flattened = True  # the last one comes before Flatten
        else:
            shape = feature_map if flattened else None
            values = {"weight": linear_weight(arrays[0], shape)}
            values["bias"], flattened = arrays[1], False
        for name, value in values.items():
            getattr(target, name).copy_(torch.from_numpy(value.copy()))


# --8<-- [end:port]


# Not shown on the page: the helper of the checks.


def first_adam_step(gradient, epsilon, learning_rate=1e-3):
    """How far one Adam step moves a weight of 0 with ``gradient``, in each framework."""
    import keras

    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.Adam([weight], lr=learning_rate, eps=epsilon)
    weight.grad = torch.full((1,), gradient)
    optimizer.step()
    variable = keras.Variable([0.0])
    keras_optimizer = keras.optimizers.Adam(learning_rate, epsilon=epsilon)
    keras_optimizer.apply([keras.ops.convert_to_tensor([gradient])], [variable])
    steps = {"PyTorch": -weight.item(), "Keras": -float(variable.numpy()[0])}
    return {name: round(step, 6) for name, step in steps.items()}
