"""Converting the Keras model to LiteRT and running it with the CompiledModel API.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:on-device-checks]
>>> import numpy as np
>>> with open(litert_file, "rb") as flatbuffer:
...     flatbuffer.read(8)[4:]  # the file identifier of a LiteRT model
b'TFL3'
>>> compiled.get_signature_list()
{'serving_default': {'inputs': ['features'], 'outputs': ['output_0']}}
>>> output_details["shape"]
[2, 3]
>>> from snippets.deployment.serving_export_tf import in_memory
>>> np.allclose(on_device_predictions, in_memory, rtol=0, atol=1e-5)
True

# --8<-- [end:on-device-checks]
"""

# --8<-- [start:on-device]
import numpy as np
from ai_edge_litert.compiled_model import CompiledModel

from snippets.deployment.serving_export_tf import workdir
from snippets.deployment.small_model_tf import inputs, model

litert_file = f"{workdir.name}/classifier.tflite"
model.export(litert_file, format="litert", verbose=False)

# The runtime the app would embed, here through its Python API, on the CPU.
compiled = CompiledModel.from_file(litert_file)
compiled.resize_input_tensor(0, inputs.shape)  # input 0: a batch of 2
input_buffers = compiled.create_input_buffers(0)  # signature 0
output_buffers = compiled.create_output_buffers(0)
input_buffers[0].write(inputs)
compiled.run_by_index(0, input_buffers, output_buffers)

outputs = compiled.get_output_tensor_details("serving_default")
output_details = outputs["output_0"]
shape = output_details["shape"]
flat = output_buffers[0].read(int(np.prod(shape)), np.float32)
on_device_predictions = flat.reshape(shape)
# --8<-- [end:on-device]
