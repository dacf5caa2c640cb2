"""pairwise_distance: the p-norm distance between matching rows of two batches.

    pairwise_distance(x1, x2)[i] = ‖x1[i] - x2[i] + eps‖ₚ      over the last dim

The eps (1e-6) is added to the difference, as PyTorch does, so that the distance between equal
vectors is not at the norm's kink (its derivative x/‖x‖ is 0/0 at x = 0).
"""
from __future__ import annotations

import numpy as np

from ...dtype import get_default_dtype
from ...errors import ShapeError
from ...tensor import Tensor
from .checks import check_tensor


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """‖x1 - x2 + eps‖ₚ along the last dim; x1 and x2 broadcast together. Integer inputs give
    the default float dtype.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.pairwise_distance(tg.tensor([[3.0, 0.0]]), tg.tensor([[0.0, 4.0]]), eps=0.0)
    tensor([5.])
    """
    check_tensor(x1, "pairwise_distance", "x1")
    check_tensor(x2, "pairwise_distance", "x2")
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ShapeError(f"pairwise_distance: shapes {x1.shape} and {x2.shape} cannot be broadcast "
                         f"together") from None
    diff = x1 - x2
    if diff.data.dtype.kind != "f":
        diff = Tensor._make(diff.data.astype(get_default_dtype()), None, False)
    diff = diff + eps
    if not shape:  # two numbers: a 0-d result, also with keepdim (as PyTorch)
        return diff.reshape(1).norm(p, -1).reshape(())
    return diff.norm(p, -1, keepdim=keepdim)

