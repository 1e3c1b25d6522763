"""The configurations the benchmarks page times, in Keras 3; next to configs_torch.py.

The blocks between ``--8<--`` markers are shown on the page "Benchmarks", and the build's
benchmarks import these functions and time what they return. The examples below run them
on four images and appear on the page as checked output.

>>> import tempfile
>>> import keras
>>> import numpy as np
>>> from snippets.mnist.model_tf import build_model

# --8<-- [start:training-checks]
>>> rng = np.random.default_rng(2026)
>>> stored = rng.random((4, 28, 28, 1), dtype=np.float32)  # N, H, W, C
>>> images, labels = as_images(stored), as_labels(rng.integers(0, 10, 4))
>>> tuple(images.shape)  # channels last
(4, 28, 28, 1)
>>> for compiling in (False, True):
...     keras.utils.set_random_seed(2026)
...     step = train_step(build_model(), images, labels, compiled=compiling)
...     losses = [step() for _ in range(3)]
...     print(f"compiled={compiling}: the loss falls", losses[2] < losses[0])
compiled=False: the loss falls True
compiled=True: the loss falls True

# --8<-- [end:training-checks]
# --8<-- [start:inference-checks]
>>> keras.utils.set_random_seed(2026)
>>> model = build_model()
>>> reference = eager(model)(images)  # NumPy logits
>>> reference.shape
(4, 10)
>>> np.allclose(compiled(model)(images), reference, rtol=0, atol=1e-5)
True

# --8<-- [end:inference-checks]
# --8<-- [start:exported-checks]
>>> folder = tempfile.TemporaryDirectory()
>>> saved_model = f"{folder.name}/saved_model"
>>> export(model, images, saved_model)
>>> np.allclose(exported(saved_model)(images), reference, rtol=0, atol=1e-5)
True
>>> exported(saved_model)(images[:1]).shape  # the batch size is not fixed
(1, 10)
>>> onnx_file = f"{folder.name}/model.onnx"
>>> export_onnx(model, images, onnx_file)
>>> run_onnx = onnx_runtime(onnx_file, threads=1)
>>> np.allclose(run_onnx(images), reference, rtol=0, atol=1e-5)
True
>>> run_onnx(images[:1]).shape
(1, 10)

# --8<-- [end:exported-checks]
"""

# --8<-- [start:training]
import keras
import onnxruntime as ort
import tensorflow as tf


def as_images(stored):  # N, 28, 28, 1 as stored: Keras is channels last
    return tf.constant(stored)


def as_labels(classes):
    return tf.constant(classes)


def train_step(model, images, labels, compiled=False):
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        # "auto" is Keras' default: on a machine without an accelerator it
        # means no XLA, a TensorFlow graph; True asks for XLA explicitly.
        jit_compile=True if compiled else "auto",
    )
    # Builds the graph on the first call, timed apart from the rest;
    # returns the loss as a float, so each step is waited for
    return lambda: model.train_on_batch(images, labels)


# --8<-- [end:training]


# --8<-- [start:inference]
def eager(model):  # images in, NumPy logits out
    return lambda images: model(images, training=False).numpy()


def compiled(model):
    # XLA compiles one program per input shape, on its first call
    forward = tf.function(
        lambda images: model(images, training=False), jit_compile=True
    )
    return lambda images: forward(images).numpy()


# --8<-- [end:inference]


# --8<-- [start:exported]
def export(model, example, path):  # a SavedModel folder
    # Keras takes the input's shape from keras.Input: no example needed
    model.export(path, format="tf_saved_model", verbose=False)


def exported(path):
    loaded = tf.saved_model.load(path)
    return lambda images: loaded.serve(images).numpy()


def export_onnx(model, example, path):  # through tf2onnx
    model(example)  # the ONNX exporter needs a model that has run once
    model.export(path, format="onnx", verbose=False)


def onnx_runtime(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = threads
    session = ort.InferenceSession(
        path, options, providers=["CPUExecutionProvider"]
    )
    name = session.get_inputs()[0].name
    return lambda images: session.run(None, {name: images.numpy()})[0]


# --8<-- [end:exported]
