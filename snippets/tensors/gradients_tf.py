"""Automatic differentiation in TensorFlow: a ``tf.GradientTape`` records, then differentiates.

The blocks between ``--8<--`` markers are shown on the page "Tensors and gradients";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:derivative-checks]
>>> dy_dx  # d/dx (x**2 + 3x) = 2x + 3 = 7 at x = 2
<tf.Tensor: shape=(), dtype=float32, numpy=7.0>

# --8<-- [end:derivative-checks]
# --8<-- [start:accumulate-checks]
>>> tape.gradient(y, x)
Traceback (most recent call last):
    ...
RuntimeError: A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)
>>> [float(g) for g in both]
[7.0, 2.0]

# --8<-- [end:accumulate-checks]
# --8<-- [start:layer-checks]
>>> tuple(layer.kernel.shape)  # (input_dim, units): PyTorch's, transposed
(2, 1)
>>> round(float(loss), 4)
12.56
>>> kernel_grad.numpy().round(4)
array([[-15.6],
       [-22.4]], dtype=float32)
>>> bias_grad.numpy().round(4)
array([-6.8], dtype=float32)

# --8<-- [end:layer-checks]
"""

# --8<-- [start:derivative]
import keras
import tensorflow as tf

x = tf.Variable(2.0)
with tf.GradientTape() as tape:  # records the operations run inside the block
    y = x**2 + 3 * x
dy_dx = tape.gradient(y, x)
# --8<-- [end:derivative]

# --8<-- [start:accumulate]
# Gradients are returned, never accumulated. A tape gives one set of gradients
# unless it is persistent.
with tf.GradientTape(persistent=True) as reusable:
    y_square_plus = x**2 + 3 * x
    y_linear = 2 * x
both = [reusable.gradient(y_square_plus, x), reusable.gradient(y_linear, x)]
del reusable  # a persistent tape holds its resources until it is deleted
# --8<-- [end:accumulate]

# --8<-- [start:layer]
layer = keras.layers.Dense(units=1)
layer.build(input_shape=(None, 2))
# The same starting weights as the PyTorch version:
layer.set_weights([tf.constant([[0.5], [-1.0]]), tf.constant([0.1])])

inputs = tf.constant([[1.0, 2.0], [3.0, 4.0]])
targets = tf.constant([[1.0], [2.0]])
with tf.GradientTape() as layer_tape:
    loss = keras.losses.MeanSquaredError()(targets, layer(inputs))
kernel_grad, bias_grad = layer_tape.gradient(loss, [layer.kernel, layer.bias])
# --8<-- [end:layer]
