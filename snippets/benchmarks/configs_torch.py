"""The configurations the benchmarks page times, in PyTorch; next to configs_tf.py.

The blocks between ``--8<--`` markers are shown on the page "Benchmarks", and the build's
benchmarks import these functions and time what they return. The examples below run them
on four images and appear on the page as checked output.

>>> import tempfile
>>> import numpy as np
>>> from snippets.mnist.model_torch import build_model

# --8<-- [start:training-checks]
>>> rng = np.random.default_rng(2026)
>>> stored = rng.random((4, 28, 28, 1), dtype=np.float32)  # N, H, W, C
>>> images, labels = as_images(stored), as_labels(rng.integers(0, 10, 4))
>>> tuple(images.shape)  # channels first
(4, 1, 28, 28)
>>> for compiling in (False, True):
...     _ = torch.manual_seed(2026)
...     step = train_step(build_model(), images, labels, compiled=compiling)
...     losses = [step() for _ in range(3)]
...     print(f"compiled={compiling}: the loss falls", losses[2] < losses[0])
compiled=False: the loss falls True
compiled=True: the loss falls True

# --8<-- [end:training-checks]
# --8<-- [start:inference-checks]
>>> _ = torch.manual_seed(2026)
>>> model = build_model()
>>> reference = eager(model)(images)  # NumPy logits
>>> reference.shape
(4, 10)
>>> np.allclose(compiled(model)(images), reference, rtol=0, atol=1e-5)
True

# --8<-- [end:inference-checks]
# --8<-- [start:exported-checks]
>>> folder = tempfile.TemporaryDirectory()
>>> program = f"{folder.name}/model.pt2"
>>> export(model, images, program)
>>> np.allclose(exported(program)(images), reference, rtol=0, atol=1e-5)
True
>>> exported(program)(images[:1]).shape  # the batch size is not fixed
(1, 10)
>>> onnx_file = f"{folder.name}/model.onnx"
>>> export_onnx(model, images, onnx_file)
>>> run_onnx = onnx_runtime(onnx_file, threads=1)
>>> np.allclose(run_onnx(images), reference, rtol=0, atol=1e-5)
True
>>> run_onnx(images[:1]).shape
(1, 10)

# --8<-- [end:exported-checks]
"""

# --8<-- [start:training]
import numpy as np
import onnxruntime as ort
import torch


def as_images(stored):  # N, 28, 28, 1 as stored -> N, 1, 28, 28
    return torch.from_numpy(np.ascontiguousarray(stored.transpose(0, 3, 1, 2)))


def as_labels(classes):
    return torch.from_numpy(classes)


def train_step(model, images, labels, compiled=False):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    # torch.compile compiles on the first call, timed apart from the rest
    forward = torch.compile(model) if compiled else model

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(forward(images), labels)
        loss.backward()
        optimizer.step()
        return loss.item()  # waits for the step, as Keras' train_on_batch

    return step


# --8<-- [end:training]


# --8<-- [start:inference]
def predictor(forward):  # images in, NumPy logits out, no autograd
    def predict(images):
        with torch.inference_mode():
            return forward(images).numpy()

    return predict


def eager(model):
    return predictor(model.eval())


def compiled(model):
    # Static shapes: each batch size gets its own graph on its first call
    return predictor(torch.compile(model.eval(), dynamic=False))


# --8<-- [end:inference]


# --8<-- [start:exported]
ANY_BATCH = ({0: torch.export.Dim.DYNAMIC},)  # first input, first axis


def export(model, example, path):  # a .pt2 file
    program = torch.export.export(
        model.eval(), (example,), dynamic_shapes=ANY_BATCH
    )
    torch.export.save(program, path)


def exported(path):
    return predictor(torch.export.load(path).module())


def export_onnx(model, example, path):  # through torch.export
    torch.onnx.export(
        model.eval(),
        (example,),
        path,
        dynamo=True,
        dynamic_shapes=ANY_BATCH,
        verbose=False,
    )


def onnx_runtime(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = threads
    session = ort.InferenceSession(
        path, options, providers=["CPUExecutionProvider"]
    )
    name = session.get_inputs()[0].name
    return lambda images: session.run(None, {name: images.numpy()})[0]


# --8<-- [end:exported]
