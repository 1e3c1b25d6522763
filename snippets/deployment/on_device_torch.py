"""The first step of an ExecuTorch export: the program decomposed to the core ATen opset.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:on-device-checks]
>>> import numpy as np
>>> import torch
>>> sorted(str(op) for op in operators)
['aten.addmm.default', 'aten.permute.default', 'aten.relu.default']
>>> all(torch.Tag.core in op.tags for op in operators)  # all in core ATen
True
>>> from snippets.deployment.serving_export_torch import example, in_memory
>>> with torch.no_grad():
...     decomposed = core_aten.module()(*example)
>>> np.array_equal(decomposed.numpy(), in_memory)
True

# --8<-- [end:on-device-checks]
"""

# --8<-- [start:on-device]
from snippets.deployment.serving_export_torch import exported

# ExecuTorch's to_edge() starts from the core ATen operator set, a small
# set of operators that every ExecuTorch backend must implement.
core_aten = exported.run_decompositions()
calls = [node for node in core_aten.graph.nodes if node.op == "call_function"]
operators = {node.target for node in calls}
# --8<-- [end:on-device]
