"""The vector p-norm ‖x‖ₚ = (Σ|x|ᵖ)^(1/p) over some axes (p = 2: the Euclidean / Frobenius norm).

p = 1, ∞, -∞ and 0 are compositions (Σ|x|, max|x|, min|x|, the count of non-zeros) in
Tensor.norm; this op is every other p. Its gradient is

    ∂‖x‖ₚ/∂xᵢ = sign(xᵢ)·|xᵢ|^(p-1) / ‖x‖ₚ^(p-1)        (for p = 2: xᵢ / ‖x‖)

which is 0/0 at x = 0: there, as in PyTorch, the gradient is taken to be 0.
"""
from __future__ import annotations

import numpy as np

from .dims import remember_axes
from .op import Op


class Norm(Op):
    """(Σ|x|ᵖ)^(1/p) over `axes`;  ∂/∂xᵢ = sign(xᵢ)|xᵢ|^(p-1) / ‖x‖^(p-1)  (0 where ‖x‖ = 0)"""

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        ctx.p = p
        remember_axes(ctx, x, axes, keepdim)
        ctx.save_for_backward(x)
        ctx.one_element = int(np.prod([x.data.shape[a] for a in axes])) == 1
        with np.errstate(divide="ignore", over="ignore"):
            if ctx.one_element:  # one element: |x|, which x² could overflow
                out = np.sum(np.abs(x.data), axis=axes, keepdims=keepdim)
            elif p == 2:
                out = np.sqrt(np.sum(x.data * x.data, axis=axes, keepdims=keepdim))
            else:
                out = np.sum(np.abs(x.data) ** p, axis=axes, keepdims=keepdim) ** (1 / p)
        return ctx.save_output(np.asarray(out, dtype=x.data.dtype))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        xp, p = ctx.xp, ctx.p
        norm = ctx.saved_output
        if not ctx.keepdim:
            grad, norm = xp.reshape(grad, ctx.kept), xp.reshape(norm, ctx.kept)
        zero_norm = ctx.xp.values(norm) == 0
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if ctx.one_element:  # ‖x‖ = |x|: x / ‖x‖ is ±1 exactly, and so the derivative of g·(x / ‖x‖) is
                # exactly 0 (x·(g / ‖x‖) would leave rounding noise times 1/|x| there); at x = 0 it is
                # 0 too (dividing by 1 there keeps 0/0 out of the second derivative)
                return grad * xp.where(zero_norm, 0.0, x / xp.where(zero_norm, 1.0, norm))
            if p == 2:  # the usual case, without powers: x / ‖x‖
                scale, scaled_x = xp.where(zero_norm, 0.0, grad / norm), x
            else:
                if p > 2:
                    scaled_x = x * xp.abs(x) ** (p - 2)
                else:  # |x|^(p-1) is inf at 0 for p < 1: there the term is 0, as in PyTorch
                    scaled_x = xp.where(ctx.xp.values(x) == 0, 0.0, xp.sign(x) * xp.abs(x) ** (p - 1))
                if p >= 1:
                    scale = xp.where(zero_norm, 0.0, grad / norm ** (p - 1))
                else:
                    scale = grad * norm ** (1 - p)
            return xp.broadcast_to(scale, ctx.in_shape) * scaled_x
