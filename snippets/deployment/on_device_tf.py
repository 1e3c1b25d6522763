"""Converting the Keras model to LiteRT (TensorFlow Lite) and running the interpreter.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:on-device-checks]
>>> import numpy as np
>>> with open(litert_file, "rb") as flatbuffer:
...     flatbuffer.read(8)[4:]  # the file identifier of a LiteRT model
b'TFL3'
>>> from snippets.deployment.serving_export_tf import in_memory
>>> np.allclose(on_device_predictions, in_memory, rtol=0, atol=1e-5)
True

# --8<-- [end:on-device-checks]
"""

# --8<-- [start:on-device]
from ai_edge_litert.interpreter import Interpreter

from snippets.deployment.serving_export_tf import workdir
from snippets.deployment.small_model_tf import inputs, model

litert_file = f"{workdir.name}/classifier.tflite"
model.export(litert_file, format="litert", verbose=False)

# The interpreter the app would embed, here through its Python API.
interpreter = Interpreter(model_path=litert_file)
interpreter.resize_tensor_input(0, list(inputs.shape))  # batch of 2
interpreter.allocate_tensors()
(input_detail,) = interpreter.get_input_details()
(output_detail,) = interpreter.get_output_details()
interpreter.set_tensor(input_detail["index"], inputs)
interpreter.invoke()
on_device_predictions = interpreter.get_tensor(output_detail["index"])
# --8<-- [end:on-device]
