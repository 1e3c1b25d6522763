"""Custom PyTorch modules and their arguments: what a state_dict keeps.

Shown on docs/*/migrating.md next to custom_layers_tf.py (what a .keras file records).

>>> import torch

# --8<-- [start:config-checks]
>>> Scale(3.0).state_dict()  # the 3.0 stays in the code that builds it
OrderedDict()
>>> list(Lookup(torch.ones(2)).state_dict())
['table']

# --8<-- [end:config-checks]
"""

# --8<-- [start:config]
from torch import nn


class Scale(nn.Module):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor  # a plain number: not in the state_dict

    def forward(self, inputs):
        return inputs * self.factor


class Lookup(nn.Module):
    def __init__(self, table):
        super().__init__()
        self.register_buffer("table", table)  # a tensor: saved with the weights

    def forward(self, inputs):
        return inputs


# --8<-- [end:config]
