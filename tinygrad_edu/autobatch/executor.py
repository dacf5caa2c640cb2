"""Running a group of waiting calls of one op as one call: join the inputs, call the op once
with `Op.apply` (so the tape gets an ordinary node), cut the result back.

Each runner takes the op class and the group's records (same key, see rules.py), and cuts the
result into the Tensors the records' callers hold. The batched op's
node gets `batch_size`, which pictures show (`tg.viz.to_dot` labels it "Mul ×64").

The pieces are always joined again with `Batch`, even when they are all of one earlier batched
result in order: reading that result directly would be cheaper, but the pieces would then be
off the path of the gradient, and a hook, `retain_grad` or `tg.grad` asked of one of them would
see nothing.
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


def _split(out, records, joins: list, sizes=None, shapes=None, owners=None) -> None:
    """Cut the batched result(s) into the Tensors the records' callers hold. `joins` are the
    Batch results the op read, one piece per record (or record i read piece owners[i]): backward
    tells them which records' results got a gradient (stacking.py)."""
    outs = out if out.__class__ is tuple else (out,)
    for j, o in enumerate(outs):
        targets = [r.outputs[j] for r in records]
        if sizes is None:
            Unbatch.apply(o, None, None, targets, joins, owners)
        else:
            Unbatch.apply(o, sizes, [r.metas[j][0] for r in records] if shapes is None else shapes, targets,
                          joins, owners)


def _stack(column: list, layout: tuple):
    return Batch.apply(layout, *column)


def _concat(column: list):
    return Batch.apply(None, *column)


# ---- stack: a new leading batch axis ---------------------------------------------------------
def stack_elementwise(cls, records) -> None:
    """Broadcasting ops (and matmul): shared operands stay as they are; per-example operands are
    stacked with enough leading 1s that everything still lines up from the right."""
    align = len(records[0].metas[0][0])  # the number of dimensions of one result
    args = list(records[0].args)
    joins = []
    for i, a in enumerate(args):
        if not isinstance(a, Tensor):  # (a lifted Python number is a Tensor subclass, Number)
            continue
        column = [r.args[i] for r in records]
        if _same(column):
            continue
        shape = a.data.shape
        args[i] = _stack(column, (1,) * (align - len(shape)) + shape)
        joins.append(args[i])
    if not joins:  # the same computation B times (it happens): give it a batch axis anyway
        i = next(i for i, a in enumerate(args) if isinstance(a, Tensor))
        shape = args[i].data.shape
        args[i] = Batch.apply((1,) * (align - len(shape)) + shape, *[r.args[i] for r in records])
        joins.append(args[i])
    out = cls.apply(*args)
    _label(out, len(records))
    _split(out, records, joins)


def matmul(cls, records) -> None:
    """x @ W: with the same W everywhere (a weight), the rows of all x in one product; otherwise
    the examples with equal shapes are stacked (a batched product)."""
    w = records[0].args[1]
    if all(r.args[1] is w for r in records):
        x = _concat([r.args[0] for r in records])
        out = cls.apply(x, w)
        _label(out, len(records))
        _split(out, records, [x], [r.info for r in records])
        return
    by_shape: dict = {}
    for r in records:
        by_shape.setdefault(r.args[0].data.shape, []).append(r)
    for group in by_shape.values():
        stack_elementwise(cls, group)


def stack_shifted(cls, records) -> None:
    """Reductions, shape ops, cat and same-index indexing: every tensor input is stacked, and the
    dims the op is told about move one to the right."""
    first = records[0]
    B = len(records)
    args = list(first.args)
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            layout = a.data.shape
            if cls is ops.Expand:  # new axes of the target go left of x's own, right of the batch axis
                layout = (1,) * (len(args[1]) - len(layout)) + layout
            args[i] = _stack([r.args[i] for r in records], layout)
    out = cls.apply(*_shift(cls, args, first, B))
    _label(out, B)
    _split(out, records, [a for a in args if isinstance(a, Tensor)])


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
def rows(cls, records) -> None:
    """Ops that treat rows independently: per-example inputs are concatenated along axis 0; the
    shared ones (a weight, a bias; their positions are in the key) are passed once."""
    shared = records[0].key[0][2]
    args = list(records[0].args)
    joins = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and i not in shared:
            args[i] = _concat([r.args[i] for r in records])
            joins.append(args[i])
    out = cls.apply(*args)
    _label(out, len(records))
    _split(out, records, joins, [r.info[0] for r in records])


def cross_entropy(cls, records) -> None:
    """CrossEntropy(z, t, reduction): all rows at once with reduction 'none', then each example's
    rows reduced together (one reshape and one sum or mean, when every example has n rows)."""
    first = records[0]
    reduction = first.args[2]
    z = _concat([r.args[0] for r in records])
    targets = np.concatenate([r.args[1] for r in records])
    losses = cls.apply(z, targets, "none")
    _label(losses, len(records))
    if reduction == "none":
        return _split(losses, records, [z], [r.info[0] for r in records])
    n = first.info[0]
    per_example = ops.Reshape.apply(losses, (len(records), n))
    reduce = ops.Mean if reduction == "mean" else ops.Sum
    _split(reduce.apply(per_example, (1,), False), records, [z])


def split_rows(cls, records) -> None:
    """SplitRows(x, sizes) of many calls: the x are concatenated and cut into all the blocks at
    once (no call of SplitRows is needed: cutting row blocks is what Unbatch does)."""
    x = _concat([r.args[0] for r in records])
    shapes = [shape for r in records for shape, _ in r.metas]
    targets = [t for r in records for t in r.outputs]
    owners = [k for k, r in enumerate(records) for _ in r.outputs]  # (the record each block is of)
    Unbatch.apply(x, [shape[0] for shape in shapes], shapes, targets, [x], owners)


# ---- gather: rows read along axis 0 --------------------------------------------------------------
def gather(cls, records) -> None:
    """x[i], x[i:j], weight[indices] of many calls: the distinct x are concatenated (one of them,
    e.g. an embedding table, is used as it is), the rows all calls read are taken with one
    integer index, and the result is cut per call."""
    place: dict[int, int] = {}  # id(x) -> its place among the distinct x
    distinct, starts, owners = [], [], []  # starts[k]: the first row of distinct[k] in the concatenation
    total = 0
    for r in records:
        x = r.args[0]
        k = place.get(id(x))
        if k is None:
            k = place[id(x)] = len(distinct)
            distinct.append(x)
            starts.append(total)
            total += x.data.shape[0]
        owners.append(k)
    source = distinct[0] if len(distinct) == 1 else _concat(distinct)
    index = np.concatenate([r.info[0] + starts[k] for r, k in zip(records, owners)])
    out = TakeRows.apply(source, index)
    _label(out, len(records))
    joins = [source] if len(distinct) > 1 else []  # (record i read piece owners[i] of the join)
    _split(out, records, joins, [len(r.info[0]) for r in records], [r.info[1] for r in records], owners)


from .take import TakeRows  # noqa: E402
