"""An image-classification backbone from the Keras model zoo, built offline.

Shown on docs/*/use_cases.md next to image_backbone_torch.py. ``weights=None`` builds the
architecture with random weights, so nothing is downloaded.

# --8<-- [start:backbone-checks]
>>> tuple(scores.shape)  # one score per ImageNet class
(2, 1000)
>>> backbone.input_shape  # channels last: (N, H, W, C)
(None, 224, 224, 3)
>>> # The last layer is a softmax: each row is a probability distribution.
>>> np.allclose(keras.ops.sum(scores, axis=1), 1.0, atol=1e-5)
True
>>> f"{trainable:,}"  # the same number as torchvision's parameters
'3,504,872'
>>> f"{backbone.count_params():,}"  # ...plus the batch-norm statistics
'3,538,984'

# --8<-- [end:backbone-checks]
"""

# --8<-- [start:backbone]
import keras
import numpy as np

keras.utils.set_random_seed(0)
# The architecture only: weights=None downloads nothing.
backbone = keras.applications.MobileNetV2(weights=None, classes=1000)

# Two random "photos", the same array as in the PyTorch version.
images = np.random.default_rng(0).random((2, 224, 224, 3), dtype=np.float32)
scores = backbone(images, training=False)  # batch norm in inference mode
trainable = sum(int(np.prod(w.shape)) for w in backbone.trainable_weights)
# --8<-- [end:backbone]
