"""The network and the data that every Keras training example on the page starts from.

The blocks between ``--8<--`` markers are shown on the page "Learning curve" next to
classifier_torch.py (the same network and data for PyTorch). trainer_tf.py (``fit``) and
custom_loop_tf.py (a ``tf.GradientTape`` loop) import ``make_model`` and the arrays from
here. This file imports only Keras and NumPy, so keras_backend_torch.py can run it on the
PyTorch backend.

# --8<-- [start:model-checks]
>>> make_model().count_params()  # (2*16 + 16) + (16*3 + 3)
99
>>> first, second = make_model(), make_model()  # seeded: the same starting weights
>>> bool((first.layers[0].kernel.numpy() == second.layers[0].kernel.numpy()).all())
True

# --8<-- [end:model-checks]
# --8<-- [start:data-checks]
>>> x_train.shape, x_train.dtype, y_train.shape, y_train.dtype
((480, 2), dtype('float32'), (480,), dtype('int64'))
>>> np.bincount(y_train)  # three classes, roughly balanced: chance is about 1/3
array([151, 149, 180])

# --8<-- [end:data-checks]
"""

# ruff: noqa: E402 (each shown section imports what it uses)

# --8<-- [start:model]
import keras


def make_model():
    keras.utils.set_random_seed(0)  # the same starting weights on every call
    return keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(3),
        ]
    )


# --8<-- [end:model]


# --8<-- [start:data]
import numpy as np

# Three 2-D clusters; the same seed gives the same 600 points in both files.
rng = np.random.default_rng(seed=0)
centers = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
labels = rng.integers(0, 3, size=600)
features = (centers[labels] + rng.normal(size=(600, 2))).astype("float32")
x_train, y_train = features[:480], labels[:480]
x_test, y_test = features[480:], labels[480:]
# --8<-- [end:data]
