"""Sliding windows along one dim (`Tensor.unfold(dimension, size, step)`), as a view.

out[..., w, ..., j] = x[..., w·step + j, ...]: the dim `dimension` becomes the number of windows,
(length - size)//step + 1, and a new last dim of length `size` runs inside each window. The
forward is a strided view of x's memory (numpy's as_strided, read-only: windows overlap, so a
write through one element would change several); the backward adds each window's gradient back
at the positions it was read from (positions read by several windows sum their gradients).
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .op import Op


def window_index(shape: tuple, dimension: int, size: int, step: int, windows: int) -> tuple:
    """The integer index arrays `x[index]` that read the windows in the output's layout."""
    index = []
    for d in range(len(shape)):
        view_shape = [1] * (len(shape) + 1)
        if d == dimension:
            view_shape[d], view_shape[-1] = windows, size
            positions = (np.arange(windows) * step)[:, None] + np.arange(size)[None, :]
            index.append(positions.reshape(view_shape))
        else:
            view_shape[d] = shape[d]
            index.append(np.arange(shape[d]).reshape(view_shape))
    return tuple(index)


class Unfold(Op):
    """out[..., w, ..., j] = x[..., w·step + j, ...];  backward: ∂L/∂x = Σ over the windows that
    read each position of the gradient there"""

    returns_view = True

    @staticmethod
    def forward(ctx, x, dimension, size, step):
        data = x.data
        ctx.input_shape, ctx.window = data.shape, (dimension, size, step)
        if data.ndim == 0:  # a 0-d tensor is one window of one element, as in PyTorch
            return as_strided(data, (1,), (0,), writeable=False)
        windows = (data.shape[dimension] - size) // step + 1
        shape = data.shape[:dimension] + (windows,) + data.shape[dimension + 1:] + (size,)
        strides = (data.strides[:dimension] + (data.strides[dimension] * step,) + data.strides[dimension + 1:]
                   + (data.strides[dimension],))
        return as_strided(data, shape, strides, writeable=False)

    @staticmethod
    def backward(ctx, grad):
        shape = ctx.input_shape
        if not shape:
            return ctx.xp.reshape(grad, ())
        # the index arrays are built here, not in forward: only a backward needs them
        dimension, size, step = ctx.window
        windows = (shape[dimension] - size) // step + 1
        return ctx.xp.index_add(grad, window_index(shape, dimension, size, step, windows), shape)
