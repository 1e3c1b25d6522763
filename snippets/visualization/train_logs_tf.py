"""Writing TensorBoard logs from Keras: the ``keras.callbacks.TensorBoard`` callback.

The block between ``--8<--`` markers is shown on the page "Visualization" next to
train_logs_torch.py, which trains the same model on the same data with an explicit
PyTorch loop. event_files_tf.py reads the logs back.

# --8<-- [start:write-checks]
>>> [round(loss, 3) for loss in epoch_losses]  # mean training loss of each epoch
[6.107, 1.559, 0.403, 0.105, 0.028]
>>> all(later < earlier for earlier, later in zip(epoch_losses, epoch_losses[1:]))
True
>>> [path.name.split(".")[:3] for path in run_folder.iterdir()]  # one event file
[['events', 'out', 'tfevents']]

# --8<-- [end:write-checks]
"""

# --8<-- [start:write]
import tempfile
from pathlib import Path

import keras
import numpy as np

# 64 points with targets y = 3*x1 - 2*x2 + 1: the same data in both files.
rng = np.random.default_rng(seed=0)
x = rng.normal(size=(64, 2)).astype("float32")
y = x @ np.array([[3.0], [-2.0]], dtype="float32") + 1.0

keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")

logs = tempfile.TemporaryDirectory()
# Writes logs/train/ (and logs/validation/ when fit gets validation data).
tensorboard = keras.callbacks.TensorBoard(log_dir=logs.name)
history = model.fit(
    x,
    y,
    batch_size=16,
    epochs=5,
    shuffle=False,
    verbose=0,
    callbacks=[tensorboard],
)
epoch_losses = history.history["loss"]
run_folder = Path(logs.name) / "train"
# --8<-- [end:write]
