"""Training the Fashion-MNIST CNN in Keras 3. Shown on docs/*/fashion_mnist.md next to training_torch.py.

The site's build calls these functions to train the runs whose results the page shows
(site_build/core/fashion/runs.py); the checks below train on 400 real images.

>>> from site_build.core.fashion_data import sample
>>> from snippets.fashion.model_tf import build_model

# --8<-- [start:train-checks]
>>> images, labels = sample(400)  # the first 400 training images
>>> make_reproducible()
>>> model = build_model(seed=2026)
>>> batches = make_batches(images, labels, 50, shuffle=True, seed=2026)
>>> history = train(model, batches, batches, epochs=2, evals_per_epoch=2)
>>> [record["epoch"] for record in history]  # evaluated twice per epoch
[0.5, 1.0, 1.5, 2.0]
>>> sorted(history[0])
['accuracy', 'epoch', 'loss', 'test_accuracy', 'test_loss', 'train_seconds']
>>> history[-1]["test_loss"] < history[0]["test_loss"]  # it learns
True
>>> optimizer_settings(model)  # written out: Keras' epsilon default is 1e-07
{'learning_rate': 0.001, 'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': 1e-07}

# --8<-- [end:train-checks]
"""

# --8<-- [start:train]
import time

import keras
import numpy as np
import tensorflow as tf

LEARNING_RATE = 1e-3
ADAM_EPSILON = 1e-7  # Keras' default (PyTorch's default is 1e-8)


def make_reproducible(threads=None):
    # Raise an error instead of silently using a non-deterministic kernel.
    tf.config.experimental.enable_op_determinism()
    if threads:  # the build trains each run on one thread (before any op)
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def make_batches(images, labels, batch_size, shuffle, seed=0):
    # uint8 (N, 28, 28) -> float32 (N, 28, 28, 1) in [0, 1]: channels last
    x = images[..., np.newaxis].astype("float32") / 255
    y = labels.astype("int64")
    batches = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:  # a reproducible shuffle, a new order every epoch
        batches = batches.shuffle(len(y), seed=seed)
    return batches.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def make_optimizer():
    return keras.optimizers.Adam(
        learning_rate=LEARNING_RATE,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=ADAM_EPSILON,
    )


def train(model, batches, test_batches, epochs, evals_per_epoch, on_eval=None):
    model.compile(
        optimizer=make_optimizer(),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    steps = int(batches.cardinality())
    recorder = CheckpointRecorder(steps // evals_per_epoch / steps, on_eval)
    # Keras evaluates at the end of each of its epochs: one "epoch" of fit
    # is one checkpoint here, a fraction of a pass over the data.
    model.fit(
        batches.repeat(),
        steps_per_epoch=steps // evals_per_epoch,
        epochs=epochs * evals_per_epoch,
        validation_data=test_batches,
        callbacks=[recorder],
        verbose=0,
        shuffle=False,  # the tf.data pipeline shuffles already
    )
    return recorder.history


class CheckpointRecorder(keras.callbacks.Callback):
    """Keeps what Keras reports at each checkpoint, with the training time."""

    def __init__(self, fraction, on_eval):
        super().__init__()
        self.fraction, self.on_eval = fraction, on_eval
        self.history, self.train_seconds = [], 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_test_begin(self, logs=None):  # testing starts after training
        self.train_seconds += time.perf_counter() - self.start

    def on_epoch_end(self, epoch, logs=None):
        self.history.append(
            {
                "epoch": round((epoch + 1) * self.fraction, 6),
                "loss": logs["loss"],
                "accuracy": logs["accuracy"],
                "test_loss": logs["val_loss"],
                "test_accuracy": logs["val_accuracy"],
                "train_seconds": self.train_seconds,  # so far, no testing
            }
        )
        if self.on_eval:
            self.on_eval(self.history[-1])


# --8<-- [end:train]


def optimizer_settings(model):
    """The settings of the optimizer ``train`` gave ``model``, as a dict (for the checks)."""
    config = model.optimizer.get_config()
    keys = ("learning_rate", "beta_1", "beta_2", "epsilon")
    return {key: round(float(config[key]), 9) for key in keys}  # float32 values
