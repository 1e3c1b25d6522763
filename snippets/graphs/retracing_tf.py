"""Tracing and retracing with ``tf.function``.

The blocks between ``--8<--`` markers are shown on the page "Graph generation";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:retracing-checks]
>>> traces  # one trace per new Python number, shape or dtype
[(3, 'float32', 2), (3, 'float32', 3), (3, 'float32', 4), (4, 'float32', 2), (3, 'float64', 2)]
>>> scale.experimental_get_tracing_count()
5
>>> float(scale(tf.ones([3]), 3)[0])  # seen before: the stored graph runs
3.0
>>> scale.experimental_get_tracing_count()
5

# --8<-- [end:retracing-checks]
# --8<-- [start:signature-checks]
>>> [len(x) for x in outputs]
[3, 4, 5]
>>> any_length.experimental_get_tracing_count()  # one graph for every length
1
>>> relaxed.experimental_get_tracing_count()  # exact shape first, then [None]
2
>>> any_length(tf.ones([3], tf.float64))
Traceback (most recent call last):
    ...
TypeError: Binding inputs to tf.function failed due to `Can not cast TensorSpec(shape=(3,), dtype=tf.float64, name=None) to TensorSpec(shape=(None,), dtype=tf.float32, name=None)`...

# --8<-- [end:signature-checks]
"""

# --8<-- [start:retracing]
import tensorflow as tf

traces = []  # filled by Python code, which runs only while tracing


@tf.function
def scale(x, factor):
    traces.append((len(x), x.dtype.name, factor))
    return x * factor


for factor in (2, 3, 4):  # each new Python number is part of the signature
    scale(tf.ones([3]), factor)
scale(tf.ones([4]), 2)  # new shape: trace again
scale(tf.ones([3], tf.float64), 2)  # new dtype: trace again
# --8<-- [end:retracing]


# --8<-- [start:signature]
# A fixed signature: any length of float32 vector, traced once.
@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def any_length(x):
    return x * 2


# Or let TensorFlow generalise the shape after the first retrace.
@tf.function(reduce_retracing=True)
def relaxed(x):
    return x * 2


outputs = [any_length(tf.ones([n])) for n in (3, 4, 5)]
for n in (3, 4, 5):
    relaxed(tf.ones([n]))
# --8<-- [end:signature]
