"""The complementary error function erfc and the inverse error function erfinv, as ops.

erf itself is the `Erf` op of nn/functional/erf.py. erfc = 1 - erf has its own op because
1 - erf(x) cancels: for x = 5 it would keep 4 of 16 digits, for x > 6 none at all, while
erfc(x) itself is representable down to 1e-308. numpy has neither function, so each element goes
through Python's `math.erfc` (the C library's, exact to the last bit) -- see erf.py for the cost.

erfinv has no C library function: each element starts from the inverse normal CDF of Python's
`statistics.NormalDist` (Wichura's algorithm AS 241: M. J. Wichura, "The percentage points of
the normal distribution", Applied Statistics 37, 1988), erfinv(y) = Φ⁻¹((y + 1)/2)/√2, and two
Newton steps on erf(x) = y polish it to the last digits (also for tiny y, where (y + 1)/2 has
lost them).
"""
from __future__ import annotations

import math

import numpy as np

from .op import Op
from .special_functions import _STANDARD_NORMAL, elementwise

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2


def _erfinv_scalar(y: float) -> float:
    """erfinv of one number: ±inf at ±1, nan outside [-1, 1] (as PyTorch)."""
    if not -1.0 < y < 1.0:
        if y == 1.0 or y == -1.0:
            return math.copysign(math.inf, y)
        return math.nan  # (|y| > 1, or y is nan)
    if y == 0.0:
        return y  # (keeps the sign of -0.0)
    x = _STANDARD_NORMAL.inv_cdf((y + 1.0) / 2.0) / math.sqrt(2.0) if abs(y) > 1e-8 else y * _SQRT_PI_OVER_TWO
    for _ in range(2):  # Newton: x -= (erf x - y) / erf'(x), erf'(x) = 2/√π e^(-x²)
        x -= (math.erf(x) - y) / (_TWO_OVER_SQRT_PI * math.exp(-x * x))
    return x


class Erfc(Op):
    """erfc x = 1 - erf x = 2/√π ∫ₓ^∞ e^(-t²) dt;  d/dx erfc x = -2/√π · e^(-x²)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return elementwise(math.erfc, x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * (-_TWO_OVER_SQRT_PI * ctx.xp.exp(-(x * x)))


class Erfinv(Op):
    """erfinv y, the x in (-∞, ∞) with erf x = y, for -1 ≤ y ≤ 1;
    d/dy erfinv y = 1 / erf'(x) = √π/2 · e^(x²), x = erfinv y"""

    @staticmethod
    def forward(ctx, y):
        return ctx.save_output(elementwise(_erfinv_scalar, y.data))

    @staticmethod
    def backward(ctx, grad):
        x = ctx.saved_output
        with np.errstate(over="ignore"):  # (inf at y = ±1, as in PyTorch)
            return grad * (_SQRT_PI_OVER_TWO * ctx.xp.exp(x * x))
