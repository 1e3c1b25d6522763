"""A hand-written PyTorch training loop, the one PyTorch's own tutorials teach.

The blocks between ``--8<--`` markers are shown on the page "Learning curve" next to
custom_loop_tf.py, which writes the same loop with ``tf.GradientTape``. The network and
the data come from classifier_torch.py.

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

from snippets.learning_curve.classifier_torch import (
    make_model,
    x_test,
    x_train,
    y_test,
    y_train,
)

# isort: split

# --8<-- [start:train]
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

model = make_model()
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
