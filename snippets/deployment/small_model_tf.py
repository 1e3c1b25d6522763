"""The small Keras model that every deployment example exports.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:model-checks]
>>> keras.ops.convert_to_numpy(model(inputs)).round(4)
array([[-0.9594,  2.9003, -1.7825],
       [-0.6879,  2.5515,  1.2018]], dtype=float32)

# --8<-- [end:model-checks]
"""

# --8<-- [start:model]
import keras
import numpy as np

# Fixed weights, drawn once with NumPy, so that the PyTorch twin holds exactly
# the same numbers and both frameworks compute the same function.
rng = np.random.default_rng(seed=0)
hidden_kernel = rng.standard_normal((4, 8)).astype(np.float32)
hidden_bias = rng.standard_normal(8).astype(np.float32)
output_kernel = rng.standard_normal((8, 3)).astype(np.float32)
output_bias = rng.standard_normal(3).astype(np.float32)
inputs = (np.arange(8, dtype=np.float32).reshape(2, 4) - 4) / 4  # exact in JSON

features = keras.Input(shape=(4,), name="features")
hidden = keras.layers.Dense(8, activation="relu", name="hidden")(features)
logits = keras.layers.Dense(3, name="output")(hidden)
model = keras.Model(features, logits, name="classifier")
# A Dense kernel is (input_dim, units): the NumPy arrays fit as they are.
model.get_layer("hidden").set_weights([hidden_kernel, hidden_bias])
model.get_layer("output").set_weights([output_kernel, output_bias])
# --8<-- [end:model]
