"""Bessel functions of integer order 0 and 1 beyond I₀ and I₁ (ops/special_functions.py): J₀, J₁,
Y₀, Y₁, K₀, K₁ and e^x K₀, e^x K₁, for `tg.special` (not differentiable, as in PyTorch).
Formulas from M. Abramowitz and I. A. Stegun, "Handbook of Mathematical Functions", 1964:

J and Y, in three ranges of |x|:
  * |x| ≤ 2: the power series, whose terms only shrink there:
        J₀ = Σ (-x²/4)ᵏ/(k!)²,   J₁ = x/2 Σ (-x²/4)ᵏ/(k!(k+1)!)                           (9.1.10)
        Y₀ = 2/π (ln(x/2) + γ) J₀ + 2/π Σₖ≥₁ (-1)ᵏ⁺¹ Hₖ (x²/4)ᵏ/(k!)²,  Hₖ = 1 + 1/2 + ... + 1/k  (9.1.13)
        Y₁ = -2/(πx) + 2/π ln(x/2) J₁ - x/(2π) Σ (ψ(k+1) + ψ(k+2)) (-x²/4)ᵏ/(k!(k+1)!)       (9.1.11)
  * 2 < |x| < 25: Miller's backward recurrence Jₙ₋₁ = (2n/x) Jₙ - Jₙ₊₁ from a far order, normalized
    by J₀ + 2(J₂ + J₄ + ...) = 1 (9.1.46) -- stable where the series would cancel -- and Neumann's
    series  Y₀ = 2/π (ln(x/2) + γ) J₀ - 4/π Σₖ≥₁ (-1)ᵏ J₂ₖ/k  (9.1.88) and its derivative
    Y₁ = -Y₀' = -2/(πx) J₀ + 2/π (ln(x/2) + γ) J₁ + 2/π Σₖ≥₁ (-1)ᵏ (J₂ₖ₋₁ - J₂ₖ₊₁)/k;
  * |x| ≥ 25: Hankel's expansions Jₙ = √(2/(πx)) (P cos χ - Q sin χ), Yₙ = √(2/(πx)) (P sin χ + Q cos χ),
    χ = x - (n/2 + 1/4)π (9.2.5 - 9.2.10), with cos χ and sin χ from cos x and sin x (so no digits
    go into rounding x - π/4).
K: for 0 < x ≤ 1 the series K₀ = -(ln(x/2) + γ) I₀ + Σₖ≥₁ Hₖ (x²/4)ᵏ/(k!)² (9.6.13) and
K₁ = 1/x + ln(x/2) I₁ - x/4 Σ (ψ(k+1) + ψ(k+2)) (x²/4)ᵏ/(k!(k+1)!) (9.6.11); beyond, the integral
e^x Kᵥ(x) = ∫₀^∞ e^(-x(cosh t - 1)) cosh(vt) dt (9.6.24) by the trapezoidal rule, which converges
exponentially fast for such an analytic, quickly decaying integrand (L. N. Trefethen and
J. A. C. Weideman, "The exponentially convergent trapezoidal rule", SIAM Review 56, 2014).

Accuracy in float64 (checked against 40-digit mpmath): about 1e-15 relative, and near a zero of J
or Y 1e-16 absolute (as for PyTorch's Cephes approximations there).
At ±inf the limits are given (J, Y, K → 0), where PyTorch gives nan.
"""
from __future__ import annotations

import math

import numpy as np

from .special_functions import _narrow, _wide, bessel_i_array

_EULER_GAMMA = 0.57721566490153286061
_TWO_OVER_PI = 2 / math.pi
_SERIES_TERMS = 30  # (x²/4)ᵏ/(k!)² < 1e-30 at k = 30 for |x| ≤ 2
_MILLER_START = 70  # an even order far above x < 25: J₇₀(25) ≈ 1e-22·J₀-sized values


def _series(x: np.ndarray, order: int, weights) -> np.ndarray:
    """Σₖ weights(k)·s^k/(k!(k+order)!) with s = x²/4 (the sign is in weights)."""
    s = x * x / 4
    term = np.full_like(x, 1.0 / math.factorial(order))
    total = term * weights(0)
    for k in range(1, _SERIES_TERMS):
        term = term * s / (k * (k + order))
        total = total + term * weights(k)
    return total


def _harmonic(k: int) -> float:
    return sum(1.0 / j for j in range(1, k + 1))


def _psi_sum(k: int) -> float:
    """ψ(k+1) + ψ(k+2) = Hₖ + Hₖ₊₁ - 2γ."""
    return _harmonic(k) + _harmonic(k + 1) - 2 * _EULER_GAMMA


def _small_j(order: int, x: np.ndarray) -> np.ndarray:
    value = _series(x, order, lambda k: (-1.0) ** k)
    return value if order == 0 else value * x / 2


def _small_y(order: int, x: np.ndarray) -> np.ndarray:
    log_half = np.log(x / 2)
    if order == 0:
        tail = _series(x, 0, lambda k: (-1.0) ** (k + 1) * _harmonic(k))
        return _TWO_OVER_PI * ((log_half + _EULER_GAMMA) * _small_j(0, x) + tail)
    tail = _series(x, 1, lambda k: (-1.0) ** k * _psi_sum(k))
    with np.errstate(divide="ignore", over="ignore"):
        return -_TWO_OVER_PI / x + _TWO_OVER_PI * log_half * _small_j(1, x) - x / (2 * math.pi) * tail


def _miller(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """J₀, J₁ and the Neumann sums Σ(-1)ᵏ J₂ₖ/k, Σ(-1)ᵏ (J₂ₖ₋₁ - J₂ₖ₊₁)/k for 2 < x < 25, by
    backward recurrence from order 70 (only ratios matter, so any small start value does), all
    normalized at the end by J₀ + 2ΣJ₂ₖ = 1."""
    j = [np.zeros_like(x)] * (_MILLER_START + 2)  # j[n] = Jₙ (unnormalized)
    j[_MILLER_START] = np.full_like(x, 1e-30)
    for n in range(_MILLER_START, 0, -1):
        j[n - 1] = (2 * n / x) * j[n] - j[n + 1]
    half = _MILLER_START // 2
    norm = j[0] + 2 * sum(j[2 * k] for k in range(1, half + 1))
    y0_sum = sum((-1) ** k * j[2 * k] / k for k in range(1, half + 1))
    y1_sum = sum((-1) ** k * (j[2 * k - 1] - j[2 * k + 1]) / k for k in range(1, half + 1))
    return j[0] / norm, j[1] / norm, y0_sum / norm, y1_sum / norm


def _hankel(order: int, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P, Q) of Hankel's expansion: P = Σ (-1)ᵏ a₂ₖ/x²ᵏ, Q = Σ (-1)ᵏ a₂ₖ₊₁/x²ᵏ⁺¹ with
    aₖ = (4n² - 1²)(4n² - 3²)...(4n² - (2k-1)²)/(k! 8ᵏ) (9.2.9, 9.2.10); 30 terms at x ≥ 25."""
    mu = 4.0 * order * order
    p, q = np.ones_like(x), np.zeros_like(x)
    term = np.ones_like(x)
    for k in range(1, 60):
        term = term * (mu - (2 * k - 1) ** 2) / (8 * k * x)
        sign = -1.0 if (k // 2) % 2 else 1.0  # (-1)^⌊k/2⌋
        if k % 2:
            q = q + sign * term
        else:
            p = p + sign * term
    return p, q


def _large(order: int, x: np.ndarray, second_kind: bool) -> np.ndarray:
    p, q = _hankel(order, x)
    c, s = np.cos(x), np.sin(x)
    root_half = math.sqrt(0.5)
    if order == 0:  # χ = x - π/4
        cos_chi, sin_chi = (c + s) * root_half, (s - c) * root_half
    else:  # χ = x - 3π/4
        cos_chi, sin_chi = (s - c) * root_half, -(s + c) * root_half
    amplitude = np.sqrt(_TWO_OVER_PI / x)
    if second_kind:
        return amplitude * (p * sin_chi + q * cos_chi)
    return amplitude * (p * cos_chi - q * sin_chi)


def _bessel(order: int, x: np.ndarray, second_kind: bool) -> np.ndarray:
    v = _wide(x)
    a = np.abs(v)
    out = np.full(v.shape, np.nan)
    small, large = a <= 2, (a >= 25) & np.isfinite(a)
    middle = ~small & ~large & np.isfinite(a)
    if second_kind:
        small &= v > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            out[small] = _small_y(order, v[small])
        out[v == 0] = -np.inf
    else:
        out[small] = _small_j(order, a[small])
    if middle.any():
        j0, j1, y0_sum, y1_sum = _miller(a[middle])
        if not second_kind:
            out[middle] = j0 if order == 0 else j1
        else:
            log_term = np.log(a[middle] / 2) + _EULER_GAMMA
            if order == 0:
                out[middle] = _TWO_OVER_PI * (log_term * j0 - 2 * y0_sum)
            else:
                out[middle] = _TWO_OVER_PI * (-j0 / a[middle] + log_term * j1 + y1_sum)
    out[large] = _large(order, a[large], second_kind)
    out[np.isinf(a)] = 0.0
    if second_kind:
        out[v < 0] = np.nan
    elif order == 1:
        out = np.where(v < 0, -out, out)  # (J₁ is odd)
    out[np.isnan(v)] = np.nan
    return _narrow(out, x)


def bessel_j_array(order: int, x: np.ndarray) -> np.ndarray:
    """J₀ or J₁ of each element (0 at ±inf)."""
    return _bessel(order, x, second_kind=False)


def bessel_y_array(order: int, x: np.ndarray) -> np.ndarray:
    """Y₀ or Y₁ of each element: -inf at 0, nan for x < 0, 0 at inf."""
    return _bessel(order, x, second_kind=True)


# ---- K₀, K₁ -------------------------------------------------------------------------------------
def _small_k(order: int, x: np.ndarray) -> np.ndarray:
    log_half = np.log(x / 2)
    if order == 0:
        return -(log_half + _EULER_GAMMA) * bessel_i_array(0, x) + _series(x, 0, _harmonic)
    tail = _series(x, 1, _psi_sum)
    with np.errstate(divide="ignore", over="ignore"):
        return 1 / x + log_half * bessel_i_array(1, x) - x / 4 * tail


def scaled_bessel_k_trapezoid(nu: float, x: np.ndarray) -> np.ndarray:
    """e^x Kᵥ(x) = ∫₀^∞ e^(-x(cosh t - 1)) cosh(vt) dt for x > 0 (best for x ≳ 1), by the
    trapezoidal rule: the integrand is analytic in the strip |Im t| < d with d = min(1.2, √(2/x))
    (there |e^(-x(cosh t - 1))| ≤ e), so the step h = d/8 has error ~ e^(-2πd/h) = e^(-50); the
    sum stops where x(cosh t - 1) > 45. cosh t - 1 = 2 sinh²(t/2), exact also for tiny t."""
    d = np.minimum(1.2, np.sqrt(2 / x))
    h = d / 8
    t_end = np.arccosh(1 + 45 / x) + 4 * h
    steps = int(np.ceil(np.max(t_end / h))) if x.size else 0
    total = 0.5 * np.ones_like(x)  # (t = 0: half weight)
    for j in range(1, steps + 1):
        t = j * h
        total = total + np.exp(-2 * x * np.sinh(t / 2) ** 2) * np.cosh(nu * t)
    return h * total


def scaled_bessel_k_array(order: int, x: np.ndarray) -> np.ndarray:
    """e^x Kᵥ(x), v = 0 or 1: inf at 0, nan for x < 0, 0 at inf."""
    v = _wide(x)
    out = np.full(v.shape, np.nan)
    small = (v > 0) & (v <= 1)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out[small] = np.exp(v[small]) * _small_k(order, v[small])
    large = (v > 1) & np.isfinite(v)
    out[large] = scaled_bessel_k_trapezoid(float(order), v[large])
    out[v == 0] = np.inf
    out[np.isposinf(v)] = 0.0
    return _narrow(out, x)


def bessel_k_array(order: int, x: np.ndarray) -> np.ndarray:
    """K₀ or K₁: e^(-x) times the scaled function (the series directly for x ≤ 1)."""
    v = _wide(x)
    scaled = _wide(scaled_bessel_k_array(order, v))
    out = np.where(v <= 1, np.nan, np.exp(-np.where(v > 1, v, 0)) * scaled)
    small = (v > 0) & (v <= 1)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out[small] = _small_k(order, v[small])
    out[v == 0] = np.inf
    out[np.isposinf(v)] = 0.0
    return _narrow(out, x)
