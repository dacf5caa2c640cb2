"""Function forms (`tg.<name>`) of PyTorch's indexing, scatter and selection functions.

The differentiable ones (`tg.scatter`, `tg.index_add`, `tg.take`, `tg.masked_select`, ...) call the
Tensor methods of tensor_scatter.py and tensor_indexing.py. The selection functions -- results whose shape depends on
the values: `nonzero`, `unique`, `bincount`, `histc`, `searchsorted`, ... -- are computed here with
numpy and have no gradient (as in PyTorch); integer results are int64, as there.

Those that take `out=` in PyTorch take it here (out_argument.py): the result is written into out
in place, which must have exactly the result's dtype.

`tinygrad_edu/__init__.py` exports every name in `__all__`.
"""
from __future__ import annotations

import numpy as np

from . import dtype as _dtype
from .devices import check_device
from .errors import NotImplementedForDtype
from .functions import _tensor
from .numpy_names import accept_numpy_names
from .ops import normalize_dim, normalize_dims
from .out_argument import written_to
from .tensor import Tensor
from .threads import get_num_threads, set_num_threads

__all__ = [
    "scatter", "scatter_add", "scatter_reduce", "index_add", "index_fill", "index_copy", "index_put",
    "index_put_", "masked_scatter", "masked_select", "put", "take", "take_along_dim",
    "nonzero", "argwhere", "count_nonzero", "unique", "unique_consecutive", "bincount", "histc",
    "bucketize", "searchsorted", "tril_indices", "triu_indices", "set_num_threads", "get_num_threads",
]


def _constant(array) -> Tensor:
    return Tensor._make(np.asarray(array), None, False)


# ---- differentiable: the Tensor methods -------------------------------------------------------
def scatter(input, dim: int, index, src=None, *, value=None, reduce: str | None = None, out=None) -> Tensor:
    """A copy of input with src's elements (or `value`) written at `index` along `dim` (Tensor.scatter)."""
    result = _tensor(input).scatter(dim, index, src, value=value, reduce=reduce)
    return written_to(out, "scatter", result, same_dtype=True)


def scatter_add(input, dim: int, index, src, *, out=None) -> Tensor:
    """input with src's elements added at `index` along `dim`, repeats adding up (Tensor.scatter_add)."""
    return written_to(out, "scatter_add", _tensor(input).scatter_add(dim, index, src), same_dtype=True)


def scatter_reduce(input, dim: int, index, src, reduce: str, *, include_self: bool = True, out=None) -> Tensor:
    """src's elements reduced ('sum', 'prod', 'mean', 'amax', 'amin') into input at `index`
    along `dim` (Tensor.scatter_reduce)."""
    result = _tensor(input).scatter_reduce(dim, index, src, reduce, include_self=include_self)
    return written_to(out, "scatter_reduce", result, same_dtype=True)


def index_add(input, dim: int, index, source, *, alpha=1, out=None) -> Tensor:
    """input + alpha·source added at the positions `index` along `dim` (Tensor.index_add)."""
    return written_to(out, "index_add", _tensor(input).index_add(dim, index, source, alpha=alpha), same_dtype=True)


def index_fill(input, dim: int, index, value) -> Tensor:
    """A copy of input with the slices at `index` along `dim` set to `value` (Tensor.index_fill)."""
    return _tensor(input).index_fill(dim, index, value)


def index_copy(input, dim: int, index, source, *, out=None) -> Tensor:
    """A copy of input with the slices at `index` along `dim` replaced by source's (Tensor.index_copy)."""
    return written_to(out, "index_copy", _tensor(input).index_copy(dim, index, source), same_dtype=True)


def index_put(input, indices, values, accumulate: bool = False) -> Tensor:
    """A copy of input with input[indices] = values (or += with accumulate) (Tensor.index_put)."""
    return _tensor(input).index_put(indices, values, accumulate)


def index_put_(input, indices, values, accumulate: bool = False) -> Tensor:
    """In place: input[indices] = values (or += with accumulate); returns input."""
    return input.index_put_(indices, values, accumulate)


def masked_scatter(input, mask, source) -> Tensor:
    """A copy of input with source's elements, in order, where `mask` is True (Tensor.masked_scatter)."""
    return _tensor(input).masked_scatter(mask, source)


def masked_select(input, mask, *, out=None) -> Tensor:
    """The elements of input where `mask` is True, as a 1-D tensor (Tensor.masked_select)."""
    return written_to(out, "masked_select", _tensor(input).masked_select(mask), same_dtype=True)


def put(input, index, source, accumulate: bool = False) -> Tensor:
    """A copy of input, read flat, with source written (or added) at `index` (Tensor.put)."""
    return _tensor(input).put(index, source, accumulate)


def take(input, index, *, out=None) -> Tensor:
    """The elements of input, read flat, at `index`; the result has index's shape (Tensor.take)."""
    return written_to(out, "take", _tensor(input).take(index), same_dtype=True)


def take_along_dim(input, indices, dim: int | None = None, *, out=None) -> Tensor:
    """gather along `dim` with broadcasting, or take on the flattened input (Tensor.take_along_dim)."""
    return written_to(out, "take_along_dim", _tensor(input).take_along_dim(indices, dim), same_dtype=True)


# ---- selection: no gradient -----------------------------------------------------------------
def nonzero(input, *, out=None, as_tuple: bool = False):
    """The positions of the non-zero elements of input: an (n, ndim) int64 tensor, one row per
    element in row-major order; with `as_tuple=True` one 1-D tensor per dim (a 0-d input counts
    as 1-D there), which indexes input: `x[x.nonzero(as_tuple=True)]`.

    >>> import tinygrad_edu as tg
    >>> tg.nonzero(tg.tensor([[0.0, 1.0], [2.0, 0.0]]))
    tensor([[0, 1],
            [1, 0]])
    """
    data = _tensor(input).data
    if as_tuple:
        return tuple(_constant(p.astype(np.int64)) for p in np.nonzero(np.atleast_1d(data)))
    return written_to(out, "nonzero", _constant(np.argwhere(data).astype(np.int64)), same_dtype=True)


def argwhere(input) -> Tensor:
    """`nonzero(input)`: the (n, ndim) int64 positions of the non-zero elements."""
    return nonzero(input)


def count_nonzero(input, dim=None) -> Tensor:
    """The number of non-zero elements, over all of input or over `dim` (an int or a tuple), int64."""
    x = _tensor(input)
    axes = normalize_dims(dim, x.ndim, "count_nonzero")
    return _constant(np.asarray(np.count_nonzero(x.data, axis=axes), dtype=np.int64))


def _with_extras(values: np.ndarray, inverse: np.ndarray, counts: np.ndarray, return_inverse: bool,
                 return_counts: bool, dtype):
    out = [_constant(values.astype(dtype, copy=False))]
    if return_inverse:
        out.append(_constant(inverse.astype(np.int64)))
    if return_counts:
        out.append(_constant(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique(input, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None):
    """The distinct values of input in ascending order (always sorted, as PyTorch on the CPU);
    with `dim`, the distinct slices along dim, in lexicographic order. `return_inverse` adds
    where each element (or slice) went, with input's shape (length of dim); `return_counts`
    how often each occurs. NaNs are all distinct, as in PyTorch.

    >>> import tinygrad_edu as tg
    >>> tg.unique(tg.tensor([3, 1, 3, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    x = _tensor(input)
    if dim is None:
        values, inverse, counts = np.unique(x.data.reshape(-1), return_inverse=True, return_counts=True,
                                            equal_nan=False)
        return _with_extras(values, inverse.reshape(x.shape), counts, return_inverse, return_counts, x.dtype)
    axis = normalize_dim(dim, x.ndim, "unique")
    if x.shape[axis] == 0:
        empty = np.zeros(0, np.int64)
        return _with_extras(x.data, empty, empty, return_inverse, return_counts, x.dtype)
    values, inverse, counts = np.unique(x.data, return_inverse=True, return_counts=True, axis=axis)
    return _with_extras(values, inverse.reshape(-1), counts, return_inverse, return_counts, x.dtype)


def unique_consecutive(input, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None):
    """Each run of equal consecutive elements (or slices along `dim`) kept once, in their order:
    [1, 1, 2, 2, 3, 1] -> [1, 2, 3, 1]; `return_inverse` and `return_counts` as in `unique`."""
    x = _tensor(input)
    if dim is None:
        rows = x.data.reshape(-1, 1)
        axis = None
    else:
        axis = normalize_dim(dim, x.ndim, "unique_consecutive")
        rows = np.moveaxis(x.data, axis, 0).reshape(x.shape[axis], -1)
    starts = np.ones(rows.shape[0], dtype=bool)
    starts[1:] = np.any(rows[1:] != rows[:-1], axis=1)
    first = np.flatnonzero(starts)
    inverse = np.cumsum(starts) - 1
    counts = np.diff(np.append(first, rows.shape[0]))
    if axis is None:
        return _with_extras(x.data.reshape(-1)[first], inverse.reshape(x.shape), counts, return_inverse,
                            return_counts, x.dtype)
    values = np.take(x.data, first, axis=axis)
    return _with_extras(values, inverse, counts, return_inverse, return_counts, x.dtype)


def bincount(input, weights=None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, ..., max occurs in the 1-D non-negative int tensor input
    (at least `minlength` counts): int64; with `weights` the sum of the weights of each value,
    in the weights' dtype (float64 for integer weights)."""
    x = _tensor(input)
    if x.data.dtype.kind not in "iub":
        raise NotImplementedForDtype(f"bincount: expects an integer tensor, got dtype {x.dtype}")
    if x.ndim != 1 or (x.data.size and x.data.min() < 0):
        raise RuntimeError(f"bincount: expects a 1-D tensor of non-negative integers, got shape {x.shape}"
                           + (f" with the value {int(x.data.min())}" if x.ndim == 1 and x.data.size else ""))
    if minlength < 0:
        raise RuntimeError(f"bincount: minlength must be non-negative, got {minlength}")
    if weights is None:
        return _constant(np.bincount(x.data, minlength=minlength).astype(np.int64))
    w = _tensor(weights)
    if w.shape != x.shape:
        raise RuntimeError(f"bincount: weights must be 1-D with the same length as input, got shapes "
                           f"{w.shape} and {x.shape}")
    dtype = w.dtype if w.data.dtype.kind == "f" else np.dtype(np.float64)
    return _constant(np.bincount(x.data, weights=w.data, minlength=minlength).astype(dtype))


def histc(input, bins: int = 100, min: float = 0, max: float = 0, *, out=None) -> Tensor:
    """A histogram of input: the counts in `bins` equal bins between min and max (elements
    outside are left out; the last bin includes max). With min = max the data's own minimum and
    maximum are used (widened by 1 each way if they are equal, too). Floats only; the counts
    have input's dtype, as in PyTorch."""
    x = _tensor(input)
    if x.data.dtype.kind != "f":
        raise NotImplementedForDtype(f"histc: expects a floating point tensor, got dtype {x.dtype}")
    if bins <= 0:
        raise RuntimeError(f"histc: bins must be > 0, got {bins}")
    low, high = float(min), float(max)
    data = x.data.reshape(-1)
    if low == high and data.size:
        low, high = float(data.min()), float(data.max())
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError(f"histc: max must be larger than min, got min={min} and max={max}")
    edges = np.linspace(low, high, bins + 1).astype(x.dtype)
    inside = data[(data >= low) & (data <= high)]
    positions = np.minimum(np.searchsorted(edges, inside, side="right") - 1, bins - 1)
    return written_to(out, "histc", _constant(np.bincount(positions, minlength=bins).astype(x.dtype)), same_dtype=True)


def _side(right: bool, side: str | None) -> str:
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise RuntimeError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if right and side == "left":
        raise RuntimeError("searchsorted: side='left' and right=True contradict each other")
    return side


def _positions(found: np.ndarray, out_int32: bool) -> Tensor:
    return _constant(np.asarray(found, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32: bool = False, right: bool = False, out=None) -> Tensor:
    """The bucket of each element of input: the i with boundaries[i-1] < x <= boundaries[i]
    (with `right=True`, boundaries[i-1] <= x < boundaries[i]); `boundaries` a sorted 1-D tensor."""
    bounds = _tensor(boundaries)
    if bounds.ndim != 1:
        raise RuntimeError(f"bucketize: boundaries must be a 1-D tensor, got shape {bounds.shape}")
    values = input.data if isinstance(input, Tensor) else np.asarray(input)
    found = _positions(np.searchsorted(bounds.data, values, side="right" if right else "left"), out_int32)
    return written_to(out, "bucketize", found, same_dtype=True)


def searchsorted(sorted_sequence, values, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, out=None, sorter=None) -> Tensor:
    """Where each of `values` would go in `sorted_sequence` to keep it sorted (along its last
    dim; an N-d sequence pairs its leading dims with those of values): the first such place, or
    with `right=True` / `side='right'` the last. `sorter` gives the order of an unsorted sequence."""
    seq = _tensor(sorted_sequence)
    how = _side(right, side)
    data = seq.data
    if seq.ndim == 0:
        raise RuntimeError("searchsorted: sorted_sequence must have at least one dimension, got a 0-d tensor")
    if sorter is not None:
        data = np.take_along_axis(data, _tensor(sorter).data.astype(np.int64), axis=-1)
    scalar = not isinstance(values, Tensor)
    vals = np.asarray(values) if scalar else values.data
    if seq.ndim == 1:
        found = _positions(np.searchsorted(data, vals, side=how), out_int32)
        return written_to(out, "searchsorted", found, same_dtype=True)
    if scalar or vals.shape[:-1] != seq.shape[:-1]:
        raise RuntimeError(f"searchsorted: the leading dims of sorted_sequence {seq.shape} and values "
                           f"{np.shape(vals)} must match (or sorted_sequence must be 1-D)")
    rows = data.reshape(-1, data.shape[-1])
    wanted = vals.reshape(rows.shape[0], -1)
    found = np.stack([np.searchsorted(r, w, side=how) for r, w in zip(rows, wanted)]) if rows.shape[0] else \
        np.zeros(wanted.shape, np.int64)
    return written_to(out, "searchsorted", _positions(found.reshape(vals.shape), out_int32), same_dtype=True)


def _triangle_indices(row: int, col: int, offset: int, dtype, op: str, lower: bool) -> Tensor:
    if row < 0 or col < 0:
        raise RuntimeError(f"{op}: row and col must be non-negative, got row={row} and col={col}")
    pick = np.tril_indices if lower else np.triu_indices
    rows, cols = pick(row, offset, col)
    dtype = np.dtype(np.int64) if dtype is None else _dtype.as_dtype(dtype, op)
    return _constant(np.stack([rows, cols]).astype(dtype))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    """The (2, n) positions [rows; cols] of the lower triangle of a row × col matrix, row by row:
    the elements with col - row <= offset. int64 unless `dtype` says otherwise."""
    check_device(device, "tril_indices")
    return _triangle_indices(row, col, offset, dtype, "tril_indices", lower=True)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    """The (2, n) positions [rows; cols] of the upper triangle of a row × col matrix, row by row:
    the elements with col - row >= offset."""
    check_device(device, "triu_indices")
    return _triangle_indices(row, col, offset, dtype, "triu_indices", lower=False)


accept_numpy_names(globals(), list(__all__))  # tg.count_nonzero(t, axis=1), as PyTorch accepts
