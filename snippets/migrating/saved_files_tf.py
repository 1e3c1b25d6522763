"""Keras 2 files and code on Keras 3: what breaks, and the way out for a saved model.

Shown on docs/*/migrating.md next to saved_files_torch.py (PyTorch's own break of old
files, in version 2.6).

>>> import tensorflow as tf

# --8<-- [start:convert-checks]
>>> model.save(old_dir)  # how Keras 2 wrote a SavedModel folder
Traceback (most recent call last):
...
ValueError: Invalid filepath extension for saving. Please add either a `.keras` extension...
>>> keras.models.load_model(old_dir)  # and how it read one back
Traceback (most recent call last):
...
ValueError: File format not supported: ...as an inference-only layer...
>>> expected = model.predict(inputs, verbose=0)
>>> bool(np.abs(old(inputs) - expected).max() < 1e-6)
True
>>> bool(np.abs(reloaded.predict(inputs, verbose=0) - expected).max() < 1e-6)
True
>>> # Two other breaks of Keras 2 code, met before any file is read:
>>> keras.optimizers.legacy.Adam()
Traceback (most recent call last):
...
ImportError: `keras.optimizers.legacy` is not supported in Keras 3...
>>> class Scale(keras.layers.Layer):
...     def build(self, input_shape):
...         self.factor = tf.Variable(1.0)  # Keras 2 tracked it
>>> layer = Scale()
>>> layer.build((None, 4))
>>> len(layer.trainable_weights)  # Keras 3 does not
0

# --8<-- [end:convert-checks]
"""

# --8<-- [start:convert]
import tempfile

import keras
import numpy as np

keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
inputs = np.random.default_rng(0).random((2, 4), dtype="float32")
workdir = tempfile.TemporaryDirectory()
old_dir = f"{workdir.name}/saved_model"
# A SavedModel folder, as Keras 2's model.save(old_dir) wrote it.
model.export(old_dir, format="tf_saved_model", verbose=False)

# Keras 3 reads it back as one layer, for inference only.
old = keras.layers.TFSMLayer(old_dir, call_endpoint="serve")

# From now on, the .keras format: architecture and weights in one file.
keras_file = f"{workdir.name}/model.keras"
model.save(keras_file)
reloaded = keras.models.load_model(keras_file)
# --8<-- [end:convert]
