"""Creating, converting and changing tensors in TensorFlow.

The blocks between ``--8<--`` markers are shown on the page "Tensors and gradients";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:create-checks]
>>> matrix.dtype, matrix.shape
(tf.float32, TensorShape([2, 3]))
>>> counts.dtype
tf.int32
>>> product
<tf.Tensor: shape=(2, 2), dtype=float32, numpy=
array([[14., 32.],
       [32., 77.]], dtype=float32)>

# --8<-- [end:create-checks]
# --8<-- [start:numpy-checks]
>>> from_numpy
<tf.Tensor: shape=(3,), dtype=float64, numpy=array([0., 1., 2.])>
>>> type(back_to_numpy).__name__, back_to_numpy.dtype
('ndarray', dtype('float32'))

# --8<-- [end:numpy-checks]
# --8<-- [start:mutate-checks]
>>> matrix[0, 0] = 10.0
Traceback (most recent call last):
    ...
TypeError: 'tensorflow.python.framework.ops.EagerTensor' object does not support item assignment
>>> weights.numpy()
array([[10.,  2.,  3.],
       [ 4.,  5.,  6.]], dtype=float32)
>>> counts
<tf.Tensor: shape=(3,), dtype=int32, numpy=array([2, 3, 4], dtype=int32)>

# --8<-- [end:mutate-checks]
"""

# --8<-- [start:create]
import numpy as np
import tensorflow as tf

matrix = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
counts = tf.constant([1, 2, 3])  # Python ints become int32
product = matrix @ tf.transpose(matrix)  # matrix product
# --8<-- [end:create]

# --8<-- [start:numpy]
array = np.arange(3.0)
from_numpy = tf.convert_to_tensor(array)  # keeps NumPy's float64
back_to_numpy = matrix.numpy()
# --8<-- [end:numpy]

# --8<-- [start:mutate]
weights = tf.Variable(matrix)  # tensors are immutable; state lives in Variables
weights[0, 0].assign(10.0)
counts = counts + 1  # a new tensor; the old one is unchanged
# --8<-- [end:mutate]
