"""The order of elements along an axis, for sort, argsort and topk.

Only the indices are computed here; the sorted values are then `x.gather(dim, indices)`, whose
gradient puts each output gradient back where its value came from (so a sort needs no backward of
its own). Orders follow PyTorch: NaN counts as larger than every number (last when ascending,
first when descending), and equal elements keep their original order (a stable sort).
"""
from __future__ import annotations

import numpy as np


def order_indices(array: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Indices (int64) that sort `array` along `axis`, stably."""
    if not descending:
        return np.argsort(array, axis=axis, kind="stable").astype(np.int64, copy=False)
    # A stable descending sort: sort the reversed array ascending, read that order backwards and
    # map positions in the reversed array back (i -> n-1-i). Equal elements stay in input order;
    # NaN, last in numpy's ascending order, comes first.
    n = array.shape[axis]
    reversed_order = np.argsort(np.flip(array, axis), axis=axis, kind="stable")
    return (n - 1 - np.flip(reversed_order, axis)).astype(np.int64, copy=False)
