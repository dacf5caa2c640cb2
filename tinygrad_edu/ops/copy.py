"""Copies: clone (same dtype) and cast (another dtype). The gradient passes straight through,
converted back to the input's dtype. A copy is laid out in memory as its input is (PyTorch's
preserve_format), or as a given `tg.memory_format` says (memory_formats.py): only the strides
differ, so the gradient is the same."""
from __future__ import annotations

from ..memory_formats import copy_in_format, preserve_format
from .op import Op


class Clone(Op):
    """A copy with its own memory;  ∂/∂x = 1"""

    @staticmethod
    def forward(ctx, x, memory_format=preserve_format):
        return copy_in_format(x.data, x.data.dtype, memory_format)

    @staticmethod
    def backward(ctx, grad):
        return grad


class Cast(Op):
    """x converted to `dtype`;  the gradient is converted back to x's dtype"""

    node_name = "ToCopyBackward0"  # (PyTorch's: x.double(), x.to(dtype))

    @staticmethod
    def forward(ctx, x, dtype, memory_format=preserve_format):
        ctx.in_dtype = x.data.dtype
        return copy_in_format(x.data, dtype, memory_format)

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.astype(grad, ctx.in_dtype) if ctx.in_dtype.kind == "f" else None
