"""as_strided: a view of a tensor's memory (its storage) in any geometry of sizes and strides.

Element [i, j, ...] of `x.as_strided(size, stride, offset)` is storage[offset + i·stride[0] +
j·stride[1] + ...]; strides count elements, as in PyTorch (numpy counts bytes). Windows may
overlap (a stride smaller than the window: sliding windows), and then one storage place is read
by several output elements.

The gradient follows the places (PyTorch's as_strided_backward): each output element's gradient
is added to the storage place it reads -- so overlapping windows accumulate -- and the input's
gradient is read back from the places of its own elements. A place read but not covered by the
input (the view reaches outside it, into its base) gives the input nothing; a place that
several input elements share (an expanded input) is split evenly between them.
"""
from __future__ import annotations

import numpy as np

from ..storage import elements_of
from .op import Op


def storage_places(shape: tuple, strides: tuple, offset: int) -> np.ndarray:
    """The storage place (an element number) of every element of a tensor with this geometry:
    offset + Σ_k index_k · stride_k, as an int64 array of `shape`."""
    places = np.full(shape, offset, dtype=np.int64)
    for axis, (n, step) in enumerate(zip(shape, strides)):
        places += (np.arange(n, dtype=np.int64) * step).reshape((n,) + (1,) * (len(shape) - axis - 1))
    return places


def input_places(x) -> np.ndarray:
    """The storage places of the elements of tensor x (its stride() and storage_offset())."""
    return storage_places(x.shape, x.stride(), x.storage_offset())


def check_geometry(size: tuple, stride: tuple, offset: int, storage_size: int, itemsize: int) -> None:
    """PyTorch's checks: as many strides as sizes, nothing negative, and every place inside the
    storage (an empty view may start anywhere)."""
    if len(size) != len(stride):
        raise RuntimeError(f"as_strided: mismatch in length of strides and shape: size {list(size)} has "
                           f"{len(size)} dims but stride {list(stride)} has {len(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"as_strided: sizes must not be negative, got {list(size)}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    if offset < 0:
        raise RuntimeError(f"as_strided: invalid storage offset {offset} (it must be >= 0)")
    if 0 in size:
        return
    needed = offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1  # one past the last place read
    if needed > storage_size:
        raise RuntimeError(
            f"as_strided: sizes {list(size)}, strides {list(stride)} and storage offset {offset} read up to "
            f"element {needed - 1} of the storage, which has only {storage_size} elements: requiring a storage "
            f"size of {needed * itemsize} bytes, out of bounds for storage of size {storage_size * itemsize}")


class AsStrided(Op):
    """out[i, j, ...] = storage[offset + i·stride[0] + j·stride[1] + ...] (a view);
    backward: grad added at the places read, then read back at the input's places."""

    returns_view = True  # the result shares the input's memory and version counter

    @staticmethod
    def forward(ctx, x, size, stride, offset):
        storage = elements_of(x.data, x.data.dtype)
        check_geometry(size, stride, offset, storage.size, x.data.itemsize)
        read_at = storage_places(size, stride, offset)
        overlapping = np.unique(read_at).size < read_at.size
        out = np.lib.stride_tricks.as_strided(
            storage[offset:], shape=size, strides=[s * x.data.itemsize for s in stride],
            writeable=not overlapping)  # (writing into overlapping windows has no one meaning)
        own_at = input_places(x)
        # only the places between the lowest and highest that either side uses matter
        low = int(min(read_at.min(initial=offset), own_at.min(initial=offset)))
        high = int(max(read_at.max(initial=offset), own_at.max(initial=offset))) + 1
        ctx.read_at, ctx.own_at, ctx.span = read_at.reshape(-1) - low, own_at.reshape(-1) - low, high - low
        ctx.in_shape = x.data.shape
        counts = np.bincount(ctx.own_at, minlength=ctx.span)[ctx.own_at]  # input elements per place
        ctx.share = None if own_at.size == 0 or counts.max() == 1 else (1.0 / counts).astype(x.data.dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        per_place = xp.index_add(xp.reshape(grad, (-1,)), ctx.read_at, (ctx.span,))  # Σ of the grads reading a place
        grad_x = per_place[ctx.own_at]
        if ctx.share is not None:
            grad_x = grad_x * ctx.share
        return xp.reshape(grad_x, ctx.in_shape)
