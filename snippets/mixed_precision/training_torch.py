"""The MNIST CNN trained briefly in bfloat16 and in float32 with PyTorch. Shown on docs/*/mixed_precision.md next to training_tf.py.

The model, the data pipeline and the split are the MNIST page's own (imported, not
copied); one short epoch keeps the check to a few seconds.

>>> from site_build.core.mnist_data import load_splits
>>> from snippets.mnist.pipeline_torch import make_batches

# --8<-- [start:train-checks]
>>> data = load_splits()  # the MNIST page's split (MNIST_DIR names the files)
>>> train = make_batches(
...     data.train_images[:1000], data.train_labels[:1000], 32, True, seed=2026
... )
>>> images, labels = data.test_images[:1000], data.test_labels[:1000]
>>> held_out = make_batches(images, labels, 256, shuffle=False)
>>> float32 = accuracy(train_one_epoch(train, mixed=False), held_out, labels, False)
>>> bfloat16 = accuracy(train_one_epoch(train, mixed=True), held_out, labels, True)
>>> float32 > 0.8 and bfloat16 > 0.8  # after 1,000 images; chance is 0.1
True
>>> abs(bfloat16 - float32) < 0.03  # within three percentage points
True
>>> print(f"float32 {float32:.1%}, bfloat16 {bfloat16:.1%}")  # doctest: +ELLIPSIS
float32 ...%, bfloat16 ...%

# --8<-- [end:train-checks]
"""

# --8<-- [start:train]
import torch
from torch import nn

from snippets.mnist.model_torch import build_model
from snippets.mnist.training_torch import predict_classes


def train_one_epoch(batches, mixed, seed=2026):
    torch.manual_seed(seed)
    model = build_model()  # the MNIST page's CNN, float32 weights
    # Adam's epsilon defaults differ (1e-8 here, 1e-7 in Keras): set it.
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    model.train()
    for images, labels in batches:
        optimizer.zero_grad()
        # The float32 run is the same loop with autocast disabled.
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=mixed):
            loss = nn.functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
    return model


def accuracy(model, batches, labels, mixed):
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=mixed):
        predicted = predict_classes(model, batches)
    return float((predicted == labels).mean())


# --8<-- [end:train]
