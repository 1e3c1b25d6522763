"""GPU memory settings in TensorFlow, run in a fresh process.

The blocks between ``--8<--`` markers are shown on the page "Device management";
the examples below run in the tests and appear on the page as checked output.
Device settings only apply before TensorFlow first uses its devices, so the
doctest runs this module as a new process (``python -m snippets.devices.memory_tf``).

# --8<-- [start:memory-checks]
>>> import subprocess, sys
>>> run = subprocess.run(
...     [sys.executable, "-m", "snippets.devices.memory_tf"],
...     capture_output=True, text=True, check=True,
... )
>>> growth, logical_cpus = run.stdout.splitlines()
>>> growth == str([True] * len(tf.config.list_physical_devices("GPU")))
True
>>> logical_cpus  # one physical CPU, two logical devices
"['/device:CPU:0', '/device:CPU:1']"
>>> _ = tf.ones([1])  # in this process TensorFlow is already running...
>>> configure()  # ...so the same settings are refused
Traceback (most recent call last):
    ...
RuntimeError: ... cannot be modified after being initialized

# --8<-- [end:memory-checks]
"""

# --8<-- [start:memory]
import tensorflow as tf


def configure():
    """Call once at start-up, before any operation runs."""
    for gpu in tf.config.list_physical_devices("GPU"):  # [] without a GPU
        # Take GPU memory as it is needed, not most of it at start.
        tf.config.experimental.set_memory_growth(gpu, True)
    # Logical devices: here the CPU is split in two. On a GPU,
    # LogicalDeviceConfiguration(memory_limit=1024) caps it at 1 GiB instead.
    cpu = tf.config.list_physical_devices("CPU")[0]
    two_devices = [tf.config.LogicalDeviceConfiguration()] * 2
    tf.config.set_logical_device_configuration(cpu, two_devices)


if __name__ == "__main__":
    configure()
    gpus = tf.config.list_physical_devices("GPU")
    print([tf.config.experimental.get_memory_growth(g) for g in gpus])
    print([device.name for device in tf.config.list_logical_devices("CPU")])
# --8<-- [end:memory]
