"""How each op batches: its *signature* and the shapes of its results.

A rule looks at one recorded call `Op.apply(*args)` and returns `(key, outputs, info)`, or None
when the call cannot wait (it then runs at once, eagerly, and raises its own error if it has one):

- `key`: calls with equal keys run together. Its first item is the way they are joined (a
  `runner` from executor.py); then the op, its non-tensor arguments, and the shapes and dtypes
  of its tensor arguments -- all that must agree for one numpy call to do all of them;
- `outputs`: the (shape, dtype) of each result, so later ops can be recorded without numbers;
- `info`: what the runner needs from this one call (e.g. which rows it reads).

Three ways to join (see executor.py):
  stack   a new leading batch axis: elementwise ops, reductions and shape ops (dims shift by 1),
          matmul, cat, indexing with the same index;
  rows    concatenation along axis 0, for ops that treat rows independently: F.linear, the fused
          Tree-LSTM/LSTM gates, cross-entropy, x[:, ...], a matmul by a shared matrix;
  gather  x[i] / x[i:j] / weight[indices] along axis 0: the rows every call reads, taken at once.
"""
from __future__ import annotations

import numpy as np

from .. import ops
from ..nn.functional.layers import Linear
from ..nn.functional.losses import BinaryCrossEntropy, CrossEntropy
from ..nn.recurrent import LSTMGates
from ..nn.tree import SplitRows, TreeLSTMComposition, TreeLSTMJoinedComposition
from ..ops.dims import kept_shape
from ..tensor import Tensor
from . import executor

RULES: dict = {}
RETURNS_TUPLE: set = set()  # ops whose forward returns a tuple (even of one result)


def rule(*classes):
    def register(fn):
        for cls in classes:
            RULES[cls] = fn
        return fn
    return register


def _floats(*tensors) -> bool:
    """Batching is for float tensors (what is differentiated); integer work runs eagerly."""
    for t in tensors:
        if not isinstance(t, Tensor) or t.data.dtype.kind != "f":
            return False
    return True


# ---- elementwise: broadcast shapes, a leading batch axis --------------------------------------
@rule(ops.Add, ops.Sub, ops.Mul, ops.Div, ops.Pow, ops.Maximum, ops.Minimum, BinaryCrossEntropy)
def binary(cls, args):
    a, b = args
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        return None
    a, b = a.data, b.data
    if a.dtype.kind != "f" or a.dtype != b.dtype:
        return None
    sa, sb = a.shape, b.shape
    try:
        shape = sa if sa == sb else np.broadcast_shapes(sa, sb)
    except ValueError:
        return None  # runs eagerly, which raises the op's own message
    return (executor.stack_elementwise, cls, sa, sb, a.dtype), ((shape, a.dtype),), None


@rule(ops.Where)
def where(cls, args):
    cond, a, b = args
    if not isinstance(cond, Tensor) or not _floats(a, b) or a.data.dtype != b.data.dtype:
        return None
    try:
        shape = np.broadcast_shapes(cond.data.shape, a.data.shape, b.data.shape)
    except ValueError:
        return None
    key = (executor.stack_elementwise, cls, cond.data.shape, cond.data.dtype, a.data.shape, b.data.shape, a.data.dtype)
    return key, ((shape, a.data.dtype),), None


@rule(ops.Neg, ops.Exp, ops.Log, ops.Sqrt, ops.Abs, ops.Sin, ops.Cos, ops.Tanh, ops.Sigmoid, ops.Relu, ops.Clone)
def unary(cls, args):
    x, = args
    if not _floats(x):
        return None
    return (executor.stack_elementwise, cls, x.data.shape, x.data.dtype), ((x.data.shape, x.data.dtype),), None


@rule(ops.Clamp)
def clamp(cls, args):
    x, low, high = args
    if not _floats(x) or (low is None and high is None) or not all(
            v is None or isinstance(v, (int, float)) for v in (low, high)):
        return None
    return (executor.stack_elementwise, cls, x.data.shape, x.data.dtype, low, high), \
        ((x.data.shape, x.data.dtype),), None


@rule(ops.Cast)
def cast(cls, args):
    x, dtype = args
    dtype = np.dtype(dtype)
    if not _floats(x) or dtype.kind != "f":
        return None
    return (executor.stack_elementwise, cls, x.data.shape, x.data.dtype, dtype), ((x.data.shape, dtype),), None


# ---- reductions: the reduced axes move one to the right ------------------------------------
@rule(ops.Sum, ops.Mean, ops.Max, ops.Min, ops.LogSumExp, ops.Std)
def reduction(cls, args):
    x, axes, keepdim = args[:3]
    if not _floats(x) or not isinstance(axes, tuple):
        return None
    shape = x.data.shape
    if any(shape[a] == 0 for a in axes) or (not axes and x.data.size == 0):
        return None
    out = kept_shape(shape, axes) if keepdim else tuple(n for i, n in enumerate(shape) if i not in axes)
    key = (executor.stack_shifted, cls, shape, x.data.dtype, axes, bool(keepdim)) + tuple(args[3:])
    return key, ((out, x.data.dtype),), None


# ---- shape ops ---------------------------------------------------------------------------------
@rule(ops.Reshape, ops.Squeeze, ops.Unsqueeze, ops.Flatten)
def reshape(cls, args):
    x, shape = args
    if not _floats(x):
        return None
    shape = tuple(shape)
    size = x.data.size
    if -1 in shape:
        known = 1
        for n in shape:
            if n != -1:
                known *= n
        if shape.count(-1) != 1 or known == 0 or size % known:
            return None
        shape = tuple(size // known if n == -1 else n for n in shape)
    if int(np.prod(shape)) != size:
        return None
    return (executor.stack_shifted, cls, x.data.shape, x.data.dtype, shape), ((shape, x.data.dtype),), None


@rule(ops.Permute)
def permute(cls, args):
    x, dims = args
    if not _floats(x):
        return None
    shape = tuple(x.data.shape[d] for d in dims)
    return (executor.stack_shifted, cls, x.data.shape, x.data.dtype, tuple(dims)), ((shape, x.data.dtype),), None


@rule(ops.Expand)
def expand(cls, args):
    x, shape = args
    if not _floats(x):
        return None
    shape = tuple(shape)
    try:
        if np.broadcast_shapes(x.data.shape, shape) != shape:
            return None
    except ValueError:
        return None
    return (executor.stack_shifted, cls, x.data.shape, x.data.dtype, shape), ((shape, x.data.dtype),), None


@rule(ops.Cat)
def cat(cls, args):
    dim, tensors = args[0], args[1:]
    if not isinstance(dim, int) or not _floats(*tensors):
        return None
    first = tensors[0].data
    shapes = tuple(t.data.shape for t in tensors)
    for t, s in zip(tensors, shapes):
        if t.data.dtype != first.dtype or len(s) != first.ndim or any(
                n != m for i, (n, m) in enumerate(zip(s, first.shape)) if i != dim):
            return None
    out = list(first.shape)
    out[dim] = sum(s[dim] for s in shapes)
    return (executor.stack_shifted, cls, dim, shapes, first.dtype), ((tuple(out), first.dtype),), None


# ---- matrix products ---------------------------------------------------------------------------
@rule(ops.MatMul)
def matmul(cls, args):
    a, b = args
    if not _floats(a, b) or a.data.dtype != b.data.dtype:
        return None
    sa, sb = a.data.shape, b.data.shape
    if len(sa) < 2 or len(sb) < 2 or sa[-1] != sb[-2]:
        return None
    if len(sa) == 2 and len(sb) == 2:  # x @ W: rows of x at once if W is shared (decided when run)
        return (executor.matmul, cls, sa[1:], sb, a.data.dtype), (((sa[0], sb[1]), a.data.dtype),), sa[0]
    try:
        batch = np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        return None
    shape = tuple(batch) + (sa[-2], sb[-1])
    return (executor.stack_elementwise, cls, sa, sb, a.data.dtype), ((shape, a.data.dtype),), None


@rule(Linear)
def linear(cls, args):
    x, weight, bias = args
    if not _floats(x, weight) or x.data.ndim < 2 or (bias is not None and not _floats(bias)):
        return None
    if x.data.dtype != weight.data.dtype or (bias is not None and bias.data.dtype != x.data.dtype):
        return None
    shape = x.data.shape
    key = (executor.rows, cls, (1, 2), id(weight), id(bias), shape[1:], weight.data.shape, x.data.dtype)
    return key, ((shape[:-1] + (weight.data.shape[0],), x.data.dtype),), (shape[0],)


# ---- the fused gates: rows are examples -------------------------------------------------------
def _gates(cls, args):
    if not _floats(*args) or any(t.data.ndim != 2 for t in args):
        return None
    n = args[0].data.shape[0]
    if any(t.data.shape[0] != n or t.data.dtype != args[0].data.dtype for t in args):
        return None
    c = args[-1].data
    key = (executor.rows, cls, (), tuple(t.data.shape[1:] for t in args), c.dtype)
    return key, (((n, c.shape[1]), c.dtype), ((n, c.shape[1]), c.dtype)), (n,)


RULES[LSTMGates] = _gates
RETURNS_TUPLE.update((LSTMGates, TreeLSTMComposition, SplitRows))


@rule(TreeLSTMComposition)
def tree_lstm(cls, args):
    """(h_l, c_l, h_r, c_r, W_l, b_l, W_r, t, W_t): the children's states (and t) are rows; the
    weights are shared, and calls with different weights (two cells) are kept apart by the key.
    (Written out without loops: this runs once per composition of every tree.)"""
    h_l, c_l, h_r, c_r, w_l, b_l, w_r, tracking, w_t = args
    if not (h_l.__class__ is c_l.__class__ is h_r.__class__ is c_r.__class__ is Tensor):
        return None
    x = h_l.data
    shape, dtype = x.shape, x.dtype
    if (len(shape) != 2 or dtype.kind != "f" or c_l.data.shape != shape or h_r.data.shape != shape
            or c_r.data.shape != shape or c_l.data.dtype != dtype or h_r.data.dtype != dtype
            or c_r.data.dtype != dtype):
        return None
    track_size = _tracker_width(tracking, shape[0], dtype)
    if track_size == -1:
        return None
    key = (executor.rows, cls, (4, 5, 6, 8), id(w_l), id(b_l), id(w_r), id(w_t), shape[1], track_size, dtype)
    out = (shape, dtype)
    return key, (out, out), (shape[0],)


@rule(TreeLSTMJoinedComposition)
def tree_lstm_joined(cls, args):
    """(s_l, s_r, W_l, b_l, W_r, t, W_t): the same, with each child's state one [h | c] row."""
    s_l, s_r, w_l, b_l, w_r, tracking, w_t = args
    if not (s_l.__class__ is s_r.__class__ is Tensor):
        return None
    x = s_l.data
    shape, dtype = x.shape, x.dtype
    if len(shape) != 2 or dtype.kind != "f" or s_r.data.shape != shape or s_r.data.dtype != dtype:
        return None
    track_size = _tracker_width(tracking, shape[0], dtype)
    if track_size == -1:
        return None
    key = (executor.rows, cls, (2, 3, 4, 6), id(w_l), id(b_l), id(w_r), id(w_t), shape[1], track_size, dtype)
    return key, ((shape, dtype),), (shape[0],)


def _tracker_width(tracking, rows: int, dtype):
    """The width of a composition's tracker state (None without one), or -1 when it cannot be
    batched with the children's rows."""
    if tracking is None:
        return None
    data = tracking.data if tracking.__class__ is Tensor else None
    if data is None or data.ndim != 2 or data.dtype != dtype or data.shape[0] != rows:
        return -1
    return data.shape[1]


@rule(SplitRows)
def split_rows(cls, args):
    x, sizes = args
    if not _floats(x) or x.data.ndim == 0 or sum(sizes) != x.data.shape[0] or min(sizes) < 0:
        return None
    rest, dtype = x.data.shape[1:], x.data.dtype
    return (executor.split_rows, cls, rest, dtype), tuple(((n,) + rest, dtype) for n in sizes), None


# ---- cross-entropy: rows are examples, each example's loss reduced on its own ---------------
@rule(CrossEntropy)
def cross_entropy(cls, args):
    z, t, reduction = args
    if not _floats(z) or z.data.ndim != 2 or t.__class__ is not np.ndarray or t.shape != z.data.shape[:1]:
        return None
    n = z.data.shape[0]
    out = (n,) if reduction == "none" else ()
    # 'mean' and 'sum' reduce each example's rows: those batch together when the row counts agree
    rows = None if reduction == "none" else n
    return (executor.cross_entropy, cls, z.data.shape[1], z.data.dtype, reduction, rows), ((out, z.data.dtype),), (n,)


# ---- indexing ----------------------------------------------------------------------------------
_FULL = slice(None)


def _index_key(index):
    """A hashable stand-in for an index (arrays by value, when small), or None."""
    if index.__class__ is int or index is None or index is Ellipsis:
        return index
    if index.__class__ is slice:
        return ("slice", index.start, index.stop, index.step)
    if isinstance(index, np.integer):
        return int(index)
    if index.__class__ is tuple:
        keys = []
        for item in index:
            k = _index_key(item)
            if k is None and item is not None:
                return None
            keys.append(("none",) if item is None else k)
        return tuple(keys)
    if index.__class__ is np.ndarray and index.size <= 64:
        return ("array", index.dtype.str, index.shape, index.tobytes())
    return None


def _rows_read(index, n: int):
    """For an index that picks along axis 0 only -- an int, a slice, or an integer array of at most
    one dimension, perhaps followed by full slices -- the rows it reads and whether the row axis
    is dropped (an int); otherwise None."""
    if index.__class__ is tuple:
        if not index or any(item.__class__ is not slice or item != _FULL for item in index[1:]):
            return None
        index = index[0]
    if index.__class__ is int or isinstance(index, np.integer):
        j = int(index)
        return (np.array([j % n]), True) if -n <= j < n else None
    if index.__class__ is slice:
        return np.arange(*index.indices(n)), False
    if index.__class__ is np.ndarray and index.dtype.kind in "iu" and index.ndim <= 1:
        if index.size and (index.min() < -n or index.max() >= n):
            return None
        rows = np.atleast_1d(index).astype(np.int64)
        return (rows % n if rows.size else rows), index.ndim == 0
    return None


@rule(ops.GetItem)
def getitem(cls, args):
    x, index = args
    if not _floats(x) or x.data.ndim == 0:
        return None
    shape, dtype = x.data.shape, x.data.dtype
    picked = _rows_read(index, shape[0])
    if picked is not None:  # x[i], x[i:j], weight[indices]: gather the rows of all calls at once
        rows, drop = picked
        out = shape[1:] if drop else (len(rows),) + shape[1:]
        return (executor.gather, cls, shape[1:], dtype), ((out, dtype),), (rows, out)
    key = _index_key(index)
    if key is None:
        return None
    known = _GETITEM_SEEN.get((shape, dtype, key), _UNSEEN)  # (the same few indexes, every example)
    if known is _UNSEEN:
        if len(_GETITEM_SEEN) > 10_000:
            _GETITEM_SEEN.clear()
        known = _GETITEM_SEEN[(shape, dtype, key)] = _getitem_signature(cls, index, key, shape, dtype)
    return known


_GETITEM_SEEN: dict = {}
_UNSEEN = object()


def _getitem_signature(cls, index, key, shape: tuple, dtype):
    """getitem's signature for an index that is not a pick of rows: it depends only on the
    index (by value), x's shape and dtype, so getitem remembers it for each of those."""
    dummy = np.broadcast_to(np.zeros((), dtype), shape)
    try:
        out = dummy[index].shape
    except (IndexError, ValueError, TypeError):
        return None
    items = index if index.__class__ is tuple else (index,)
    if (items and items[0].__class__ is slice and items[0] == _FULL and ops.is_basic_index(index)
            and out[:1] == shape[:1]):  # x[:, ...]: each row of the result comes from its own row
        return (executor.rows, cls, (), key, shape[1:], dtype), ((out, dtype),), (shape[0],)
    batched = (_FULL,) + items
    try:  # with a batch axis in front, the same index must give the batch axis in front
        if np.broadcast_to(np.zeros((), dtype), (2,) + shape)[batched].shape != (2,) + out:
            return None
    except (IndexError, ValueError, TypeError):
        return None
    return (executor.stack_shifted, cls, shape, dtype, key), ((out, dtype),), None
