"""Training and evaluating the matched CNN in Keras 3. Shown on docs/*/mnist.md next to training_torch.py.

The site's build calls these functions to train the model whose curves the page plots
(see site_build/core/mnist/runs.py); the checks below run a few real steps on 256 images.

>>> from site_build.core.mnist_data import load_splits
>>> from snippets.mnist.model_tf import build_model
>>> from snippets.mnist.pipeline_tf import make_batches

# --8<-- [start:train-checks]
>>> make_reproducible(seed=2026)
>>> data = load_splits()  # real MNIST images, see the "Data" section
>>> few = make_batches(data.train_images[:256], data.train_labels[:256], 32, True)
>>> model = build_model()
>>> history = train(model, few, few, epochs=3, learning_rate=0.01)
>>> [sorted(history[0])] == [["accuracy", "epoch", "loss", "seconds",
...                           "train_seconds", "val_accuracy", "val_loss"]]
True
>>> history[-1]["loss"] < history[0]["loss"]  # it learns
True

# --8<-- [end:train-checks]
# --8<-- [start:evaluate-checks]
>>> images, labels = data.train_images[:256], data.train_labels[:256]
>>> in_order = make_batches(images, labels, 32, shuffle=False)
>>> predicted = predict_classes(model, in_order)
>>> predicted.shape, predicted.dtype.name
((256,), 'int64')
>>> bool((predicted == labels).mean() > 0.2)  # chance: 0.1
True

# --8<-- [end:evaluate-checks]
"""

# --8<-- [start:reproducible]
import time

import keras
import numpy as np
import tensorflow as tf


def make_reproducible(seed):
    keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow seeds
    # Raise an error instead of silently using a non-deterministic kernel.
    tf.config.experimental.enable_op_determinism()


# --8<-- [end:reproducible]


# --8<-- [start:train]
def train(model, batches, val_batches, epochs, learning_rate, on_epoch=None):
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        # softmax + negative log-likelihood, on integer labels
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    timer = EpochRecorder(on_epoch)
    model.fit(
        batches,
        validation_data=val_batches,
        epochs=epochs,
        callbacks=[timer],
        verbose=0,
        shuffle=False,  # the tf.data pipeline shuffles already
    )
    return timer.history


class EpochRecorder(keras.callbacks.Callback):
    """Keeps the metrics Keras reports at the end of each epoch, with times."""

    def __init__(self, on_epoch):
        super().__init__()
        self.on_epoch, self.history = on_epoch, []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_test_begin(self, logs=None):  # validation starts after training
        self.train_seconds = time.perf_counter() - self.start

    def on_epoch_end(self, epoch, logs=None):
        self.history.append(
            {
                "epoch": epoch + 1,
                "loss": logs["loss"],
                "accuracy": logs["accuracy"],
                "val_loss": logs["val_loss"],
                "val_accuracy": logs["val_accuracy"],
                "train_seconds": self.train_seconds,
                # the whole epoch, validation included
                "seconds": time.perf_counter() - self.start,
            }
        )
        if self.on_epoch:
            self.on_epoch(self.history[-1])


# --8<-- [end:train]


# --8<-- [start:evaluate]
def predict_classes(model, batches):
    logits = model.predict(batches, verbose=0)
    return logits.argmax(axis=1).astype(np.int64)


# --8<-- [end:evaluate]
