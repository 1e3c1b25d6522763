"""An image-classification backbone from the torchvision model zoo, built offline.

Shown on docs/*/use_cases.md next to image_backbone_tf.py. ``weights=None`` builds the
architecture with random weights, so nothing is downloaded.

# --8<-- [start:backbone-checks]
>>> scores.shape  # one score per ImageNet class
torch.Size([2, 1000])
>>> batch.shape  # channels first: (N, C, H, W)
torch.Size([2, 3, 224, 224])
>>> # The last layer is linear: rows are logits, softmax turns them into
>>> # probabilities.
>>> torch.allclose(scores.sum(dim=1), torch.ones(2))
False
>>> torch.allclose(scores.softmax(dim=1).sum(dim=1), torch.ones(2))
True
>>> f"{parameters:,}"
'3,504,872'
>>> # Batch-norm statistics are buffers, not parameters:
>>> f"{sum(b.numel() for b in backbone.buffers() if b.is_floating_point()):,}"
'34,112'

# --8<-- [end:backbone-checks]
"""

# ruff: noqa: E402 (the import workaround below must run before the shown imports)

# Not shown on the page: a workaround for this project's build machines, the same as in
# snippets/mnist. Their package index has only the CUDA build of torchvision 0.28.0, whose
# C++ extension cannot load next to the CPU build of torch 2.13.0; `import torchvision` then
# fails with "operator torchvision::nms does not exist". Building a classification model never
# calls those operators (box and detection ops), so where the extension fails to load, this
# declares their names and schemas, with no kernels: calling one still fails. Where a
# matching torchvision is installed (the CPU build from download.pytorch.org), it does nothing.
TORCHVISION_OPS = [
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "roi_align(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, "
    "SymInt pooled_width, int sampling_ratio, bool aligned) -> Tensor",
    "_roi_align_backward(Tensor grad, Tensor rois, float spatial_scale, SymInt pooled_height, "
    "SymInt pooled_width, SymInt batch_size, SymInt channels, SymInt height, SymInt width, "
    "int sampling_ratio, bool aligned) -> Tensor",
    "ps_roi_align(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, "
    "SymInt pooled_width, int sampling_ratio) -> (Tensor, Tensor)",
    "_ps_roi_align_backward(Tensor grad, Tensor rois, Tensor channel_mapping, "
    "float spatial_scale, SymInt pooled_height, SymInt pooled_width, int sampling_ratio, "
    "SymInt batch_size, SymInt channels, SymInt height, SymInt width) -> Tensor",
    "roi_pool(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, "
    "SymInt pooled_width) -> (Tensor, Tensor)",
    "_roi_pool_backward(Tensor grad, Tensor rois, Tensor argmax, float spatial_scale, "
    "SymInt pooled_height, SymInt pooled_width, SymInt batch_size, SymInt channels, "
    "SymInt height, SymInt width) -> Tensor",
    "ps_roi_pool(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, "
    "SymInt pooled_width) -> (Tensor, Tensor)",
    "_ps_roi_pool_backward(Tensor grad, Tensor rois, Tensor channel_mapping, "
    "float spatial_scale, SymInt pooled_height, SymInt pooled_width, SymInt batch_size, "
    "SymInt channels, SymInt height, SymInt width) -> Tensor",
    "deform_conv2d(Tensor input, Tensor weight, Tensor offset, Tensor mask, Tensor bias, "
    "SymInt stride_h, SymInt stride_w, SymInt pad_h, SymInt pad_w, SymInt dilation_h, "
    "SymInt dilation_w, SymInt groups, SymInt offset_groups, bool use_mask) -> Tensor",
    "_deform_conv2d_backward(Tensor grad, Tensor input, Tensor weight, Tensor offset, "
    "Tensor mask, Tensor bias, SymInt stride_h, SymInt stride_w, SymInt pad_h, SymInt pad_w, "
    "SymInt dilation_h, SymInt dilation_w, SymInt groups, SymInt offset_groups, "
    "bool use_mask) -> (Tensor, Tensor, Tensor, Tensor, Tensor)",
]


def declare_torchvision_ops_if_unloadable():
    """None where torchvision's extension loads; else a Library holding the bare op names."""
    import importlib.util
    import sys
    from pathlib import Path

    import torch

    if "torchvision" in sys.modules:
        return None  # imported already: nothing to fix
    spec = importlib.util.find_spec("torchvision")
    extension = next(Path(spec.submodule_search_locations[0]).glob("_C.*"), None)
    try:
        torch.ops.load_library(extension)
        return None
    except OSError:
        library = torch.library.Library("torchvision", "DEF")
        for schema in TORCHVISION_OPS:
            library.define(schema)
        return library  # keep it referenced: a collected Library drops its ops


_torchvision_ops = declare_torchvision_ops_if_unloadable()

# --8<-- [start:backbone]
import numpy as np
import torch
from torchvision import models

torch.manual_seed(0)
# The architecture only: weights=None downloads nothing.
backbone = models.mobilenet_v2(weights=None, num_classes=1000)
backbone.eval()  # batch norm in inference mode

# Two random "photos", the same array as in the Keras version, moved from
# channels last (N, H, W, C) to PyTorch's channels first (N, C, H, W).
images = np.random.default_rng(0).random((2, 224, 224, 3), dtype=np.float32)
batch = torch.from_numpy(images).permute(0, 3, 1, 2)
with torch.no_grad():
    scores = backbone(batch)
parameters = sum(p.numel() for p in backbone.parameters())
# --8<-- [end:backbone]
