"""Losses on the difference d = input - target, element by element (PyTorch's formulas):

    l1_loss:         |d|
    smooth_l1_loss:  d²/(2β) where |d| < β, else |d| - β/2          β = beta = 1
    huber_loss:      d²/2 where |d| < δ, else δ(|d| - δ/2)          δ = delta = 1

Smooth L1 is Girshick's ("Fast R-CNN", 2015); Huber's is from "Robust estimation of a location
parameter" (1964). huber_loss = δ · smooth_l1_loss with β = δ, which is how it is computed.
Both are quadratic near 0 and linear far away, so one outlier cannot dominate the gradient the
way it does in mse_loss.

`reduction='mean' | 'sum' | 'none'` as everywhere; input and target must have the same shape
(as in `mse_loss`).
"""
from __future__ import annotations

import numpy as np

from ...ops.op import Op
from ...ops.unary import sign_times
from ...tensor import Tensor
from .checks import ArgumentValueError, legacy_reduction, named_as_pytorch
from .losses import _check_reduction, _difference, _reduce, _weighted


class SmoothL1(Op):
    """d²/(2β) where |d| < β, else |d| - β/2, for β > 0;  d/dd = d/β inside, sign(d) outside.
    (β = 0 is |d|, which smooth_l1_loss computes with abs.)"""

    @staticmethod
    def forward(ctx, d, beta):
        ctx.save_for_backward(d)
        ctx.beta = beta
        a = np.abs(d.data)
        return np.where(a < beta, 0.5 * d.data * d.data / beta, a - 0.5 * beta)

    @staticmethod
    def backward(ctx, grad):
        d, = ctx.saved_tensors
        xp, beta = ctx.xp, ctx.beta
        return xp.where((d > -beta) & (d < beta), grad * d / beta, sign_times(xp, d, grad))


def l1_loss(input: Tensor, target, size_average=None, reduce=None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """|input - target|, averaged (or summed) over all elements. With `weight` (the input's
    shape) each error is multiplied by its weight and 'mean' is Σ w|d| / Σ w.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.l1_loss(tg.tensor([1.0, 5.0]), tg.tensor([2.0, 2.0]))
    tensor(2.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction, "l1_loss")
    loss = _difference(input, target, "l1_loss").abs()
    if weight is not None:
        return _weighted(loss, weight, reduction, "l1_loss", mean_over_weight=True)
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """d²/(2·beta) where |d| < beta, |d| - beta/2 elsewhere, d = input - target; beta = 0 is
    l1_loss. A negative beta raises.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.smooth_l1_loss(tg.tensor([0.5, 3.0]), tg.tensor([0.0, 0.0]), reduction="none")
    tensor([0.1250, 2.5000])
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction, "smooth_l1_loss")
    if beta < 0:
        raise ArgumentValueError(f"smooth_l1_loss: beta must be >= 0 (0 gives l1_loss), got {beta}")
    d = _difference(input, target, "smooth_l1_loss")
    return named_as_pytorch(_reduce(d.abs() if beta == 0 else SmoothL1.apply(d, float(beta)), reduction),
                            "SmoothL1LossBackward0")


def huber_loss(input: Tensor, target, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """d²/2 where |d| < delta, delta · (|d| - delta/2) elsewhere, d = input - target; delta must
    be positive. With `weight` (the input's shape) each loss is multiplied by its weight and
    'mean' stays the plain mean, as in PyTorch.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.huber_loss(tg.tensor([0.5, 3.0]), tg.tensor([0.0, 0.0]), reduction="none", delta=2.0)
    tensor([0.1250, 4.0000])
    """
    _check_reduction(reduction, "huber_loss")
    if not delta > 0:
        raise ArgumentValueError(f"huber_loss: delta must be > 0, got {delta}")
    loss = delta * SmoothL1.apply(_difference(input, target, "huber_loss"), float(delta))  # (see the top)
    if weight is not None:
        return named_as_pytorch(_weighted(loss, weight, reduction, "huber_loss", mean_over_weight=False),
                                "HuberLossBackward0")
    return named_as_pytorch(_reduce(loss, reduction), "HuberLossBackward0")
