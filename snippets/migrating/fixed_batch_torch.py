"""ONNX pitfalls with the PyTorch exporter: a batch size written into the file, and the
operator set the runtime must support.

Shown on docs/*/migrating.md next to fixed_batch_tf.py; the export with a dynamic batch is
deployment/onnx_export_torch.py.

>>> import numpy as np

# --8<-- [start:fixed-checks]
>>> [(i.name, i.shape) for i in session.get_inputs()]
[('features', [2, 4])]
>>> opsets  # what the runtime must implement
{'ai.onnx': 20}
>>> batch_of_4 = np.concatenate([inputs, inputs])
>>> session.run(None, {"features": batch_of_4})
Traceback (most recent call last):
...
onnxruntime...InvalidArgument: ...Got invalid dimensions for input: features...

# --8<-- [end:fixed-checks]
"""

# --8<-- [start:fixed]
import tempfile

import onnx
import onnxruntime as ort
import torch

from snippets.deployment.small_model_torch import inputs, model

workdir = tempfile.TemporaryDirectory()
# Without dynamic_shapes, the example's batch of 2 is written into the file.
program = torch.onnx.export(model, (torch.from_numpy(inputs),), verbose=False)
onnx_file = f"{workdir.name}/fixed_batch_torch.onnx"
program.save(onnx_file)

session = ort.InferenceSession(onnx_file, providers=["CPUExecutionProvider"])
imports = onnx.load(onnx_file).opset_import
opsets = {opset.domain or "ai.onnx": opset.version for opset in imports}
# --8<-- [end:fixed]
