"""float16 with loss scaling in Keras. Shown on docs/*/mixed_precision.md next to loss_scaling_torch.py.

>>> import tensorflow as tf

# --8<-- [start:loss-scaling-checks]
>>> float(tf.cast(1e-8, tf.float16))  # too small: becomes zero
0.0
>>> float(tf.cast(1e-8, tf.bfloat16))  # float32's range, fewer digits
1.0011717677116394e-08
>>> type(model.optimizer).__name__  # compile wrapped the SGD optimizer
'LossScaleOptimizer'
>>> float(model.optimizer.dynamic_scale)  # the starting scale, 2 ** 15
32768.0
>>> per_layer = keras.Sequential(
...     [keras.Input(shape=(4,)), layers.Dense(3, dtype="mixed_float16")]
... )
>>> per_layer.compile(optimizer="sgd", loss="mse")
>>> type(per_layer.optimizer).__name__  # the model's own policy is float32
'SGD'

# --8<-- [end:loss-scaling-checks]
"""

# --8<-- [start:loss-scaling]
import keras
import numpy as np
from keras import layers

rng = np.random.default_rng(0)  # the same data in both frameworks
inputs = rng.normal(size=(16, 4)).astype("float32")
labels = rng.integers(0, 3, size=16)

keras.utils.set_random_seed(0)
keras.config.set_dtype_policy("mixed_float16")  # for every layer created now
model = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        layers.Dense(8, activation="relu"),
        layers.Dense(3),
    ]
)
keras.config.set_dtype_policy("float32")  # back to the default
model.compile(  # a mixed_float16 model gets a LossScaleOptimizer here
    optimizer=keras.optimizers.SGD(learning_rate=0.1),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
model.fit(inputs, labels, batch_size=16, epochs=1, verbose=0)
# --8<-- [end:loss-scaling]
