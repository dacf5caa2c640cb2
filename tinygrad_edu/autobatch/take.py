"""`TakeRows`: the rows of x at integer positions, as one node -- how batched `x[i]`, `x[i:j]` and
embedding lookups run."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function


class TakeRows(Function):
    """x[rows] for an integer array `rows`;  backward: a zero array of x's shape with each
    gradient row added at the row it came from (added twice where a row was taken twice).

    When no row repeats -- the usual case: each word's slice is read once -- the gradient is
    written with one assignment instead of `np.add.at`, which is several times slower.
    """

    forward_records = False  # numpy only
    xp_backward = True

    @staticmethod
    def forward(ctx, x, rows):
        ctx.rows, ctx.in_shape = rows, x.data.shape
        return x.data[rows]

    @staticmethod
    def backward(ctx, grad):
        rows = ctx.rows
        if ctx.create_graph:
            return ctx.xp.index_add(grad, rows, ctx.in_shape), None
        out = np.zeros(ctx.in_shape, dtype=grad.dtype)
        if len(rows) == ctx.in_shape[0] and np.array_equal(rows, np.arange(len(rows))):
            out[:] = grad  # every row once, in order
        elif np.unique(rows).size == rows.size:
            out[rows] = grad
        else:
            np.add.at(out, rows, grad)
        return out, None
