"""Exporting the PyTorch model with torch.export and saving it as a .pt2 file.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:export-checks]
>>> import zipfile
>>> zipfile.is_zipfile(program_file)  # a .pt2 file is a zip archive
True
>>> [spec.arg.name for spec in exported.graph_signature.input_specs
...  if spec.kind == torch.export.graph_signature.InputKind.USER_INPUT]
['features']
>>> exported.range_constraints  # the batch dimension stays symbolic
{s...: VR[0, int_oo]}

# --8<-- [end:export-checks]
"""

# --8<-- [start:export]
import tempfile

import numpy as np
import torch

from snippets.deployment.small_model_torch import inputs, model  # shown above

workdir = tempfile.TemporaryDirectory()
example = (torch.from_numpy(inputs),)
batch = torch.export.Dim("batch")  # any batch size, not only the example's
dynamic_shapes = {"features": {0: batch}}  # keyed by forward()'s argument
exported = torch.export.export(model, example, dynamic_shapes=dynamic_shapes)
program_file = f"{workdir.name}/classifier.pt2"
torch.export.save(exported, program_file)

inputs_file = f"{workdir.name}/inputs.npy"
np.save(inputs_file, inputs)  # for the fresh process below
with torch.no_grad():
    in_memory = model(*example).numpy()
# --8<-- [end:export]
