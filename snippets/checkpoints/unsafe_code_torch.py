"""A PyTorch checkpoint that carries code: refused by torch.load unless allowed.

The blocks between ``--8<--`` markers are shown on the page "Saving and loading models";
the examples below run in the tests and appear on the page as checked output.

# --8<-- [start:refused-checks]
>>> torch.load(untrusted_file)  # weights_only=True is the default
Traceback (most recent call last):
...
_pickle.UnpicklingError: Weights only load failed...GLOBAL ...print was not an allowed global by default...
>>> # What it would need, read without running anything:
>>> torch.serialization.get_unsafe_globals_in_checkpoint(untrusted_file)
['builtins.print']
>>> unsafe = torch.load(untrusted_file, weights_only=False)  # trusted only!
this ran while the file was loading
>>> # safetensors stores tensors and nothing else: no place for the payload.
>>> from safetensors.torch import save_file
>>> save_file({"extra": Payload()}, f"{workdir.name}/untrusted.safetensors")
Traceback (most recent call last):
...
ValueError: Key `extra` is invalid, expected torch.Tensor but received <class '...Payload'>

# --8<-- [end:refused-checks]
# --8<-- [start:allowed-checks]
>>> checkpoint["scaler"]
Standardize(mean=0.5, std=2.0)
>>> torch.load(trusted_file)  # outside the block it is refused again
Traceback (most recent call last):
...
_pickle.UnpicklingError: Weights only load failed...GLOBAL snippets.checkpoints.unsafe_code_torch.Standardize was not an allowed global by default...

# --8<-- [end:allowed-checks]
"""

# --8<-- [start:refused]
import dataclasses
import tempfile

import torch


class Payload:
    """What a malicious pickle holds: a call to make while it is loaded."""

    def __reduce__(self):  # any function, any arguments: print is harmless
        return (print, ("this ran while the file was loading",))


workdir = tempfile.TemporaryDirectory()
untrusted_file = f"{workdir.name}/untrusted.pt"
torch.save({"weights": torch.ones(2), "extra": Payload()}, untrusted_file)
# --8<-- [end:refused]


# --8<-- [start:allowed]
@dataclasses.dataclass
class Standardize:  # preprocessing settings saved beside the weights
    mean: float
    std: float


trusted_file = f"{workdir.name}/trusted.pt"
scaler = Standardize(mean=0.5, std=2.0)
torch.save({"weights": torch.ones(2), "scaler": scaler}, trusted_file)

with torch.serialization.safe_globals([Standardize]):  # allow this class
    checkpoint = torch.load(trusted_file)
# --8<-- [end:allowed]
