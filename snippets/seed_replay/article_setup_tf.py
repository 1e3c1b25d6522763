"""The seed article's TensorFlow setup, as its code has it (typos fixed, Keras 3 imports).

Shown on docs/*/seed_replay.md next to article_setup_torch.py. The article set no seed;
this replay sets one so that the site's figures can be reproduced.

>>> from site_build.core.mnist_data import load_splits

# --8<-- [start:article-checks]
>>> model = build_article_model()
>>> model.count_params()  # the matched model's size: only the output differs
9467274
>>> model.layers[-1].activation.__name__, model.loss
('softmax', 'categorical_crossentropy')
>>> data = load_splits()
>>> history, predicted = run_article_setup(data.train_images[:200],
...                                        data.train_labels[:200],
...                                        data.test_images[:50])
>>> len(history), predicted.shape  # five epochs, one class per test image
(5, (50,))

# --8<-- [end:article-checks]
"""

# --8<-- [start:article]
import keras
from keras import layers

from snippets.mnist.training_tf import EpochRecorder


def build_article_model():
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Flatten(),
            layers.Dense(1024, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    # "sgd" is SGD with Keras' default learning rate, 0.01.
    model.compile(
        optimizer="sgd",
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def run_article_setup(images, labels, test_images, on_epoch=None):
    keras.utils.set_random_seed(2026)
    x = images.reshape(len(images), 28, 28, 1).astype("float32") / 255.0
    y = keras.utils.to_categorical(labels)  # one-hot, for the loss above
    model = build_article_model()
    recorder = EpochRecorder(on_epoch)
    # No batch_size: Keras' default of 32. validation_split holds out the
    # last 30% of the arrays, before any shuffling.
    model.fit(
        x,
        y,
        validation_split=0.3,
        epochs=5,
        callbacks=[recorder],
        verbose=0,
    )
    x_test = test_images.reshape(len(test_images), 28, 28, 1) / 255.0
    predicted = model.predict(x_test.astype("float32"), verbose=0)
    return recorder.history, predicted.argmax(axis=1)


# --8<-- [end:article]
