"""The small PyTorch model that every deployment example exports.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:model-checks]
>>> model(torch.from_numpy(inputs)).detach().numpy().round(4)
array([[-0.9594,  2.9003, -1.7825],
       [-0.6879,  2.5515,  1.2018]], dtype=float32)

# --8<-- [end:model-checks]
"""

# --8<-- [start:model]
import numpy as np
import torch

# Fixed weights, drawn once with NumPy, so that the Keras twin holds exactly
# the same numbers and both frameworks compute the same function.
rng = np.random.default_rng(seed=0)
hidden_kernel = rng.standard_normal((4, 8)).astype(np.float32)
hidden_bias = rng.standard_normal(8).astype(np.float32)
output_kernel = rng.standard_normal((8, 3)).astype(np.float32)
output_bias = rng.standard_normal(3).astype(np.float32)
inputs = (np.arange(8, dtype=np.float32).reshape(2, 4) - 4) / 4  # exact in JSON


class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(4, 8)
        self.output = torch.nn.Linear(8, 3)

    def forward(self, features):
        return self.output(torch.relu(self.hidden(features)))


model = Classifier().eval()  # eval(): inference behaviour for export
with torch.no_grad():
    # nn.Linear stores (out_features, in_features): transpose the kernels.
    model.hidden.weight.copy_(torch.from_numpy(hidden_kernel.T))
    model.hidden.bias.copy_(torch.from_numpy(hidden_bias))
    model.output.weight.copy_(torch.from_numpy(output_kernel.T))
    model.output.bias.copy_(torch.from_numpy(output_bias))
# --8<-- [end:model]
