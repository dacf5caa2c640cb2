"""Saving several outputs of one op for its backward (a decomposition's factors: Q and R,
eigenvalues and eigenvectors, U, S and Vᵀ).

`ctx.save_output` keeps one result; a decomposition's backward needs all of them, and under
create_graph each must be a Tensor that leads back to this node's own output -- so that the
second derivative also flows through the factors' dependence on A.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import _FREED_MESSAGE
from ..tensor import Tensor


def save_outputs(ctx, *arrays: np.ndarray) -> tuple:
    """Keep forward's results for backward (freed with the other saved values); returns them."""
    return ctx.save_output(arrays)  # (the one saved-output slot holds the whole tuple)


def saved_outputs(ctx) -> tuple:
    """The saved results: arrays, or under create_graph Tensors that are this node's outputs."""
    arrays = ctx._saved_output
    if arrays is None or ctx._freed:
        raise RuntimeError(_FREED_MESSAGE.format(name=ctx.name()))
    for nr, counter in enumerate(ctx._output_version):
        if counter[0] != 0:
            raise RuntimeError(
                f"{ctx.name()}: its output {nr} (shape {arrays[nr].shape}) was modified by an "
                f"in-place operation, but backward needs its original value. Use an out-of-place "
                f"op (e.g. `q = q * 2` instead of `q.mul_(2)`) or .clone() it first."
            )
    if not ctx.create_graph:
        return arrays
    outs = []
    for nr, array in enumerate(arrays):
        out = Tensor._make(array, ctx, True)
        if nr:
            out._output_nr = nr
        outs.append(out)
    return tuple(outs)
