"""Datasets made of other datasets, side by side or one after another: `StackDataset` (example i
is the tuple, or dict, of every dataset's example i) and `ChainDataset` (streams read in turn)."""
from __future__ import annotations

from collections.abc import Iterable

from .dataset import Dataset, IterableDataset


class StackDataset(Dataset):
    """Datasets of the same length side by side: with positional datasets `ds[i]` is the tuple of
    their i-th examples, with keyword datasets the dict (`StackDataset(image=a, label=b)[i]` is
    `{"image": a[i], "label": b[i]}`).

    >>> StackDataset([1, 2], ["a", "b"])[1]
    (2, 'b')
    >>> StackDataset(x=[1, 2], y=["a", "b"])[0]
    {'x': 1, 'y': 'a'}
    """

    def __init__(self, *args: Dataset, **kwargs: Dataset) -> None:
        if args and kwargs:
            raise ValueError("StackDataset: supported either tuple-like (via args) or dict-like (via kwargs) "
                             "input/output, but both types are given")
        if not args and not kwargs:
            raise ValueError("StackDataset: at least one dataset should be passed")
        datasets = args or kwargs
        parts = list(datasets.values()) if kwargs else list(args)
        self._length = len(parts[0])
        if any(len(d) != self._length for d in parts):
            sizes = ", ".join(str(len(d)) for d in parts)
            raise ValueError(f"StackDataset: size mismatch between datasets: their lengths are {sizes}, but "
                             f"every dataset needs one example per index")
        self.datasets = datasets

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {key: d[index] for key, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices: list) -> list:
        """A batch of examples at once: each dataset answers with its own `__getitems__` when it
        has one (one call per dataset instead of one per example)."""
        named = isinstance(self.datasets, dict)
        keys = list(self.datasets) if named else range(len(self.datasets))
        columns = []
        for key in keys:
            d = self.datasets[key]
            if callable(getattr(d, "__getitems__", None)):
                items = d.__getitems__(indices)
                if len(items) != len(indices):
                    raise ValueError(f"StackDataset: nested dataset's output size mismatch. Expected "
                                     f"{len(indices)}, got {len(items)}")
            else:
                items = [d[i] for i in indices]
            columns.append(items)
        rows = zip(*columns)  # column j holds dataset j's examples; row i is example i
        return [dict(zip(keys, row)) for row in rows] if named else [tuple(row) for row in rows]

    def __len__(self) -> int:
        return self._length


class ChainDataset(IterableDataset):
    """Streams (IterableDatasets) read one after another, without copying: iterating it yields
    everything the first yields, then the second, ... `len` is the sum of their lengths (each must
    have one). A map-style dataset in the list raises AssertionError when reached, as in PyTorch.

    >>> class Count(IterableDataset):
    ...     def __init__(self, n): self.n = n
    ...     def __iter__(self): return iter(range(self.n))
    ...     def __len__(self): return self.n
    >>> chain = ChainDataset([Count(2), Count(3)])
    >>> list(chain), len(chain)
    ([0, 1, 0, 1, 2], 5)
    """

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        super().__init__()
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            _check_stream(d)
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            _check_stream(d)
            total += len(d)
        return total


def _check_stream(d) -> None:
    if not isinstance(d, IterableDataset):
        raise AssertionError(f"ChainDataset only supports IterableDataset, got {type(d).__name__}")
