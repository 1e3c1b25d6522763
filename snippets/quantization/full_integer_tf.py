"""Full integer (static) quantization of a Keras model for LiteRT, with LiteRT Quantizer.

The blocks between ``--8<--`` markers are shown on the page "Quantization"; the examples
below run in the tests and appear on the page as checked output. They quantize the MNIST
page's CNN after a short training on 640 images, calibrated on 100 other training
images. The site's build also calls ``quantize_full_integer`` and ``load_int8`` on the
trained MNIST model (``site_build/core/quantization/measure.py``).

>>> import os
>>> import tempfile
>>> from site_build.core.mnist_data import load_splits
>>> from snippets.mnist.model_tf import build_model
>>> from snippets.mnist.pipeline_tf import make_batches
>>> from snippets.mnist.training_tf import make_reproducible, train
>>> from snippets.quantization.dynamic_tf import export_float, load
>>> make_reproducible(seed=2026)
>>> data = load_splits()
>>> few = make_batches(data.train_images[:640], data.train_labels[:640], 32, True)
>>> model = build_model()
>>> # 0.05: after one epoch at 0.01 the classes barely separate (22% test accuracy), and
>>> # int8 rounding flips so many that the check passed or failed with the thread count.
>>> _ = train(model, few, few, epochs=1, learning_rate=0.05)
>>> folder = tempfile.mkdtemp()
>>> float_file = os.path.join(folder, "mnist.tflite")
>>> int8_file = os.path.join(folder, "mnist_full_int8.tflite")

# --8<-- [start:quantize-checks]
>>> def scaled(images):  # uint8 (N, 28, 28) -> float32 (N, 28, 28, 1)
...     return images[..., np.newaxis].astype(np.float32) / 255
>>> export_float(model, float_file)
>>> calibration = scaled(data.train_images[640:740])  # not trained on
>>> quantize_full_integer(float_file, int8_file, calibration)
>>> details = Interpreter(int8_file).get_tensor_details()
>>> kinds = [d["dtype"].__name__ for d in details if len(d["shape"]) > 1]
>>> kinds.count("int8"), kinds.count("float32")  # weights and activations
(11, 1)
>>> run = Interpreter(int8_file).get_signature_runner()
>>> [d["dtype"].__name__ for d in (*run.get_input_details().values(),
...                               *run.get_output_details().values())]
['int8', 'int8']
>>> test = scaled(data.test_images[:200])
>>> float_logits = load(float_file)(test)
>>> int8_logits = load_int8(int8_file)(test)
>>> same_class = int8_logits.argmax(1) == float_logits.argmax(1)
>>> bool(same_class.mean() >= 0.95)  # at least 190 of the 200 test images
True
>>> round(os.path.getsize(float_file) / os.path.getsize(int8_file), 1)
4.0

# --8<-- [end:quantize-checks]
"""

# --8<-- [start:quantize]
import numpy as np
from ai_edge_litert.interpreter import Interpreter
from litert_quantizer import calibrator, quantizer, recipe


def quantize_full_integer(float_file, int8_file, calibration_images):
    """Int8 weights and int8 activations, whose ranges are measured on
    sample images; the model's input and output become int8 too."""
    quantized = quantizer.Quantizer(float_file, recipe.static_wi8_ai8())
    run = Interpreter(float_file).get_signature_runner()
    [name] = run.get_input_details()
    samples = [{name: image[np.newaxis]} for image in calibration_images]
    ranges = quantized.calibrate(
        {"serving_default": samples},  # the exported file's one signature
        mode=calibrator.CalibrationMode.CALIBRATION_PROFILER_BASED,
    )
    result = quantized.quantize(ranges, enable_progress_report=False)
    result.export_model(int8_file, overwrite=True)


def load_int8(int8_file, threads=None):
    """Like load(): float images in, float logits out, converted to and
    from int8 with the scale and zero point stored in the file."""
    run = Interpreter(int8_file, num_threads=threads).get_signature_runner()
    [(name, given)] = run.get_input_details().items()
    [returned] = run.get_output_details().values()

    def predict(batch):
        scale, zero_point = given["quantization"]
        batch = np.round(batch / scale + zero_point).clip(-128, 127)
        [logits] = run(**{name: batch.astype(np.int8)}).values()
        scale, zero_point = returned["quantization"]
        return (logits.astype(np.float32) - zero_point) * scale

    return predict


# --8<-- [end:quantize]
