"""Copies: clone (same dtype) and cast (another dtype). The gradient passes straight through,
converted back to the input's dtype."""
from __future__ import annotations

from .op import Op


class Clone(Op):
    """A copy with its own memory;  ∂/∂x = 1"""

    @staticmethod
    def forward(ctx, x):
        return x.data.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


class Cast(Op):
    """x converted to `dtype`;  the gradient is converted back to x's dtype"""

    node_name = "ToCopyBackward0"  # (PyTorch's: x.double(), x.to(dtype))

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.in_dtype = x.data.dtype
        return x.data.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.astype(grad, ctx.in_dtype) if ctx.in_dtype.kind == "f" else None
