"""Reloading the .pt2 file in a fresh process and running the exported program.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:reload-checks]
>>> import subprocess
>>> from pathlib import Path
>>> from snippets.deployment.serving_export_torch import (
...     in_memory, inputs_file, program_file)
>>> fresh = subprocess.run(
...     [sys.executable, "-m", "snippets.deployment.serving_reload_torch",
...      program_file, inputs_file],
...     capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2])
>>> reloaded = np.array(json.loads(fresh.stdout), dtype=np.float32)
>>> reloaded.shape, np.array_equal(reloaded, in_memory)
((2, 3), True)

# --8<-- [end:reload-checks]
"""

# --8<-- [start:reload]
import json
import sys

import numpy as np
import torch


def predict(program_file: str, inputs_file: str) -> list:
    # Only torch is needed: the Classifier class is not imported.
    exported = torch.export.load(program_file)
    module = exported.module()  # a callable nn.Module rebuilt from the graph
    features = torch.from_numpy(np.load(inputs_file))
    with torch.no_grad():
        return module(features).tolist()


if __name__ == "__main__":  # python -m ... PROGRAM_FILE INPUTS_FILE
    print(json.dumps(predict(*sys.argv[1:])))
# --8<-- [end:reload]
