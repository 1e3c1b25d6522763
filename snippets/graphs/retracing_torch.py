"""Recompilation with ``torch.compile``, seen through a backend that records graphs.

The blocks between ``--8<--`` markers are shown on the page "Graph generation";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:retracing-checks]
>>> len(scale_graphs)  # 2 for the numbers, 1 for the length, 1 for the dtype
4
>>> [
...     [type(node.meta["example_value"]).__name__ for node in graph.graph.nodes
...      if node.op == "placeholder"]
...     for graph in scale_graphs
... ]  # what each graph takes: tensors and symbolic integers
[['FakeTensor'], ['FakeTensor', 'SymInt'], ['SymInt', 'FakeTensor', 'SymInt'], ['SymInt', 'FakeTensor', 'SymInt']]
>>> scale(torch.ones(7), 9).tolist()  # a new length and a new number...
[9.0, 9.0, 9.0, 9.0, 9.0, 9.0, 9.0]
>>> len(scale_graphs)  # ...and no new graph
4

# --8<-- [end:retracing-checks]
# --8<-- [start:signature-checks]
>>> [len(x) for x in outputs]
[3, 4, 5]
>>> len(any_length_graphs)  # one graph for every length
1

# --8<-- [end:signature-checks]
"""

# --8<-- [start:retracing]
import torch


def recording_backend(graphs):
    """A torch.compile backend that keeps each graph Dynamo captures."""

    def backend(graph_module, example_inputs):
        graphs.append(graph_module)
        return graph_module.forward  # run it as it is: no code generation

    return backend


scale_graphs = []


@torch.compile(backend=recording_backend(scale_graphs))
def scale(x, factor):
    return x * factor


for factor in (2, 3, 4):  # the second value turns `factor` into a symbol
    scale(torch.ones(3), factor)
scale(torch.ones(4), 2)  # new length: recompile, the length becomes a symbol
scale(torch.ones(3, dtype=torch.float64), 2)  # new dtype: recompile
# --8<-- [end:retracing]

# --8<-- [start:signature]
any_length_graphs = []


# dynamic=True: sizes are symbols from the first compilation on.
@torch.compile(backend=recording_backend(any_length_graphs), dynamic=True)
def any_length(x):
    return x * 2


outputs = [any_length(torch.ones(n)) for n in (3, 4, 5)]
# --8<-- [end:signature]
