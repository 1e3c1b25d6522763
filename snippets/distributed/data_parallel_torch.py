"""Data parallelism in PyTorch: DistributedDataParallel over two processes (gloo, CPU).

The blocks between ``--8<--`` markers are shown on the page "Parallelism and distributed
training"; the examples below run in the tests and appear on the page as checked output.
Process groups are per process, so the test runs this module as a program, in a fresh
process that starts the two replicas, and reads the report rank 0 prints.

# --8<-- [start:replicas-checks]
>>> import json, subprocess, sys
>>> from pathlib import Path
>>> run = subprocess.run(
...     [sys.executable, "-m", "snippets.distributed.data_parallel_torch"],
...     cwd=Path(__file__).parents[2],  # the project's root
...     capture_output=True, text=True, check=True,
... )
>>> report = json.loads(run.stdout)
>>> report["replicas"], report["steps"]  # 10 epochs x 64 examples / 32 per step
(2, 20)
>>> report["batch_per_replica"]
16
>>> replica_0, replica_1 = report["weights_per_replica"]
>>> replica_0 == replica_1  # every one of the 212 weights, bit for bit
True
>>> report["loss_after"] < report["loss_before"] / 2
True

# --8<-- [end:replicas-checks]
# --8<-- [start:one_device-checks]
>>> one_device = train_on_one_device()
>>> torch.allclose(torch.tensor(replica_0), one_device, atol=1e-6)
True

# --8<-- [end:one_device-checks]
"""

# --8<-- [start:replicas]
import json
import os
import socket

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

REPLICAS = 2
GLOBAL_BATCH = 32  # examples per step, all replicas together
EPOCHS = 10  # 64 examples / 32 per step = 2 steps per epoch
LEARNING_RATE = 0.1


def make_data():
    rng = np.random.default_rng(0)  # the same data as the TensorFlow tab
    inputs = rng.standard_normal((64, 8), dtype=np.float32)
    targets = inputs @ rng.standard_normal((8, 4), dtype=np.float32)
    return TensorDataset(torch.from_numpy(inputs), torch.from_numpy(targets))


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))


def train(rank):  # runs once in each process; rank 0 or 1
    dist.init_process_group("gloo", rank=rank, world_size=REPLICAS)
    model = make_model()
    # DDP copies rank 0's weights to every replica, then averages the
    # gradients across replicas (all-reduce) inside every backward().
    ddp_model = DistributedDataParallel(model)  # CPU: no device_ids
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=LEARNING_RATE)
    data = make_data()
    # Each replica reads its own half of the data, in batches of 16.
    sampler = DistributedSampler(data, REPLICAS, rank, shuffle=False)
    loader = DataLoader(data, GLOBAL_BATCH // REPLICAS, sampler=sampler)
    all_inputs, all_targets = data.tensors
    with torch.no_grad():
        loss_before = nn.functional.mse_loss(model(all_inputs), all_targets)
    steps = 0
    for _ in range(EPOCHS):
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(ddp_model(inputs), targets)
            loss.backward()  # gradients are averaged across replicas here
            optimizer.step()
            steps += 1
    with torch.no_grad():
        loss_after = nn.functional.mse_loss(model(all_inputs), all_targets)
    # Gather every replica's weights to compare them.
    weights = nn.utils.parameters_to_vector(model.parameters()).detach()
    gathered = [torch.empty_like(weights) for _ in range(REPLICAS)]
    dist.all_gather(gathered, weights)
    if rank == 0:
        report = {
            "replicas": dist.get_world_size(),
            "batch_per_replica": loader.batch_size,
            "steps": steps,
            "weights_per_replica": [w.tolist() for w in gathered],
            "loss_before": loss_before.item(),
            "loss_after": loss_after.item(),
        }
        print(json.dumps(report))
    dist.barrier()  # every replica is done before any of them tears down
    dist.destroy_process_group()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))  # port 0: the system picks a free one
        return probe.getsockname()[1]


if __name__ == "__main__":
    # What torchrun would set: where rank 0 waits for the others.
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(free_port())
    # Calls train(0) and train(1) in two processes. "fork" (Linux) lets them
    # exit without Python's shutdown, where gloo's threads sometimes abort;
    # on macOS or Windows use mp.spawn(train, nprocs=REPLICAS) instead.
    mp.start_processes(train, nprocs=REPLICAS, start_method="fork")
# --8<-- [end:replicas]


# --8<-- [start:one_device]
def train_on_one_device():
    model = make_model()  # the same initial weights as in train()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loader = DataLoader(make_data(), GLOBAL_BATCH)  # 32 examples per step
    for _ in range(EPOCHS):
        for inputs, targets in loader:
            optimizer.zero_grad()
            nn.functional.mse_loss(model(inputs), targets).backward()
            optimizer.step()
    return nn.utils.parameters_to_vector(model.parameters()).detach()


# --8<-- [end:one_device]
