"""Special functions as ops (numpy has none of them): the log-gamma function, its derivatives
(digamma, polygamma), the modified Bessel functions Iᵥ and the inverse of the normal CDF.

    lgamma x = log |Γ(x)|              d/dx = ψ(x)                  (digamma)
    ψ⁽ⁿ⁾(x) = dⁿ⁺¹/dxⁿ⁺¹ log Γ(x)       d/dx = ψ⁽ⁿ⁺¹⁾(x)              (polygamma; ψ⁽⁰⁾ = ψ)
    Iᵥ(x)                              d/dx = I₁ (v = 0), (Iᵥ₋₁ + Iᵥ₊₁)/2   (Bessel; i0 = I₀)
    Φ⁻¹(p)                             d/dp = √(2π) e^(x²/2), x = Φ⁻¹(p)    (ndtri)

lgamma goes through Python's `math.lgamma` element by element (the C library's, exact to the last
bit; see nn/functional/erf.py for the cost of `np.frompyfunc`). ψ⁽ⁿ⁾ is vectorised: the argument
is shifted up by the recurrence ψ⁽ⁿ⁾(x + 1) = ψ⁽ⁿ⁾(x) + (-1)ⁿ n!/xⁿ⁺¹ until it is large, where the
asymptotic series is exact to rounding (M. Abramowitz and I. A. Stegun, "Handbook of Mathematical
Functions", 1964, 6.3.5, 6.3.18, 6.4.6 and 6.4.11); negative x uses the reflection
ψ(1 - x) = ψ(x) + π cot πx (6.3.7) for ψ, and the recurrence alone for n ≥ 1. Iᵥ is the power series
(9.6.10) for |x| ≤ 20 -- positive terms, so nothing cancels -- and the asymptotic expansion (9.7.1)
beyond, whose terms fall below e^(-2x) < 1e-17 there. Φ⁻¹ is `statistics.NormalDist().inv_cdf`
element by element (M. J. Wichura, "The percentage points of the normal distribution", Applied
Statistics 37, 1988: full double precision, also deep in the tails).
"""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from .op import Op

# Bernoulli numbers B₂, B₄, ..., B₂₀ (Abramowitz and Stegun, table 23.2)
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
              -174611 / 330)


def _lgamma_scalar(v: float) -> float:
    try:
        return math.lgamma(v)
    except ValueError:  # a pole: 0, -1, -2, ... (Γ is infinite there), as PyTorch gives
        return math.inf


def _wide(x: np.ndarray) -> np.ndarray:
    """x in float64, flattened to 1-D (the vectorised formulas index into it; see _narrow)."""
    return np.asarray(x, dtype=np.float64).reshape(-1)


def _narrow(values, like: np.ndarray) -> np.ndarray:
    """float64 results in x's shape, rounded to x's float dtype (float16/float32 computed in float64)."""
    like = np.asarray(like)
    dtype = like.dtype if like.dtype.kind == "f" else np.dtype(np.float64)
    return np.asarray(values, dtype=np.float64).reshape(like.shape).astype(dtype, copy=False)


def elementwise(scalar_function, x: np.ndarray) -> np.ndarray:
    """scalar_function (a Python function of one float) of each element of x, computed in float64
    and rounded to x's float dtype, as PyTorch's CPU kernels do for float16/float32 (also ops/special.py)."""
    with np.errstate(invalid="ignore"):  # (a nan input gives nan quietly, as in PyTorch)
        values = np.frompyfunc(scalar_function, 1, 1)(_wide(x))
    return _narrow(values, x)


def lgamma_array(x: np.ndarray) -> np.ndarray:
    """log |Γ(x)| of each element (inf at the poles 0, -1, -2, ...)."""
    return elementwise(_lgamma_scalar, x)


def _digamma_positive(z: np.ndarray) -> np.ndarray:
    """ψ(z) for z > 0: z shifted up to ≥ 10 by ψ(z) = ψ(z + 1) - 1/z, then 6.3.18,
    ψ(z) ~ ln z - 1/(2z) - Σ B₂ₖ/(2k z²ᵏ)."""
    z = z.copy()
    total = np.zeros_like(z)
    small = z < 10
    while small.any():
        total[small] -= 1 / z[small]
        z[small] += 1
        small = z < 10
    inverse_square = 1 / (z * z)
    series = np.zeros_like(z)
    for k in range(len(_BERNOULLI), 0, -1):  # Horner in 1/z²
        series = (series + _BERNOULLI[k - 1] / (2 * k)) * inverse_square
    with np.errstate(invalid="ignore"):  # (inf: ln inf - 0 - 0 = inf)
        return total + np.log(z) - 0.5 / z - series


def digamma_array(x: np.ndarray) -> np.ndarray:
    """ψ(x) = Γ'(x)/Γ(x): -inf at +0 and inf at -0 (as PyTorch), nan at -1, -2, ... and -inf."""
    z = _wide(x)
    out = np.full(z.shape, np.nan)
    positive = z > 0
    out[positive] = _digamma_positive(z[positive])
    negative = (z < 0) & (z != np.floor(z))  # (not a pole, not -inf)
    if negative.any():
        v = z[negative]
        # cot πx has period 1: reducing to [-1/2, 1/2] first keeps its digits (v - floor(v) would round
        # a tiny negative v such as -1e-30 to 1, whose cotangent is 1e16 instead of 1e30)
        fraction = v - np.round(v)
        out[negative] = _digamma_positive(1 - v) - math.pi / np.tan(math.pi * fraction)
    zero = z == 0
    out[zero] = np.where(np.signbit(z[zero]), np.inf, -np.inf)
    return _narrow(out, x)


def polygamma_array(n: int, x: np.ndarray) -> np.ndarray:
    """ψ⁽ⁿ⁾(x), n ≥ 0: for n ≥ 1 the recurrence (6.4.6) shifts x up to ≥ n + 15, then
    ψ⁽ⁿ⁾(z) ~ (-1)ⁿ⁺¹ [(n-1)!/zⁿ + n!/(2zⁿ⁺¹) + Σ B₂ₖ (2k+n-1)!/((2k)! z²ᵏ⁺ⁿ)] (6.4.11).
    At the poles 0, -1, -2, ... it is (-1)ⁿ⁺¹·inf, the limit from the right."""
    if n == 0:
        return digamma_array(x)
    z = _wide(x).copy()
    sign = 1.0 if n % 2 else -1.0  # (-1)ⁿ⁺¹
    factorial = float(math.factorial(n))
    total = np.zeros_like(z)
    pole = (z <= 0) & (z == np.floor(z))
    z[pole] = 1.0  # (filled in at the end)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        small = z < n + 15
        while small.any():  # ψ⁽ⁿ⁾(z) = ψ⁽ⁿ⁾(z + 1) + (-1)ⁿ⁺¹ n!/zⁿ⁺¹
            total[small] += sign * factorial / z[small] ** (n + 1)
            z[small] += 1
            small = z < n + 15
        inverse_square = 1 / (z * z)
        series = np.zeros_like(z)
        for k in range(len(_BERNOULLI), 0, -1):  # Σ B₂ₖ (2k+n-1)!/(2k)! z^-(2k), by Horner
            coefficient = _BERNOULLI[k - 1] * math.exp(math.lgamma(2 * k + n) - math.lgamma(2 * k + 1))
            series = (series + coefficient) * inverse_square
        leading = math.factorial(n - 1) + factorial / (2 * z)
        out = total + sign * (leading + series) / z ** n
    out[pole] = sign * np.inf
    out[np.isnan(_wide(x))] = np.nan
    return _narrow(out, x)


def bessel_i_asymptotic_sum(order: int, x: np.ndarray) -> np.ndarray:
    """The sum in Iₙ(x) ≈ eˣ / √(2πx) · Σₖ (-1)ᵏ aₖ(n) / xᵏ for large x (Abramowitz & Stegun,
    "Handbook of Mathematical Functions", 1964, 9.7.1), with aₖ = ∏ⱼ≤ₖ (4n² - (2j-1)²) / (k! 8ᵏ)."""
    mu = 4.0 * order * order
    term = np.ones_like(x)
    total = term.copy()
    for k in range(1, 40):
        term = term * -(mu - (2 * k - 1) ** 2) / (8 * k * x)
        total += term
    return total


def bessel_i_array(order: int, x: np.ndarray) -> np.ndarray:
    """Iᵥ(x), the modified Bessel function of the first kind of integer order v ≥ 0 (accurate for
    the small orders used here): Iᵥ(-x) = (-1)ᵛ Iᵥ(x); for |x| ≤ 20 the series
    Σ (x/2)²ᵏ⁺ᵛ/(k!(k+v)!) (9.6.10), beyond it e^x/√(2πx) Σ (-1)ᵏ aₖ/xᵏ with
    aₖ = (4v² - 1²)(4v² - 3²)...(4v² - (2k-1)²)/(k! 8ᵏ) (9.7.1)."""
    a = np.abs(_wide(x))
    out = np.empty_like(a)
    near = a <= 20
    if near.any():
        half = a[near] / 2
        term = half ** order / math.factorial(order)
        total = term.copy()
        for k in range(1, 70):
            term = term * (half * half) / (k * (k + order))
            total += term
        out[near] = total
    far = ~near
    if far.any():
        v = a[far]
        total = bessel_i_asymptotic_sum(order, v)
        with np.errstate(over="ignore", invalid="ignore"):  # (inf beyond x ≈ 713, as PyTorch)
            out[far] = np.exp(v - 0.5 * np.log(2 * math.pi * v)) * total
    out[np.isposinf(a)] = np.inf
    if order % 2:
        out = np.where(_wide(x) < 0, -out, out)
    return _narrow(out, x)


class Lgamma(Op):
    """log |Γ(x)|;  d/dx lgamma x = ψ(x)  (digamma)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return lgamma_array(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * ctx.xp.polygamma(0, x)


class Polygamma(Op):
    """ψ⁽ⁿ⁾(x) = dⁿ⁺¹/dxⁿ⁺¹ log Γ(x) (n = 0: digamma);  d/dx ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁺¹⁾(x)"""

    @staticmethod
    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        return polygamma_array(n, x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        with np.errstate(invalid="ignore"):  # (inf·0 at a pole gives nan, as PyTorch)
            return grad * ctx.xp.polygamma(ctx.n + 1, x)


class BesselI(Op):
    """Iᵥ(x), the modified Bessel function of the first kind (v = 0: torch.i0);
    d/dx I₀ = I₁,  d/dx Iᵥ = (Iᵥ₋₁ + Iᵥ₊₁)/2 (Abramowitz and Stegun 9.6.26)"""

    @staticmethod
    def forward(ctx, x, order):
        ctx.save_for_backward(x)
        ctx.order = order
        return bessel_i_array(order, x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        v = ctx.order
        if v == 0:
            return grad * ctx.xp.bessel_i(1, x)
        return grad * (0.5 * (ctx.xp.bessel_i(v - 1, x) + ctx.xp.bessel_i(v + 1, x)))


def _ndtri_scalar(p: float) -> float:
    if 0.0 < p < 1.0:
        return _STANDARD_NORMAL.inv_cdf(p)
    if p == 0.0 or p == 1.0:
        return -math.inf if p == 0.0 else math.inf
    return math.nan  # (outside [0, 1], or nan)


_STANDARD_NORMAL = NormalDist()  # (also used by ops/special.py)
_SQRT_TWO_PI = math.sqrt(2 * math.pi)


class Ndtri(Op):
    """Φ⁻¹(p), the x with Φ(x) = p for the standard normal CDF Φ (-inf at 0, inf at 1);
    d/dp Φ⁻¹(p) = 1/φ(x) = √(2π) e^(x²/2)"""

    @staticmethod
    def forward(ctx, p):
        return ctx.save_output(elementwise(_ndtri_scalar, p.data))

    @staticmethod
    def backward(ctx, grad):
        x = ctx.saved_output
        with np.errstate(over="ignore"):  # (inf at p = 0 and 1)
            return grad * (_SQRT_TWO_PI * ctx.xp.exp(x * x * 0.5))
