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
>>> run = run_article_setup(data.train_images[:200], data.train_labels[:200],
...                         data.test_images[:50])
>>> len(run["history"]), run["predicted"].shape  # 5 epochs, 1 class per image
(5, (50,))
>>> run["settings"], run["trained_images"]  # as run: the article's values
({'batch_size': 32, 'epochs': 5, 'learning_rate': 0.01, 'validation_split': 0.3, 'seed': 2026}, 140)
>>> run["parameters"], run["input_size"]
(9467274, 28)

# --8<-- [end:article-checks]
"""

# --8<-- [start:article]
import math

import keras
from keras import layers

from snippets.mnist.training_tf import EpochRecorder


def build_article_model(learning_rate=0.01):
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
    # The article's optimizer="sgd": SGD at Keras' default rate, 0.01.
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def run_article_setup(
    images,
    labels,
    test_images,
    on_epoch=None,
    # The article's settings; the site's build passes its own copy of them.
    epochs=5,
    batch_size=32,  # the article passes none: Keras' default, 32
    learning_rate=0.01,
    validation_split=0.3,
    seed=2026,
):
    keras.utils.set_random_seed(seed)
    x = images.reshape(len(images), 28, 28, 1).astype("float32") / 255.0
    y = keras.utils.to_categorical(labels)  # one-hot, for the loss above
    model = build_article_model(learning_rate)
    recorder = EpochRecorder(on_epoch)
    # validation_split holds out the last 30% of the arrays, before any
    # shuffling.
    model.fit(
        x,
        y,
        batch_size=batch_size,
        validation_split=validation_split,
        epochs=epochs,
        callbacks=[recorder],
        verbose=0,
    )
    x_test = test_images.reshape(len(test_images), 28, 28, 1) / 255.0
    predicted = model.predict(x_test.astype("float32"), verbose=0)
    return {
        "history": recorder.history,
        "predicted": predicted.argmax(axis=1),
        # What this run used, read back from the objects that ran it.
        "settings": {
            "batch_size": batch_size,
            "epochs": len(recorder.history),
            "learning_rate": learning_rate,
            "validation_split": validation_split,
            "seed": seed,
        },
        # Keras trains on the first 70% of the rows, rounded down.
        "trained_images": math.floor(len(x) * (1.0 - validation_split)),
        "parameters": model.count_params(),
        "input_size": x.shape[1],
    }


# --8<-- [end:article]
