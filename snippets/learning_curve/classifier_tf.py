"""The smallest complete classifier in Keras 3: ``compile``, ``fit`` and ``evaluate``.

The blocks between ``--8<--`` markers are shown on the page "Learning curve" next to
classifier_torch.py, which trains the same network on the same data with PyTorch. This
file imports only Keras and NumPy, so keras_backend_torch.py can run it, unchanged, on
the PyTorch backend.

# --8<-- [start:data-checks]
>>> x_train.shape, x_train.dtype, y_train.shape, y_train.dtype
((480, 2), dtype('float32'), (480,), dtype('int64'))
>>> np.bincount(y_train)  # three classes, roughly balanced: chance is about 1/3
array([151, 149, 180])

# --8<-- [end:data-checks]
# --8<-- [start:model-checks]
>>> model.count_params()  # (2*16 + 16) + (16*3 + 3)
99

# --8<-- [end:model-checks]
# --8<-- [start:train-checks]
>>> epoch_losses = history.history["loss"]
>>> len(epoch_losses)
10
>>> epoch_losses[-1] < epoch_losses[0] / 2  # the loss went down
True
>>> model.optimizer.epsilon  # Adam's default epsilon: PyTorch uses 1e-08
1e-07

# --8<-- [end:train-checks]
# --8<-- [start:evaluate-checks]
>>> test_accuracy > 0.8  # chance is about 0.33
True
>>> test_loss < epoch_losses[0]
True

# --8<-- [end:evaluate-checks]
"""

# --8<-- [start:model]
import keras
import numpy as np

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3),
    ]
)
# --8<-- [end:model]

# --8<-- [start:data]
# Three 2-D clusters; the same seed gives the same 600 points in both files.
rng = np.random.default_rng(seed=0)
centers = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
labels = rng.integers(0, 3, size=600)
features = (centers[labels] + rng.normal(size=(600, 2))).astype("float32")
x_train, y_train = features[:480], labels[:480]
x_test, y_test = features[480:], labels[480:]
# --8<-- [end:data]

# --8<-- [start:train]
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    # takes logits and integer labels, like nn.CrossEntropyLoss
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, batch_size=32, epochs=10, verbose=0)
# --8<-- [end:train]

# --8<-- [start:evaluate]
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
# --8<-- [end:evaluate]
