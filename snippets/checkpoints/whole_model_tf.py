"""A whole Keras model in one file: the .keras format.

The blocks between ``--8<--`` markers are shown on the page "Saving and loading models";
the examples below run in the tests and appear on the page as checked output.

>>> import json
>>> import zipfile
>>> import numpy as np
>>> from snippets.checkpoints.weights_tf import inputs

# --8<-- [start:whole-checks]
>>> type(reloaded).__name__  # rebuilt from the configuration
'Sequential'
>>> np.array_equal(reloaded.predict(inputs, verbose=0),
...                model.predict(inputs, verbose=0))
True
>>> archive = zipfile.ZipFile(model_file)  # a .keras file is a zip archive
>>> sorted(archive.namelist())
['config.json', 'metadata.json', 'model.weights.h5']
>>> config = json.loads(archive.read("config.json"))  # the architecture
>>> [layer["config"]["name"] for layer in config["config"]["layers"]]
['features', 'hidden', 'output']
>>> config["config"]["layers"][1]["config"]["activation"]
'relu'

# --8<-- [end:whole-checks]
"""

# --8<-- [start:whole]
import tempfile

import keras

from snippets.checkpoints.weights_tf import model  # shown above

workdir = tempfile.TemporaryDirectory()
model_file = f"{workdir.name}/classifier.keras"
model.save(model_file)  # architecture + weights (+ optimizer state)

reloaded = keras.models.load_model(model_file)  # no build_classifier needed
# --8<-- [end:whole]
