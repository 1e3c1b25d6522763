"""Static graphs in TensorFlow: concrete functions of ``tf.function`` and AutoGraph.

The blocks between ``--8<--`` markers are shown on the page "Graph generation";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:export-checks]
>>> type(concrete).__name__
'ConcreteFunction'
>>> operations
['MatMul', 'BiasAdd', 'Relu', 'MatMul', 'BiasAdd']
>>> bool(tf.reduce_all(concrete(example) == model(example)))
True
>>> concrete.output_shapes  # the batch size 3 is part of the graph
TensorShape([3, 2])

# --8<-- [end:export-checks]
# --8<-- [start:graph-breaks-checks]
>>> results
[[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]]
>>> shift.experimental_get_tracing_count()  # one graph holds both branches
1
>>> "StatelessIf" in [op.type for op in shift_graph.get_operations()]
True

# --8<-- [end:graph-breaks-checks]
"""

# --8<-- [start:export]
import keras
import tensorflow as tf

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(2),
    ]
)
example = tf.random.normal([3, 4])
# Trace the model once for this input signature: a concrete function.
concrete = tf.function(model).get_concrete_function(example)
kinds = [op.type for op in concrete.graph.get_operations()]
operations = [k for k in kinds if k in {"MatMul", "BiasAdd", "Relu"}]
# --8<-- [end:export]


# --8<-- [start:graph-breaks]
@tf.function
def shift(x):
    y = x * 2
    if tf.reduce_sum(y) > 0:  # AutoGraph turns this `if` into tf.cond
        return y - 1
    return y + 1


results = [shift(x).numpy().tolist() for x in (tf.ones(3), -tf.ones(3))]
shift_graph = shift.get_concrete_function(tf.ones(3)).graph
# --8<-- [end:graph-breaks]
