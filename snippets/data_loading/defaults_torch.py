"""DataLoader's defaults, and where its workers run. Shown on docs/*/data_loading.md next to defaults_tf.py.

>>> import os
>>> import torch.multiprocessing

# --8<-- [start:defaults-checks]
>>> loader = DataLoader(ProcessIds())  # nothing but the data
>>> loader.batch_size, type(loader.sampler).__name__  # one item, in order
(1, 'SequentialSampler')
>>> loader.num_workers, loader.persistent_workers, loader.pin_memory
(0, False, False)
>>> loader.in_order, loader.multiprocessing_context  # None: Python's default
(True, None)
>>> torch.multiprocessing.get_start_method()  # on Linux, before Python 3.14
'fork'
>>> {int(pid) for pid in loader} == {os.getpid()}  # 0 workers: this process
True
>>> loader = explicit_loader(ProcessIds())
>>> loader.prefetch_factor  # batches each worker prepares ahead
2
>>> batches = [batch.tolist() for batch in loader]
>>> [len(set(batch)) for batch in batches]  # each batch made by one worker
[1, 1]
>>> workers = {batch[0] for batch in batches}
>>> len(workers), os.getpid() in workers  # two other processes
(2, False)

# --8<-- [end:defaults-checks]
"""

# --8<-- [start:defaults]
import os

from torch.utils.data import DataLoader, Dataset


class ProcessIds(Dataset):
    # Each item is the id of the process that made it.
    def __len__(self):
        return 8

    def __getitem__(self, index):
        return os.getpid()


def explicit_loader(dataset, num_workers=2):
    # Each setting written out; the comments give DataLoader's defaults.
    return DataLoader(
        dataset,
        batch_size=4,  # 1
        shuffle=False,  # False; True: pass a seeded generator to repeat it
        num_workers=num_workers,  # 0: no worker processes
        persistent_workers=num_workers > 0,  # False: new workers every epoch
        pin_memory=False,  # False; True speeds up copies to a CUDA GPU
        in_order=True,  # True: batches in order, whichever worker is first
    )


# --8<-- [end:defaults]
