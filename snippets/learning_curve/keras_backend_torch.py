"""Keras 3 on the PyTorch backend: the Keras classifier of trainer_tf.py, unchanged.

Keras reads ``KERAS_BACKEND`` once, when it is first imported, so the example runs this
module in a fresh Python process with ``KERAS_BACKEND=torch`` set.

# --8<-- [start:bridge-checks]
>>> import os, subprocess, sys
>>> run = subprocess.run(
...     [sys.executable, "-m", "snippets.learning_curve.keras_backend_torch"],
...     env={**os.environ, "KERAS_BACKEND": "torch"},
...     capture_output=True, text=True, check=True,
... )
>>> print(run.stdout, end="")
backend: torch
first kernel: Parameter of shape torch.Size([2, 16])
the model is a torch.nn.Module: True
test accuracy above 0.8: True

# --8<-- [end:bridge-checks]
"""

# shows-both-frameworks: bridge (Keras running on PyTorch)
# --8<-- [start:bridge]
import keras
import torch

if __name__ == "__main__":  # started as: KERAS_BACKEND=torch python -m ...
    # Runs the network, data, compile, fit and evaluate code shown above.
    from snippets.learning_curve import trainer_tf as keras_code

    model = keras_code.model
    kernel = model.layers[0].kernel.value  # the tensor behind the Keras weight
    print("backend:", keras.backend.backend())
    print("first kernel:", type(kernel).__name__, "of shape", kernel.shape)
    print("the model is a torch.nn.Module:", isinstance(model, torch.nn.Module))
    print("test accuracy above 0.8:", keras_code.test_accuracy > 0.8)
# --8<-- [end:bridge]
