"""Automatic differentiation in PyTorch: ``backward()`` fills each leaf tensor's ``.grad``.

The blocks between ``--8<--`` markers are shown on the page "Tensors and gradients";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:derivative-checks]
>>> x.grad  # d/dx (x**2 + 3x) = 2x + 3 = 7 at x = 2
tensor(7.)

# --8<-- [end:derivative-checks]
# --8<-- [start:accumulate-checks]
>>> grad_after_two_calls
tensor(14.)
>>> grad_after_zero_grad is None  # zero_grad() removes the gradient
True
>>> grad_after_reset
tensor(7.)

# --8<-- [end:accumulate-checks]
# --8<-- [start:layer-checks]
>>> layer.weight.shape  # (out_features, in_features)
torch.Size([1, 2])
>>> round(loss.item(), 4)
12.56
>>> layer.weight.grad
tensor([[-15.6000, -22.4000]])
>>> layer.bias.grad
tensor([-6.8000])

# --8<-- [end:layer-checks]
"""

# --8<-- [start:derivative]
import torch

x = torch.tensor(2.0, requires_grad=True)
y = x**2 + 3 * x
y.backward()  # the graph was recorded while y was computed
# --8<-- [end:derivative]

# --8<-- [start:accumulate]
x.grad = None
for _ in range(2):
    (x**2 + 3 * x).backward()  # each call adds to x.grad
grad_after_two_calls = x.grad.clone()

optimizer = torch.optim.SGD([x], lr=0.1)
optimizer.zero_grad()  # sets each gradient to None (set_to_none=True)
grad_after_zero_grad = x.grad
(x**2 + 3 * x).backward()  # a fresh gradient, not a sum
grad_after_reset = x.grad
# --8<-- [end:accumulate]

# --8<-- [start:layer]
layer = torch.nn.Linear(in_features=2, out_features=1)
# The same starting weights as the TensorFlow version:
with torch.no_grad():
    layer.weight.copy_(torch.tensor([[0.5, -1.0]]))
    layer.bias.fill_(0.1)

inputs = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
targets = torch.tensor([[1.0], [2.0]])
loss = torch.nn.functional.mse_loss(layer(inputs), targets)
loss.backward()
# --8<-- [end:layer]
