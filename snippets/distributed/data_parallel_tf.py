"""Data parallelism in TensorFlow: MirroredStrategy over two logical CPU devices.

The blocks between ``--8<--`` markers are shown on the page "Parallelism and distributed
training"; the examples below run in the tests and appear on the page as checked output.
Logical devices must be configured before TensorFlow initialises its devices, so the test
runs this module as a program, in a fresh process, and reads the report it prints.

# --8<-- [start:replicas-checks]
>>> import json, subprocess, sys
>>> from pathlib import Path
>>> run = subprocess.run(
...     [sys.executable, "-m", "snippets.distributed.data_parallel_tf"],
...     cwd=Path(__file__).parents[2],  # the project's root
...     capture_output=True, text=True, check=True,
... )
>>> report = json.loads(run.stdout)
>>> report["replicas"], report["steps"]  # 10 epochs x 64 examples / 32 per step
(2, 20)
>>> replica_0, replica_1 = report["weights_per_replica"]
>>> replica_0 == replica_1  # every one of the 212 weights, bit for bit
True
>>> report["loss_after"] < report["loss_before"] / 2
True

# --8<-- [end:replicas-checks]
# --8<-- [start:one_device-checks]
>>> one_device = train_on_one_device()
>>> np.allclose(replica_0, one_device, atol=1e-6)
True

# --8<-- [end:one_device-checks]
"""

# --8<-- [start:replicas]
import json

import keras
import numpy as np
import tensorflow as tf

REPLICAS = 2
GLOBAL_BATCH = 32  # examples per step, all replicas together
EPOCHS = 10  # 64 examples / 32 per step = 2 steps per epoch
LEARNING_RATE = 0.1


def make_data():
    rng = np.random.default_rng(0)  # the same data as the PyTorch tab
    inputs = rng.standard_normal((64, 8), dtype=np.float32)
    targets = inputs @ rng.standard_normal((8, 4), dtype=np.float32)
    return inputs, targets


def make_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((8,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(4),
        ]
    )
    model.compile(keras.optimizers.SGD(LEARNING_RATE), loss="mse")
    return model


def train():
    # Two logical CPUs stand in for two GPUs. This must happen before
    # TensorFlow initialises its devices: in a fresh process.
    cpu = tf.config.list_physical_devices("CPU")[0]
    config = [tf.config.LogicalDeviceConfiguration()] * REPLICAS
    tf.config.set_logical_device_configuration(cpu, config)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():  # variables made here are mirrored on each replica
        model = make_model()
    inputs, targets = make_data()
    loss_before = model.evaluate(inputs, targets, GLOBAL_BATCH, verbose=0)
    # batch_size is the global batch: each replica gets 32 / 2 = 16
    # examples per step, and the gradients are summed across replicas
    # (all-reduce) from losses scaled so that the result is their average.
    model.fit(
        inputs,
        targets,
        batch_size=GLOBAL_BATCH,
        epochs=EPOCHS,
        shuffle=False,
        verbose=0,
    )
    loss_after = model.evaluate(inputs, targets, GLOBAL_BATCH, verbose=0)
    # Each weight is a mirrored variable: one copy per replica.
    local_copies = strategy.experimental_local_results
    copies = [local_copies(w.value) for w in model.weights]
    per_replica = [
        np.concatenate([c[r].numpy().ravel() for c in copies])
        for r in range(strategy.num_replicas_in_sync)
    ]
    return {
        "replicas": strategy.num_replicas_in_sync,
        "steps": int(model.optimizer.iterations.numpy()),  # updates applied
        "weights_per_replica": [w.tolist() for w in per_replica],
        "loss_before": loss_before,
        "loss_after": loss_after,
    }


if __name__ == "__main__":
    print(json.dumps(train()))
# --8<-- [end:replicas]


# --8<-- [start:one_device]
def train_on_one_device():
    model = make_model()  # the same initial weights as in train()
    inputs, targets = make_data()
    model.fit(  # outside any strategy scope: one device, 32 examples per step
        inputs,
        targets,
        batch_size=GLOBAL_BATCH,
        epochs=EPOCHS,
        shuffle=False,
        verbose=0,
    )
    return np.concatenate([w.numpy().ravel() for w in model.weights])


# --8<-- [end:one_device]
