"""Exporting the PyTorch model to ONNX (torch.export-based exporter), run in ONNX Runtime.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:onnx-checks]
>>> import numpy as np
>>> [(i.name, i.shape, i.type) for i in session.get_inputs()]
[('features', ['batch', 4], 'tensor(float)')]
>>> from snippets.deployment.serving_export_torch import in_memory
>>> np.allclose(onnx_predictions, in_memory, rtol=0, atol=1e-5)
True

# --8<-- [end:onnx-checks]
"""

# --8<-- [start:onnx]
import onnxruntime as ort
import torch

from snippets.deployment.serving_export_torch import example, workdir
from snippets.deployment.small_model_torch import inputs, model

batch = torch.export.Dim("batch")
onnx_program = torch.onnx.export(  # the exporter built on torch.export
    model,
    example,
    dynamic_shapes={"features": {0: batch}},
    verbose=False,
)
onnx_file = f"{workdir.name}/classifier_torch.onnx"
onnx_program.save(onnx_file)

session = ort.InferenceSession(onnx_file, providers=["CPUExecutionProvider"])
(onnx_predictions,) = session.run(None, {"features": inputs})
# --8<-- [end:onnx]
