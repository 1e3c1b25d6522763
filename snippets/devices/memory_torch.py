"""GPU memory settings in PyTorch, run in a fresh process like the TensorFlow twin.

The blocks between ``--8<--`` markers are shown on the page "Device management";
the examples below run in the tests and appear on the page as checked output.
The doctest runs this module as a new process (``python -m snippets.devices.memory_torch``).

# --8<-- [start:memory-checks]
>>> import subprocess, sys
>>> run = subprocess.run(
...     [sys.executable, "-m", "snippets.devices.memory_torch"],
...     capture_output=True, text=True, check=True,
... )
>>> fractions = run.stdout.strip()
>>> fractions == str([0.5] * torch.cuda.device_count())  # [] without CUDA
True

# --8<-- [end:memory-checks]
"""

# --8<-- [start:memory]
import torch


def configure(fraction=0.5):
    """Cap this process at a share of each GPU."""
    for index in range(torch.cuda.device_count()):  # 0 without CUDA
        # Beyond the cap, the caching allocator raises an out-of-memory error.
        torch.cuda.set_per_process_memory_fraction(fraction, index)


if __name__ == "__main__":
    configure()
    devices = range(torch.cuda.device_count())
    print([torch.cuda.get_per_process_memory_fraction(i) for i in devices])
# --8<-- [end:memory]
