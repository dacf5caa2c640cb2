"""Ops that move numbers around without changing them: reshape, permute, expand, cat.
Each backward moves the gradient back the same way."""
from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from .op import Op


class Reshape(Op):
    """Same numbers, new shape;  backward reshapes the gradient back."""

    returns_view = True  # numpy reshapes without copying when it can (we count it a view always)
    view_kind = "reshape"
    node_name = "ViewBackward0"  # (PyTorch's name for view, reshape and flatten of a contiguous tensor)

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.data.shape
        try:
            return x.data.reshape(shape)
        except ValueError:
            raise ShapeError(
                f"reshape: cannot reshape a tensor of shape {x.shape} ({x.data.size} elements) "
                f"into shape {tuple(shape)}"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.reshape(grad, ctx.in_shape)


class Squeeze(Reshape):
    """Drop axes of size 1 (a reshape, named for the graph picture)."""

    node_name = None  # SqueezeBackward0, as PyTorch names it


class Unsqueeze(Reshape):
    """Insert an axis of size 1 (a reshape, named for the graph picture)."""

    node_name = None  # UnsqueezeBackward0, as PyTorch names it


class Flatten(Reshape):
    """Merge a run of axes into one (a reshape, named for the graph picture)."""


class Permute(Op):
    """Reorder axes;  backward applies the inverse order."""

    returns_view = True
    view_kind = "permute"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x.data, dims)

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.transpose(grad, tuple(np.argsort(ctx.dims).tolist()))


class Expand(Op):
    """Broadcast to a bigger shape without copying;  backward sums over the copies."""

    returns_view = True

    @staticmethod
    def forward(ctx, x, shape):
        try:
            out = np.broadcast_to(x.data, shape)  # (read-only: its elements may share one location)
            if out.size == x.data.size and x.data.flags.writeable:  # nothing repeated: a writable view,
                out = np.lib.stride_tricks.as_strided(x.data, out.shape, out.strides)  # as PyTorch's
            return out
        except ValueError:
            raise ShapeError(
                f"expand: a tensor of shape {x.shape} cannot be expanded to shape {tuple(shape)} "
                f"(only axes of size 1 can grow, and new axes go on the left)"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        return grad  # the engine sums it back down to the input's shape


class Cat(Op):
    """Join tensors along an existing axis;  backward cuts the gradient into the same pieces."""

    @staticmethod
    def forward(ctx, dim, *tensors):
        ctx.dim = dim
        ctx.bounds = np.cumsum([0] + [t.data.shape[dim] for t in tensors]).tolist()
        return np.concatenate([t.data for t in tensors], axis=dim)

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * ctx.dim
        return (None,) + tuple(
            grad[lead + (slice(start, stop),)] if need else None
            for start, stop, need in zip(ctx.bounds, ctx.bounds[1:], ctx.needs_input_grad[1:])
        )
