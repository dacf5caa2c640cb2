"""Running sums and products: cumsum along one axis, prod over axes.

The gradient of a product is the product of the *other* factors, ∂/∂xᵢ Π x = Π_{j≠i} xⱼ. The
textbook shortcut Π x / xᵢ divides by zero when some xᵢ = 0; the product of everything left of i
times everything right of i (two exclusive running products) is exact everywhere, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from ..autograd.xp import numpy_xp
from .dims import remember_axes, spread
from .op import Op


class Cumsum(Op):
    """yᵢ = Σ_{j≤i} xⱼ along `axis`;  ∂L/∂xⱼ = Σ_{i≥j} gᵢ (the running sum of g taken from the end)"""

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        if x.data.dtype.kind in "biu":  # as PyTorch: ints sum in int64
            return np.cumsum(x.data, axis=axis, dtype=np.int64)
        return numpy_xp.cumsum(x.data, axis)  # (float16 adds up in float32: autograd/xp.py)

    @staticmethod
    def backward(ctx, grad):
        xp, axis = ctx.xp, ctx.axis
        return xp.flip(xp.cumsum(xp.flip(grad, axis), axis), axis)


class Prod(Op):
    """Π x over `axes`;  ∂/∂xᵢ = Π_{j≠i} xⱼ (exact also where x has zeros)"""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        remember_axes(ctx, x, axes, keepdim)
        ctx.save_for_backward(x)
        dtype = np.int64 if x.data.dtype.kind in "biu" else x.data.dtype
        return np.asarray(np.prod(x.data, axis=axes, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return spread(ctx.xp, grad, ctx) * ctx.xp.prod_others(x, ctx.axes)


def group_last(shape: tuple, axes: tuple) -> tuple[tuple, tuple]:
    """The permutation that moves `axes` to the end, and its inverse."""
    order = tuple(a for a in range(len(shape)) if a not in axes) + tuple(axes)
    return order, tuple(int(i) for i in np.argsort(order))


def prod_others(x: np.ndarray, axes: tuple) -> np.ndarray:
    """For every element, the product of the other elements of its group (the elements that
    `prod` over `axes` multiplies together): left running product times right running product."""
    if x.size == 0:  # (no elements: nothing to multiply; reshape could not infer the -1 below)
        return np.ones_like(x)
    order, inverse = group_last(x.shape, axes)
    moved = np.transpose(x, order)
    lead = moved.shape[:len(moved.shape) - len(axes)]
    flat = moved.reshape(lead + (-1,))
    ones = np.ones(lead + (1,), dtype=x.dtype)
    left = np.concatenate([ones, np.cumprod(flat[..., :-1], axis=-1)], axis=-1)
    right = np.concatenate([np.cumprod(flat[..., :0:-1], axis=-1)[..., ::-1], ones], axis=-1)
    return np.transpose((left * right).reshape(moved.shape), inverse)
