"""Keras 3 on the JAX backend: the Keras classifier of trainer_tf.py, unchanged.

Keras reads ``KERAS_BACKEND`` once, when it is first imported, so the example runs this
module in a fresh Python process with ``KERAS_BACKEND=jax`` set. It is the third file of
the pair keras_backend_torch.py / keras_backend_tf.py, shown in a third tab on the page
"Learning curve" only.

# --8<-- [start:bridge-checks]
>>> import os, subprocess, sys
>>> run = subprocess.run(
...     [sys.executable, "-m", "snippets.learning_curve.keras_backend_jax"],
...     env={**os.environ, "KERAS_BACKEND": "jax"},
...     capture_output=True, text=True, check=True,
... )
>>> print(run.stdout, end="")
backend: jax
first kernel: ArrayImpl of shape (2, 16)
the kernel is a jax.Array: True
test accuracy above 0.8: True

# --8<-- [end:bridge-checks]
"""

# --8<-- [start:bridge]
import jax
import keras

if __name__ == "__main__":  # started as: KERAS_BACKEND=jax python -m ...
    # Runs the network, data, compile, fit and evaluate code shown above.
    from snippets.learning_curve import trainer_tf as keras_code

    model = keras_code.model
    kernel = model.layers[0].kernel.value  # the tensor behind the Keras weight
    print("backend:", keras.backend.backend())
    print("first kernel:", type(kernel).__name__, "of shape", kernel.shape)
    print("the kernel is a jax.Array:", isinstance(kernel, jax.Array))
    print("test accuracy above 0.8:", keras_code.test_accuracy > 0.8)
# --8<-- [end:bridge]
