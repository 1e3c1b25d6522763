"""Training and evaluating the matched CNN in PyTorch. Shown on docs/*/mnist.md next to training_tf.py.

The site's build calls these functions to train the model whose curves the page plots
(see site_build/core/mnist/runs.py); the checks below run a few real steps on 256 images.

>>> from site_build.core.mnist_data import load_splits
>>> from snippets.mnist.model_torch import build_model
>>> from snippets.mnist.pipeline_torch import make_batches

# --8<-- [start:train-checks]
>>> make_reproducible(seed=2026)
>>> data = load_splits()  # real MNIST images, see the "Data" section
>>> few = make_batches(data.train_images[:256], data.train_labels[:256], 32, True)
>>> model = build_model()
>>> history = train(model, few, few, epochs=3, learning_rate=0.01)
>>> [sorted(history[0])] == [["accuracy", "epoch", "loss", "seconds",
...                           "train_seconds", "val_accuracy", "val_loss"]]
True
>>> history[-1]["loss"] < history[0]["loss"]  # it learns
True

# --8<-- [end:train-checks]
# --8<-- [start:evaluate-checks]
>>> images, labels = data.train_images[:256], data.train_labels[:256]
>>> in_order = make_batches(images, labels, 32, shuffle=False)
>>> predicted = predict_classes(model, in_order)
>>> predicted.shape, predicted.dtype.name
((256,), 'int64')
>>> bool((predicted == labels).mean() > 0.2)  # chance: 0.1
True

# --8<-- [end:evaluate-checks]
"""

# --8<-- [start:reproducible]
import time

import numpy as np
import torch
from torch import nn


def make_reproducible(seed):
    torch.manual_seed(seed)  # weights, dropout, and the DataLoader's default
    # Raise an error instead of silently using a non-deterministic kernel.
    torch.use_deterministic_algorithms(True)


# --8<-- [end:reproducible]


# --8<-- [start:train]
def train(model, batches, val_batches, epochs, learning_rate, on_epoch=None):
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    loss_fn = nn.CrossEntropyLoss()  # softmax + negative log-likelihood
    history = []
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        loss_sum = correct = seen = 0
        for images, labels in batches:
            optimizer.zero_grad()  # gradients accumulate otherwise
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
            seen += len(labels)
        train_seconds = time.perf_counter() - start
        val_loss, val_accuracy = evaluate(model, val_batches, loss_fn)
        history.append(
            {
                "epoch": epoch,
                "loss": loss_sum / seen,
                "accuracy": correct / seen,
                "val_loss": val_loss,
                "val_accuracy": val_accuracy,
                "train_seconds": train_seconds,
                # the whole epoch, validation included
                "seconds": time.perf_counter() - start,
            }
        )
        if on_epoch:
            on_epoch(history[-1])
    return history


@torch.no_grad()  # no graph is recorded: less memory, faster
def evaluate(model, batches, loss_fn):
    model.eval()
    loss_sum = correct = seen = 0
    for images, labels in batches:
        logits = model(images)
        loss_sum += loss_fn(logits, labels).item() * len(labels)
        correct += (logits.argmax(1) == labels).sum().item()
        seen += len(labels)
    return loss_sum / seen, correct / seen


# --8<-- [end:train]


# --8<-- [start:evaluate]
@torch.no_grad()
def predict_classes(model, batches):
    model.eval()
    predicted = [model(images).argmax(1) for images, _ in batches]
    return torch.cat(predicted).numpy().astype(np.int64)


# --8<-- [end:evaluate]
