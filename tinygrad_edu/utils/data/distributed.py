"""`DistributedSampler`: each of `num_replicas` processes reads its own share of a dataset
(PyTorch's `torch.utils.data.distributed`). tinygrad_edu has no process group, so `num_replicas`
and `rank` must be given; the sampler is still useful to split a data set into disjoint parts."""
from __future__ import annotations

import math
from collections.abc import Iterator

from ...creation import randperm
from ...random import Generator
from .sampler import Sampler


class DistributedSampler(Sampler):
    """The indices of replica `rank` out of `num_replicas`: every `num_replicas`-th index of the
    (shuffled) order, starting at `rank`. With `drop_last=False` the order is padded by repeating
    its start, so that every replica gets `ceil(n / num_replicas)` indices; with `drop_last=True`
    the tail is cut so that every replica gets `floor(n / num_replicas)`.

    `shuffle=True` draws the order from a generator seeded with `seed + epoch`: every replica
    given the same seed and epoch computes the same permutation (so their shares are disjoint),
    and `set_epoch(e)` before each epoch gives a new order. The permutation is numpy's
    (`tg.randperm`), not PyTorch's for the same seed; with `shuffle=False` the indices are PyTorch's.

    >>> s = DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False)
    >>> list(s), len(s)
    ([1, 3, 0], 3)
    """

    def __init__(self, dataset, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            raise RuntimeError(
                "DistributedSampler: tinygrad_edu has no distributed package (no process group to ask "
                "for the world size and rank), so num_replicas and rank must be given, e.g. "
                "DistributedSampler(dataset, num_replicas=2, rank=0)")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"DistributedSampler: invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)  # = floor(n / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            generator = Generator().manual_seed(self.seed + self.epoch)
            indices = randperm(n, generator=generator).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:  # pad with the start of the order, repeated as often as needed
            padding = self.total_size - len(indices)
            if padding > 0:
                indices += (indices * math.ceil(padding / len(indices)))[:padding]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use the order of `epoch` on the next pass (with `shuffle=True`: a new permutation)."""
        self.epoch = epoch
