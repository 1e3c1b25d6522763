"""The smallest complete classifier in PyTorch: an explicit training loop.

The blocks between ``--8<--`` markers are shown on the page "Learning curve" next to
classifier_tf.py, which trains the same network on the same data with Keras.

# --8<-- [start:data-checks]
>>> x_train.shape, x_train.dtype, y_train.shape, y_train.dtype
((480, 2), dtype('float32'), (480,), dtype('int64'))
>>> np.bincount(y_train)  # three classes, roughly balanced: chance is about 1/3
array([151, 149, 180])

# --8<-- [end:data-checks]
# --8<-- [start:model-checks]
>>> sum(p.numel() for p in model.parameters())  # (2*16 + 16) + (16*3 + 3)
99

# --8<-- [end:model-checks]
# --8<-- [start:train-checks]
>>> len(epoch_losses)
10
>>> epoch_losses[-1] < epoch_losses[0] / 2  # the loss went down
True
>>> optimizer.defaults["eps"]  # Adam's default epsilon: Keras uses 1e-07
1e-08

# --8<-- [end:train-checks]
# --8<-- [start:evaluate-checks]
>>> test_accuracy > 0.8  # chance is about 0.33
True
>>> test_loss < epoch_losses[0]
True

# --8<-- [end:evaluate-checks]
"""

# --8<-- [start:model]
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
# --8<-- [end:model]

# --8<-- [start:data]
# Three 2-D clusters; the same seed gives the same 600 points in both files.
rng = np.random.default_rng(seed=0)
centers = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
labels = rng.integers(0, 3, size=600)
features = (centers[labels] + rng.normal(size=(600, 2))).astype("float32")
x_train, y_train = features[:480], labels[:480]
x_test, y_test = features[480:], labels[480:]
# --8<-- [end:data]

# --8<-- [start:train]
train_set = TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train))
loader = DataLoader(train_set, batch_size=32, shuffle=True)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()  # takes logits and integer labels

epoch_losses = []
for _ in range(10):
    model.train()
    total = 0.0
    for inputs, targets in loader:
        optimizer.zero_grad()  # gradients accumulate unless cleared
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
    epoch_losses.append(total / len(train_set))
# --8<-- [end:train]

# --8<-- [start:evaluate]
model.eval()
with torch.no_grad():  # no graph needed for evaluation
    logits = model(torch.from_numpy(x_test))
    targets = torch.from_numpy(y_test)
    test_loss = loss_fn(logits, targets).item()
    test_accuracy = (logits.argmax(dim=1) == targets).float().mean().item()
# --8<-- [end:evaluate]
