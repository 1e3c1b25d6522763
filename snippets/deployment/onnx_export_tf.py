"""Exporting the Keras model to ONNX and running it in ONNX Runtime.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:onnx-checks]
>>> import numpy as np
>>> [(i.name, i.shape, i.type) for i in session.get_inputs()]
[('features', ['unk__...', 4], 'tensor(float)')]
>>> from snippets.deployment.serving_export_tf import in_memory
>>> np.allclose(onnx_predictions, in_memory, rtol=0, atol=1e-5)
True
>>> # The same weights, so the PyTorch model's ONNX file agrees too:
>>> from snippets.deployment import onnx_export_torch
>>> np.allclose(onnx_predictions, onnx_export_torch.onnx_predictions,
...             rtol=0, atol=1e-5)
True

# --8<-- [end:onnx-checks]
"""

# --8<-- [start:onnx]
import onnxruntime as ort

from snippets.deployment.serving_export_tf import workdir
from snippets.deployment.small_model_tf import inputs, model

# Keras exports through tf2onnx; the model must have been built (called).
onnx_file = f"{workdir.name}/classifier_tf.onnx"
model.export(onnx_file, format="onnx", verbose=False)

session = ort.InferenceSession(onnx_file, providers=["CPUExecutionProvider"])
input_name = session.get_inputs()[0].name  # Keras keeps the Input's name
(onnx_predictions,) = session.run(None, {input_name: inputs})
# --8<-- [end:onnx]
