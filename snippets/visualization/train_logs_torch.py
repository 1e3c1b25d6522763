"""Writing TensorBoard logs from PyTorch: ``torch.utils.tensorboard.SummaryWriter``.

The block between ``--8<--`` markers is shown on the page "Visualization" next to
train_logs_tf.py, which trains the same model on the same data with Keras and logs it
with the TensorBoard callback. event_files_torch.py reads the logs back.

# --8<-- [start:write-checks]
>>> [round(loss, 3) for loss in epoch_losses]  # mean training loss of each epoch
[8.733, 2.308, 0.611, 0.162, 0.043]
>>> all(later < earlier for earlier, later in zip(epoch_losses, epoch_losses[1:]))
True
>>> [path.name.split(".")[:3] for path in run_folder.iterdir()]  # one event file
[['events', 'out', 'tfevents']]

# --8<-- [end:write-checks]
"""

# --8<-- [start:write]
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch.utils.tensorboard import SummaryWriter

# 64 points with targets y = 3*x1 - 2*x2 + 1: the same data in both files.
rng = np.random.default_rng(seed=0)
x = rng.normal(size=(64, 2)).astype("float32")
y = x @ np.array([[3.0], [-2.0]], dtype="float32") + 1.0
inputs, targets = torch.from_numpy(x), torch.from_numpy(y)

torch.manual_seed(0)
model = torch.nn.Linear(2, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = torch.nn.MSELoss()

logs = tempfile.TemporaryDirectory()
run_folder = Path(logs.name) / "train"  # one folder per run, as Keras does
writer = SummaryWriter(log_dir=run_folder)
epoch_losses = []
for epoch in range(5):
    batch_losses = []
    for start in range(0, 64, 16):  # batches of 16, in order
        batch = slice(start, start + 16)
        optimizer.zero_grad()
        loss = loss_fn(model(inputs[batch]), targets[batch])
        loss.backward()
        optimizer.step()
        batch_losses.append(loss.item())
    epoch_losses.append(float(np.mean(batch_losses)))
    writer.add_scalar("epoch_loss", epoch_losses[-1], global_step=epoch)
writer.close()  # flushes the event file to disk
# --8<-- [end:write]
