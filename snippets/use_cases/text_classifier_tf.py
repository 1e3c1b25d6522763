"""A small text classifier (embedding, LSTM, dense head) in Keras.

Shown on docs/*/use_cases.md next to text_classifier_torch.py.

# --8<-- [start:text-checks]
>>> tuple(logits.shape)  # one row of class scores per sentence
(4, 3)
>>> for weight in lstm.weights:
...     print(weight.name, tuple(weight.shape))
kernel (16, 128)
recurrent_kernel (32, 128)
bias (128,)
>>> # Four gates: input and recurrent weights, and ONE bias vector.
>>> lstm_parameters == 4 * HIDDEN * (EMBED + HIDDEN) + 4 * HIDDEN
True
>>> lstm_parameters, model.count_params()
(6272, 22371)

# --8<-- [end:text-checks]
"""

# --8<-- [start:text]
import keras
import numpy as np

keras.utils.set_random_seed(0)
VOCAB, EMBED, HIDDEN, CLASSES = 1000, 16, 32, 3

model = keras.Sequential(
    [
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(VOCAB, EMBED),
        keras.layers.LSTM(HIDDEN, name="lstm"),  # returns the final state
        keras.layers.Dense(CLASSES),
    ]
)
# Four "sentences" of 12 token ids, the same ids as in the PyTorch version.
ids = np.random.default_rng(0).integers(0, VOCAB, size=(4, 12))
logits = model(ids)
lstm = model.get_layer("lstm")
lstm_parameters = lstm.count_params()
# --8<-- [end:text]
