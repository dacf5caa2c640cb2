"""`TakeRows`: the rows of x at integer positions, as one node -- how batched `x[i]`, `x[i:j]` and
embedding lookups run."""
from __future__ import annotations

from ..autograd.function import Function


class TakeRows(Function):
    """x[rows] for an integer array `rows`;  backward: a zero array of x's shape with each
    gradient row added at the row it came from (added twice where a row was taken twice).

    (`xp.index_add` writes the rows with one assignment when none repeats, the usual case.)
    """

    forward_records = False  # numpy only
    xp_backward = True

    @staticmethod
    def forward(ctx, x, rows):
        ctx.rows, ctx.in_shape = rows, x.data.shape
        return x.data[rows]

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.index_add(grad, ctx.rows, ctx.in_shape), None
