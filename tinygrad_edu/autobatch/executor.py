"""Running a group of waiting calls of one op as one call: join the inputs, call the op once
with `Op.apply` (so the tape gets an ordinary node), cut the result back.

Each runner takes the op class, the group's records (same key, see rules.py) and the `sources`
of this flush, and cuts the result into the Tensors the records' callers hold. The batched op's
node gets `batch_size`, which pictures show (`tg.viz.to_dot` labels it "Mul ×64").

`sources` remembers, for every output cut from a batched result Y, which rows of Y it is. When the
next op's inputs are all pieces of one Y -- the same examples going on to the next step -- they
are read from Y with one `TakeRows` (or Y itself, when they are all of it in order) instead of
being stacked again one by one.
"""
from __future__ import annotations

import numpy as np

from .. import ops
from ..tensor import Tensor
from .stacking import Batch, Unbatch

_FULL = slice(None)


def _label(out, size: int) -> None:
    first = out[0] if out.__class__ is tuple else out
    if first.grad_fn is not None:
        first.grad_fn.batch_size = size


def _is_constant(t: Tensor) -> bool:
    return not t.requires_grad and t.data.__class__ is np.ndarray


def _same(column: list) -> bool:
    """The same tensor everywhere, or equal small constants (a literal such as the 1 of 1 - x is
    lifted to a new tensor on every call): then it is shared, and broadcasts over the batch."""
    first = column[0]
    if all(t is first for t in column):
        return True
    if not _is_constant(first) or first.data.size > 16:
        return False
    raw = first.data.tobytes()
    return all(_is_constant(t) and t.data.tobytes() == raw for t in column)


def _split(out, records, sources: dict, sizes=None, shapes=None) -> None:
    """Cut the batched result(s) into the Tensors the records' callers hold, and remember where
    each came from."""
    outs = out if out.__class__ is tuple else (out,)
    for j, o in enumerate(outs):
        targets = [r.outputs[j] for r in records]
        if sizes is None:
            Unbatch.apply(o, None, None, targets)
            for i, t in enumerate(targets):
                sources[id(t)] = (o, i, 1)
        else:
            piece_shapes = [r.metas[j][0] for r in records] if shapes is None else shapes
            Unbatch.apply(o, sizes, piece_shapes, targets)
            start = 0
            for t, size in zip(targets, sizes):
                sources[id(t)] = (o, start, size)
                start += size


def _join(column: list, shape: tuple, sources: dict):
    """The tensors of `column` joined into one array of `shape`: read from the batched result they
    were all cut from, if there is one, else stacked (`layout` given) or concatenated."""
    first = sources.get(id(column[0]))
    if first is not None:
        source = first[0]
        rows = []
        for t in column:
            entry = sources.get(id(t))
            if entry is None or entry[0] is not source:
                break
            rows.append(entry[1] if entry[2] == 1 else range(entry[1], entry[1] + entry[2]))
        else:
            index = np.array(rows) if all(r.__class__ is int for r in rows) else \
                np.concatenate([np.atleast_1d(np.asarray(r)) for r in rows])
            n = source.data.shape[0]
            joined = source if len(index) == n and (index == np.arange(n)).all() else TakeRows.apply(source, index)
            return joined if joined.data.shape == shape else ops.Reshape.apply(joined, shape)
    return None


def _stack(column: list, layout: tuple, sources: dict):
    joined = _join(column, (len(column),) + layout, sources)
    return Batch.apply(layout, *column) if joined is None else joined


def _concat(column: list, sources: dict):
    rows = 0
    for t in column:
        rows += t.data.shape[0]
    joined = _join(column, (rows,) + column[0].data.shape[1:], sources)
    return Batch.apply(None, *column) if joined is None else joined


# ---- stack: a new leading batch axis ---------------------------------------------------------
def stack_elementwise(cls, records, sources: dict) -> None:
    """Broadcasting ops (and matmul): shared operands stay as they are; per-example operands are
    stacked with enough leading 1s that everything still lines up from the right."""
    align = records[0].info  # the number of dimensions of one result
    args = list(records[0].args)
    stacked = False
    for i, a in enumerate(args):
        if a.__class__ is not Tensor:
            continue
        column = [r.args[i] for r in records]
        if _same(column):
            continue
        shape = a.data.shape
        args[i] = _stack(column, (1,) * (align - len(shape)) + shape, sources)
        stacked = True
    if not stacked:  # the same computation B times (it happens): give it a batch axis anyway
        i = next(i for i, a in enumerate(args) if a.__class__ is Tensor)
        shape = args[i].data.shape
        args[i] = Batch.apply((1,) * (align - len(shape)) + shape, *[r.args[i] for r in records])
    out = cls.apply(*args)
    _label(out, len(records))
    _split(out, records, sources)


def stack_shifted(cls, records, sources: dict) -> None:
    """Reductions, shape ops, cat and same-index indexing: every tensor input is stacked, and the
    dims the op is told about move one to the right."""
    first = records[0]
    B = len(records)
    args = list(first.args)
    for i, a in enumerate(args):
        if a.__class__ is Tensor:
            args[i] = _stack([r.args[i] for r in records], a.data.shape, sources)
    out = cls.apply(*_shift(cls, args, first, B))
    _label(out, B)
    _split(out, records, sources)


def _shift(cls, args: list, record, B: int) -> list:
    if issubclass(cls, ops.Reshape):
        return [args[0], (B,) + record.metas[0][0]]
    if cls is ops.Permute:
        return [args[0], (0,) + tuple(d + 1 for d in args[1])]
    if cls is ops.Expand:
        return [args[0], (B,) + tuple(args[1])]
    if cls is ops.Cat:
        return [args[0] + 1] + args[1:]
    if cls is ops.GetItem:
        index = args[1]
        return [args[0], (_FULL,) + (index if index.__class__ is tuple else (index,))]
    # reductions: (x, axes, keepdim, ...)
    return [args[0], tuple(a + 1 for a in args[1])] + args[2:]


# ---- rows: concatenate along axis 0 ------------------------------------------------------------
def rows(cls, records, sources: dict) -> None:
    """Ops that treat rows independently: per-example inputs are concatenated along axis 0; the
    shared ones (a weight, a bias; their positions are in the key) are passed once."""
    shared = records[0].key[0][2]
    args = list(records[0].args)
    for i, a in enumerate(args):
        if a.__class__ is Tensor and i not in shared:
            args[i] = _concat([r.args[i] for r in records], sources)
    out = cls.apply(*args)
    _label(out, len(records))
    _split(out, records, sources, [r.info[0] for r in records])


def cross_entropy(cls, records, sources: dict) -> None:
    """CrossEntropy(z, t, reduction): all rows at once with reduction 'none', then each example's
    rows reduced together (one reshape and one sum or mean, when every example has n rows)."""
    first = records[0]
    reduction = first.args[2]
    z = _concat([r.args[0] for r in records], sources)
    targets = np.concatenate([r.args[1] for r in records])
    losses = cls.apply(z, targets, "none")
    _label(losses, len(records))
    if reduction == "none":
        return _split(losses, records, sources, [r.info[0] for r in records])
    n = first.info[0]
    per_example = ops.Reshape.apply(losses, (len(records), n))
    reduce = ops.Mean if reduction == "mean" else ops.Sum
    _split(reduce.apply(per_example, (1,), False), records, sources)


def split_rows(cls, records, sources: dict) -> None:
    """SplitRows(x, sizes) of many calls: the x are concatenated and cut into all the blocks at
    once (no call of SplitRows is needed: cutting row blocks is what Unbatch does)."""
    x = _concat([r.args[0] for r in records], sources)
    sizes, shapes, targets = [], [], []
    for r in records:
        for (shape, _), t in zip(r.metas, r.outputs):
            sizes.append(shape[0])
            shapes.append(shape)
            targets.append(t)
    Unbatch.apply(x, sizes, shapes, targets)
    start = 0
    for t, size in zip(targets, sizes):
        sources[id(t)] = (x, start, size)
        start += size


# ---- gather: rows read along axis 0 --------------------------------------------------------------
def gather(cls, records, sources: dict) -> None:
    """x[i], x[i:j], weight[indices] of many calls: the distinct x are concatenated (one of them,
    e.g. an embedding table, is used as it is), the rows all calls read are taken with one
    integer index, and the result is cut per call."""
    sources: dict[int, int] = {}  # id(x) -> its first row in the concatenation
    distinct, offsets = [], []
    total = 0
    for r in records:
        x = r.args[0]
        start = sources.get(id(x))
        if start is None:
            start = sources[id(x)] = total
            distinct.append(x)
            total += x.data.shape[0]
        offsets.append(start)
    source = distinct[0] if len(distinct) == 1 else _concat(distinct, sources)
    index = np.concatenate([r.info[0] + start for r, start in zip(records, offsets)])
    out = TakeRows.apply(source, index)
    _label(out, len(records))
    _split(out, records, sources, [len(r.info[0]) for r in records], [r.info[1] for r in records])


from .take import TakeRows  # noqa: E402
