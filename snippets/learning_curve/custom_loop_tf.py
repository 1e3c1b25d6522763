"""A hand-written TensorFlow training loop: ``tf.GradientTape`` with a Keras model.

The blocks between ``--8<--`` markers are shown on the page "Learning curve" next to
custom_loop_torch.py, the same loop in PyTorch. The network and the data come from
classifier_tf.py. The loop follows the Keras guide "Writing a training loop from scratch
in TensorFlow", down to ``@tf.function`` on the training step.

# --8<-- [start:train-checks]
>>> len(epoch_losses)
10
>>> epoch_losses[-1] < epoch_losses[0] / 2  # the loss went down
True
>>> optimizer.epsilon  # Adam's default epsilon: PyTorch uses 1e-08
1e-07

# --8<-- [end:train-checks]
# --8<-- [start:evaluate-checks]
>>> test_accuracy > 0.8  # chance is about 0.33
True
>>> test_loss < epoch_losses[0]
True
>>> # The same loop in PyTorch (custom_loop_torch.py) ends about as well.
>>> from snippets.learning_curve import custom_loop_torch as torch_loop
>>> abs(test_accuracy - torch_loop.test_accuracy) < 0.05
True
>>> abs(epoch_losses[-1] - torch_loop.epoch_losses[-1]) < 0.05
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
import tensorflow as tf

model = make_model()
train_set = tf.data.Dataset.from_tensor_slices((x_train, y_train))
optimizer = keras.optimizers.Adam(learning_rate=0.01)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function  # traced into a TensorFlow graph on the first call
def train_step(inputs, targets):
    with tf.GradientTape() as tape:  # records the forward pass
        loss = loss_fn(targets, model(inputs, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply(grads, model.trainable_weights)
    return loss


epoch_losses = []
for _ in range(10):
    total = 0.0
    # shuffle, unlike fit, is explicit here; a new order every epoch
    for inputs, targets in train_set.shuffle(480).batch(32):
        total += float(train_step(inputs, targets)) * len(inputs)
    epoch_losses.append(total / len(x_train))
# --8<-- [end:train]

# --8<-- [start:evaluate]
logits = model(x_test, training=False)  # no tape, so nothing is recorded
test_loss = float(loss_fn(y_test, logits))
correct = tf.argmax(logits, axis=1) == y_test
test_accuracy = float(tf.reduce_mean(tf.cast(correct, tf.float32)))
# --8<-- [end:evaluate]
