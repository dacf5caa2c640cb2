"""`DataLoader`: a dataset read in batches, in order or shuffled, one pass per `for` loop."""
from __future__ import annotations

import copy
import multiprocessing
import multiprocessing.context
import warnings
from collections.abc import Callable, Iterable

import numpy as np

from ...random import rng_of
from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler
from .worker import WorkerInfo, acting_as

_END = object()  # (what next() gives at the end of the batches)


class DataLoader:
    """Batches of a dataset: `for xb, yb in DataLoader(ds, batch_size=64, shuffle=True): ...`

    - `batch_size` examples are taken at a time (the last batch is smaller unless
      `drop_last=True`), and joined by `collate_fn` (default: `default_collate`, which stacks
      Tensors). `batch_size=None` gives the examples one by one, not joined.
    - `shuffle=True` visits the examples in a new random order on every pass (drawn from
      `generator`, default the framework's: `tg.manual_seed` makes it repeatable; the order is
      not PyTorch's for the same seed). `sampler` (an iterable of indices) or `batch_sampler`
      (of lists of indices) choose the order instead.
    - `len(loader)` is the number of batches.
    - `pin_memory`, `timeout`, `prefetch_factor`, `persistent_workers` and
      `multiprocessing_context` are accepted and change nothing: loading runs in this process.
      `num_workers > 0` plays PyTorch's worker processes here, one after another, with the same
      results: at the start of each pass `worker_init_fn(i)` runs for each worker i, and what a
      worker loads sees `get_worker_info()` = WorkerInfo(id=i, num_workers, seed, dataset), where
      `dataset` is the worker's own (shallow) copy, as a worker process has its own. A map-style
      dataset's batch n is loaded by worker n % num_workers (the order is the sampler's); an
      IterableDataset is iterated by every worker (split it by `get_worker_info()` or in
      `worker_init_fn`, as PyTorch's docs show, or each worker yields all of it), and their
      batches are taken in turn, one from each worker still going. With `num_workers=0`
      `worker_init_fn` is never called and `get_worker_info()` is None, as in PyTorch.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.utils.data import TensorDataset
    >>> loader = DataLoader(TensorDataset(tg.zeros(10, 3), tg.zeros(10)), batch_size=4, drop_last=True)
    >>> len(loader), [x.shape for x, _ in loader]
    (2, [(4, 3), (4, 3)])
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Iterable | None = None, batch_sampler: Iterable | None = None, num_workers: int = 0,
                 collate_fn: Callable | None = None, pin_memory: bool = False, drop_last: bool = False,
                 timeout: float = 0, worker_init_fn: Callable | None = None, multiprocessing_context=None,
                 generator=None, *, prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers option should be non-negative, got {num_workers!r}")
        if timeout < 0:
            raise ValueError("DataLoader: timeout option should be non-negative")
        prefetch_factor = _check_worker_options(num_workers, prefetch_factor, persistent_workers)
        self.dataset = dataset
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = _checked_context(multiprocessing_context, num_workers)
        self.pin_memory_device = pin_memory_device
        self.in_order = in_order
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 f"but got shuffle={shuffle}")
            if sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler and "
                                 "batch_sampler options (a stream is read in its own order)")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("DataLoader: batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:  # (a stream's sampler only says "next one", as PyTorch's)
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            else:
                sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:  # batches are joined; single examples (batch_size=None) only converted
            batched = batch_sampler is not None or (self._iterable and batch_size is not None)
            collate_fn = default_collate if batched else default_convert
        self.collate_fn = collate_fn
        self._length_reported = None  # (the length len(loader) gave for a stream, to warn when exceeded)
        self._initialized = True

    def __setattr__(self, attr: str, value) -> None:
        # as in PyTorch: the loader's batches are planned in __init__ (the batch sampler is built
        # from these), so changing them afterwards would be silently ignored
        if attr in _FIXED_AFTER_INIT and self.__dict__.get("_initialized", False):
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized "
                             f"(make a new DataLoader instead)")
        super().__setattr__(attr, value)

    def __iter__(self):
        if self.pin_memory:  # (PyTorch's warning on a machine without an accelerator, the only kind here)
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device "
                          "pinned memory won't be used.", UserWarning, stacklevel=2)
        count = 0
        for batch in self._all_batches():
            count += 1
            if self._length_reported is not None and count > self._length_reported:
                warnings.warn(f"Length of IterableDataset {self.dataset} was reported to be "
                              f"{self._length_reported} (when accessing len(dataloader)), but {count} "
                              f"samples have been fetched.", UserWarning, stacklevel=2)
            yield batch

    def _all_batches(self):
        if self.num_workers == 0:
            yield from self._batches(self.dataset, self._requests())
            return
        # PyTorch's worker processes, played in this process one after another: worker i has its
        # own (shallow) copy of the dataset, runs worker_init_fn(i), and what it loads sees
        # get_worker_info() = WorkerInfo(id=i, ..., dataset=its copy)
        base = self._base_seed()
        workers = [WorkerInfo(id=i, num_workers=self.num_workers, seed=base + i, dataset=copy.copy(self.dataset))
                   for i in range(self.num_workers)]
        for info in workers:
            if self.worker_init_fn is not None:  # (PyTorch calls it in workers only)
                with acting_as(info):
                    self.worker_init_fn(info.id)
        if self._iterable:  # each worker iterates its copy; their batches are taken in turn
            yield from _round_robin([(info, self._batches(info.dataset, None)) for info in workers])
            return
        # a map-style dataset: the main process draws the indices, batch n is loaded by worker n % k
        for n, request in enumerate(self._requests()):
            info = workers[n % self.num_workers]
            with acting_as(info):
                batch = next(self._batches(info.dataset, iter((request,))))
            yield batch

    def _base_seed(self) -> int:
        """The workers' seed, from the loader's generator -- read from a copy, so that the
        shuffling does not depend on num_workers (as in PyTorch)."""
        return int(copy.deepcopy(rng_of(self.generator, "DataLoader")).integers(2**63))

    def _requests(self):
        """What each batch of a map-style dataset is made of: a list of indices (from the batch
        sampler), or one index (batch_size=None); None for an IterableDataset."""
        if self._iterable:
            return None
        return iter(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def _batches(self, dataset, requests):
        if self._iterable:
            yield from self._stream(dataset)
        elif self.batch_sampler is not None:
            rows = dataset.__class__ is TensorDataset and self.collate_fn is default_collate
            for indices in requests:
                if rows:  # the same batch as stacking the examples' rows, with one index per tensor
                    index = np.asarray(indices, dtype=np.int64)
                    yield [t[index] for t in dataset.tensors]
                elif getattr(dataset, "__getitems__", None):  # a whole batch in one call, as PyTorch asks
                    yield self.collate_fn(dataset.__getitems__(list(indices)))
                else:
                    yield self.collate_fn([dataset[i] for i in indices])
        else:
            for index in requests:
                yield self.collate_fn(dataset[index])

    def _stream(self, dataset):
        if self.batch_size is None:
            for example in dataset:
                yield self.collate_fn(example)
            return
        batch = []
        for example in dataset:
            batch.append(example)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)  # (a TypeError for a stream without a length, as in PyTorch)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            self._length_reported = n
            return n
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)


_FIXED_AFTER_INIT = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


class _InfiniteConstantSampler(Sampler):
    """The sampler of a DataLoader over an IterableDataset: None forever (the stream itself says
    what comes next), as PyTorch's."""

    def __iter__(self):
        while True:
            yield None


def _check_worker_options(num_workers: int, prefetch_factor: int | None, persistent_workers: bool) -> int | None:
    """PyTorch's checks of the worker options; returns prefetch_factor (2 by default with workers)."""
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("DataLoader: prefetch_factor option could only be specified in multiprocessing. "
                         "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
    if num_workers > 0 and prefetch_factor is None:
        prefetch_factor = 2
    elif prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError(f"DataLoader: prefetch_factor option should be non-negative, got {prefetch_factor}")
    if persistent_workers and num_workers == 0:
        raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")
    return prefetch_factor


def _checked_context(context, num_workers: int):
    """`multiprocessing_context` checked as PyTorch does (a start method's name becomes its
    context object), although no process is started here."""
    if context is None:
        return None
    if num_workers == 0:
        raise ValueError(f"DataLoader: multiprocessing_context can only be used with multi-process loading "
                         f"(num_workers > 0), but got num_workers={num_workers}")
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(f"DataLoader: multiprocessing_context option should specify a valid start method in "
                             f"{methods!r}, but got multiprocessing_context={context!r}")
        context = multiprocessing.get_context(context)
    if not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError(f"DataLoader: multiprocessing_context option should be a valid context object or a string "
                        f"specifying the start method, but got multiprocessing_context={context}")
    return context


def _round_robin(workers: list):
    """Batches from each (worker, batches) pair in turn, skipping workers that are done: the
    order in which PyTorch's DataLoader returns an IterableDataset's batches from its workers."""
    going = list(workers)
    while going:
        for pair in list(going):
            info, batches = pair
            with acting_as(info):
                batch = next(batches, _END)
            if batch is _END:
                going.remove(pair)
            else:
                yield batch
