"""The JSON body of a TensorFlow Serving REST predict request, read from the signature.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:request-checks]
>>> print(url)
http://localhost:8501/v1/models/classifier/versions/1:predict
>>> import json
>>> print(json.dumps(body))
{"signature_name": "serving_default", "inputs": {"features": [[-1.0, -0.75, -0.5, -0.25], [0.0, 0.25, 0.5, 0.75]]}}
>>> # What the server does with it: decode, check against the signature, call.
>>> decoded = {name: tf.constant(value, dtype=input_specs[name].dtype)
...            for name, value in body["inputs"].items()}
>>> all(input_specs[name].is_compatible_with(t) for name, t in decoded.items())
True
>>> from snippets.deployment.serving_export_tf import in_memory
>>> (served,) = serve(**decoded).values()
>>> np.array_equal(served.numpy(), in_memory)
True

# --8<-- [end:request-checks]
"""

# --8<-- [start:request]
import numpy as np
import tensorflow as tf

from snippets.deployment.serving_export_tf import inputs, model_dir

signature_name = "serving_default"
serve = tf.saved_model.load(model_dir).signatures[signature_name]
# The names, dtypes and shapes the server will check requests against:
input_specs = serve.structured_input_signature[1]
((input_name, spec),) = input_specs.items()
batch = np.asarray(inputs, dtype=spec.dtype.as_numpy_dtype)
if not spec.shape.is_compatible_with(batch.shape):
    raise ValueError(f"{input_name} expects {spec.shape}, got {batch.shape}")

# Columnar format: input name -> the whole batch as nested lists.
body = {
    "signature_name": signature_name,
    "inputs": {input_name: batch.tolist()},
}
# POST the JSON here; the version segment is optional (latest if omitted).
url = "http://localhost:8501/v1/models/classifier/versions/1:predict"
# --8<-- [end:request]
