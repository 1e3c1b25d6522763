"""A branch that depends on tensor values, in PyTorch: eager Python, then ``torch.cond``.

The blocks between ``--8<--`` markers are shown on the page "Graph generation";
the examples below run in the tests and appear on the page as checked output.
The weights and inputs are the same numbers as in control_flow_tf.py.

# --8<-- [start:branch-checks]
>>> branches  # the two inputs take different branches
['sigmoid', 'tanh']
>>> from snippets.graphs import control_flow_tf
>>> [
...     np.allclose(ours.detach().numpy(), theirs.numpy(), atol=1e-6)
...     for ours, theirs in zip(outputs, control_flow_tf.outputs)
... ]  # the same results as the TensorFlow model, within 1e-6
[True, True]

# --8<-- [end:branch-checks]
# --8<-- [start:export-branch-checks]
>>> torch.export.export(model, (torch.tensor(FIRST),))
Traceback (most recent call last):
    ...
torch.fx.experimental.symbolic_shapes.GuardOnDataDependentSymNode: Could not guard on data-dependent expression ...
>>> "torch.ops.higher_order.cond" in program.graph_module.code
True
>>> [torch.allclose(program.module()(x), y) for x, y in zip(inputs, outputs)]
[True, True]

# --8<-- [end:export-branch-checks]
"""

# --8<-- [start:branch]
import numpy as np
import torch

# The same numbers in both frameworks, drawn once with NumPy.
rng = np.random.default_rng(seed=7)
KERNEL = rng.normal(size=(3, 3)).astype(np.float32)  # (in, out)
BIAS = rng.normal(size=3).astype(np.float32)
FIRST, SECOND = [[1.0, 2.0, 3.0]], [[-1.0, -2.0, -3.0]]


class Gate(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(3, 3)
        with torch.no_grad():  # nn.Linear stores the weight as (out, in)
            self.linear.weight.copy_(torch.from_numpy(KERNEL.T))
            self.linear.bias.copy_(torch.from_numpy(BIAS))

    def forward(self, x):
        h = self.linear(x)
        if h.sum() > 0:  # plain Python on a tensor value: fine in eager mode
            return torch.tanh(h)
        return torch.sigmoid(h)


model = Gate()
inputs = [torch.tensor(FIRST), torch.tensor(SECOND)]
outputs = [model(x) for x in inputs]
sums = [model.linear(x).sum().item() for x in inputs]
branches = ["tanh" if total > 0 else "sigmoid" for total in sums]
# --8<-- [end:branch]


# --8<-- [start:export-branch]
class ExportableGate(Gate):
    def forward(self, x):
        h = self.linear(x)
        # Both branches go into the graph; the value picks one at run time.
        return torch.cond(h.sum() > 0, torch.tanh, torch.sigmoid, (h,))


program = torch.export.export(ExportableGate(), (inputs[0],))
# --8<-- [end:export-branch]
