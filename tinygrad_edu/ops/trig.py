"""Trigonometric and hyperbolic functions and their inverses, each with its derivative:
tan, asin, acos, atan, atan2 (two inputs), sinh, cosh, asinh, acosh, atanh.

Forward is numpy's function; outside the domain (asin of 2, acosh of 0.5) the result is nan
and at its edge (atanh of 1) ±inf, quietly, as in PyTorch. Each backward is one formula over
`ctx.xp`; where a derivative is cheaper from the result (tan) forward keeps the result.
"""
from __future__ import annotations

import numpy as np

from .op import Op


def _quietly(numpy_function, x: np.ndarray) -> np.ndarray:
    """numpy_function(x) without numpy's warnings for nan/inf results (PyTorch gives none)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return numpy_function(x)


class Tan(Op):
    """tan x;  d/dx tan x = 1 + tan² x  (= 1 / cos² x)"""

    @staticmethod
    def forward(ctx, x):
        return ctx.save_output(_quietly(np.tan, x.data))  # (tan ±inf is nan)

    @staticmethod
    def backward(ctx, grad):
        t = ctx.saved_output
        return grad * (1 + t * t)


class Asin(Op):
    """arcsin x, for -1 ≤ x ≤ 1;  d/dx arcsin x = 1 / √(1 - x²)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quietly(np.arcsin, x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):  # (±inf at x = ±1, as in PyTorch)
            return grad / ctx.xp.sqrt(1 - x * x)


class Acos(Op):
    """arccos x, for -1 ≤ x ≤ 1;  d/dx arccos x = -1 / √(1 - x²)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quietly(np.arccos, x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return -grad / ctx.xp.sqrt(1 - x * x)


class Atan(Op):
    """arctan x;  d/dx arctan x = 1 / (1 + x²)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (1 + x * x)


class Atan2(Op):
    """atan2(y, x), the angle of the point (x, y) in (-π, π];
    ∂/∂y = x / (x² + y²),  ∂/∂x = -y / (x² + y²)  (both 0 at the origin, as in PyTorch)"""

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return np.arctan2(y.data, x.data)

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        xp = ctx.xp
        squared = y * y + x * x
        at_origin = xp.values(squared) == 0
        scaled = xp.where(at_origin, 0.0, grad / xp.where(at_origin, 1.0, squared))
        need_y, need_x = ctx.needs_input_grad
        return (scaled * x if need_y else None), (-scaled * y if need_x else None)


class Sinh(Op):
    """sinh x = (eˣ - e⁻ˣ)/2;  d/dx sinh x = cosh x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quietly(np.sinh, x.data)  # (overflows to ±inf beyond |x| ≈ 710 in float64)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * ctx.xp.cosh(x)


class Cosh(Op):
    """cosh x = (eˣ + e⁻ˣ)/2;  d/dx cosh x = sinh x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quietly(np.cosh, x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * ctx.xp.sinh(x)


class Asinh(Op):
    """arsinh x = ln(x + √(x² + 1));  d/dx arsinh x = 1 / √(x² + 1)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsinh(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / ctx.xp.sqrt(x * x + 1)


class Acosh(Op):
    """arcosh x = ln(x + √(x² - 1)), for x ≥ 1;  d/dx arcosh x = 1 / √((x - 1)(x + 1))
    ((x - 1)(x + 1) rather than x² - 1: it keeps its digits for x close to 1)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quietly(np.arccosh, x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad / ctx.xp.sqrt((x - 1) * (x + 1))


class Atanh(Op):
    """artanh x = ½ ln((1 + x)/(1 - x)), for -1 < x < 1;  d/dx artanh x = 1 / (1 - x²)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quietly(np.arctanh, x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return grad / (1 - x * x)
