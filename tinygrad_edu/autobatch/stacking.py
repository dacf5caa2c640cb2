"""The two nodes around a batched op on the tape: `Batch` joins the examples' inputs into one
array, `Unbatch` cuts the batched result back into the examples' outputs.

    x₁ … x_B ──Batch──▶ X ──op──▶ Y ──Unbatch──▶ y₁ … y_B

Each is one node, and each one's backward is the other's forward (a cut, a join), so the
backward pass of a batch of B examples is three calls, not 3·B.
"""
from __future__ import annotations

from itertools import repeat
from operator import is_not

import numpy as np

from ..autograd.engine import _zeros
from ..autograd.function import Function
from ..autograd.xp import numpy_xp


class Batch(Function):
    """Join tensors into one array: stacked on a new leading axis (`layout` = the shape each
    example takes inside the stack, which may have leading 1s so that operands shared by the
    whole batch still broadcast), or concatenated along axis 0 (`layout` None: rows).

    Backward cuts the gradient into the pieces: ∂/∂xᵢ = G[i] (stacked) or G[rows of i].
    """

    forward_records = False  # numpy only
    xp_backward = True

    @staticmethod
    def forward(ctx, layout, *tensors):
        ctx.layout = layout
        arrays = [t.data for t in tensors]
        ctx.shapes = shapes = [a.shape for a in arrays]
        first = shapes[0]
        ctx.equal = shapes.count(first) == len(shapes)  # (then backward cuts with one reshape)
        if layout is None:
            return np.concatenate(arrays)
        out = np.stack(arrays)
        return out if out.shape[1:] == layout else out.reshape((len(tensors),) + layout)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        present = _present(ctx)  # which examples' results got a gradient (None: all of them)
        if ctx.equal and xp is numpy_xp:  # pieces of one shape: all cut at once (views)
            grads = [None] + list(grad.reshape((len(ctx.shapes),) + ctx.shapes[0]))
        elif ctx.layout is None:
            grads, start = [None], 0
            for shape in ctx.shapes:
                grads.append(grad[start:start + shape[0]])
                start += shape[0]
        else:
            grads = [None] + [xp.reshape(grad[i], shape) for i, shape in enumerate(ctx.shapes)]
        if present is not None:  # eagerly, an example whose result got no gradient sends none back
            grads[1:] = [g if p else None for g, p in zip(grads[1:], present)]
        return tuple(grads)


def _present(ctx) -> list | None:
    """The examples of this join whose results downstream got a gradient in this backward pass,
    as the Unbatch nodes of the same batched call noted it (see Unbatch.backward); None: all."""
    notes = ctx.__dict__.pop("present", None)
    if not notes:
        return None
    present = [False] * len(ctx.shapes)
    for flags in notes.values():
        present = [a or b for a, b in zip(present, flags)]
    return None if all(present) else present


class Unbatch(Function):
    """Cut a batched result into the examples' outputs: `sizes` None means one example per
    index of the leading axis; otherwise consecutive row blocks of those sizes, each reshaped to
    its entry of `shapes` (an int index drops the row axis).

    `targets` (not a tensor argument) are the lazy Tensors that the user already holds for these
    outputs: forward fills in their numbers and returns them, so they become this node's outputs
    themselves (a forward may return Tensors that are not its inputs).

    Backward joins the gradients with one concatenate.

    The pieces are views of the batched result. When the batched op kept that result for its
    backward (tanh, exp, sigmoid...), each piece gets a version counter of its own: a piece changed
    in place whose old value then gets a gradient raises, as the op's own node does for one
    example (it would otherwise compute the gradient from the changed numbers).

    A piece that gets no gradient (an example whose result the loss does not use) gets zeros in
    the joined gradient, since the batched op's backward needs every row. Eagerly that example's
    op is not differentiated at all: its inputs get no gradient, and a 0·∞ in its formula (the log
    of 0, the variance of one number) never happens. So backward also tells the `Batch` nodes of
    the same call which examples got a gradient, and they send nothing back for the others.
    """

    forward_records = False  # numpy only
    xp_backward = True

    @staticmethod
    def forward(ctx, x, sizes, shapes, targets=None, joins=(), owners=None):
        ctx.sizes, ctx.in_shape, ctx.dtype = sizes, x.data.shape, x.data.dtype
        ctx.joins = [j.grad_fn for j in joins if j.grad_fn is not None and j.grad_fn.fn is Batch]
        ctx.owners = owners  # (which piece of the joins each piece came from, when not piece i from piece i)
        ctx.one_output = x.grad_fn is None or x.grad_fn.n_outputs == 1  # (else each output's cut tells)
        ctx.counters = None
        data = x.data
        if sizes is None:
            pieces = _rows(data)
        elif sizes.count(sizes[0]) == len(sizes) and shapes.count(shapes[0]) == len(shapes) and \
                (sizes[0],) + data.shape[1:] == shapes[0]:  # equal blocks: one reshape cuts them all
            pieces = list(data.reshape((len(sizes), sizes[0]) + data.shape[1:]))
        elif sizes.count(1) == len(sizes) and shapes.count(data.shape[1:]) == len(shapes):  # x[i]: rows
            pieces = _rows(data)
        else:
            pieces, start = [], 0
            for size, shape in zip(sizes, shapes):
                piece = data[start:start + size]
                pieces.append(piece if piece.shape == shape else piece.reshape(shape))
                start += size
        if targets is None:
            return tuple(pieces)
        for t, piece in zip(targets, pieces):
            placeholder = t.data
            placeholder.value = piece
            placeholder.record = None
            t.data = piece
            t.grad_fn = None  # (it held the pending record) so that apply takes t as an output
        if x._version_counter is not None and x.grad_fn is not None:  # the op kept its result
            ctx.counters = [[0] for _ in targets]
            for t, counter in zip(targets, ctx.counters):
                t._version_counter = counter
            ctx.producer = x.grad_fn.name()
        ctx.set_materialize_grads(False)  # (backward must know which pieces get a gradient)
        return tuple(targets)

    @staticmethod
    def backward(ctx, *grads):
        xp = ctx.xp
        # (all(map(is_not, grads, repeat(None))): no piece without a gradient, tested in C)
        if ctx.counters is None and ctx.one_output and xp is numpy_xp and all(map(is_not, grads, repeat(None))):
            # The usual case, in one call: every piece got a gradient. Joined along axis 0, the
            # numbers are in the order of the batched result whatever shape each piece has.
            try:
                joined = np.stack(grads) if ctx.sizes is None else np.concatenate(grads)
            except ValueError:  # pieces of other shapes than their rows (x[i] drops the row axis)
                joined = np.concatenate([g.reshape(-1) for g in grads])
            return (joined if joined.shape == ctx.in_shape else joined.reshape(ctx.in_shape)), None, None, None
        rest = ctx.in_shape[1:]
        blocks = [(1,) + rest] * len(grads) if ctx.sizes is None else [(size,) + rest for size in ctx.sizes]
        if ctx.counters is not None:
            for g, counter in zip(grads, ctx.counters):
                if g is not None and counter[0] != 0:
                    raise RuntimeError(
                        f"{ctx.producer}: its output (shape {g.shape}) was modified by an in-place "
                        f"operation, but backward needs its original value. Use an out-of-place op instead.")
        present = [g is not None for g in grads]  # (gradients are not materialized: None for a piece without one)
        _tell_joins(ctx, present)
        if not all(present):
            grads = [_zeros(block, ctx.dtype, ctx.create_graph) if g is None else g for g, block in zip(grads, blocks)]
        return xp.concatenate([g if g.shape == block else xp.reshape(g, block)
                               for g, block in zip(grads, blocks)]), None, None, None


def _tell_joins(ctx, present: list) -> None:
    """Note, on each `Batch` node that the batched op read (one piece per example, in the order of
    this cut), which examples got a gradient here. Notes are kept per Unbatch node, so a batched op
    with several outputs counts an example as present if any output of it got a gradient."""
    if not ctx.joins or (ctx.one_output and all(present)):  # (nothing to tell)
        return
    for join in ctx.joins:
        flags = present
        if ctx.owners is not None:  # piece i came from piece owners[i] of the join: present if any is
            flags = [False] * len(join.shapes)
            for k, p in zip(ctx.owners, present):
                flags[k] = flags[k] or p
        if len(flags) == len(join.shapes):
            join.__dict__.setdefault("present", {})[id(ctx)] = flags


def _rows(data: np.ndarray) -> list:
    """The rows of `data` as arrays (views). Iterating an array gives them in one C loop, but the
    items of a 1-D array come out as numpy scalars, which are not arrays (immutable, and no
    `__array__` result numpy accepts from a placeholder): those are taken as 0-d views."""
    if data.ndim > 1:
        return list(data)
    return [data[i, ...] for i in range(data.shape[0])]
