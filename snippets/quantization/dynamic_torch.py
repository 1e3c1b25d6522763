"""Int8 dynamic quantization of a PyTorch model's Linear layers with torchao.

The blocks between ``--8<--`` markers are shown on the page "Quantization"; the examples
below run in the tests and appear on the page as checked output. The site's build also
calls ``quantize`` and ``saved_bytes`` on the trained MNIST model
(``site_build/core/quantization/measure.py``).

# --8<-- [start:use-checks]
>>> [type(model[i].weight).__name__ for i in (0, 2)]  # int8 values + scales
['Int8Tensor', 'Int8Tensor']
>>> model[0].weight.qdata.dtype, model[0].weight.qdata.shape
(torch.int8, torch.Size([512, 256]))
>>> error = np.abs(int8_logits - float_logits).max()
>>> bool(error < 0.02 * np.abs(float_logits).max())  # within 2% of the range
True
>>> same_class = int8_logits.argmax(1) == float_logits.argmax(1)
>>> bool(same_class.mean() > 0.9)  # random inputs: some classes are near ties
True
>>> round(float_bytes / int8_bytes, 1)  # the saved weights shrink about 4x
3.8

# --8<-- [end:use-checks]
"""

# ruff: noqa: E402 (each shown section starts with the imports it needs)

# --8<-- [start:model]
import numpy as np
import torch

# A small classifier with fixed weights drawn with NumPy: its Keras twin
# holds exactly the same numbers.
rng = np.random.default_rng(seed=0)
hidden_kernel = rng.normal(0, 0.1, (256, 512)).astype(np.float32)
output_kernel = rng.normal(0, 0.1, (512, 10)).astype(np.float32)
images = rng.random((64, 256), dtype=np.float32)

model = torch.nn.Sequential(
    torch.nn.Linear(256, 512, bias=False),
    torch.nn.ReLU(),
    torch.nn.Linear(512, 10, bias=False),
)
with torch.no_grad():  # nn.Linear stores (out, in): transpose the kernels
    model[0].weight.copy_(torch.from_numpy(hidden_kernel.T))
    model[2].weight.copy_(torch.from_numpy(output_kernel.T))
model.eval()
# --8<-- [end:model]

# --8<-- [start:quantize]
import io

from torchao.quantization import (
    Int8DynamicActivationInt8WeightConfig,
    quantize_,
)


def quantize(model):
    """Int8 weights (one scale per output row) in every nn.Linear; the
    activations are quantized to int8 on each call, from their own range."""
    quantize_(model.eval(), Int8DynamicActivationInt8WeightConfig())
    return model  # changed in place: the layers now hold int8 tensors


def saved_bytes(model):
    """The size of the model's weights saved with torch.save."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


# --8<-- [end:quantize]

# --8<-- [start:use]
with torch.no_grad():
    float_logits = model(torch.from_numpy(images)).numpy()
float_bytes = saved_bytes(model)

quantize(model)
with torch.no_grad():
    int8_logits = model(torch.from_numpy(images)).numpy()
int8_bytes = saved_bytes(model)
# --8<-- [end:use]
