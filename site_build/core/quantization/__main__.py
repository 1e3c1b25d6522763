"""The quantization page's command line: measure unless cached (``--force``: again).

    python -m site_build.core.quantization            # measure unless cached
    python -m site_build.core.quantization --force    # measure again

The models measured are the MNIST page's matched runs, trained first if they are out of
date. This entry point is where the two pages meet, as ``generated.py`` is for the build;
``measure.py`` itself imports no other measured page.
"""

import sys

from site_build.core.mnist.runs import trained_models
from site_build.core.quantization.measure import RUNS, main

if __name__ == "__main__":
    sys.exit(main(trained_models=lambda: trained_models(RUNS)))
