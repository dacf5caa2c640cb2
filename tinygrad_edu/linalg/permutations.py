"""Row permutations given as LAPACK's pivots (getrf's and sytrf's row interchanges, 1-based:
at step j, row j was swapped with row pivots[j]) and the ways to apply them."""
from __future__ import annotations

import numpy as np


def permutation(pivots: np.ndarray, m: int) -> np.ndarray:
    """order (..., m) with (PᵀA)[i] = A[order[i]]: the interchanges j <-> pivots[j] - 1, in turn,
    applied to the rows 0..m-1 (so PᵀA = LU for getrf's pivots)."""
    batch = pivots.shape[:-1]
    count = int(np.prod(batch, dtype=np.int64))
    order = np.array(np.broadcast_to(np.arange(m), batch + (m,))).reshape(count, m)
    swaps = np.asarray(pivots, np.int64).reshape(count, pivots.shape[-1]) - 1
    each = np.arange(order.shape[0])
    for j in range(swaps.shape[1]):
        p = swaps[:, j]
        rows = order[:, j].copy()
        order[:, j] = order[each, p]
        order[each, p] = rows
    return order.reshape(batch + (m,))


def permutation_matrix(order: np.ndarray, dtype) -> np.ndarray:
    """P (..., m, m) with (PᵀA)[i] = A[order[i]]: Pᵀ is the identity's rows in that order."""
    m = order.shape[-1]
    return np.swapaxes(np.eye(m, dtype=dtype)[order], -1, -2)


def take_rows(x, order: np.ndarray):
    """The matrices of x (..., m, k) with their rows reordered: row i of the result is row
    order[..., i] of x. Plain indexing, so it works on arrays and, differentiably, on Tensors;
    order's batch dims must be x's."""
    batch = order.shape[:-1]
    index = tuple(np.arange(size).reshape((size,) + (1,) * (len(batch) - d)) for d, size in enumerate(batch))
    return x[index + (order,)]
