"""Reductions over groups of consecutive rows, with PyTorch's top-level signatures:

    embedding_bag(weight, indices, offsets, ...)   F.embedding_bag plus the bookkeeping aten returns:
                                                   (output, offset2bag, bag_size, max_indices)
    segment_reduce(data, reduce, *, lengths=...)   sum, mean, max, min or prod of each segment

Both gather the rows into a padded (groups, longest, ...) table, the short groups filled with the
reduction's identity (0 for a sum, -inf for a max, ...), and reduce along the table's second dim:
indexing and reductions are differentiable ops, so no backward formula is written here.
"""
from __future__ import annotations

import numpy as np

from .functions import cat, stack
from .nn import functional as F
from .nn.functional.embedding_bag import _index_array
from .ops.select import where
from .tensor import Tensor

__all__ = ["embedding_bag", "segment_reduce"]

_BAG_MODES = {0: "sum", 1: "mean", 2: "max"}
# the value a reduction ignores: what pads a short segment
_IDENTITY = {"sum": 0.0, "mean": 0.0, "max": -np.inf, "min": np.inf, "prod": 1.0}
_REDUCE_NAMES = {"sum": "sum", "mean": "mean", "prod": "prod", "max": "max", "amax": "max", "min": "min",
                 "amin": "min"}


def _constant(array) -> Tensor:
    return Tensor._make(np.asarray(array), None, False)


def embedding_bag(weight: Tensor, indices: Tensor, offsets: Tensor, scale_grad_by_freq: bool = False, mode: int = 0,
                  sparse: bool = False, per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """aten's embedding_bag: mode 0 sum, 1 mean, 2 max of the rows of `weight` named by each bag
    of the 1-D `indices` (bag b starts at offsets[b]; with include_last_offset the last offset
    closes the list and, as in PyTorch on the CPU, the last bag runs to the end of indices).
    Returns (output (bags, dim), offset2bag, bag_size, max_indices), the last three int64:

        mode 0  offset2bag the bag of each index (empty for a float32 weight without
                padding_idx), bag_size and max_indices zeros (one per offset when
                include_last_offset and weight does not require grad): PyTorch's quirks, kept
        mode 1  offset2bag the bag of each index, bag_size = max_indices = rows counted per bag
        mode 2  the same offset2bag and bag_size; max_indices (bags, dim) the weight row of each
                maximum (0 for an empty bag)

    Rows equal to padding_idx (negative counts from the end) are left out of every bag.

    >>> import tinygrad_edu as tg
    >>> out, offset2bag, bag_size, _ = tg.embedding_bag(tg.eye(3), tg.tensor([0, 1, 2]), tg.tensor([0, 1]), mode=1)
    >>> out.tolist(), offset2bag.tolist(), bag_size.tolist()
    ([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]], [0, 1, 1], [1, 2])
    """
    op = "embedding_bag"
    if offsets is None:  # (F.embedding_bag may leave them out for 2-D indices; this aten form may not)
        raise TypeError(f"{op}(): argument 'offsets' (position 3) must be Tensor, not NoneType")
    if isinstance(mode, bool) or mode not in _BAG_MODES:
        raise RuntimeError(f"{op}: `mode` must be 0 (sum), 1 (mean) or 2 (max), got {mode!r}")
    idx = _index_array(indices, op, "indices")
    starts = _index_array(offsets, op, "offsets")
    if idx.ndim != 1 or starts.ndim != 1:
        raise RuntimeError(f"{op}: indices and offsets must be 1-D, got shapes {idx.shape} and {starts.shape}")
    bags = starts.size - 1 if include_last_offset else starts.size
    if include_last_offset and starts.size:  # (PyTorch's CPU kernel ends the last bag at the end of indices)
        offsets = _constant(np.append(starts[:-1], idx.size))
    output = F.embedding_bag(indices, weight, offsets, None, 2, scale_grad_by_freq, _BAG_MODES[mode], sparse,
                             per_sample_weights, include_last_offset, padding_idx)
    bag_of = np.searchsorted(starts[:max(bags, 0)], np.arange(idx.size), side="right") - 1
    if padding_idx is not None:
        padding_idx = int(padding_idx) % weight.shape[0]
    kept = np.ones(idx.shape, bool) if padding_idx is None else idx != padding_idx
    long = lambda a: _constant(np.asarray(a, dtype=np.int64))  # noqa: E731
    if mode == 0:
        size = starts.size if include_last_offset and not weight.requires_grad else max(bags, 0)
        # (PyTorch's float32 fast path for sums fills no offset2bag unless padding_idx is set)
        fast = weight.data.dtype == np.float32 and padding_idx is None
        offset2bag = np.zeros(0, np.int64) if fast else bag_of
        return output, long(offset2bag), long(np.zeros(size)), long(np.zeros(size))
    counts = np.bincount(bag_of[kept], minlength=max(bags, 0))
    if mode == 1:
        return output, long(bag_of), long(counts), long(counts)
    max_indices = np.zeros((max(bags, 0), weight.shape[1]), np.int64)
    for b in range(max(bags, 0)):
        rows = idx[(bag_of == b) & kept]
        if rows.size:  # the first row holding each column's maximum
            max_indices[b] = rows[np.argmax(weight.data[rows], axis=0)]
    return output, long(bag_of), long(counts), long(max_indices)


def _segments(x: Tensor, lengths: np.ndarray, reduce: str, initial) -> Tensor:
    """Reduce consecutive rows of x (along dim 0) in segments of the given lengths: (S, *rest)."""
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    longest = max(int(lengths.max(initial=0)), 1)
    position = np.arange(longest)
    # two rows appended below: N pads the short segments with the identity, N + 1 (zeros) fills the
    # empty ones, whose value is set at the end (so no -inf or 0/0 reaches a backward formula)
    N = x.shape[0]
    pad = np.where(lengths == 0, N + 1, N)[:, None]
    table_index = np.where(position < lengths[:, None], starts[:, None] + position, pad)
    fillers = np.zeros((2, *x.shape[1:]), dtype=x.data.dtype)
    fillers[0] = _IDENTITY[reduce]
    table = cat([x, _constant(fillers)])[table_index]  # (S, longest, *rest)
    per_segment = (len(lengths),) + (1,) * (x.ndim - 1)
    if reduce in ("sum", "mean"):
        result = table.sum(1) if initial is None else table.sum(1) + initial
        if reduce == "mean":
            result = result / _constant(np.maximum(lengths, 1).astype(x.data.dtype).reshape(per_segment))
    elif reduce == "prod":
        result = table.prod(1) if initial is None else table.prod(1) * initial
    else:  # max, min: ties share the gradient (as amax); `initial` wins only where it is strictly beyond
        result = table.amax(1) if reduce == "max" else table.amin(1)
        if initial is not None:
            beyond = result.data < initial if reduce == "max" else result.data > initial
            result = where(_constant(beyond), _constant(np.asarray(initial, x.data.dtype)), result)
    # an empty segment: `initial`, or the reduction of nothing (0, 0/0 = nan, -inf, inf, 1)
    empty_value = {"sum": 0.0, "mean": np.nan, "max": -np.inf, "min": np.inf, "prod": 1.0}[reduce]
    if initial is not None:
        empty_value = initial
    empty = (lengths == 0).reshape(per_segment)
    if not empty.any():
        return result
    return where(_constant(empty), _constant(np.asarray(empty_value, x.data.dtype)), result)


def segment_reduce(data: Tensor, reduce: str, *, lengths: Tensor | None = None, indices: Tensor | None = None,
                   offsets: Tensor | None = None, axis: int = 0, unsafe: bool = False, initial=None) -> Tensor:
    """Reduce `data` along `axis` in consecutive segments given by `lengths` (or `offsets`, the
    start of each segment and the end of the last): 'sum', 'mean', 'max' ('amax'), 'min' ('amin')
    or 'prod'. An empty segment gives the reduction of nothing (0, nan, -inf, inf, 1), or `initial`,
    which otherwise joins every segment. lengths (offsets) may have leading dims, one segmentation
    per position of data's leading dims: then axis is lengths' last dim.

    >>> import tinygrad_edu as tg
    >>> tg.segment_reduce(tg.tensor([1.0, 2.0, 3.0, 4.0]), "sum", lengths=tg.tensor([1, 0, 3]))
    tensor([1., 0., 9.])
    """
    op = "segment_reduce"
    if reduce not in _REDUCE_NAMES:
        raise RuntimeError(f"{op}: reduce argument must be either sum, prod, mean, amax or amin, got {reduce!r}")
    reduce = _REDUCE_NAMES[reduce]
    if not isinstance(data, Tensor):
        raise TypeError(f"{op}: data must be a Tensor, got {type(data).__name__}")
    if data.data.dtype.kind != "f":
        raise NotImplementedError(f"{op}: data must be floating point, got dtype {data.dtype}")
    if indices is not None:
        raise RuntimeError(f"{op}: indices based reduction is not supported yet (as in PyTorch)")
    if lengths is None and offsets is None:
        raise RuntimeError(f"{op}: either lengths or offsets must be defined")
    which = "lengths" if lengths is not None else "offsets"
    given = _index_array(lengths if lengths is not None else offsets, op, which)
    if offsets is not None and lengths is None:
        given = np.diff(given, axis=-1)
        if (given < 0).any():
            raise RuntimeError(f"{op}: offsets must not decrease, got {_index_array(offsets, op, 'offsets').tolist()}")
    elif (given < 0).any():
        raise RuntimeError(f"{op}: lengths contains a negative value: {given.tolist()}")
    if not -data.ndim <= axis < data.ndim:
        raise IndexError(f"{op}: axis {axis} is out of range for data of shape {data.shape}")
    axis %= data.ndim
    if given.ndim == 0 or axis != given.ndim - 1 or given.shape[:-1] != data.shape[:axis]:
        raise RuntimeError(f"{op}: expected axis ({axis}) to be the last dimension of lengths (shape {given.shape}) "
                           f"and lengths' leading dims to match data's (shape {data.shape})")
    if given.shape[-1] == 0:
        raise RuntimeError(f"{op}: there must be at least one segment, got none")
    totals = given.sum(-1)
    if (totals > data.shape[axis]).any() or (not unsafe and lengths is not None and (totals != data.shape[axis]).any()):
        raise RuntimeError(f"{op}: expected the lengths along axis {axis} to sum to data.size({axis}) = "
                           f"{data.shape[axis]}, got sums {totals.tolist()}")
    if offsets is not None and lengths is None:  # segments start at offsets[0], which may be past 0
        first = _index_array(offsets, op, "offsets")[..., 0]
    else:
        first = np.zeros(given.shape[:-1], np.int64)
    if given.ndim == 1:
        moved = data.movedim(axis, 0)[int(first):]
        return _segments(moved, given, reduce, initial).movedim(0, axis)
    results = [_segments(data[position][int(first[position]):], given[position], reduce, initial)
               for position in np.ndindex(given.shape[:-1])]
    return stack(results).reshape(*data.shape[:axis], given.shape[-1], *data.shape[axis + 1:])
