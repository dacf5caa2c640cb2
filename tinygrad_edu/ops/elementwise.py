"""More elementwise functions of one tensor: log1p and expm1 (exact near 0, where log(1 + x) and
exp(x) - 1 lose every digit), reciprocal, square, and sign (whose derivative is zero)."""
from __future__ import annotations

import numpy as np

from .op import Op


class Log1p(Op):
    """ln(1 + x);  d/dx = 1 / (1 + x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (1 + x)


class Log2(Op):
    """log₂ x;  d/dx = 1 / (x ln 2)   (numpy's log2: log₂ 8 is exactly 3)"""

    numpy_log, ln_base = staticmethod(np.log2), np.log(2.0)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.fn.numpy_log(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (x * ctx.fn.ln_base)


class Log10(Log2):
    """log₁₀ x;  d/dx = 1 / (x ln 10)   (numpy's log10: log₁₀ 100 is exactly 2; Log2's formulas)"""

    numpy_log, ln_base = staticmethod(np.log10), np.log(10.0)


class Expm1(Op):
    """eˣ - 1;  d/dx = eˣ = (eˣ - 1) + 1"""

    @staticmethod
    def forward(ctx, x):
        return ctx.save_output(np.expm1(x.data))

    @staticmethod
    def backward(ctx, grad):
        return grad * (ctx.saved_output + 1)


class Reciprocal(Op):
    """1/x;  d/dx = -1/x² = -r·r with r = 1/x"""

    @staticmethod
    def forward(ctx, x):
        with np.errstate(divide="ignore"):  # 1/0 = inf, as in PyTorch
            return ctx.save_output(np.reciprocal(x.data))

    @staticmethod
    def backward(ctx, grad):
        r = ctx.saved_output
        return -(grad * r) * r


class Square(Op):
    """x²;  d/dx = 2x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.data * x.data

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * (2 * x)


class Sign(Op):
    """-1, 0 or 1;  d/dx = 0 (everywhere but at 0, where it does not exist: PyTorch also says 0)"""

    @staticmethod
    def forward(ctx, x):
        return x.data.copy() if x.data.dtype == np.bool_ else np.sign(x.data)

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.zeros_like(grad)


# Rounding: step functions, so their derivative is 0 wherever it exists (PyTorch also says 0 at
# the jumps). Each inherits Sign's backward; integer and bool inputs come back unchanged.
def _steps(x, numpy_step, *args) -> np.ndarray:
    """numpy_step of a float tensor's values; integers and bools are whole numbers already."""
    return x.data.copy() if x.data.dtype.kind in "iub" else numpy_step(x.data, *args)


class Floor(Sign):
    """⌊x⌋, the largest integer <= x;  d/dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return _steps(x, np.floor)


class Ceil(Sign):
    """⌈x⌉, the smallest integer >= x;  d/dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return _steps(x, np.ceil)


class Trunc(Sign):
    """x with its fractional part dropped (towards 0);  d/dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return _steps(x, np.trunc)


class Round(Sign):
    """x rounded to `decimals` places, halves to even (2.5 -> 2, as numpy and PyTorch);  d/dx = 0"""

    @staticmethod
    def forward(ctx, x, decimals):
        return _steps(x, np.round, decimals)
