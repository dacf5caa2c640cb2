"""Gamma(α, 1) samples that are differentiable in α: implicit reparameterisation.

A Gamma(α, 1) number x is drawn (numpy's sampler, from the framework's generator, clamped below to
the dtype's smallest normal number as PyTorch does). Its derivative in α is the one that keeps its
quantile u = P(α, x) fixed (M. Figurnov, S. Mohamed and A. Mnih, "Implicit Reparameterization
Gradients", NeurIPS 2018):

    dx/dα = -(∂P/∂α)(α, x) / p(α, x),    P the regularised lower incomplete gamma function (the CDF),
                                         p = x^(α-1) e^(-x)/Γ(α) its density.

Writing ∂P/∂α as an integral of the score, ∂/∂α log p(t) = log t - ψ(α), and dividing by p(x):

    dx/dα = -1/p(x) ∫₀ˣ (log t - ψ(α)) p(t) dt = 1/p(x) ∫ₓ^∞ (log t - ψ(α)) p(t) dt.

Two expansions of this, each a sum of terms of one sign in its own region (so no digits cancel):

* lower (log x ≤ ψ(α+1)): differentiating the series P = x^α e^(-x) Σₙ xⁿ/Γ(α+n+1) (A&S 6.5.29),
  the factors x^α e^(-x)/Γ(α) cancel against p(x), leaving
      dx/dα = x/α · Σₙ≥₀ tₙ (ψ(α+n+1) - log x),   t₀ = 1, tₙ = tₙ₋₁ · x/(α+n),
  with ψ(α+n+1) = ψ(α+n) + 1/(α+n), so only one digamma is evaluated;
* upper (log x > ψ(α+1)): Q = 1 - P = x^α e^(-x)/Γ(α) · C(α, x), C Legendre's continued fraction
  (A&S 6.5.31), so dx/dα = (∂Q/∂α)/p = x (C · (log x - ψ(α)) + ∂C/∂α), both terms positive there.
  C and ∂C/∂α come from the convergents Aₙ/Bₙ and their α-derivatives, run forward together
  (the recurrences differentiated term by term) and rescaled each step so nothing overflows.

PyTorch approximates the same quantity (`torch._standard_gamma_grad`) with a Taylor series, a
saddle-point formula and a fitted rational function, to about 1e-3 relative at worst; this is
exact to about 1e-13 relative in float64 (checked against mpmath in tests/test_distributions_rsample.py).
"""
from __future__ import annotations

import numpy as np

from .. import random
from ..autograd.xp import numpy_xp
from ..dtype import finfo
from ..linalg.no_derivative import without_derivative
from ..ops.op import Op
from ..ops.special_functions import digamma_array

_EPS = np.finfo(np.float64).eps
_MAX_TERMS = 100_000  # the sums need about 10√α terms near x ≈ α: 300 for α = 1000


def _lower_series(alpha: np.ndarray, x: np.ndarray) -> np.ndarray:
    """x/α · Σₙ tₙ (ψ(α+n+1) - log x), every term ≥ 0 where log x ≤ ψ(α+1)."""
    gap = digamma_array(alpha + 1) - np.log(x)  # ψ(α+n+1) - log x, updated by 1/(α+n+1) per term
    term = np.ones_like(x)
    total = gap.copy()
    active = np.ones(x.shape, dtype=bool)
    n = 0
    while active.any() and n < _MAX_TERMS:
        n += 1
        term = term * x / (alpha + n)
        gap = gap + 1 / (alpha + n)
        step = term * gap
        total = np.where(active, total + step, total)
        active &= step > _EPS * total
    return x / alpha * total


def _upper_fraction(alpha: np.ndarray, x: np.ndarray) -> np.ndarray:
    """x (C (log x - ψ(α)) + ∂C/∂α), C = 1/(x+1-α-) 1(1-α)/(x+3-α-) 2(2-α)/(x+5-α-) ...

    Convergents: A_k = b_k A_{k-1} + a_k A_{k-2} (and B alike), b_k = x + 2k - 1 - α, a_1 = 1,
    a_k = -(k-1)(k-1-α); their α-derivatives dA_k = -A_{k-1} + b_k dA_{k-1} + (k-1) A_{k-2} + a_k dA_{k-2}."""
    a_prev, a_cur = np.ones_like(x), np.zeros_like(x)   # A_{-1}, A_0
    b_prev, b_cur = np.zeros_like(x), np.ones_like(x)   # B_{-1}, B_0
    da_prev, da_cur = np.zeros_like(x), np.zeros_like(x)
    db_prev, db_cur = np.zeros_like(x), np.zeros_like(x)
    fraction = np.zeros_like(x)
    derivative = np.zeros_like(x)
    active = np.ones(x.shape, dtype=bool)
    k = 0
    while active.any() and k < _MAX_TERMS:
        k += 1
        b_k = x + (2 * k - 1) - alpha
        a_k = 1.0 if k == 1 else -(k - 1) * (k - 1 - alpha)
        da_k = 0.0 if k == 1 else (k - 1.0)
        a_new = b_k * a_cur + a_k * a_prev
        b_new = b_k * b_cur + a_k * b_prev
        da_new = -a_cur + b_k * da_cur + da_k * a_prev + a_k * da_prev
        db_new = -b_cur + b_k * db_cur + da_k * b_prev + a_k * db_prev
        scale = 1 / b_new  # rescaling all four keeps the ratios and stops overflow
        a_prev, a_cur = a_cur * scale, a_new * scale
        b_prev, b_cur = b_cur * scale, np.ones_like(x)
        da_prev, da_cur = da_cur * scale, da_new * scale
        db_prev, db_cur = db_cur * scale, db_new * scale
        new_fraction = a_cur                       # A/B with B = 1
        new_derivative = da_cur - a_cur * db_cur   # (dA B - A dB)/B²
        done = ((np.abs(new_fraction - fraction) <= _EPS * np.abs(new_fraction))
                & (np.abs(new_derivative - derivative) <= _EPS * np.abs(new_derivative)))
        fraction = np.where(active, new_fraction, fraction)
        derivative = np.where(active, new_derivative, derivative)
        active &= ~done
    return x * (fraction * (np.log(x) - digamma_array(alpha)) + derivative)


def standard_gamma_array(concentration: np.ndarray, shape: tuple) -> np.ndarray:
    """Gamma(concentration, 1) numbers of `shape` from the framework's generator, clamped below to
    the dtype's smallest normal number (as PyTorch does, so that their logs are finite)."""
    dtype = concentration.dtype
    draws = np.asarray(random.generator().standard_gamma(np.broadcast_to(concentration, shape)), dtype=dtype)
    return np.asarray(np.maximum(draws, finfo(dtype).tiny))


def standard_gamma_grad_array(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """dx/dα of Gamma(α, 1) samples x at fixed quantile (see the module docstring), elementwise on
    broadcast arrays, computed in float64 and returned in their dtype (as torch._standard_gamma_grad)."""
    dtype = np.result_type(x, alpha)
    xs, alphas = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(alpha, np.float64))
    out = np.full(xs.shape, np.nan)
    ok = (alphas > 0) & np.isfinite(alphas) & (xs > 0) & np.isfinite(xs)
    xv, av = xs[ok], alphas[ok]
    lower = np.log(xv) <= digamma_array(av + 1)
    values = np.empty_like(xv)
    values[lower] = _lower_series(av[lower], xv[lower])
    values[~lower] = _upper_fraction(av[~lower], xv[~lower])
    out[ok] = values
    out[(xs == 0) & (alphas > 0)] = 0.0  # x ~ α x₁ near 0: the derivative vanishes with x
    return out.astype(dtype)


class StandardGamma(Op):
    """x ~ Gamma(α, 1), one draw per element of α;  dx/dα = -(∂P/∂α)(α, x)/p(α, x) (implicit
    reparameterisation). Differentiating that derivative again raises, as in PyTorch."""

    @staticmethod
    def forward(ctx, alpha):
        ctx.save_for_backward(alpha)
        return ctx.save_output(standard_gamma_array(alpha.data, alpha.shape))

    @staticmethod
    def backward(ctx, grad):
        alpha, = ctx.saved_tensors
        x = ctx.saved_output
        if ctx.xp is numpy_xp:
            return grad * standard_gamma_grad_array(x, alpha)
        values = standard_gamma_grad_array(np.asarray(x.data), np.asarray(alpha.data))
        return grad * without_derivative((values,), (alpha,), NotImplementedError,
                                         "the derivative for '_standard_gamma_grad' is not implemented.")


def standard_gamma(alpha):
    """Gamma(α, 1) numbers of α's shape, differentiable in α (a Tensor, as `torch._standard_gamma`).

    >>> import tinygrad_edu as tg
    >>> _ = tg.manual_seed(0)
    >>> a = tg.tensor([2.0, 5.0], requires_grad=True)
    >>> standard_gamma(a).sum().backward()
    >>> a.grad.shape
    (2,)
    """
    return StandardGamma.apply(alpha)
