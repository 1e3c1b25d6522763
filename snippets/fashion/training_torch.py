"""Training the Fashion-MNIST CNN in PyTorch. Shown on docs/*/fashion_mnist.md next to training_tf.py.

The site's build calls these functions to train the runs whose results the page shows
(site_build/core/fashion/runs.py); the checks below train on 400 real images.

>>> from site_build.core.fashion_data import sample
>>> from snippets.fashion.model_torch import build_model

# --8<-- [start:train-checks]
>>> images, labels = sample(400)  # the first 400 training images
>>> make_reproducible()
>>> model = build_model(seed=2026)
>>> batches = make_batches(images, labels, 50, shuffle=True, seed=2026)
>>> history = train(model, batches, batches, epochs=2, evals_per_epoch=2)
>>> [record["epoch"] for record in history]  # evaluated twice per epoch
[0.5, 1.0, 1.5, 2.0]
>>> sorted(history[0])
['accuracy', 'epoch', 'loss', 'test_accuracy', 'test_loss', 'train_seconds']
>>> history[-1]["test_loss"] < history[0]["test_loss"]  # it learns
True
>>> optimizer_settings(model)  # written out: PyTorch's eps default is 1e-08
{'lr': 0.001, 'betas': (0.9, 0.999), 'eps': 1e-07}

# --8<-- [end:train-checks]
"""

# --8<-- [start:train]
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

LEARNING_RATE = 1e-3
ADAM_EPSILON = 1e-7  # Keras' default (PyTorch's default is 1e-8)


def make_reproducible(threads=None):
    # Raise an error instead of silently using a non-deterministic kernel.
    torch.use_deterministic_algorithms(True)
    if threads:  # the build trains each run on one thread
        torch.set_num_threads(threads)


def make_batches(images, labels, batch_size, shuffle, seed=0):
    # uint8 (N, 28, 28) -> float32 (N, 1, 28, 28) in [0, 1]: channels first
    x = torch.tensor(images).unsqueeze(1).float() / 255
    y = torch.tensor(labels).long()
    order = torch.Generator().manual_seed(seed)  # a reproducible shuffle
    dataset = TensorDataset(x, y)
    return DataLoader(dataset, batch_size, shuffle=shuffle, generator=order)


def make_optimizer(model):
    return torch.optim.Adam(
        model.parameters(),
        lr=LEARNING_RATE,
        betas=(0.9, 0.999),
        eps=ADAM_EPSILON,
    )


def train(model, batches, test_batches, epochs, evals_per_epoch, on_eval=None):
    optimizer = make_optimizer(model)
    loss_fn = nn.CrossEntropyLoss()  # softmax + negative log-likelihood
    steps = len(batches)
    every = steps // evals_per_epoch
    history, train_seconds = [], 0.0
    for epoch in range(epochs):
        model.train()  # dropout on, batch norm uses the batch's statistics
        loss_sum = correct = seen = 0
        start = time.perf_counter()
        for step, (images, labels) in enumerate(batches, start=1):
            optimizer.zero_grad()
            logits = model(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
            seen += len(labels)
            if step % every == 0:  # a checkpoint: measure on the test set
                train_seconds += time.perf_counter() - start
                test_loss, test_accuracy = evaluate(model, test_batches)
                history.append(
                    {
                        "epoch": epoch + step / steps,
                        "loss": loss_sum / seen,
                        "accuracy": correct / seen,
                        "test_loss": test_loss,
                        "test_accuracy": test_accuracy,
                        "train_seconds": train_seconds,  # so far, no testing
                    }
                )
                if on_eval:
                    on_eval(history[-1])
                model.train()
                loss_sum = correct = seen = 0
                start = time.perf_counter()
    return history


@torch.no_grad()
def evaluate(model, batches):
    model.eval()  # dropout off, batch norm uses its running statistics
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    loss_sum = correct = seen = 0
    for images, labels in batches:
        logits = model(images)
        loss_sum += loss_fn(logits, labels).item()
        correct += (logits.argmax(1) == labels).sum().item()
        seen += len(labels)
    return loss_sum / seen, correct / seen


# --8<-- [end:train]


def optimizer_settings(model):
    """The settings of the optimizer ``train`` makes, as a dict (for the checks)."""
    group = make_optimizer(model).param_groups[0]
    return {key: group[key] for key in ("lr", "betas", "eps")}
