"""Negative log-likelihood losses of two distributions, with PyTorch's formulas:

    poisson_nll_loss:   exp(x) - y·x                (log_input=True: x is the log of the rate)
                        x - y·log(x + eps)          (log_input=False: x is the rate)
                        + y·log y - y + ½·log(2πy)  where y > 1, with full=True (Stirling's
                                                    approximation of log y!, the constant term)
    gaussian_nll_loss:  ½·(log v + (x - y)² / v)    v = max(var, eps)
                        + ½·log 2π                  with full=True

Both are composed from differentiable ops; `reduction='mean' | 'sum' | 'none'` as everywhere.
"""
from __future__ import annotations

import math

import numpy as np

from ...ops import where
from ...tensor import Tensor
from .checks import as_float_tensor, check_broadcast, check_float, legacy_reduction
from .losses import _check_reduction, _reduce


def poisson_nll_loss(input: Tensor, target, log_input: bool = True, full: bool = False, size_average=None,
                     eps: float = 1e-8, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log likelihood of counts `target` under a Poisson distribution whose rate is
    exp(input) (log_input=True, the default) or input itself; input and target broadcast.
    `full=True` adds the Stirling term y·log y - y + ½·log(2πy) for targets above 1.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.poisson_nll_loss(tg.tensor([0.0, 1.0]), tg.tensor([2.0, 0.0]), reduction="none")   # 1 - 0, e - 0
    tensor([1.0000, 2.7183])
    """
    op = "poisson_nll_loss"
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction, op)
    check_float(input, op)
    target = as_float_tensor(target, input, op)
    check_broadcast(op, input=input, target=target)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        counted = target.data > 1
        y = where(counted, target, 2.0)  # (2 where the term is left out: no log 0, and gradient 0 there)
        stirling = y * y.log() - y + 0.5 * (2 * math.pi * y).log()
        loss = loss + where(counted, stirling, 0.0)
    return _reduce(loss, reduction)


def _variance(var, input: Tensor, op: str) -> Tensor:
    """var as a tensor that broadcasts against input, in PyTorch's accepted shapes: the input's,
    the input's without its last dim, or the input's with exactly one dim of size 1."""
    if isinstance(var, (int, float)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError(f"{op}: var must be >= 0, got {var}")
        return Tensor._make(np.full(input.shape, float(var), dtype=input.data.dtype), None, False)
    if not isinstance(var, Tensor):
        raise TypeError(f"{op}: var must be a Tensor or a number, got {type(var).__name__}")
    if (var.data < 0).any():
        raise ValueError(f"{op}: var has negative entries (a variance is >= 0), e.g. {float(var.data.min())}")
    if var.shape == input.shape:
        return var
    if var.shape == input.shape[:-1]:  # one variance per sample, shared by its last dim
        return var.unsqueeze(-1)
    if var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
        return var  # one dim of size 1 where the input's is larger: broadcasts
    raise ValueError(f"{op}: var of shape {var.shape} does not fit input of shape {input.shape} (use the "
                     f"input's shape, the input's shape without its last dim, or one dim of size 1)")


def gaussian_nll_loss(input: Tensor, target, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """Negative log likelihood of `target` under normal distributions with means `input` and
    variances `var`: ½·(log v + (input - target)² / v), v = var raised to at least eps (the
    raise is in value only: the gradient with respect to var is taken at v, as if it were var).
    `full=True` adds the constant ½·log 2π.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.gaussian_nll_loss(tg.tensor([0.0, 1.0]), tg.tensor([2.0, 1.0]), tg.tensor([1.0, 1.0]), reduction="none")
    tensor([2., 0.])
    """
    op = "gaussian_nll_loss"
    check_float(input, op)
    var = _variance(var, input, op)
    _check_reduction(reduction, op)
    target = as_float_tensor(target, input, op)
    # max(var, eps) with d/dv = 1 also where var < eps (var - var is exactly 0, and keeps the gradient)
    v = where(var.data < eps, var - var.detach() + eps, var)
    loss = 0.5 * (v.log() + (input - target) ** 2 / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)
