"""A branch that depends on tensor values, in TensorFlow: AutoGraph and ``tf.cond``.

The blocks between ``--8<--`` markers are shown on the page "Graph generation";
the examples below run in the tests and appear on the page as checked output.
The weights and inputs are the same numbers as in control_flow_torch.py.

# --8<-- [start:branch-checks]
>>> branches  # the two inputs take different branches
['sigmoid', 'tanh']
>>> from snippets.graphs import control_flow_torch
>>> [
...     np.allclose(ours.numpy(), theirs.detach().numpy(), atol=1e-6)
...     for ours, theirs in zip(outputs, control_flow_torch.outputs)
... ]  # the same results as the PyTorch model, within 1e-6
[True, True]

# --8<-- [end:branch-checks]
# --8<-- [start:export-branch-checks]
>>> model.__call__.experimental_get_tracing_count()  # [1, 3], then [None, 3]
2
>>> "StatelessIf" in [op.type for op in any_batch.graph.get_operations()]
True
>>> [bool(tf.reduce_all(any_batch(x) == y)) for x, y in zip(inputs, outputs)]
[True, True]
>>> [bool(tf.reduce_all(explicit(x) == y)) for x, y in zip(inputs, outputs)]
[True, True]

# --8<-- [end:export-branch-checks]
"""

# --8<-- [start:branch]
import keras
import numpy as np
import tensorflow as tf

# The same numbers in both frameworks, drawn once with NumPy.
rng = np.random.default_rng(seed=7)
KERNEL = rng.normal(size=(3, 3)).astype(np.float32)  # (in, out)
BIAS = rng.normal(size=3).astype(np.float32)
FIRST, SECOND = [[1.0, 2.0, 3.0]], [[-1.0, -2.0, -3.0]]


class Gate(tf.Module):
    def __init__(self):
        super().__init__()
        self.linear = keras.layers.Dense(3)  # stores the kernel as (in, out)
        self.linear.build((None, 3))
        self.linear.set_weights([KERNEL, BIAS])

    @tf.function
    def __call__(self, x):
        h = self.linear(x)
        if tf.reduce_sum(h) > 0:  # AutoGraph turns this `if` into tf.cond
            return tf.tanh(h)
        return tf.sigmoid(h)


model = Gate()
inputs = [tf.constant(FIRST), tf.constant(SECOND)]
outputs = [model(x) for x in inputs]
sums = [float(tf.reduce_sum(model.linear(x))) for x in inputs]
branches = ["tanh" if total > 0 else "sigmoid" for total in sums]
# --8<-- [end:branch]

# --8<-- [start:export-branch]
# The graph for any batch size, ready to save; it already holds both branches.
any_batch_spec = tf.TensorSpec(shape=[None, 3], dtype=tf.float32)
any_batch = model.__call__.get_concrete_function(any_batch_spec)


# What AutoGraph wrote for us, spelled out with tf.cond:
@tf.function
def explicit(x):
    h = model.linear(x)
    positive = tf.reduce_sum(h) > 0
    return tf.cond(positive, lambda: tf.tanh(h), lambda: tf.sigmoid(h))


# --8<-- [end:export-branch]
