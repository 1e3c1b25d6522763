"""The seed article's PyTorch setup, as its code has it (typos fixed, no torchvision).

Shown on docs/*/seed_replay.md next to article_setup_tf.py. The article set no seed and did
not show its training loop; this replay sets a seed and uses the loop of the MNIST page.
The article resized with torchvision's transforms; the torchvision wheel on PyPI is built
for CUDA and does not load with the CPU build of torch used here, so the same resize
(bilinear, antialiased) and normalisation are written with torch alone.

>>> from site_build.core.mnist_data import load_splits

# --8<-- [start:article-checks]
>>> model = CNNModel()
>>> sum(p.numel() for p in model.parameters())  # 320x smaller than Keras'
29066
>>> images = torch.rand(4, 1, 28, 28)
>>> preprocess(images).shape  # every image shrunk to 8x8 before the model
torch.Size([4, 1, 8, 8])
>>> torch.equal(F.max_pool2d(images, 1), images)  # a 1x1 pool does nothing
True
>>> data = load_splits()
>>> run = run_article_setup(data.train_images[:200], data.train_labels[:200],
...                         data.test_images[:50])
>>> len(run["history"]), run["predicted"].shape  # 5 epochs, 1 class per image
(5, (50,))
>>> run["settings"], run["trained_images"]  # as run: the article's values
({'batch_size': 512, 'epochs': 5, 'learning_rate': 0.01, 'validation_split': 0.3, 'seed': 2026}, 140)
>>> run["parameters"], run["input_size"]
(29066, 8)
>>> len(run_article_setup(data.train_images[:200], data.train_labels[:200],
...                       data.test_images[:50], epochs=2)["history"])
2

# --8<-- [end:article-checks]
"""

# --8<-- [start:article]
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from snippets.mnist.training_torch import predict_classes, train


def preprocess(images):
    # The article's Resize((8, 8)): each 28x28 digit shrunk to 8x8 pixels.
    small = F.interpolate(images, size=(8, 8), mode="bilinear", antialias=True)
    return (small - 0.1307) / 0.3081  # the article's Normalize: MNIST's stats


class CNNModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)  # 8x8 -> 6x6
        self.conv2 = nn.Conv2d(32, 64, 3, 1)  # -> 4x4
        self.fc = nn.Linear(1024, 10)  # 64 * 4 * 4 = 1024: no Dense(1024)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 1)  # a 1x1 window: no pooling at all
        x = torch.flatten(x, 1)
        x = self.fc(x)
        return F.log_softmax(x, dim=1)


def run_article_setup(
    images,
    labels,
    test_images,
    on_epoch=None,
    # The article's settings; the site's build passes its own copy of them.
    epochs=5,
    batch_size=512,
    learning_rate=0.01,
    validation_split=0.3,
    seed=2026,
):
    torch.manual_seed(seed)
    x = preprocess(torch.from_numpy(images).unsqueeze(1).float() / 255)
    y = torch.from_numpy(labels).long()
    # The split that Keras' validation_split makes: the first 70% (rounded
    # down) trains, the rest validates.
    split = math.floor(len(y) * (1.0 - validation_split))
    training = TensorDataset(x[:split], y[:split])
    validation = TensorDataset(x[split:], y[split:])
    # Batches of 512, not shuffled: as written in the article.
    train_batches = DataLoader(training, batch_size=batch_size)
    val_batches = DataLoader(validation, batch_size=batch_size)
    model = CNNModel()
    # SGD(lr=0.01) and CrossEntropyLoss, as in the article. The loss applies
    # log_softmax again, which changes nothing: it is idempotent.
    history = train(
        model,
        train_batches,
        val_batches,
        epochs=epochs,
        learning_rate=learning_rate,
        on_epoch=on_epoch,
    )
    x_test = preprocess(torch.from_numpy(test_images).unsqueeze(1) / 255)
    no_labels = torch.zeros(len(x_test))  # predict_classes ignores them
    test_batches = DataLoader(TensorDataset(x_test, no_labels), batch_size=512)
    return {
        "history": history,
        "predicted": predict_classes(model, test_batches),
        # What this run used, read back from the objects that ran it.
        "settings": {
            "batch_size": train_batches.batch_size,
            "epochs": len(history),
            "learning_rate": learning_rate,
            "validation_split": validation_split,
            "seed": seed,
        },
        "trained_images": len(training),
        "parameters": sum(p.numel() for p in model.parameters()),
        "input_size": x.shape[-1],  # 8: the images after preprocess
    }


# --8<-- [end:article]
