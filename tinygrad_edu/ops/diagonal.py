"""The diagonal of two axes of a tensor, as a view of its memory (PyTorch's `diagonal`).

    out[..., i] = x[..., i, i + offset]      (dims dim1, dim2 removed, the diagonal last)

Backward puts the gradient back on that diagonal of a zero tensor of x's shape. That is the
same scatter as reading x[rows, cols]'s backward (ops/index.py), so it differentiates again.
"""
from __future__ import annotations

import numpy as np

from .op import Op


def diagonal_index(shape: tuple, offset: int, dim1: int, dim2: int) -> tuple:
    """The index `x[index]` that reads the same numbers as the diagonal: arange arrays at dim1
    and dim2, whole slices elsewhere."""
    start1, start2 = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(min(shape[dim1] - start1, shape[dim2] - start2), 0)
    index = [slice(None)] * len(shape)
    index[dim1] = np.arange(start1, start1 + length)
    index[dim2] = np.arange(start2, start2 + length)
    return tuple(index)


def diagonal_axis_in_index(ndim: int, dim1: int, dim2: int) -> int:
    """Where x[diagonal_index(...)] puts the diagonal: numpy puts the dim of two adjacent index
    arrays in their place, of two apart ones in front."""
    return min(dim1, dim2) if abs(dim1 - dim2) == 1 else 0


class Diagonal(Op):
    """out[..., i] = x[..., i, i + offset] along (dim1, dim2), a view;
    backward: zeros of x's shape with grad[..., i] added at [..., i, i + offset]"""

    returns_view = True

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.in_shape, ctx.offset, ctx.dims = x.data.shape, offset, (dim1, dim2)
        out = np.diagonal(x.data, offset, dim1, dim2)
        if x.data.flags.writeable:  # numpy's diagonal view is read-only; PyTorch's can be written
            out.flags.writeable = True
        return out

    @staticmethod
    def backward(ctx, grad):
        (dim1, dim2), shape = ctx.dims, ctx.in_shape
        place = diagonal_axis_in_index(len(shape), dim1, dim2)
        last = len(shape) - 2  # the diagonal's axis in grad
        order = list(range(last))
        order.insert(place, last)
        moved = ctx.xp.transpose(grad, tuple(order))
        return ctx.xp.index_add(moved, diagonal_index(shape, ctx.offset, dim1, dim2), shape)
