"""Where PyTorch puts tensors, and the device-agnostic idiom.

The blocks between ``--8<--`` markers are shown on the page "Device management";
the examples below run in the tests and appear on the page as checked output.
The checks hold on any machine: with or without a GPU.

# --8<-- [start:placement-checks]
>>> product.device  # the CPU, even when a GPU is present
device(type='cpu')
>>> pinned.device
device(type='cpu')
>>> accelerators == torch.accelerator.device_count()
True

# --8<-- [end:placement-checks]
# --8<-- [start:device-agnostic-checks]
>>> weight_device = model.weight.device
>>> weight_device == batch.device == outputs.device  # all in one place
True
>>> weight_device.type == device.type
True

# --8<-- [end:device-agnostic-checks]
"""

# --8<-- [start:placement]
import torch

matrix = torch.ones(2, 2)
product = matrix @ matrix  # runs where its inputs are: on the CPU by default
pinned = torch.ones(2, 2, device="cpu")  # or name the device when creating
accelerators = torch.accelerator.device_count()  # 0 on a CPU-only machine
# --8<-- [end:placement]

# --8<-- [start:device-agnostic]
# Pick the accelerator if there is one (CUDA, MPS, XPU...), else the CPU.
if torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")

torch.manual_seed(0)
model = torch.nn.Linear(4, 2).to(device)  # moves the parameters in place
batch = torch.randn(8, 4).to(device)  # returns a copy on `device`
outputs = model(batch)  # model and data must share a device
# --8<-- [end:device-agnostic]
