"""Reading the logs of train_logs_torch.py back with TensorBoard's own reader.

The block between ``--8<--`` markers is shown on the page "Visualization". The examples
prove that the event files hold what training returned: one value per epoch, in order.

# --8<-- [start:read-checks]
>>> sorted(events.Tags()["tensors"])
['epoch_loss']
>>> [step for step, _ in logged]
[0, 1, 2, 3, 4]
>>> from snippets.visualization.train_logs_torch import epoch_losses
>>> import numpy as np
>>> np.allclose([value for _, value in logged], epoch_losses, rtol=1e-6, atol=0)
True
>>> # SummaryWriter.add_scalar writes plain scalar values, which the older reader also reads:
>>> from tensorboard.backend.event_processing import event_accumulator
>>> event_accumulator.EventAccumulator(str(run_folder)).Reload().Tags()["scalars"]
['epoch_loss']

# --8<-- [end:read-checks]
"""

# --8<-- [start:read]
from tensorboard.backend.event_processing.plugin_event_accumulator import (
    EventAccumulator,
)
from tensorboard.util.tensor_util import make_ndarray

from snippets.visualization.train_logs_torch import run_folder  # written above

# TensorBoard's Python loader: it reads every event file of the run folder
# and keeps each summary as a tensor, whoever wrote it.
events = EventAccumulator(str(run_folder))
events.Reload()
loss_events = events.Tensors("epoch_loss")  # one TensorEvent per logged step
logged = [(e.step, make_ndarray(e.tensor_proto).item()) for e in loss_events]
# --8<-- [end:read]
