"""What a C++ loader finds in the SavedModel: files, tag set and serving signature.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:without-python-checks]
>>> import os
>>> sorted(os.listdir(model_dir))
['assets', 'fingerprint.pb', 'saved_model.pb', 'variables']
>>> sorted(os.listdir(f"{model_dir}/variables"))  # the weights, a checkpoint
['variables.data-00000-of-00001', 'variables.index']
>>> import tensorflow as tf
>>> list(meta_graph.meta_info_def.tags)  # the tag set LoadSavedModel asks for
['serve']
>>> signature.method_name
'tensorflow/serving/predict'
>>> for key, info in [*signature.inputs.items(), *signature.outputs.items()]:
...     shape = [dim.size for dim in info.tensor_shape.dim]  # -1: any size
...     print(key, tf.dtypes.as_dtype(info.dtype).name, shape, info.name)
features float32 [-1, 4] serving_default_features:0
output_0 float32 [-1, 3] StatefulPartitionedCall_1:0
>>> serve = tf.saved_model.load(model_dir).signatures["serving_default"]
>>> serve.structured_outputs  # Python's view of the same signature
{'output_0': TensorSpec(shape=(None, 3), dtype=tf.float32, name='output_0')}

# --8<-- [end:without-python-checks]
"""

# --8<-- [start:without-python]
from pathlib import Path

from tensorflow.core.protobuf import saved_model_pb2

# The SavedModel exported above, in TensorFlow Serving's <model>/<version>/.
from snippets.deployment.serving_export_tf import model_dir

# saved_model.pb is a protocol buffer: the graphs, each under a set of tags,
# with their signatures. variables/ holds the weights. This is what
# `saved_model_cli show` prints and what a C++ program reads.
pb_file = Path(model_dir, "saved_model.pb")
saved_model = saved_model_pb2.SavedModel.FromString(pb_file.read_bytes())
(meta_graph,) = saved_model.meta_graphs
signature = meta_graph.signature_def["serving_default"]
# --8<-- [end:without-python]
