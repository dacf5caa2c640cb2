"""Elementwise activations beyond sigmoid, tanh and relu, with PyTorch's formulas and defaults.

    leaky_relu(x) = x if x > 0 else a·x                            a = negative_slope = 0.01
    elu(x)        = x if x > 0 else α(eˣ - 1)                        α = 1
    silu(x)       = x · σ(x)                                         (Elfwing et al. 2018; "swish")
    softplus(x)   = log(1 + e^(βx)) / β, or x once βx > threshold    β = 1, threshold = 20
    logsigmoid(x) = log σ(x) = min(x, 0) - log(1 + e^(-|x|))
    gelu(x)       = x · Φ(x) = x/2 · (1 + erf(x/√2))               (Hendrycks & Gimpel 2016)
                  ≈ x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³)))      approximate='tanh'

Each is one `Op` whose backward is one formula over `ctx.xp`, so second derivatives come free.
At the kinks (x = 0) the derivative is PyTorch's: the x ≤ 0 branch (a for leaky_relu, α for elu).
`inplace=True` overwrites the input, as in PyTorch (it must not be a leaf that requires grad).
"""
from __future__ import annotations

import math

import numpy as np

from ...autograd.xp import numpy_xp
from ...ops.op import Op
from ...tensor import Tensor
from .checks import ArgumentValueError, check_float
from .erf import normal_cdf


def _apply(op: str, x: Tensor, inplace: bool, compute) -> Tensor:
    check_float(x, op)
    if inplace:
        return x._in_place(op + "_", compute)
    return compute(x)


class LeakyRelu(Op):
    """x if x > 0 else a·x;  d/dx = 1 if x > 0 else a"""

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return np.where(x.data > 0, x.data, x.data * slope)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return ctx.xp.where(x > 0, grad, grad * ctx.slope)


class Elu(Op):
    """x if x > 0 else α(eˣ - 1);  d/dx = 1 if x > 0 else α·eˣ"""

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return np.where(x.data > 0, x.data, alpha * np.expm1(np.minimum(x.data, 0)))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        xp = ctx.xp
        # e^x only where x < 0 (elsewhere e^0, so the x > 0 branch, not taken, cannot overflow;
        # and at x = 0 the slope α has derivative 0, the second derivative PyTorch gives there).
        # The test is x <= 0, as PyTorch's: a nan takes the straight branch.
        return xp.where(x <= 0, grad * ctx.alpha * xp.exp(xp.where(x < 0, x, 0.0)), grad)


class Softplus(Op):
    """log(1 + e^(βx))/β, x where βx > threshold;  d/dx = σ(βx), 1 where βx > threshold"""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        bx = x.data * beta
        # logaddexp(0, βx) = log(1 + e^(βx)) without overflow, for any threshold
        return np.where(bx > threshold, x.data, np.logaddexp(0, bx) / beta).astype(x.data.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        xp = ctx.xp
        bx = x * ctx.beta
        return xp.where(bx > ctx.threshold, grad, grad * xp.sigmoid(bx))


class LogSigmoid(Op):
    """log σ(x) = min(x, 0) - log(1 + e^(-|x|));  d/dx = σ(-x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.minimum(x.data, 0) - np.log1p(np.exp(-np.abs(x.data)))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * ctx.xp.sigmoid(-x)


_ONE_OVER_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_KAPPA = 0.044715


class Gelu(Op):
    """x·Φ(x), Φ(x) = (1 + erf(x/√2))/2;  d/dx = Φ(x) + x·φ(x), φ(x) = e^(-x²/2)/√(2π)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.cdf = normal_cdf(x.data)  # (erf.py: Φ without cancellation in its left tail)
        return x.data * ctx.cdf

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        xp = ctx.xp
        cdf = ctx.cdf if xp is numpy_xp else normal_cdf(x)  # (recorded: Φ again, differentiable)
        pdf = _ONE_OVER_SQRT_2PI * xp.exp(-0.5 * x * x)
        return grad * (cdf + x * pdf)


class GeluTanh(Op):
    """x/2 · (1 + tanh u), u = √(2/π)(x + κx³);
    d/dx = (1 + tanh u)/2 + x/2 · (1 - tanh² u) · √(2/π)(1 + 3κx²)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        u = _SQRT_2_OVER_PI * (x.data + _KAPPA * x.data ** 3)
        return 0.5 * x.data * (1 + np.tanh(u))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        t = ctx.xp.tanh(_SQRT_2_OVER_PI * (x + _KAPPA * x * x * x))
        du = _SQRT_2_OVER_PI * (1 + 3 * _KAPPA * x * x)
        return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, negative_slope · x elsewhere.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.leaky_relu(tg.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2000,  3.0000])
    """
    return _apply("leaky_relu", input, inplace, lambda x: LeakyRelu.apply(x, float(negative_slope)))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, alpha · (eˣ - 1) elsewhere (Clevert et al., "Fast and accurate deep network
    learning by exponential linear units", 2016)."""
    return _apply("elu", input, inplace, lambda x: Elu.apply(x, float(alpha)))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x · σ(x), the sigmoid-weighted linear unit (also called swish)."""
    return _apply("silu", input, inplace, lambda x: x * x.sigmoid())


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(βx)) / β, a smooth relu; where βx > threshold it is x itself (as PyTorch:
    the two differ by less than e^(-threshold) there).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.softplus(tg.tensor([0.0, 1000.0]))
    tensor([6.9315e-01, 1.0000e+03])
    """
    check_float(input, "softplus")
    return Softplus.apply(input, float(beta), float(threshold))


def logsigmoid(input: Tensor) -> Tensor:
    """log σ(x), finite for any x (log σ(-1000) = -1000)."""
    check_float(input, "logsigmoid")
    return LogSigmoid.apply(input)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x · Φ(x), Φ the standard normal CDF (exact, via erf), or its tanh approximation with
    approximate='tanh' (Hendrycks & Gimpel, "Gaussian error linear units (GELUs)", 2016).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.gelu(tg.tensor([1.0]))
    tensor([0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise ArgumentValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    check_float(input, "gelu")
    return (Gelu if approximate == "none" else GeluTanh).apply(input)
