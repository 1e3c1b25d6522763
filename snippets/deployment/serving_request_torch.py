"""An Open Inference Protocol (KServe V2) request body, read from the exported program.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:request-checks]
>>> print(url)
http://localhost:8080/v2/models/classifier/infer
>>> import json
>>> print(json.dumps(body))
{"inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP32", "data": [-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75]}]}
>>> # What a server does with it: rebuild the tensor and run the program.
>>> (tensor,) = body["inputs"]
>>> features = torch.tensor(tensor["data"], dtype=torch.float32).reshape(
...     tensor["shape"])
>>> from snippets.deployment.serving_export_torch import in_memory
>>> with torch.no_grad():
...     served = exported.module()(features)
>>> np.array_equal(served.numpy(), in_memory)
True

# --8<-- [end:request-checks]
"""

# --8<-- [start:request]
import numpy as np
import torch

from snippets.deployment.serving_export_torch import inputs, program_file

exported = torch.export.load(program_file)
# The program records each user input's name and an example of its
# shape (the batch dimension symbolic) and dtype:
(input_name,) = exported.graph_signature.user_inputs
nodes = {node.name: node for node in exported.graph.nodes}
expected = nodes[input_name].meta["val"]
batch = np.asarray(inputs, dtype=np.float32)
if expected.dtype != torch.float32 or expected.shape[1:] != batch.shape[1:]:
    raise ValueError(f"{input_name} expects {expected}, got {batch.shape}")

# The protocol's JSON: a list of named tensors, data flattened row-major.
body = {
    "inputs": [
        {
            "name": input_name,
            "shape": list(batch.shape),
            "datatype": "FP32",
            "data": batch.ravel().tolist(),
        }
    ]
}
url = "http://localhost:8080/v2/models/classifier/infer"
# --8<-- [end:request]
