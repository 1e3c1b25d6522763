"""The frameworks the measured pages compare, one line each: the registry every page reads.

A result names a framework by its key (``torch``, ``tf``), the suffix of its snippet files;
a page shows its ``name`` (a product name: the same in every language), draws it in its
``colour`` (``dark_colour`` in the figures drawn for the dark scheme) and records the versions
of its ``libraries``. ``COMPARED`` are the two frameworks
every measured page puts side by side, in the pages' order; NumPy is the reference that the
benchmarks measure beside them, so it has a line too but is not compared.

A framework's line is the only place its name, import name, libraries or colour is written:
a new measured page looks them up here instead of keeping a dictionary of its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Framework:
    key: str  # in results, cache file names and snippet file names (model_torch.py)
    name: str  # what pages, figures and progress lines show
    module: str  # what you import, for ``{{ version:NAME }}`` and recorded versions
    libraries: tuple[str, ...]  # import names whose versions a run with it records
    colour: str  # Okabe-Ito: distinguishable with the common kinds of colour blindness
    # On Material's dark (slate) background; every colour contrasts at least 3:1 with its
    # scheme's background (tests/test_kit_figure_data.py).
    dark_colour: str


REGISTRY = {
    framework.key: framework
    for framework in (
        Framework("torch", "PyTorch", "torch", ("torch", "numpy"), "#D55E00", "#D55E00"),
        Framework(
            "tf",
            "TensorFlow",
            "tensorflow",
            ("tensorflow", "keras", "numpy"),
            "#0072B2",
            # Okabe-Ito's sky blue: its blue contrasts 3.1:1 with the dark background, and less
            # where a figure draws it translucent (one line per seed on /fashion_mnist/).
            "#56B4E9",
        ),
        Framework("numpy", "NumPy", "numpy", ("numpy",), "#009E73", "#009E73"),
    )
}
# The two frameworks the site compares, in the order every page lists them.
COMPARED = ("torch", "tf")

NAMES = {key: framework.name for key, framework in REGISTRY.items()}
COLOURS = {key: framework.colour for key, framework in REGISTRY.items()}
DARK_COLOURS = {key: framework.dark_colour for key, framework in REGISTRY.items()}
LIBRARIES = {key: framework.libraries for key, framework in REGISTRY.items()}
MODULES = {key: framework.module for key, framework in REGISTRY.items()}
