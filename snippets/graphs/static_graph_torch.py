"""Static graphs in PyTorch: ``torch.export`` and the graphs ``torch.compile`` captures.

The blocks between ``--8<--`` markers are shown on the page "Graph generation";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:export-checks]
>>> type(program).__name__
'ExportedProgram'
>>> operations
['aten.linear.default', 'aten.relu.default', 'aten.linear.default']
>>> torch.equal(program.module()(example), model(example))
True
>>> program.module()(torch.randn(5, 4))  # the batch size 3 is part of the graph
Traceback (most recent call last):
    ...
AssertionError: Guard failed: x.size()[0] == 3

# --8<-- [end:export-checks]
# --8<-- [start:graph-breaks-checks]
>>> results
[[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]]
>>> len(captured)  # the code before the `if`, then each branch
3

# --8<-- [end:graph-breaks-checks]
"""

# --8<-- [start:export]
import torch


class TwoLayers(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(4, 8)
        self.output = torch.nn.Linear(8, 2)

    def forward(self, x):
        return self.output(torch.relu(self.hidden(x)))


torch.manual_seed(0)
model = TwoLayers()
example = torch.randn(3, 4)
program = torch.export.export(model, (example,))  # traced ahead of time
nodes = program.graph.nodes
operations = [str(n.target) for n in nodes if n.op == "call_function"]
# --8<-- [end:export]

# --8<-- [start:graph-breaks]
captured = []


def recording_backend(graph_module, example_inputs):
    captured.append(graph_module)  # keep every graph Dynamo hands over
    return graph_module.forward  # and run it unchanged


@torch.compile(backend=recording_backend)
def shift(x):
    y = x * 2
    if y.sum() > 0:  # depends on values: Dynamo breaks the graph here
        return y - 1
    return y + 1


results = [shift(x).tolist() for x in (torch.ones(3), -torch.ones(3))]
# --8<-- [end:graph-breaks]
