"""A Keras model that carries code: refused by load_model unless allowed.

The blocks between ``--8<--`` markers are shown on the page "Saving and loading models";
the examples below run in the tests and appear on the page as checked output.

>>> import json
>>> import zipfile
>>> import numpy as np
>>> ones = np.ones((1, 4), dtype=np.float32)

# --8<-- [start:refused-checks]
>>> keras.models.load_model(lambda_file)  # safe_mode=True is the default
Traceback (most recent call last):
...
ValueError: Requested the deserialization of a `Lambda` layer whose `function` is a Python lambda. This carries a potential risk of arbitrary code execution and thus it is disallowed by default...
>>> # The lambda travels as compiled Python bytecode inside config.json:
>>> config = json.loads(zipfile.ZipFile(lambda_file).read("config.json"))
>>> function = config["config"]["layers"][1]["config"]["function"]
>>> function["class_name"], sorted(function["config"])
('__lambda__', ['closure', 'code', 'defaults'])

# --8<-- [end:refused-checks]
# --8<-- [start:allowed-checks]
>>> keras.ops.convert_to_numpy(reloaded(ones))  # the lambda runs again
array([[2., 2., 2., 2.]], dtype=float32)
>>> keras.models.load_model(lambda_file)  # without the flag: refused again
Traceback (most recent call last):
...
ValueError: Requested the deserialization of a `Lambda` layer...
>>> keras.ops.convert_to_numpy(from_name(ones))
array([[2., 2., 2., 2.]], dtype=float32)

# --8<-- [end:allowed-checks]
"""

# --8<-- [start:refused]
import tempfile

import keras

features = keras.Input(shape=(4,))
doubled = keras.layers.Lambda(lambda x: x * 2.0)(features)  # Python code
model = keras.Model(features, doubled)

workdir = tempfile.TemporaryDirectory()
lambda_file = f"{workdir.name}/with_lambda.keras"
model.save(lambda_file)
# --8<-- [end:refused]


# --8<-- [start:allowed]
# Only for files you trust: this rebuilds the lambda from its bytecode.
reloaded = keras.models.load_model(lambda_file, safe_mode=False)


@keras.saving.register_keras_serializable(package="checkpoints")
def double(x):  # a named function: the file stores its name, not its code
    return x * 2.0


named = keras.Model(features, keras.layers.Lambda(double)(features))
named_file = f"{workdir.name}/named.keras"
named.save(named_file)
from_name = keras.models.load_model(named_file)  # allowed in safe mode
# --8<-- [end:allowed]
