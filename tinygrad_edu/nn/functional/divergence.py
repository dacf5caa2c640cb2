"""The Kullback-Leibler divergence loss, with PyTorch's argument conventions.

`input` holds log-probabilities log q (e.g. from log_softmax), `target` probabilities p (or log p
with log_target=True). Elementwise

    ℓ = p · (log p - log q)     (0 where p = 0: the limit of p log p)

and KL(p ‖ q) = Σ ℓ over the distribution's axis (Kullback & Leibler, "On information and
sufficiency", 1951). reduction='batchmean' (Σ ℓ / batch size) gives the mean KL divergence per
example; 'mean' divides by the number of elements instead, which is not a KL divergence --
PyTorch keeps it as the default for compatibility and warns, and so do we.
"""
from __future__ import annotations

import warnings

import numpy as np

from ...ops.select import where
from ...tensor import Tensor
from .checks import check_float, legacy_reduction
from .losses import _reduce


def kl_div(input: Tensor, target, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """Σ target · (log target - input), reduced by `reduction` ('mean' | 'batchmean' | 'sum' |
    'none'); input and target broadcast together.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> q = F.log_softmax(tg.tensor([[0.0, 0.0]]), dim=1)     # log(1/2) twice
    >>> F.kl_div(q, tg.tensor([[1.0, 0.0]]), reduction="batchmean")   # log 2
    tensor(0.6931)
    """
    op = "kl_div"
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("kl_div: reduction='mean' divides the total loss by both the batch size and the "
                      "support size; 'batchmean' divides only by the batch size, and aligns with the KL "
                      "divergence's definition. ('mean' is kept as the default, as in PyTorch.)",
                      UserWarning, stacklevel=2)
    if reduction not in ("mean", "batchmean", "sum", "none"):
        raise ValueError(f"{op}: reduction must be 'mean', 'batchmean', 'sum' or 'none', got {reduction!r}")
    check_float(input, op)
    if not isinstance(target, Tensor):
        target = Tensor._make(np.asarray(target, dtype=input.data.dtype), None, False)
    check_float(target, op, "target")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # p log p with 0 log 0 = 0; log is taken of 1 where p = 0, so no -inf reaches the gradient
        safe = where(target == 0, 1.0, target)
        loss = target * safe.log() - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.ndim > 0 else total
    return _reduce(loss, reduction)

