"""Which tensors a mixed_bfloat16 policy makes bfloat16 in Keras. Shown on docs/*/mixed_precision.md next to dtypes_torch.py.

# --8<-- [start:autocast-checks]
>>> inputs.dtype, {w.dtype for w in model.weights}  # data and weights: float32
(dtype('float32'), {'float32'})
>>> hidden.compute_dtype, hidden.variable_dtype  # what the policy says
('bfloat16', 'float32')
>>> logits.dtype  # layer outputs: the layers computed in bfloat16
tf.bfloat16
>>> loss.dtype  # a Keras loss casts its inputs to float32
tf.float32
>>> {g.dtype for g in gradients}  # gradients match the weights
{tf.float32}
>>> keras.config.dtype_policy().name  # the global policy was not touched
'float32'

# --8<-- [end:autocast-checks]
"""

# --8<-- [start:autocast]
import keras
import numpy as np
import tensorflow as tf
from keras import layers

rng = np.random.default_rng(0)  # the same data in both frameworks
inputs = rng.normal(size=(16, 4)).astype("float32")
labels = rng.integers(0, 3, size=16)

keras.utils.set_random_seed(0)
# The policy belongs to each layer: these two compute in bfloat16.
hidden = layers.Dense(8, activation="relu", dtype="mixed_bfloat16")
output = layers.Dense(3, dtype="mixed_bfloat16")
model = keras.Sequential([keras.Input(shape=(4,)), hidden, output])

loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
with tf.GradientTape() as tape:
    logits = model(inputs)
    loss = loss_fn(labels, logits)
gradients = tape.gradient(loss, model.trainable_variables)
# --8<-- [end:autocast]
