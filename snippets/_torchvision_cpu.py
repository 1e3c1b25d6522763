"""Make torchvision importable on machines whose torchvision wheel does not match torch.

The package index of this project's build machines has only the CUDA build of torchvision
0.28.0 (the one PyPI serves for Linux), whose C++ extension cannot load next to the CPU build
of torch 2.13.0: ``import torchvision`` then fails with "operator torchvision::nms does not
exist" (https://github.com/pytorch/pytorch/issues/122494). The snippets that use torchvision
(datasets, classification models) never call those operators (box and detection ops), so
where the extension fails to load, ``declare_torchvision_ops_if_unloadable`` declares their
names and schemas without kernels: calling one still fails loudly. Where a matching
torchvision is installed (the CPU build from download.pytorch.org), it does nothing.

Snippets call it in their hidden part, before the imports a page shows. It lives in
``snippets`` because snippets import it: they import nothing from the code that builds the
site. Its leading underscore marks it as support code, not a snippet shown on a page.
"""

from __future__ import annotations

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
    extension = next(
        Path(spec.submodule_search_locations[0]).glob("_C.*"), None
    )
    try:
        torch.ops.load_library(extension)
        return None
    except OSError:
        library = torch.library.Library("torchvision", "DEF")
        for schema in TORCHVISION_OPS:
            library.define(schema)
        return library  # keep it referenced: a collected Library drops its ops
