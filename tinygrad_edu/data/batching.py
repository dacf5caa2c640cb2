"""Mini-batches: the same rows sliced out of several arrays at once."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from tinygrad_edu.random import generator


def batches(
    *arrays: np.ndarray,
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, ...]]:
    """Yield tuples of row slices, one slice per array, with the same rows in each.

    With `shuffle=True` the row order is a fresh permutation on every call: drawn from
    `np.random.default_rng(seed)` when `seed` is given, otherwise from the framework's generator
    (so `tg.manual_seed` makes it repeatable). `drop_last=True` skips a final short batch.

    >>> X, y = np.arange(10).reshape(5, 2), np.arange(5)
    >>> [len(yb) for _, yb in batches(X, y, batch_size=2, shuffle=False)]
    [2, 2, 1]
    """
    if not arrays:
        raise ValueError("batches: needs at least one array")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batches: batch_size must be an int, got {type(batch_size).__name__}")
    if batch_size < 1:
        raise ValueError(f"batches: batch_size must be >= 1, got {batch_size}")
    arrays = tuple(np.asarray(array) for array in arrays)
    for array in arrays:
        if array.ndim == 0:
            raise ValueError("batches: arrays must have at least one dimension, got a scalar")
    lengths = [len(array) for array in arrays]
    if len(set(lengths)) > 1:
        raise ValueError(f"batches: all arrays must have the same number of rows, got lengths {lengths}")

    n_rows = lengths[0]
    if shuffle:
        rng = np.random.default_rng(seed) if seed is not None else generator()
        order = rng.permutation(n_rows)
    else:
        order = None
    # The checks above run at call time; only the slicing is deferred to iteration.
    return _slices(arrays, order, n_rows, batch_size, drop_last)


def _slices(
    arrays: tuple[np.ndarray, ...], order: np.ndarray | None, n_rows: int, batch_size: int, drop_last: bool
) -> Iterator[tuple[np.ndarray, ...]]:
    stop = n_rows - batch_size + 1 if drop_last else n_rows
    for start in range(0, stop, batch_size):
        if order is None:
            # Contiguous slices stay views of the input: no copy when not shuffling.
            yield tuple(array[start : start + batch_size] for array in arrays)
        else:
            rows = order[start : start + batch_size]
            yield tuple(array[rows] for array in arrays)
