"""Saving and loading a Keras model's weights: save_weights and load_weights.

The blocks between ``--8<--`` markers are shown on the page "Saving and loading models";
the examples below run in the tests and appear on the page as checked output.

>>> import h5py

# --8<-- [start:save-checks]
>>> with h5py.File(weights_file) as h5:  # an HDF5 file: arrays by layer
...     for layer, group in h5["layers"].items():
...         for index, array in group["vars"].items():
...             print(layer, index, array.shape, array.dtype)
dense 0 (4, 8) float32
dense 1 (8,) float32
dense_1 0 (8, 3) float32
dense_1 1 (3,) float32
>>> model.save_weights(f"{workdir.name}/classifier.safetensors")
Traceback (most recent call last):
...
ValueError: The filename must end in `.weights.h5`. Received: filepath=...

# --8<-- [end:save-checks]
# --8<-- [start:load-checks]
>>> for variable in fresh.weights:  # matched by position, not by name
...     print(variable.path)
classifier/hidden/kernel
classifier/hidden/bias
classifier/output/kernel
classifier/output/bias
>>> # the reloaded model computes the same outputs
>>> np.array_equal(fresh.predict(inputs, verbose=0),
...                model.predict(inputs, verbose=0))
True

# --8<-- [end:load-checks]
"""

# --8<-- [start:save]
import tempfile

import keras
import numpy as np


def build_classifier():
    return keras.Sequential(
        [
            keras.Input(shape=(4,), name="features"),
            keras.layers.Dense(8, activation="relu", name="hidden"),
            keras.layers.Dense(3, name="output"),
        ],
        name="classifier",
    )


keras.utils.set_random_seed(0)
model = build_classifier()
workdir = tempfile.TemporaryDirectory()
weights_file = f"{workdir.name}/classifier.weights.h5"  # suffix required
model.save_weights(weights_file)
# --8<-- [end:save]

# --8<-- [start:load]
inputs = np.linspace(-1.0, 1.0, 8, dtype=np.float32).reshape(2, 4)

fresh = build_classifier()  # the architecture comes from your code...
fresh.load_weights(weights_file)  # ...and the file fills in the numbers
# --8<-- [end:load]
