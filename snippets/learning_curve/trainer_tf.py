"""A high-level trainer for TensorFlow: Keras 3 ``compile``, ``fit`` and ``evaluate``.

The blocks between ``--8<--`` markers are shown on the page "Learning curve" next to
trainer_torch.py, which trains the same network on the same data with Lightning. The
network and the data come from classifier_tf.py. This file imports only Keras, so
keras_backend_torch.py can run it, unchanged, on the PyTorch backend.

# --8<-- [start:train-checks]
>>> epoch_losses = history.history["loss"]
>>> len(epoch_losses)
10
>>> epoch_losses[-1] < epoch_losses[0] / 2  # the loss went down
True
>>> model.optimizer.epsilon  # Adam's default epsilon: PyTorch uses 1e-08
1e-07
>>> import inspect
>>> defaults = inspect.signature(model.fit).parameters
>>> defaults["epochs"].default, defaults["shuffle"].default  # fit's own defaults
(1, True)

# --8<-- [end:train-checks]
# --8<-- [start:evaluate-checks]
>>> test_accuracy > 0.8  # chance is about 0.33
True
>>> test_loss < epoch_losses[0]
True
>>> # The same job with Lightning (trainer_torch.py) ends about as well.
>>> from snippets.learning_curve import trainer_torch as lightning_run
>>> abs(test_accuracy - lightning_run.test_accuracy) < 0.05
True
>>> abs(epoch_losses[-1] - lightning_run.module.epoch_losses[-1]) < 0.05
True

# --8<-- [end:evaluate-checks]
"""

from snippets.learning_curve.classifier_tf import (
    make_model,
    x_test,
    x_train,
    y_test,
    y_train,
)

# isort: split

# --8<-- [start:train]
import keras

model = make_model()
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
