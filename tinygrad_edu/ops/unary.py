"""Elementwise functions of one tensor, each with its derivative.

Where the derivative is cheaper from the result than from the input (exp, sqrt, tanh, sigmoid),
forward keeps the result with `ctx.save_output`. Each backward is one formula over `ctx.xp`.
"""
from __future__ import annotations

import numpy as np

from ..autograd.xp import numpy_xp
from .op import Op


class Exp(Op):
    """eˣ;  d/dx eˣ = eˣ"""

    @staticmethod
    def forward(ctx, x):
        return ctx.save_output(np.exp(x.data))

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.saved_output


class Log(Op):
    """ln x;  d/dx ln x = 1/x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / x


class Sqrt(Op):
    """√x;  d/dx √x = 1 / (2√x)"""

    @staticmethod
    def forward(ctx, x):
        return ctx.save_output(np.sqrt(x.data))

    @staticmethod
    def backward(ctx, grad):
        return grad / (2 * ctx.saved_output)


class Abs(Op):
    """|x|;  d/dx |x| = sign(x)  (0 at x = 0, as PyTorch)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return sign_times(ctx.xp, x, grad)


def sign_times(xp, x, grad):
    """sign(x)·grad, the gradient of |x| (also the straight parts of smooth_l1_loss): a select,
    not a product with sign(x), because an inf arriving at x = 0 must give 0, not inf·0 = nan."""
    return xp.where(x > 0, grad, xp.where(x < 0, -grad, 0.0))


class Sin(Op):
    """sin x;  d/dx sin x = cos x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * ctx.xp.cos(x)


class Cos(Op):
    """cos x;  d/dx cos x = -sin x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return -grad * ctx.xp.sin(x)


class Tanh(Op):
    """tanh x;  d/dx tanh x = 1 - tanh² x"""

    @staticmethod
    def forward(ctx, x):
        return ctx.save_output(np.tanh(x.data))

    @staticmethod
    def backward(ctx, grad):
        t = ctx.saved_output
        return grad * (1 - t * t)


class Sigmoid(Op):
    """σ(x) = 1 / (1 + e⁻ˣ);  dσ/dx = σ(1 - σ)"""

    @staticmethod
    def forward(ctx, x):
        return ctx.save_output(numpy_xp.sigmoid(x.data))  # (autograd/xp.py: the formula, overflow-safe)

    @staticmethod
    def backward(ctx, grad):
        s = ctx.saved_output
        return grad * (s * (1 - s))


class Relu(Op):
    """max(x, 0);  d/dx = 1 where x > 0, else 0"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.maximum(0, x.data)  # (0 first: numpy then keeps -0.0 as -0.0, as PyTorch does)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        # select (an inf arriving where x ≤ 0 gives 0); x <= 0, not x > 0, so that a nan input
        # passes its gradient on, as in PyTorch
        return ctx.xp.where(x <= 0, 0.0, grad)
