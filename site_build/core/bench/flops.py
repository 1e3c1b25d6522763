"""FLOPs per image of the benchmarks' CNN: counted by hand, cross-checked by PyTorch.

A multiply-add counts as 2 FLOPs; biases, ReLU and pooling are left out (they add far less
than 1%). ``counted_flops`` runs PyTorch's ``FlopCounterMode`` on the model of
``snippets/mnist/model_torch.py``; it runs in a benchmark worker, never in the process that
builds the site (which imports no framework).
"""

from __future__ import annotations

from site_build.core.bench.results import CountedFlops


def layer_flops() -> dict[str, int]:
    """Forward FLOPs per image of each layer of the matched CNN, counted by hand."""
    return {
        "conv1": 2 * (26 * 26 * 32) * (1 * 3 * 3),  # each output: a 3x3 window of 1 channel
        "conv2": 2 * (24 * 24 * 64) * (32 * 3 * 3),  # each output: 3x3 windows of 32 channels
        "dense1": 2 * 9216 * 1024,
        "dense2": 2 * 1024 * 10,
    }


def forward_flops() -> int:
    return sum(layer_flops().values())


def training_flops() -> int:
    """The usual convention: backward ≈ 2x forward, so a training step ≈ 3x forward."""
    return 3 * forward_flops()


def counted_flops(batch: int = 2) -> CountedFlops:
    """FLOPs per image that ``torch.utils.flop_counter.FlopCounterMode`` counts."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from snippets.mnist.model_torch import build_model

    model = build_model()
    images = torch.zeros(batch, 1, 28, 28)
    labels = torch.zeros(batch, dtype=torch.long)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(images)
    forward = counter.get_total_flops() / batch
    with FlopCounterMode(display=False) as counter:
        torch.nn.functional.cross_entropy(model(images), labels).backward()
    return CountedFlops(forward=forward, training=counter.get_total_flops() / batch)
