"""The Airy function Ai(x), the solution of y'' = x·y that decays for x → +∞, for
`tg.special.airy_ai` (not differentiable, as in PyTorch). From M. Abramowitz and I. A. Stegun,
"Handbook of Mathematical Functions", 1964, chapter 10, in four ranges (ζ = ⅔|x|^(3/2)):

  * x > 1: Ai(x) = (1/π) √(x/3) K₁/₃(ζ) (10.4.14), K from its integral by the trapezoidal rule
    (ops/bessel_more.py), scaled by e^(-ζ), so no cancellation at all;
  * |x| ≤ 1: the Maclaurin series Ai(x) = c₁ f(x) - c₂ g(x) (10.4.2), c₁ = Ai(0), c₂ = -Ai'(0),
    f = Σ 3ᵏ(⅓)ₖ x³ᵏ/(3k)!, g = Σ 3ᵏ(⅔)ₖ x³ᵏ⁺¹/(3k+1)!;
  * -12 < x < -1: Ai(-z) = (√z/3) (J₁/₃(ζ) + J₋₁/₃(ζ)) (10.4.15), where the Maclaurin terms would
    cancel; J of orders ν + n (ν = ⅓, ⅔) by Miller's backward recurrence normalized with
    (ζ/2)^ν = Σₖ (ν + 2k) Γ(ν + k)/k! J_{ν+2k}(ζ) (9.1.87), and J₋₁/₃ = (4/(3ζ)) J₂/₃ - J₅/₃;
  * x ≤ -12 (ζ ≥ 27): the asymptotic expansion (10.4.60)
    Ai(-z) ~ z^(-1/4)/√π [sin(ζ + π/4) Σ (-1)ᵏ u₂ₖ ζ^(-2k) - cos(ζ + π/4) Σ (-1)ᵏ u₂ₖ₊₁ ζ^(-2k-1)],
    u₀ = 1, uₖ = (2k+1)(2k+3)...(6k-1)/(216ᵏ k!) (10.4.58).

Accuracy in float64 (checked against 40-digit mpmath): about 1e-15 relative for x > -1 (1e-13
for x > 50, where e^(-ζ) magnifies the rounding of ζ), and among the zeros for x < -1 about 1e-14
of the envelope z^(-1/4)/√π, growing with |x| as the rounding of the phase ζ does (3e-14 at
x = -30, 3e-12 at x = -1000; x itself rounded by one unit moves ζ by as much).
At ±inf Ai is 0 (PyTorch gives nan).
"""
from __future__ import annotations

import math

import numpy as np

from .bessel_more import scaled_bessel_k_trapezoid
from .special_functions import _narrow, _wide

_AI0 = 3 ** (-2 / 3) / math.gamma(2 / 3)  # Ai(0)
_AIP0 = 3 ** (-1 / 3) / math.gamma(1 / 3)  # -Ai'(0)
_MILLER_START = 90  # for ζ < 28: J₉₀(28) is ~1e-30 of the largest order's value


def _maclaurin(x: np.ndarray) -> np.ndarray:
    cube = x * x * x
    f_term, g_term = np.ones_like(x), x.copy()
    f, g = f_term.copy(), g_term.copy()
    for k in range(0, 30):
        f_term = f_term * cube / ((3 * k + 2) * (3 * k + 3))
        g_term = g_term * cube / ((3 * k + 3) * (3 * k + 4))
        f, g = f + f_term, g + g_term
    return _AI0 * f - _AIP0 * g


def _positive(x: np.ndarray) -> np.ndarray:
    zeta = 2 / 3 * x * np.sqrt(x)
    with np.errstate(under="ignore"):
        return np.sqrt(x / 3) / math.pi * scaled_bessel_k_trapezoid(1 / 3, zeta) * np.exp(-zeta)


def _miller_fractional(nu: float, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """J_ν(z) and J_{ν+1}(z) for 0 < ν < 1 by backward recurrence J_{μ-1} = (2μ/z) J_μ - J_{μ+1}."""
    upper, current = np.zeros_like(z), np.full_like(z, 1e-30)
    order = _MILLER_START  # (even, so current is J_{ν + even})
    weight = math.gamma(nu + order // 2) / math.factorial(order // 2)  # Γ(ν + k)/k!, k = order/2
    norm = (nu + order) * weight * current
    for n in range(order, 0, -1):
        lower = (2 * (nu + n) / z) * current - upper  # J_{ν+n-1}
        upper, current = current, lower
        if (n - 1) % 2 == 0:
            k = (n - 1) // 2
            weight = weight * (k + 1) / (nu + k)  # Γ(ν + k)/k! from Γ(ν + k + 1)/(k + 1)!
            norm = norm + (nu + 2 * k) * weight * current
    scale = (z / 2) ** nu / norm
    return current * scale, upper * scale


def _middle_negative(z: np.ndarray) -> np.ndarray:
    zeta = 2 / 3 * z * np.sqrt(z)
    j_third, _ = _miller_fractional(1 / 3, zeta)
    j_two_thirds, j_five_thirds = _miller_fractional(2 / 3, zeta)
    j_minus_third = 4 / (3 * zeta) * j_two_thirds - j_five_thirds
    return np.sqrt(z) / 3 * (j_third + j_minus_third)


def _asymptotic_negative(z: np.ndarray) -> np.ndarray:
    zeta = 2 / 3 * z * np.sqrt(z)
    even, odd = np.ones_like(z), np.zeros_like(z)
    power = np.ones_like(z)
    for k in range(1, 30):  # (ζ ≥ 27: the terms fall below 1e-17 long before k = 30)
        power = power / zeta
        sign = -1.0 if (k // 2) % 2 else 1.0  # (-1)^⌊k/2⌋
        if k % 2:
            odd = odd + sign * _u(k) * power
        else:
            even = even + sign * _u(k) * power
    sin_zeta, cos_zeta = np.sin(zeta), np.cos(zeta)  # sin(ζ + π/4) = (sin ζ + cos ζ)/√2, cos(ζ + π/4) = ...
    sin_phase, cos_phase = (sin_zeta + cos_zeta) * math.sqrt(0.5), (cos_zeta - sin_zeta) * math.sqrt(0.5)
    return (sin_phase * even - cos_phase * odd) / (math.sqrt(math.pi) * z ** 0.25)


def _u(k: int) -> float:
    """uₖ = (2k+1)(2k+3)...(6k-1) / (216ᵏ k!)  (A&S 10.4.58)."""
    return math.prod(range(2 * k + 1, 6 * k, 2)) / (216 ** k * math.factorial(k))


def airy_ai_array(x: np.ndarray) -> np.ndarray:
    """Ai of each element (0 at ±inf, nan at nan)."""
    v = _wide(x)
    out = np.full(v.shape, np.nan)
    near = np.abs(v) <= 1
    out[near] = _maclaurin(v[near])
    positive = (v > 1) & np.isfinite(v)
    out[positive] = _positive(v[positive])
    middle = (v < -1) & (v > -12)
    out[middle] = _middle_negative(-v[middle])
    far = (v <= -12) & np.isfinite(v)
    out[far] = _asymptotic_negative(-v[far])
    out[np.isinf(v)] = 0.0
    return _narrow(out, x)
