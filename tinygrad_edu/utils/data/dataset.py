"""Datasets: anything with `len(ds)` and `ds[i]`; and the ways to make one from others."""
from __future__ import annotations

import bisect
import math
import warnings
from abc import abstractmethod
from collections.abc import Iterable, Sequence

from ...random import rng_of
from ...tensor import Tensor


class Dataset:
    """The base class of map-style datasets: subclasses define `__getitem__(i)` (one example)
    and `__len__()`. `a + b` is the two one after the other (`ConcatDataset`)."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__ (one example by index)")

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        return ConcatDataset([self, other])


class IterableDataset(Dataset, Iterable):
    """The base class of datasets read as a stream: subclasses define `__iter__` (a subclass
    without one cannot be instantiated: TypeError, as in PyTorch, where `__iter__` is abstract).
    A DataLoader batches what the iteration yields, in order (it cannot shuffle a stream)."""

    @abstractmethod
    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __add__(self, other: Dataset) -> "Dataset":
        """`a + b` reads stream a, then b: a ChainDataset, as in PyTorch."""
        from .dataset_combine import ChainDataset  # (it imports this module)

        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Examples made of the rows of tensors with the same first dimension: `ds[i]` is
    `tuple(t[i] for t in tensors)`.

    >>> import tinygrad_edu as tg
    >>> ds = TensorDataset(tg.zeros(3, 2), tg.tensor([1, 2, 3]))
    >>> len(ds), ds[2][1]
    (3, tensor(3))
    """

    def __init__(self, *tensors: Tensor) -> None:
        # (the exception types are PyTorch's: IndexError for a 0-d tensor, whose size(0) does not
        # exist, AssertionError for a size mismatch; with no tensors at all, len() raises IndexError)
        for t in tensors:
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: every argument must be a Tensor, got {type(t).__name__}")
            if t.ndim == 0:
                raise IndexError("TensorDataset: a 0-d tensor has no rows to be examples")
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            sizes = ", ".join(str(t.shape[0]) for t in tensors)
            raise AssertionError(f"TensorDataset: size mismatch between tensors: their first dimensions are "
                                 f"{sizes}, but every tensor needs one row per example")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        if not self.tensors:
            raise IndexError("TensorDataset: no tensors were given, so there are no examples to count")
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The examples of `dataset` at `indices`, in that order. A DataLoader reads a batch with
    `__getitems__` (which asks `dataset.__getitems__` when it has one), so a subclass that
    overrides `__getitem__` must override `__getitems__` too (NotImplementedError otherwise, as
    in PyTorch 2.13)."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        if type(self).__getitem__ is not Subset.__getitem__ and type(self).__getitems__ is Subset.__getitems__:
            raise NotImplementedError(
                f"{type(self).__name__} overrides __getitem__ but not __getitems__: a DataLoader reads "
                f"batches with __getitems__, which would bypass your __getitem__. Add\n\n"
                f"def __getitems__(self, indices):\n    return [self.__getitem__(idx) for idx in indices]")

    def __getitem__(self, index):
        if isinstance(index, list):  # (a list of indices is passed on whole, as in PyTorch)
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices: list[int]) -> list:
        """The examples at `indices` (positions in the subset), one batch at a time."""
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Several datasets one after the other: index i runs through the first, then the second..."""

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        if not self.datasets:  # (AssertionError: PyTorch's type)
            raise AssertionError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")  # (PyTorch's type)
        self.cumulative_sizes = []
        total = 0
        for d in self.datasets:
            total += len(d)
            self.cumulative_sizes.append(total)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int):
        if index < 0:
            if -index > len(self):
                raise ValueError("ConcatDataset: absolute value of index should not exceed dataset length")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        if which == len(self.datasets):
            raise IndexError(f"ConcatDataset: index {index} is out of range for {len(self)} examples")
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


def random_split(dataset: Dataset, lengths: Sequence, generator=None) -> list[Subset]:
    """Split `dataset` into non-overlapping random subsets of the given `lengths` (counts that add
    up to len(dataset), or fractions that add up to 1: the remainder left by flooring goes one by
    one to the first subsets, as in PyTorch). `generator` as in `tg.randperm`.

    >>> import tinygrad_edu as tg
    >>> train, test = random_split(range(10), [0.8, 0.2], generator=tg.Generator().manual_seed(0))
    >>> len(train), len(test), sorted(list(train) + list(test)) == list(range(10))
    (8, 2, True)
    """
    n = len(dataset)
    lengths = list(lengths)
    if lengths and math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"random_split: fractions must be between 0 and 1, got {lengths}")
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f"random_split: length of split at index {i} is 0. This might result in an "
                              f"empty dataset.", UserWarning, stacklevel=2)
    if sum(lengths) != n:
        raise ValueError(f"random_split: sum of input lengths ({sum(lengths)}) does not equal the length "
                         f"of the input dataset ({n})")
    order = rng_of(generator, "random_split").permutation(n).tolist()
    subsets, start = [], 0
    for length in lengths:
        subsets.append(Subset(dataset, order[start:start + length]))
        start += length
    return subsets
