"""A high-level trainer for PyTorch: Lightning's ``LightningModule`` and ``Trainer``.

The blocks between ``--8<--`` markers are shown on the page "Learning curve" next to
trainer_tf.py, which trains the same network on the same data with Keras ``fit``. The
network and the data come from classifier_torch.py.

# --8<-- [start:train-checks]
>>> len(module.epoch_losses)
10
>>> module.epoch_losses[-1] < module.epoch_losses[0] / 2  # the loss went down
True
>>> # Lightning runs the loop of custom_loop_torch.py: same seed, same batches, same losses
>>> from snippets.learning_curve import custom_loop_torch as hand_written
>>> import numpy as np
>>> np.allclose(module.epoch_losses, hand_written.epoch_losses, rtol=1e-5)
True
>>> DataLoader(train_set).batch_size, DataLoader(train_set).sampler  # the defaults
(1, <torch.utils.data.sampler.SequentialSampler object at ...>)
>>> import os
>>> os.listdir(workdir.name)  # logger and checkpoints off: nothing written
[]
>>> plain = L.Trainer(accelerator="cpu")  # Lightning's own defaults, for comparison
>>> plain.default_root_dir == os.getcwd()
True
>>> type(plain.logger).__name__, type(plain.checkpoint_callback).__name__
('TensorBoardLogger', 'ModelCheckpoint')
>>> plain.progress_bar_callback is not None
True

# --8<-- [end:train-checks]
# --8<-- [start:evaluate-checks]
>>> test_accuracy > 0.8  # chance is about 0.33
True
>>> test_loss < module.epoch_losses[0]
True

# --8<-- [end:evaluate-checks]
"""

# ruff: noqa: E402 (the set-up below must run before the shown imports)

import logging
import warnings

# Not shown on the page: lets torchvision (imported by Lightning's torchmetrics) import on
# the build machines (see the module).
from snippets._torchvision_cpu import declare_torchvision_ops_if_unloadable

_torchvision_ops = declare_torchvision_ops_if_unloadable()
# Not shown: keeps the test output quiet. Lightning logs which accelerators it found, and
# Lightning 2.6.6 trips a FutureWarning of torch 2.13's pytree module that is not ours.
for package in ("pytorch", "fabric"):
    logging.getLogger(f"lightning.{package}.utilities.rank_zero").setLevel(
        logging.WARNING
    )
warnings.filterwarnings(
    "ignore", r"`isinstance\(treespec, LeafSpec\)`", FutureWarning
)

from snippets.learning_curve.classifier_torch import (
    make_model,
    x_test,
    x_train,
    y_test,
    y_train,
)

# isort: split

# --8<-- [start:train]
import tempfile

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class Classifier(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.model = make_model()
        self.loss_fn = nn.CrossEntropyLoss()  # takes logits and integer labels
        self.epoch_losses = []

    def training_step(self, batch, batch_idx):
        inputs, targets = batch
        loss = self.loss_fn(self.model(inputs), targets)
        # on_epoch: the epoch's mean (training_step's default is each step)
        self.log("loss", loss, on_step=False, on_epoch=True)
        return loss

    def on_train_epoch_end(self):  # without a logger, keep the history
        self.epoch_losses.append(self.trainer.callback_metrics["loss"].item())

    def test_step(self, batch, batch_idx):
        inputs, targets = batch
        logits = self.model(inputs)
        self.log("test_loss", self.loss_fn(logits, targets))
        accuracy = (logits.argmax(dim=1) == targets).float().mean()
        self.log("test_accuracy", accuracy)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=0.01)


module = Classifier()
train_set = TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train))
loader = DataLoader(train_set, batch_size=32, shuffle=True)
workdir = tempfile.TemporaryDirectory()  # the default is the current directory
trainer = L.Trainer(
    max_epochs=10,
    accelerator="cpu",
    deterministic=True,
    default_root_dir=workdir.name,
    logger=False,
    enable_checkpointing=False,
    enable_progress_bar=False,
    enable_model_summary=False,
)
trainer.fit(module, loader)
# --8<-- [end:train]

# --8<-- [start:evaluate]
test_set = TensorDataset(torch.from_numpy(x_test), torch.from_numpy(y_test))
test_loader = DataLoader(test_set, batch_size=120)
(results,) = trainer.test(module, test_loader, verbose=False)
test_loss, test_accuracy = results["test_loss"], results["test_accuracy"]
# --8<-- [end:evaluate]

# Not shown: deterministic=True switched on torch.use_deterministic_algorithms for the
# whole process; switch it off again so the other snippets run as they would alone.
torch.use_deterministic_algorithms(False)
