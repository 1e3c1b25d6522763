"""Full integer (static) quantization of a PyTorch model with torchao's PT2E flow.

The blocks between ``--8<--`` markers are shown on the page "Quantization"; the examples
below run in the tests and appear on the page as checked output. They quantize the MNIST
page's CNN after a short training on 640 images, calibrated on 100 other training
images. The site's build also calls ``quantize_full_integer``, ``save`` and
``compile_int8`` on the trained MNIST model (``site_build/core/quantization/measure.py``).

>>> import os
>>> import tempfile
>>> from site_build.core.mnist_data import load_splits
>>> from snippets.mnist.model_torch import build_model
>>> from snippets.mnist.pipeline_torch import make_batches
>>> from snippets.mnist.training_torch import make_reproducible, train
>>> make_reproducible(seed=2026)
>>> data = load_splits()
>>> few = make_batches(data.train_images[:640], data.train_labels[:640], 32, True)
>>> model = build_model()
>>> _ = train(model, few, few, epochs=1, learning_rate=0.01)
>>> torch.use_deterministic_algorithms(False)  # back to the default kernels
>>> folder = tempfile.mkdtemp()
>>> float_file = os.path.join(folder, "mnist.pt2")
>>> int8_file = os.path.join(folder, "mnist_full_int8.pt2")

# --8<-- [start:quantize-checks]
>>> def scaled(images):  # uint8 (N, 28, 28) -> float32 (N, 1, 28, 28)
...     return torch.from_numpy(images).unsqueeze(1).float() / 255
>>> one = scaled(data.train_images[:1])
>>> torch.export.save(export(model.eval(), (one,)), float_file)
>>> calibration = scaled(data.train_images[640:740])  # not trained on
>>> quantized = quantize_full_integer(model, calibration)
>>> save(quantized, int8_file, one)
>>> saved = torch.export.load(int8_file).module()
>>> sorted({str(t.dtype) for t in saved.state_dict().values() if t.dim() > 1})
['torch.int8']
>>> quantize = torch.ops.quantized_decomposed.quantize_per_tensor.default
>>> sorted({str(n.args[-1]) for n in saved.graph.nodes if n.target == quantize})
['torch.uint8']
>>> test = scaled(data.test_images[:200])
>>> fast = compile_int8(quantized, one)  # compiling takes several seconds
>>> with torch.no_grad():
...     float_logits = model(test)
...     int8_logits = torch.cat([fast(image) for image in test.split(1)])
>>> same_class = int8_logits.argmax(1) == float_logits.argmax(1)
>>> bool(same_class.float().mean() >= 0.95)  # at least 190 of the 200 images
True
>>> round(os.path.getsize(float_file) / os.path.getsize(int8_file), 1)
4.0

# --8<-- [end:quantize-checks]
"""

# --8<-- [start:quantize]
import torch
from torch.export import export
from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
from torchao.quantization.pt2e.quantizer import x86_inductor_quantizer as x86


def quantize_full_integer(model, calibration_images):
    """Int8 weights and 8-bit activations, whose ranges are measured on
    sample images: the recipe for x86 CPUs, here for one image at a time.
    The model's input and output stay float."""
    graph = export(model.eval(), (calibration_images[:1],)).module()
    recipe = x86.X86InductorQuantizer()
    recipe.set_global(x86.get_default_x86_inductor_quantization_config())
    observed = prepare_pt2e(graph, recipe)
    with torch.no_grad():
        for image in calibration_images.split(1):
            observed(image)  # records the range of each activation
    return convert_pt2e(observed)


def save(quantized, path, example_image):
    """The quantized program as a .pt2 file, without the float weights that
    the module still holds but its graph no longer reads."""
    read = {node.target for node in quantized.graph.nodes}
    for name, _ in list(quantized.named_parameters()):
        if name not in read:
            owner, _, weight = name.rpartition(".")
            delattr(quantized.get_submodule(owner), weight)
    # The example is saved in the file: a copy, or a slice would bring its
    # whole batch along.
    torch.export.save(export(quantized, (example_image.clone(),)), path)


def compile_int8(quantized, example_image):
    """Int8 oneDNN kernels for the quantized patterns (x86 CPUs), compiled
    now for the example's shape. Inductor's freezing, off by default, folds
    the int8 weights into constants, which those kernels need."""
    compiled = torch.compile(quantized)
    with torch.no_grad(), torch._inductor.config.patch(freezing=True):
        compiled(example_image)
    return compiled


# --8<-- [end:quantize]
