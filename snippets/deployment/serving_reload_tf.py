"""Reloading the SavedModel in a fresh process and calling its serving signature.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:reload-checks]
>>> import subprocess
>>> from pathlib import Path
>>> from snippets.deployment.serving_export_tf import (
...     in_memory, inputs_file, model_dir)
>>> fresh = subprocess.run(
...     [sys.executable, "-m", "snippets.deployment.serving_reload_tf",
...      model_dir, inputs_file],
...     capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2])
>>> reloaded = np.array(json.loads(fresh.stdout), dtype=np.float32)
>>> reloaded.shape, np.array_equal(reloaded, in_memory)
((2, 3), True)

# --8<-- [end:reload-checks]
"""

# --8<-- [start:reload]
import json
import sys

import numpy as np
import tensorflow as tf


def predict(model_dir: str, inputs_file: str) -> list:
    # Only TensorFlow is needed: no Keras, no Python class of the model.
    reloaded = tf.saved_model.load(model_dir)
    serve = reloaded.signatures["serving_default"]
    outputs = serve(features=tf.constant(np.load(inputs_file)))
    (predictions,) = outputs.values()  # signatures return a dict
    return predictions.numpy().tolist()


if __name__ == "__main__":  # python -m ... MODEL_DIR INPUTS_FILE
    print(json.dumps(predict(*sys.argv[1:])))
# --8<-- [end:reload]
