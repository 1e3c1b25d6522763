"""Where TensorFlow puts tensors: automatic placement, and how to override it.

The blocks between ``--8<--`` markers are shown on the page "Device management";
the examples below run in the tests and appear on the page as checked output.
The checks hold on any machine: with or without a GPU.

# --8<-- [start:placement-checks]
>>> expected = "GPU:0" if gpus else "CPU:0"  # the first GPU when there is one
>>> product.device.endswith(expected)
True
>>> pinned.device
'/job:localhost/replica:0/task:0/device:CPU:0'
>>> [device.device_type for device in tf.config.list_physical_devices("CPU")]
['CPU']

# --8<-- [end:placement-checks]
# --8<-- [start:device-agnostic-checks]
>>> kernel_device = layer.kernel.value.device
>>> kernel_device == batch.device == outputs.device  # all in one place
True
>>> outputs.device.endswith("GPU:0" if gpus else "CPU:0")
True

# --8<-- [end:device-agnostic-checks]
"""

# --8<-- [start:placement]
import keras
import tensorflow as tf

gpus = tf.config.list_physical_devices("GPU")  # [] on a CPU-only machine
matrix = tf.ones([2, 2])
product = matrix @ matrix  # placed on the first GPU if there is one
with tf.device("/CPU:0"):  # explicit placement overrides the default
    pinned = tf.ones([2, 2])
# --8<-- [end:placement]

# --8<-- [start:device-agnostic]
# Nothing to choose: weights, data and results go to the same device.
keras.utils.set_random_seed(0)
layer = keras.layers.Dense(2)
batch = tf.random.normal([8, 4])
outputs = layer(batch)
# --8<-- [end:device-agnostic]
