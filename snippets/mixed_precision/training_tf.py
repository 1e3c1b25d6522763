"""The MNIST CNN trained briefly in bfloat16 and in float32 with Keras. Shown on docs/*/mixed_precision.md next to training_torch.py.

The model, the data pipeline and the split are the MNIST page's own (imported, not
copied); one short epoch keeps the check to a few seconds.

>>> from site_build.core.mnist_data import load_splits
>>> from snippets.mnist.pipeline_tf import make_batches

# --8<-- [start:train-checks]
>>> data = load_splits()  # the MNIST page's split (MNIST_DIR names the files)
>>> train = make_batches(
...     data.train_images[:1000], data.train_labels[:1000], 32, True, seed=2026
... )
>>> images, labels = data.test_images[:1000], data.test_labels[:1000]
>>> held_out = make_batches(images, labels, 256, shuffle=False)
>>> float32 = accuracy(train_one_epoch(train, mixed=False), held_out, labels)
>>> bfloat16 = accuracy(train_one_epoch(train, mixed=True), held_out, labels)
>>> float32 > 0.8 and bfloat16 > 0.8  # after 1,000 images; chance is 0.1
True
>>> abs(bfloat16 - float32) < 0.03  # within three percentage points
True
>>> print(f"float32 {float32:.1%}, bfloat16 {bfloat16:.1%}")  # doctest: +ELLIPSIS
float32 ...%, bfloat16 ...%
>>> keras.config.dtype_policy().name  # restored after building the model
'float32'

# --8<-- [end:train-checks]
"""

# --8<-- [start:train]
import contextlib

import keras

from snippets.mnist.model_tf import build_model
from snippets.mnist.training_tf import predict_classes


@contextlib.contextmanager
def dtype_policy(name):
    """Layers created inside the with block get this policy."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def train_one_epoch(batches, mixed, seed=2026):
    keras.utils.set_random_seed(seed)
    with dtype_policy("mixed_bfloat16" if mixed else "float32"):
        model = build_model()  # the MNIST page's CNN, float32 weights
    model.compile(  # the training code is the same for both runs
        optimizer=keras.optimizers.Adam(learning_rate=1e-3, epsilon=1e-7),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    model.fit(batches, epochs=1, verbose=0, shuffle=False)  # tf.data shuffles
    return model


def accuracy(model, batches, labels):
    predicted = predict_classes(model, batches)  # in the model's policy
    return float((predicted == labels).mean())


# --8<-- [end:train]
