"""Model parallelism in TensorFlow: each half of a Keras model on its own device.

The blocks between ``--8<--`` markers are shown on the page "Parallelism and distributed
training"; the examples below run in the tests and appear on the page as checked output.
They hold on any machine: with one device (or none but the CPU) both halves share it.

# --8<-- [start:split-checks]
>>> model.first.kernel.value.device.endswith(devices[0].name)
True
>>> model.second.kernel.value.device.endswith(devices[1 % len(devices)].name)
True
>>> outputs.shape, outputs.device.endswith(model.places[1])
(TensorShape([32, 4]), True)
>>> # The same layers, same weights, run unsplit on the CPU:
>>> with tf.device("/CPU:0"):
...     unsplit = model.second(model.first(inputs))
>>> np.allclose(outputs, unsplit, atol=1e-6)
True

# --8<-- [end:split-checks]
"""

# --8<-- [start:split]
import keras
import numpy as np
import tensorflow as tf

# Every GPU TensorFlow sees, or the CPU when there is none.
devices = tf.config.list_logical_devices("GPU")
devices = devices or tf.config.list_logical_devices("CPU")


class TwoDeviceModel(keras.Model):
    def __init__(self, devices):
        super().__init__()
        # Round-robin: half i goes to device i modulo the number of devices.
        self.places = [devices[i % len(devices)].name for i in range(2)]
        with tf.device(self.places[0]):  # weights are created on this device
            self.first = keras.layers.Dense(16, activation="relu")
            self.first.build((None, 8))
        with tf.device(self.places[1]):
            self.second = keras.layers.Dense(4)
            self.second.build((None, 16))

    def call(self, inputs):
        with tf.device(self.places[0]):
            hidden = self.first(inputs)
        with tf.device(self.places[1]):  # TensorFlow copies `hidden` over
            return self.second(hidden)


keras.utils.set_random_seed(0)
model = TwoDeviceModel(devices)
rng = np.random.default_rng(0)  # the same inputs as the PyTorch tab
inputs = rng.standard_normal((32, 8), dtype=np.float32)
outputs = model(inputs)
# --8<-- [end:split]
