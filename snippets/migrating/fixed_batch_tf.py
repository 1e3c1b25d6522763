"""ONNX pitfalls with the Keras exporter: a batch size written into the file, and the
operator set the runtime must support.

Shown on docs/*/migrating.md next to fixed_batch_torch.py; the export with a dynamic batch
is deployment/onnx_export_tf.py.

>>> import numpy as np
>>> from snippets.deployment.small_model_tf import inputs

# --8<-- [start:fixed-checks]
>>> [(i.name, i.shape) for i in session.get_inputs()]
[('args_0', [2, 4])]
>>> opsets  # what the runtime must implement
{'ai.onnx': 15, 'ai.onnx.ml': 2}
>>> batch_of_4 = np.concatenate([inputs, inputs])
>>> session.run(None, {"args_0": batch_of_4})
Traceback (most recent call last):
...
onnxruntime...InvalidArgument: ...Got invalid dimensions for input: args_0...

# --8<-- [end:fixed-checks]
"""

# --8<-- [start:fixed]
import tempfile

import keras
import onnx
import onnxruntime as ort

from snippets.deployment.small_model_tf import model

workdir = tempfile.TemporaryDirectory()
# A fixed input signature writes the batch of 2 into the file.
spec = keras.InputSpec(shape=(2, 4), dtype="float32")
onnx_file = f"{workdir.name}/fixed_batch_tf.onnx"
model.export(onnx_file, format="onnx", input_signature=[spec], verbose=False)

session = ort.InferenceSession(onnx_file, providers=["CPUExecutionProvider"])
imports = onnx.load(onnx_file).opset_import
opsets = {opset.domain or "ai.onnx": opset.version for opset in imports}
# --8<-- [end:fixed]
