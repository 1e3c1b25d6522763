"""tf.data's defaults, and where its parallel calls run. Shown on docs/*/data_loading.md next to defaults_torch.py.

# --8<-- [start:defaults-checks]
>>> data = tf.data.Dataset.range(8)
>>> data.element_spec  # one element at a time: no batches unless asked for
TensorSpec(shape=(), dtype=tf.int64, name=None)
>>> print(data.options().deterministic)  # None means True: in order
None
>>> made = [int(pid) for pid, _ in data.map(process_and_thread)]
>>> set(made) == {os.getpid()}  # no other process
True
>>> batches = list(explicit_dataset(data, process_and_thread))
>>> [pids.numpy().tolist() == [os.getpid()] * 4 for pids, _ in batches]
[True, True]
>>> threads = {int(t) for _, batch in batches for t in batch}
>>> threading.get_ident() in threads  # threads of tf.data's own pool
False

# --8<-- [end:defaults-checks]
"""

# --8<-- [start:defaults]
import os
import threading

import tensorflow as tf


def process_and_thread(index):
    # Each element is the id of the process and of the thread that made it.
    def ids():
        return os.getpid(), threading.get_ident()

    return tf.py_function(ids, [], (tf.int64, tf.int64))


def explicit_dataset(data, map_fn, threads=2):
    # Each setting written out; the comments give tf.data's defaults.
    options = tf.data.Options()
    options.deterministic = True  # None, which means True: in order
    options.threading.private_threadpool_size = threads  # 0: a shared pool
    return (
        data.map(map_fn, num_parallel_calls=tf.data.AUTOTUNE)  # None: 1 call
        .batch(4)  # no default: without it, single elements
        .prefetch(tf.data.AUTOTUNE)  # no prefetching unless asked for
        .with_options(options)
    )


# --8<-- [end:defaults]
