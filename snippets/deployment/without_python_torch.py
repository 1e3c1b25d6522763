"""Compiling the exported program ahead of time with AOTInductor into a .pt2 package.

The blocks between ``--8<--`` markers are shown on the page "Deployment"; the examples
below run in the tests and appear on the page as checked output.

# --8<-- [start:without-python-checks]
>>> import zipfile
>>> with zipfile.ZipFile(package_file) as package:  # a zip archive again
...     names = package.namelist()
>>> model_files = [name.split("/")[-1] for name in names if "/aotinductor/" in name]
>>> for kind in sorted(name.split(".", 1)[1] for name in model_files):
...     print(kind)  # file names start with a hash, cut off here
kernel.cpp
kernel_metadata.json
wrapper.cpp
wrapper.so
wrapper_metadata.json
>>> import numpy as np
>>> from snippets.deployment.serving_export_torch import in_memory, inputs
>>> features = torch.from_numpy(inputs)
>>> np.allclose(compiled(features).numpy(), in_memory, rtol=0, atol=1e-6)
True
>>> compiled(torch.zeros(5, 4)).shape  # the batch dimension is still dynamic
torch.Size([5, 3])
>>> torch._inductor.aoti_compile_and_package.__module__  # not a public module
'torch._inductor'
>>> metadata = compiled.get_metadata()  # what the library was compiled for
>>> metadata["AOTI_DEVICE_KEY"], metadata["AOTI_PLATFORM"], metadata["AOTI_MACHINE"]
('cpu', 'linux', 'x86_64')

# --8<-- [end:without-python-checks]
"""

# ruff: noqa: E402 (the set-up below must run before the shown code)

import warnings

# Not shown: torch 2.13's compiler trips a FutureWarning of its own pytree module
# (LeafSpec) while it copies the graph; it is not about this code.
warnings.filterwarnings(
    "ignore", r"`isinstance\(treespec, LeafSpec\)`", FutureWarning
)

# isort: split

# --8<-- [start:without-python]
import tempfile

import torch

# The exported program above, with its dynamic batch dimension.
from snippets.deployment.serving_export_torch import exported

workdir = tempfile.TemporaryDirectory()
# AOTInductor writes C++ for the graph, compiles it with the machine's C++
# compiler and zips the shared library, weights inside, into a .pt2 package.
package_file = torch._inductor.aoti_compile_and_package(
    exported, package_path=f"{workdir.name}/classifier_aoti.pt2"
)
# Python's loader for the package; a C++ program loads the same file.
compiled = torch._inductor.aoti_load_package(package_file)
# --8<-- [end:without-python]
