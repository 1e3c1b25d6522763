"""A small text classifier (embedding, LSTM, linear head) in PyTorch.

Shown on docs/*/use_cases.md next to text_classifier_tf.py.

# --8<-- [start:text-checks]
>>> logits.shape  # one row of class scores per sentence
torch.Size([4, 3])
>>> for name, weight in model.lstm.named_parameters():
...     print(name, tuple(weight.shape))
weight_ih_l0 (128, 16)
weight_hh_l0 (128, 32)
bias_ih_l0 (128,)
bias_hh_l0 (128,)
>>> # Four gates: input and recurrent weights, and TWO bias vectors.
>>> lstm_parameters == 4 * HIDDEN * (EMBED + HIDDEN) + 2 * 4 * HIDDEN
True
>>> lstm_parameters, sum(p.numel() for p in model.parameters())
(6400, 22499)

# --8<-- [end:text-checks]
"""

# --8<-- [start:text]
import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
VOCAB, EMBED, HIDDEN, CLASSES = 1000, 16, 32, 3


class TextClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, EMBED)
        self.lstm = nn.LSTM(EMBED, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, CLASSES)

    def forward(self, tokens):
        _, (last_hidden, _) = self.lstm(self.embed(tokens))
        return self.head(last_hidden[-1])  # the last layer's final state


model = TextClassifier()
# Four "sentences" of 12 token ids, the same ids as in the Keras version.
ids = np.random.default_rng(0).integers(0, VOCAB, size=(4, 12))
logits = model(torch.from_numpy(ids))
lstm_parameters = sum(p.numel() for p in model.lstm.parameters())
# --8<-- [end:text]
