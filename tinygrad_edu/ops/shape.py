"""Ops that move numbers around without changing them: reshape, permute, expand, cat.
Each backward moves the gradient back the same way."""
from __future__ import annotations

import numpy as np

from .. import memory_formats as _formats
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


def _all_channels_last(tensors) -> bool:
    """Whether every tensor is laid out channels_last (or channels_last_3d), the one case where
    PyTorch's cat (and stack) keeps the inputs' layout."""
    return bool(tensors) and all(_channels_last(t.data.shape, _formats.element_strides(t.data)) for t in tensors)


def _channels_last(shape: tuple, strides: tuple) -> bool:
    if _formats.suggested_format(shape, strides) is not _formats.contiguous_format:
        return True
    # (stack joins its inputs unsqueezed: a channels_last tensor with a new size-1 dim)
    return len(shape) == 5 and any(n == 1 and _channels_last(shape[:d] + shape[d + 1:], strides[:d] + strides[d + 1:])
                                   for d, n in enumerate(shape))


class Cat(Op):
    """Join tensors along an existing axis;  backward cuts the gradient into the same pieces."""

    @staticmethod
    def forward(ctx, dim, *tensors):
        ctx.dim = dim
        ctx.bounds = np.cumsum([0] + [t.data.shape[dim] for t in tensors]).tolist()
        out = np.concatenate([t.data for t in tensors], axis=dim)
        if not out.flags.c_contiguous and not _all_channels_last(tensors):
            out = np.ascontiguousarray(out)  # (PyTorch's cat is row-major unless every input is channels_last)
        return out

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * ctx.dim
        return (None,) + tuple(
            grad[lead + (slice(start, stop),)] if need else None
            for start, stop, need in zip(ctx.bounds, ctx.bounds[1:], ctx.needs_input_grad[1:])
        )
