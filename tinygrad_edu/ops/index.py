"""Indexing: reading `x[idx]` and writing `x[idx] = v`.

Reading's backward scatters the gradient back to where the elements came from; with an
integer-array index the same element can be read twice, so the scatter *adds* (np.add.at).
Scattering is itself linear, and its backward is reading again -- so the two ops differentiate
each other, to any order.
"""
from __future__ import annotations

import numpy as np

from ..errors import ArgumentValueError, ShapeError
from ..tensor import Tensor
from .op import Op


def is_basic_index(index) -> bool:
    """Ints, slices, None and Ellipsis only: each element is selected at most once."""
    items = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(i, (int, slice, np.integer)) or i is None or i is Ellipsis for i in items
    )


def check_index(x, index) -> None:
    """Raise the IndexError that reading x[index] would raise, if any."""
    try:
        x.data[index]
    except (IndexError, ValueError, TypeError) as err:
        raise _index_error(x, index, err) from None


def _index_error(x, index, err: Exception) -> IndexError:
    return IndexError(f"indexing a tensor of shape {x.shape} with {_describe(index)}: {err}")


def _describe(index) -> str:
    items = index if isinstance(index, tuple) else (index,)
    parts = []
    for i in items:
        if isinstance(i, np.ndarray):
            parts.append(f"array of shape {i.shape} and dtype {i.dtype}")
        else:
            parts.append(repr(i))
    return "[" + ", ".join(parts) + "]"


class GetItem(Op):
    """x[index];  backward: a zero tensor of x's shape with the gradient added at `index`"""

    @staticmethod
    def node_name(ctx) -> str:
        """PyTorch's name, from the last step of the key: x[0] and x[:, 0] are SelectBackward0,
        x[1:] and x[0, 1:] SliceBackward0, x[None] UnsqueezeBackward0, x[indices] IndexBackward0."""
        key = ctx.index if ctx.index.__class__ is tuple else (ctx.index,)
        for k in key:
            if not isinstance(k, (int, np.integer, slice)) and k is not None and k is not Ellipsis:
                return "IndexBackward0"  # an integer array, a list or a mask
        for k in reversed(key):
            if k is None:
                return "UnsqueezeBackward0"
            if isinstance(k, (int, np.integer)):
                return "SelectBackward0"
            if k.__class__ is slice and k != slice(None):
                return "SliceBackward0"
        return "AliasBackward0"  # x[...] or x[:]

    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.in_shape = index, x.data.shape
        try:
            out = x.data[index]
        except (IndexError, ValueError, TypeError) as err:
            raise _index_error(x, index, err) from None
        if out.__class__ is not np.ndarray and is_basic_index(index):
            # x[0] of a vector is a numpy scalar, a copy; x[0, ...] is the same number as a 0-d
            # view, so that t[0].fill_(5) changes t, as in PyTorch
            out = x.data[(index if isinstance(index, tuple) else (index,)) + (Ellipsis,)]
        elif not out.flags.c_contiguous and not is_basic_index(index):
            # numpy may lay an index array's copy out column-first (m[:, [0, 2]]); PyTorch's is
            # row-major, so that .view() of it works
            out = np.ascontiguousarray(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.rows_gradient(grad, ctx.index, ctx.in_shape)  # (rows of a table: deferred.py)


class IndexAdd(Op):
    """zeros(shape) with `values` added at `index` (repeats accumulate);  backward: grad[index]"""

    @staticmethod
    def forward(ctx, values, index, shape):
        ctx.index = index
        out = np.zeros(shape, dtype=values.data.dtype)
        if is_basic_index(index):
            out[index] = values.data
        else:
            np.add.at(out, index, values.data)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.index]


class SetItem(Op):
    """x with x[index] replaced by v;  ∂/∂x is 1 outside `index`, 0 inside;  ∂/∂v = grad[index]
    (summed over any broadcasting of v). Used by `x[index] = v`."""

    @staticmethod
    def forward(ctx, x, index, value):
        ctx.index = index
        out = x.data.copy()
        try:
            ctx.value_shape = np.shape(out[index])
        except (IndexError, ValueError, TypeError) as err:
            raise _index_error(x, index, err) from None
        try:
            out[index] = value.data
        except ValueError:
            raise ShapeError(
                f"setitem: a value of shape {value.shape} cannot be broadcast to the shape "
                f"{ctx.value_shape} selected by {_describe(index)} in a tensor of shape {x.shape}"
            ) from None
        return out

    @staticmethod
    def backward(ctx, grad):
        need_x, _, need_v = ctx.needs_input_grad
        grad_x = ctx.xp.replace(grad, ctx.index, 0) if need_x else None
        grad_v = grad[ctx.index] if need_v else None
        return grad_x, None, grad_v


def normalize_index(index):
    """Tensors and lists inside an index become numpy arrays (lists index like arrays, as in
    PyTorch); a bool Tensor is a mask."""
    items = index if isinstance(index, tuple) else (index,)
    # A bool mask stays a mask (not np.nonzero of it), so numpy checks that its shape matches the
    # axes it selects from; np.add.at in backward accepts masks as well.
    out = [_normalize_item(item) for item in items]
    return out[0] if len(out) == 1 and not isinstance(index, tuple) else tuple(out)


def _normalize_item(item):
    if isinstance(item, slice) and item.step is not None and item.step <= 0:
        raise ArgumentValueError(f"indexing: a slice step must be greater than zero, got {item.step} "
                                 f"(as in PyTorch; to reverse, index with tg.arange(n - 1, -1, -1))")
    if isinstance(item, Tensor):
        item = item.data
    elif isinstance(item, list):
        item = np.asarray(item) if item else np.zeros(0, np.int64)  # t[[]] selects nothing
    if isinstance(item, np.ndarray):
        if item.dtype.kind not in "iub":
            raise IndexError(
                f"indexing: tensors used as indices must be integer or bool, got dtype {item.dtype}"
            )
        # a copy: backward must use forward's indices even if the tensor they came from is changed
        # in place afterwards (PyTorch raises then; here the gradient stays right)
        item = item.astype(np.int64) if item.dtype.kind == "u" else item.copy()
    elif isinstance(item, float):
        raise IndexError(f"indexing: {item!r} is a float; indices must be integers")
    return item
