"""The classical orthogonal polynomials of `tg.special`, p_n(x) for each broadcast pair (x, n):
each by its three-term recurrence from p₀ = 1 and p₁ (Abramowitz and Stegun, "Handbook of
Mathematical Functions", 1964, 22.7; J. C. Mason and D. C. Handscomb, "Chebyshev Polynomials",
2003, 1.2 and 1.3 for V and W):

    Chebyshev T   p₁ = x        p_{k+1} = 2x p_k - p_{k-1}            T_n(cos θ) = cos nθ
    Chebyshev U   p₁ = 2x       (the same)                            U_n(cos θ) = sin (n+1)θ / sin θ
    Chebyshev V   p₁ = 2x - 1   (the same)                            V_n(cos θ) = cos (n+½)θ / cos(θ/2)
    Chebyshev W   p₁ = 2x + 1   (the same)                            W_n(cos θ) = sin (n+½)θ / sin(θ/2)
    Hermite H     p₁ = 2x       p_{k+1} = 2x p_k - 2k p_{k-1}          (physicists')
    Hermite He    p₁ = x        p_{k+1} = x p_k - k p_{k-1}            (probabilists')
    Laguerre L    p₁ = 1 - x    p_{k+1} = ((2k + 1 - x) p_k - k p_{k-1})/(k + 1)
    Legendre P    p₁ = x        p_{k+1} = ((2k + 1) x p_k - k p_{k-1})/(k + 1)

The shifted Chebyshev polynomials are T, U, V, W of 2x - 1. As in PyTorch: n is truncated to an
integer, n < 0 (and nan) gives 0, and inside (-1, 1) the Chebyshev polynomials of high degree
(n > 6 for T, n > 8 for U, V, W) use the trigonometric forms above, which do not accumulate
rounding over n steps; at x = ±1 the exact values are given.
"""
from __future__ import annotations

import numpy as np

_LAST_RECURRENCE = {"t": 6, "u": 8, "v": 8, "w": 8}  # above these n, the trigonometric form in (-1, 1)


def _degrees(n: np.ndarray) -> np.ndarray:
    """n truncated to an int64, as PyTorch's cast; nan becomes -1 (so the result is 0)."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(n), -1, np.trunc(np.clip(n, -1, 2.0 ** 62))).astype(np.int64)


def _recurrence(x: np.ndarray, n: np.ndarray, first, step) -> np.ndarray:
    """p_n(x) elementwise: p₀ = 1, p₁ = first(x), p_{k+1} = step(k, x, p_k, p_{k-1}) (0 for n < 0)."""
    out = np.where(n < 0, 0.0, 1.0)
    if not (n >= 1).any():  # (also for no elements at all)
        return out
    previous, current = np.ones_like(x), first(x)
    out = np.where(n == 1, current, out)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, int(n.max())):
            previous, current = current, step(k, x, current, previous)
            out = np.where(n == k + 1, current, out)
    return out


def _chebyshev_step(k, x, current, previous):
    return (x + x) * current - previous


_FIRST = {"t": lambda x: x, "u": lambda x: x + x, "v": lambda x: x + x - 1, "w": lambda x: x + x + 1}


def _chebyshev_trig(kind: str, x: np.ndarray, n: np.ndarray) -> np.ndarray:
    theta = np.arccos(x)
    if kind == "t":
        return np.cos(n * theta)
    if kind == "u":
        return np.sin((n + 1) * theta) / np.sin(theta)
    if kind == "v":
        return np.cos((n + 0.5) * theta) / np.cos(theta / 2)
    return np.sin((n + 0.5) * theta) / np.sin(theta / 2)


def _chebyshev_at_one(kind: str, x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The exact values at x = 1 (upper) and x = -1."""
    odd = n % 2 == 1
    upper = x > 0
    if kind == "t":
        return np.where(upper | ~odd, 1.0, -1.0)
    if kind == "u":
        return np.where(upper | ~odd, n + 1.0, -(n + 1.0))
    if kind == "v":
        return np.where(upper, 1.0, np.where(odd, -(2.0 * n + 1), 2.0 * n + 1))
    return np.where(upper, 2.0 * n + 1, np.where(odd, -1.0, 1.0))


def chebyshev_array(kind: str, x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """T_n, U_n, V_n or W_n (kind "t", "u", "v", "w") of float64 arrays of one shape."""
    n = _degrees(n)
    inside = (np.abs(x) < 1) & (n > _LAST_RECURRENCE[kind])  # (there sin θ, sin θ/2, cos θ/2 ≠ 0)
    out = np.empty_like(x)
    out[inside] = _chebyshev_trig(kind, x[inside], n[inside])
    out[~inside] = _recurrence(x[~inside], n[~inside], _FIRST[kind], _chebyshev_step)
    edge = (np.abs(x) == 1) & (n >= 0)
    out[edge] = _chebyshev_at_one(kind, x[edge], n[edge])
    return out


def hermite_h_array(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    return _recurrence(x, _degrees(n), lambda v: v + v, lambda k, v, c, p: (v + v) * c - (2 * k) * p)


def hermite_he_array(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    return _recurrence(x, _degrees(n), lambda v: v, lambda k, v, c, p: v * c - k * p)


def laguerre_array(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    n = _degrees(n)
    out = _recurrence(x, n, lambda v: 1 - v, lambda k, v, c, p: ((2 * k + 1 - v) * c - k * p) / (k + 1))
    return np.where((x == 0) & (n >= 0), 1.0, out)


def legendre_array(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    n = _degrees(n)
    out = _recurrence(x, n, lambda v: v, lambda k, v, c, p: ((2 * k + 1) * v * c - k * p) / (k + 1))
    edge = (np.abs(x) == 1) & (n >= 0)
    out[edge] = np.where((x[edge] > 0) | (n[edge] % 2 == 0), 1.0, -1.0)  # P_n(±1) = (±1)ⁿ
    return out


def polynomial_array(name: str, x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The polynomial `name` ("chebyshev_t", ..., "shifted_chebyshev_w", "hermite_h", "hermite_he",
    "laguerre", "legendre") of x and n, broadcast, in float64."""
    x, n = (np.array(v, dtype=np.float64) for v in np.broadcast_arrays(x, n))
    if name.startswith("shifted_chebyshev_"):
        return chebyshev_array(name[-1], x + x - 1, n)
    if name.startswith("chebyshev_"):
        return chebyshev_array(name[-1], x, n)
    return {"hermite_h": hermite_h_array, "hermite_he": hermite_he_array, "laguerre": laguerre_array,
            "legendre": legendre_array}[name](x, n)
