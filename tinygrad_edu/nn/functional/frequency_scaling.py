"""`scale_grad_by_freq` of F.embedding and F.embedding_bag: each looked-up row's gradient is
divided by how often its index occurs in the mini-batch, so that frequent words do not dominate
the update of an embedding table (PyTorch's option; the forward values do not change).

This is deliberately *not* the derivative of the forward function, so gradcheck does not apply:
the node passes `grad / count` back instead of `grad`.
"""
from __future__ import annotations

import numpy as np

from ...autograd.function import Function
from ...tensor import Tensor


class ScaleGradByFreq(Function):
    """rows -> rows (the same values);  backward: grad · scale, where scale[..., 0] = 1 / (how often
    the index that picked this row occurs among all the indices of the call)."""

    forward_records = False  # numpy only
    xp_backward = True

    @staticmethod
    def forward(ctx, rows, scale):
        ctx.scale = scale
        return rows.data

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.scale, None


def scale_grad_by_freq(rows: Tensor, idx: np.ndarray, num_embeddings: int) -> Tensor:
    """`rows` = weight[idx] (shape idx.shape + (dim,)), its gradient to be divided by each index's
    count in `idx`."""
    if not rows.requires_grad or idx.size == 0:
        return rows
    counts = np.bincount(idx.reshape(-1), minlength=num_embeddings)
    scale = (1.0 / counts[idx])[..., None].astype(rows.data.dtype)
    return ScaleGradByFreq.apply(rows, scale)
