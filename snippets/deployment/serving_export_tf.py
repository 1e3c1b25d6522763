"""Exporting the Keras model as a SavedModel with a serving signature.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:export-checks]
>>> import os
>>> sorted(os.listdir(model_dir))  # what TensorFlow Serving loads
['assets', 'fingerprint.pb', 'saved_model.pb', 'variables']
>>> import tensorflow as tf
>>> serve = tf.saved_model.load(model_dir).signatures["serving_default"]
>>> serve.structured_input_signature[1]  # named input, any batch size
{'features': TensorSpec(shape=(None, 4), dtype=tf.float32, name='features')}

# --8<-- [end:export-checks]
"""

# --8<-- [start:export]
import tempfile

import numpy as np

from snippets.deployment.small_model_tf import inputs, model  # shown above

workdir = tempfile.TemporaryDirectory()
# TensorFlow Serving expects <base path>/<model name>/<version number>/.
model_dir = f"{workdir.name}/classifier/1"
model.export(model_dir, format="tf_saved_model", verbose=False)

inputs_file = f"{workdir.name}/inputs.npy"
np.save(inputs_file, inputs)  # for the fresh process below
in_memory = model.predict(inputs, verbose=0)
# --8<-- [end:export]
