"""More special functions as ops: the scaled complementary error function erfcx, the
exponentially scaled modified Bessel functions i0e and i1e, and the Hurwitz zeta function.

    erfcx x = e^(x²) erfc x          d/dx = 2x·erfcx x - 2/√π
    i0e x = e^(-|x|) I₀(x)           d/dx = i1e x - sign(x)·i0e x
    i1e x = e^(-|x|) I₁(x)           d/dx = i0e x - i1e x·(sign(x) + 1/x)   (1/2 at x = 0)
    ζ(x, q) = Σₖ₌₀^∞ (k + q)^(-x)     d/dq = -x·ζ(x + 1, q)   (d/dx: not implemented, as in PyTorch)

erfcx: for 0 ≤ x < 10 the product e^(x²)·erfc x, with erfc from the C library (`math.erfc`) and
x² split exactly into hi + lo (Dekker's product: e^(x²) = e^hi·(1 + lo) keeps the digits that
rounding x² would cost, up to 700·1e-16 at x = 26); for x ≥ 10, where erfc heads for underflow,
Laplace's continued fraction erfcx x = 1/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
(Abramowitz and Stegun, "Handbook of Mathematical Functions", 1964, 7.1.14); for x < 0,
erfcx x = 2e^(x²) - erfcx(-x), which overflows to inf below x ≈ -26.6.

i0e, i1e: the power series of ops/special_functions.py times e^(-|x|) for |x| ≤ 20, and beyond
the asymptotic expansion Iᵥ(x) e^(-x) ~ 1/√(2πx) Σ (-1)ᵏ aₖ(v)/xᵏ (A&S 9.7.1) without the
exponential, so no digits go into e^x.

ζ(x, q): the Euler-Maclaurin formula (A&S 23.2 and 23.1.30; the scheme of S. L. Moshier's Cephes
library, "Methods and Programs for Mathematical Functions", 1989): sum the first N terms
directly, until w = q + N ≥ 9, then add the tail ∫_w^∞ t^(-x) dt - w^(-x)/2 plus the corrections
Σⱼ B₂ⱼ/(2j)! · x(x+1)...(x+2j-2) · w^(-x-2j+1). ζ(1, q) = inf, x < 1 gives nan, as do
q < 0 with a non-integer x (where (k + q)^(-x) is not real); q = 0, -1, -2, ... are poles (inf).
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.xp import numpy_xp
from .op import Op
from .special_functions import _narrow, _wide, bessel_i_array, bessel_i_asymptotic_sum, elementwise

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_ONE_OVER_SQRT_PI = 1 / math.sqrt(math.pi)
_EPS = np.finfo(np.float64).eps


def wide_pair(a, b) -> tuple[np.ndarray, np.ndarray]:
    """a and b broadcast together, in float64 and flattened (the two-argument form of _wide)."""
    shape = np.broadcast_shapes(np.shape(a), np.shape(b))
    return tuple(np.broadcast_to(np.asarray(v, dtype=np.float64), shape).reshape(-1) for v in (a, b))


def narrow_pair(values: np.ndarray, a, b) -> np.ndarray:
    """float64 results of wide_pair(a, b) in a and b's broadcast shape and common float dtype
    (float64 when both are integers): the two-argument form of _narrow."""
    dtype = np.result_type(np.asarray(a), np.asarray(b))
    shape = np.broadcast_shapes(np.shape(a), np.shape(b))
    return values.reshape(shape).astype(dtype if dtype.kind == "f" else np.float64, copy=False)


def again(xp, op: type, array_function, *args):
    """A special function inside a backward formula: on arrays the array function; when the
    backward is recorded (create_graph), the op itself, so the result differentiates again."""
    if xp is numpy_xp:
        return array_function(*args)
    from ..autograd.xp import _t

    return op.apply(*[_t(a) if isinstance(a, np.ndarray) else a for a in args])


# ---- erfcx ----------------------------------------------------------------------------------------
def _exp_square(v: np.ndarray) -> np.ndarray:
    """e^(v²) with v² = hi + lo exactly (Veltkamp's split of v into 26-bit halves, T. J. Dekker,
    "A floating-point technique for extending the available precision", 1971)."""
    with np.errstate(over="ignore", invalid="ignore"):
        c = 134217729.0 * v  # 2²⁷ + 1
        high = c - (c - v)
        low = v - high
        square = v * v
        error = ((high * high - square) + 2 * high * low) + low * low
        power = np.exp(square)
        # (where e^(v²) overflows, the split's error term is meaningless -- even of either sign for
        # |v| near 1e30, where high² overflows too: the result is inf)
        return np.where(np.isinf(power), power, power * (1 + error))


def _erfcx_continued_fraction(v: np.ndarray) -> np.ndarray:
    """A&S 7.1.14 from the bottom up: 60 levels reach full precision for x ≥ 10."""
    t = v.copy()
    for k in range(60, 0, -1):
        t = v + (k / 2) / t
    return _ONE_OVER_SQRT_PI / t


def _erfcx_nonnegative(v: np.ndarray) -> np.ndarray:
    out = np.empty_like(v)
    near = v < 10
    out[near] = _exp_square(v[near]) * elementwise(math.erfc, v[near])
    far = ~near
    with np.errstate(divide="ignore", invalid="ignore"):  # (inf: 1/(√π·inf) = 0)
        out[far] = _erfcx_continued_fraction(v[far])
    return out


def erfcx_array(x: np.ndarray) -> np.ndarray:
    """e^(x²)·erfc(x) of each element (inf below x ≈ -26.6, 0 at inf, nan at nan)."""
    v = _wide(x)
    out = np.full(v.shape, np.nan)
    upper = v >= 0
    out[upper] = _erfcx_nonnegative(v[upper])
    lower = v < 0
    if lower.any():
        with np.errstate(over="ignore", invalid="ignore"):
            out[lower] = 2 * _exp_square(v[lower]) - _erfcx_nonnegative(-v[lower])
        out[lower & np.isinf(v)] = np.inf
    with np.errstate(over="ignore"):  # (float32: beyond 3.4e38 the rounded value is inf)
        return _narrow(out, x)


class Erfcx(Op):
    """erfcx x = e^(x²) erfc x;  d/dx erfcx x = 2x·erfcx x - 2/√π"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.save_output(erfcx_array(x.data))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        value = ctx.saved_output if ctx.xp is numpy_xp else Erfcx.apply(x)
        with np.errstate(invalid="ignore", over="ignore"):  # (-inf·inf at x = -inf: nan, as PyTorch)
            return grad * (2 * x * value - _TWO_OVER_SQRT_PI)


# ---- i0e, i1e ---------------------------------------------------------------------------------------
def scaled_bessel_i_array(order: int, x: np.ndarray) -> np.ndarray:
    """e^(-|x|) Iᵥ(x) for v = 0 or 1: the series (via bessel_i_array) for |x| ≤ 20, beyond it
    1/√(2π|x|) Σ (-1)ᵏ aₖ/|x|ᵏ, aₖ = (4v² - 1²)(4v² - 3²)...(4v² - (2k-1)²)/(k! 8ᵏ) (A&S 9.7.1)."""
    v = _wide(x)
    a = np.abs(v)
    out = np.empty_like(a)
    near = a <= 20
    out[near] = np.exp(-a[near]) * bessel_i_array(order, v[near])
    far = ~near
    if far.any():
        w = a[far]
        total = bessel_i_asymptotic_sum(order, w)
        with np.errstate(invalid="ignore"):
            scaled = total / np.sqrt(2 * math.pi * w)
        scaled[np.isinf(w)] = 0.0
        out[far] = np.where(v[far] < 0, -scaled, scaled) if order % 2 else scaled  # (I₁ is odd)
    out[np.isnan(v)] = np.nan
    return _narrow(out, x)


class BesselIScaled(Op):
    """e^(-|x|) Iᵥ(x) for v = 0 (i0e) or 1 (i1e), from I₀' = I₁ and I₁' = I₀ - I₁/x:
    d/dx i0e = i1e - sign(x)·i0e,   d/dx i1e = i0e - i1e·(sign(x) + 1/x)  (1/2 at x = 0)"""

    @staticmethod
    def forward(ctx, x, order):
        ctx.save_for_backward(x)
        ctx.order = order
        return ctx.save_output(scaled_bessel_i_array(order, x.data))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        xp = ctx.xp
        value = ctx.saved_output if xp is numpy_xp else BesselIScaled.apply(x, ctx.order)
        other = again(xp, BesselIScaled, lambda a, v: scaled_bessel_i_array(v, a), x, 1 - ctx.order)
        if ctx.order == 0:
            return grad * (other - xp.sign(x) * value)
        zero = xp.values(x) == 0
        safe_x = xp.where(zero, 1.0, x)
        return grad * xp.where(zero, 0.5, other - value * (xp.sign(x) + 1 / safe_x))


# ---- Hurwitz zeta ---------------------------------------------------------------------------------
# (2j)!/B₂ⱼ for j = 1..12, from the Bernoulli numbers B₂ = 1/6, B₄ = -1/30, ... B₂₄ (A&S table 23.2)
_BERNOULLI_FRACTIONS = ((1, 6), (-1, 30), (1, 42), (-1, 30), (5, 66), (-691, 2730), (7, 6), (-3617, 510),
                        (43867, 798), (-174611, 330), (854513, 138), (-236364091, 2730))
_EULER_MACLAURIN = tuple(math.factorial(2 * j + 2) * d / n for j, (n, d) in enumerate(_BERNOULLI_FRACTIONS))


def _zeta_regular(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """ζ(x, q) where it is finite and defined, by Euler-Maclaurin (Cephes' order of operations:
    a direct sum of at least 9 terms, until q + N > 9 or the terms stop counting)."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        s = q ** -x
        a = q.copy()
        b = np.zeros_like(q)
        done = np.zeros(q.shape, dtype=bool)
        summing = np.ones(q.shape, dtype=bool)
        i = 0
        while summing.any():
            i += 1
            a = np.where(summing, a + 1, a)
            b = np.where(summing, a ** -x, b)
            s = np.where(summing, s + b, s)
            converged = summing & (np.abs(b / s) < _EPS)
            done |= converged
            summing &= ~converged & ((i < 9) | (a <= 9))
        w = a
        tail = ~done
        s = np.where(tail, s + b * w / (x - 1) - 0.5 * b, s)
        factor = np.ones_like(q)
        k = 0.0
        for divisor in _EULER_MACLAURIN:
            factor = factor * (x + k)
            b = b / w
            t = factor * b / divisor
            s = np.where(tail, s + t, s)
            tail &= ~(np.abs(t / s) < _EPS)
            k += 1
            factor = factor * (x + k)
            b = b / w
            k += 1
    return s


def zeta_array(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The Hurwitz zeta function ζ(x, q) = Σₖ (k + q)^(-x) of each broadcast pair."""
    xs, qs = wide_pair(x, q)
    out = np.full(xs.shape, np.nan)
    pole = (xs == 1) | ((qs <= 0) & (qs == np.floor(qs)) & (xs > 1))
    regular = (xs > 1) & ~pole & ((qs > 0) | (xs == np.floor(xs))) & np.isfinite(qs)
    out[regular] = _zeta_regular(xs[regular], qs[regular])
    out[pole] = np.inf
    out[(xs > 1) & np.isposinf(qs)] = 0.0  # (every term is 0; Cephes' 0/0 test gives nan there)
    return narrow_pair(out, x, q)


class Zeta(Op):
    """ζ(x, q) = Σₖ₌₀^∞ (k + q)^(-x);  ∂/∂q ζ(x, q) = -x·ζ(x + 1, q).
    ∂/∂x has no formula here (nor in PyTorch): a backward that needs it raises."""

    @staticmethod
    def forward(ctx, x, q):
        ctx.save_for_backward(x, q)
        return zeta_array(x.data, q.data)

    @staticmethod
    def backward(ctx, grad):
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("zeta: the derivative with respect to x (the first argument, the exponent) "
                                      "is not implemented, as in PyTorch; only the one with respect to q is. "
                                      "Detach x (x.detach()) if you need the gradient for q only")
        x, q = ctx.saved_tensors
        with np.errstate(invalid="ignore"):
            return None, grad * (-x * again(ctx.xp, Zeta, zeta_array, x + 1, q))
