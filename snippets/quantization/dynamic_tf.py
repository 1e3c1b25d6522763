"""Int8 dynamic-range quantization of a Keras model for LiteRT, with LiteRT Quantizer.

The blocks between ``--8<--`` markers are shown on the page "Quantization"; the examples
below run in the tests and appear on the page as checked output. The site's build also
calls ``export_float``, ``quantize`` and ``load`` on the trained MNIST model
(``site_build/core/quantization/measure.py``).

# --8<-- [start:use-checks]
>>> from ai_edge_litert.interpreter import Interpreter
>>> weights = [t for t in Interpreter(int8_file).get_tensor_details()
...            if t["name"].endswith("MatMul")]  # the two Dense kernels
>>> [w["dtype"].__name__ for w in weights]
['int8', 'int8']
>>> sorted(len(w["quantization_parameters"]["scales"]) for w in weights)
[10, 512]
>>> error = np.abs(int8_logits - float_logits).max()
>>> bool(error < 0.02 * np.abs(float_logits).max())  # within 2% of the range
True
>>> same_class = int8_logits.argmax(1) == float_logits.argmax(1)
>>> bool(same_class.mean() > 0.9)  # random inputs: some classes are near ties
True
>>> round(os.path.getsize(float_file) / os.path.getsize(int8_file), 1)
3.8

# --8<-- [end:use-checks]
"""

# ruff: noqa: E402 (each shown section starts with the imports it needs)

# --8<-- [start:model]
import keras
import numpy as np

# A small classifier with fixed weights drawn with NumPy: its PyTorch twin
# holds exactly the same numbers.
rng = np.random.default_rng(seed=0)
hidden_kernel = rng.normal(0, 0.1, (256, 512)).astype(np.float32)
output_kernel = rng.normal(0, 0.1, (512, 10)).astype(np.float32)
images = rng.random((64, 256), dtype=np.float32)

model = keras.Sequential(
    [
        keras.Input(shape=(256,)),
        keras.layers.Dense(512, activation="relu", use_bias=False),
        keras.layers.Dense(10, use_bias=False),
    ]
)
# A Dense kernel is (in, out): the NumPy arrays fit as they are.
model.layers[0].set_weights([hidden_kernel])
model.layers[1].set_weights([output_kernel])
# --8<-- [end:model]

# --8<-- [start:quantize]
import os
import tempfile

from ai_edge_litert.interpreter import Interpreter
from litert_quantizer import quantizer, recipe


def export_float(model, float_file):
    """The float32 LiteRT model: the starting point of quantization."""
    model.export(float_file, format="litert", verbose=False)


def quantize(float_file, int8_file):
    """Int8 weights (one scale per output channel); at run time the
    activations are quantized to int8 from their own range."""
    quantized = quantizer.Quantizer(float_file, recipe.dynamic_wi8_afp32())
    result = quantized.quantize(enable_progress_report=False)
    result.export_model(int8_file, overwrite=True)


def load(litert_file, threads=None):
    """A function from a batch of images to logits, run by LiteRT."""
    interpreter = Interpreter(litert_file, num_threads=threads)
    run = interpreter.get_signature_runner()  # the only signature
    [name] = run.get_input_details()
    return lambda batch: next(iter(run(**{name: batch}).values()))


# --8<-- [end:quantize]

# --8<-- [start:use]
folder = tempfile.mkdtemp()
float_file = os.path.join(folder, "classifier.tflite")
int8_file = os.path.join(folder, "classifier_int8.tflite")

export_float(model, float_file)
quantize(float_file, int8_file)
float_logits = load(float_file)(images)
int8_logits = load(int8_file)(images)
# --8<-- [end:use]
