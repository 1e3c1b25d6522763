"""FLOPs and bytes of the benchmarks' CNN: counted by hand, cross-checked by PyTorch.

A multiply-add counts as 2 FLOPs; biases, ReLU and pooling are left out (they add far less
than 1%). ``counted_flops`` runs PyTorch's ``FlopCounterMode`` on the model of
``snippets/mnist/model_torch.py``, and ``layer_costs`` reads each layer's parameters, the
elements it reads and writes and its FLOPs from that model; both run in a benchmark worker,
never in the process that builds the site (which imports no framework).

The roofline's arithmetic intensity (FLOPs per byte moved to or from memory) is computed
here from those layer costs, in float32 (4 bytes an element), with the simplest traffic
model that a reader can check by hand: every layer reads its weights once per call and
reads its input and writes its output once per image (a cache that held them would only
raise the intensity); a training step moves 3x the forward bytes (the same convention as
its FLOPs) plus its SGD update; an Adam update reads and writes each parameter and both of
its moments and reads its gradient (7 accesses of 4 bytes a parameter).
"""

from __future__ import annotations

from site_build.core.bench.results import CountedFlops, LayerCost
from site_build.core.kit.roofline import (  # Traffic and attainable: the roofline's, here too
    ELEMENT_BYTES,
    Traffic,
    attainable,  # noqa: F401 (bench/report.py and its tests call bench_flops.attainable)
)

BYTES = 4  # float32
# Adam's update of one parameter, as torch.optim.Adam's algorithm writes it: the first moment
# (lerp: 2), the second (2 multiplies, 1 multiply-add: 4), the bias corrections and the
# square root (sqrt, divide, add eps: 3), the step (divide, multiply, subtract: 3).
ADAM_FLOPS_PER_PARAMETER = 12
ADAM_ACCESSES = 7  # weight read + write, gradient read, each moment read + write
SGD_ACCESSES = 3  # weight read + write, gradient read


def parameters(costs: tuple[LayerCost, ...]) -> int:
    return sum(layer.parameters for layer in costs)


def layer_traffic(layer: LayerCost, batch: int, element_bytes: int = BYTES) -> Traffic:
    """One forward call of ``layer`` on ``batch`` images, each number ``element_bytes``."""
    moved = layer.parameters + batch * (layer.inputs + layer.outputs)
    return Traffic(batch * layer.flops, element_bytes * moved)


def forward_traffic(
    costs: tuple[LayerCost, ...], batch: int, element_bytes: int = BYTES
) -> Traffic:
    layers = [layer_traffic(layer, batch, element_bytes) for layer in costs]
    return Traffic(sum(t.flops for t in layers), sum(t.bytes for t in layers))


def training_traffic(costs: tuple[LayerCost, ...], batch: int) -> Traffic:
    """A training step with plain SGD, as the benchmarks time it."""
    forward = forward_traffic(costs, batch)
    update = SGD_ACCESSES * BYTES * parameters(costs)
    return Traffic(3 * forward.flops, 3 * forward.bytes + update)


def adam_traffic(costs: tuple[LayerCost, ...]) -> Traffic:
    n = parameters(costs)
    return Traffic(ADAM_FLOPS_PER_PARAMETER * n, ADAM_ACCESSES * BYTES * n)


def precision_traffic(
    costs: tuple[LayerCost, ...], batch: int, precision: str, training: bool
) -> Traffic:
    """A call of the mixed-precision and quantization pages on ``batch`` images, every
    number of the forward at the size of ``precision`` (``kit.roofline.ELEMENT_BYTES``): a
    prediction, or (``training``) a training step with Adam, whose update keeps float32
    weights and moments (the pages' own loops). The FLOPs are the pages' rule, 3x forward
    for a step; Adam's few FLOPs a parameter are left out, its bytes are not."""
    forward = forward_traffic(costs, batch, ELEMENT_BYTES[precision])
    if not training:
        return forward
    return Traffic(3 * forward.flops, 3 * forward.bytes + adam_traffic(costs).bytes)


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


def layer_costs() -> tuple[LayerCost, ...]:
    """Each layer with weights of the PyTorch model: parameters, elements read and written
    per image (from a forward hook) and FLOPs per image (``FlopCounterMode``, per module)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from snippets.mnist.model_torch import build_model

    model = build_model()
    seen: dict[str, tuple[int, int]] = {}
    weighted = {
        name: module
        for name, module in model.named_modules()
        if name and any(True for _ in module.parameters(recurse=False))
    }

    def hook(name):
        def record(module, args, output) -> None:  # a hook that returns a value replaces it
            seen[name] = (args[0].numel(), output.numel())

        return record

    handles = [module.register_forward_hook(hook(name)) for name, module in weighted.items()]
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.zeros(1, 1, 28, 28))
    for handle in handles:
        handle.remove()
    counts = counter.get_flop_counts()
    prefix = type(model).__name__
    return tuple(
        LayerCost(
            name=f"{name} ({type(module).__name__})",
            parameters=sum(p.numel() for p in module.parameters()),
            inputs=seen[name][0],
            outputs=seen[name][1],
            flops=int(sum(counts[f"{prefix}.{name}"].values())),
        )
        for name, module in weighted.items()
    )
