"""`get_worker_info()`, as PyTorch's `torch.utils.data.get_worker_info`: who is loading the data.

In PyTorch a DataLoader with `num_workers > 0` reads the dataset in worker processes, and code
that runs there (the dataset's `__getitem__` or `__iter__`, `collate_fn`, `worker_init_fn`) can
ask which worker it is -- typically an IterableDataset that splits its stream so that the workers
do not all yield the same examples. In the main process the answer is None.

Here the loading runs in the calling process: a DataLoader with `num_workers > 0` plays its
workers one after another (dataloader.py), and while worker i's code runs, `get_worker_info()`
answers `WorkerInfo(id=i, num_workers, seed, dataset)`. Everywhere else it is None (also with
`num_workers=0`, as in PyTorch).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorkerInfo:
    """The worker that runs the loading code: its `id` (0 to num_workers - 1), `num_workers`,
    the `seed` it was given (the loader's base seed + id) and the `dataset` it reads. Read only,
    as PyTorch's. `rng` and `worker_method` are PyTorch's optional fields, kept at its defaults
    (None and "multiprocessing") so that code reading them runs."""

    id: int
    num_workers: int
    seed: int
    dataset: Any
    rng: Any = None
    worker_method: str | None = "multiprocessing"


_current: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """The WorkerInfo of the DataLoader worker this code runs in, or None outside a worker.

    >>> from tinygrad_edu.utils.data import get_worker_info
    >>> get_worker_info() is None       # (the main process)
    True
    """
    return _current


@contextmanager
def acting_as(info: WorkerInfo | None):
    """Run the code inside as the worker `info` (None: as the main process)."""
    global _current
    previous, _current = _current, info
    try:
        yield
    finally:
        _current = previous
