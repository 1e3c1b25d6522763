"""A whole PyTorch model in one file: torch.export and its .pt2 archive.

The blocks between ``--8<--`` markers are shown on the page "Saving and loading models";
the examples below run in the tests and appear on the page as checked output.

>>> # torch.export.load logs a warning when it falls back to weights_only=False,
>>> # with one argument for two placeholders; pytest turns that logging error
>>> # into an exception, so that logger is quietened (the load is unchanged).
>>> import logging
>>> logging.getLogger("torch._export.serde.serialize").setLevel(logging.ERROR)

# --8<-- [start:whole-checks]
>>> type(reloaded).__name__ == "Classifier"  # rebuilt from the graph
False
>>> with torch.no_grad():
...     torch.equal(reloaded(features), model(features))
True
>>> # Pickling the module object itself, the old way, is refused by default:
>>> torch.save(model, f"{workdir.name}/pickled.pt")
>>> torch.load(f"{workdir.name}/pickled.pt")
Traceback (most recent call last):
...
_pickle.UnpicklingError: Weights only load failed...GLOBAL snippets.checkpoints.weights_torch.Classifier was not an allowed global by default...
>>> # A .pt2 is for trusted files only: parts of it are unpickled with
>>> # weights_only=False, so a tampered copy runs code when it is loaded.
>>> program = torch.export.load(tampered_copy(program_file))
this ran while the file was loading

# --8<-- [end:whole-checks]
"""

# --8<-- [start:whole]
import tempfile

import torch

from snippets.checkpoints.weights_torch import features, model  # shown above

workdir = tempfile.TemporaryDirectory()
exported = torch.export.export(model, (features,))  # graph + weights
program_file = f"{workdir.name}/classifier.pt2"
torch.export.save(exported, program_file)

reloaded = torch.export.load(program_file).module()  # no Classifier needed
# --8<-- [end:whole]


def tampered_copy(path: str) -> str:
    """Copy a .pt2 archive with its pickled example inputs replaced by a payload.

    The payload is the harmless one of unsafe_code_torch.py (it prints a line). The
    example inputs go through torch.load, which falls back to weights_only=False.
    """
    import io
    import zipfile

    from snippets.checkpoints.unsafe_code_torch import Payload

    payload = io.BytesIO()
    torch.save((Payload(),), payload)
    copy = path.replace(".pt2", "-tampered.pt2")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename.endswith("/sample_inputs/model.pt"):
                data = payload.getvalue()
            target.writestr(entry, data)
    return copy
