"""Eager execution in TensorFlow 2: every operation runs as soon as Python reaches it.

The blocks between ``--8<--`` markers are shown on the page "Graph generation";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:eager-checks]
>>> tf.executing_eagerly()
True
>>> type(product).__name__
'EagerTensor'
>>> product.numpy().tolist()  # a concrete value, available at once
[[7.0, 10.0], [15.0, 22.0]]
>>> bigger
True

# --8<-- [end:eager-checks]
"""

# --8<-- [start:eager]
import tensorflow as tf

matrix = tf.constant([[1.0, 2.0], [3.0, 4.0]])
product = matrix @ matrix  # computed now, no graph to build or session to run
bigger = bool(tf.reduce_sum(product) > 50)  # Python can branch on the value
# --8<-- [end:eager]
