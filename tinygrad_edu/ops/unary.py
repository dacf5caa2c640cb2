"""Elementwise functions of one tensor, each with its derivative.

Where the derivative is cheaper from the result than from the input (exp, sqrt, tanh, sigmoid),
forward keeps the result with `ctx.save_output`.
"""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .op import Op


def _constant(array: np.ndarray) -> Tensor:
    """A tensor outside the graph: for masks and signs, whose derivative is zero."""
    return Tensor._make(array, None, False)


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
        return grad * _constant(np.sign(x.data))


class Sin(Op):
    """sin x;  d/dx sin x = cos x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.cos()


class Cos(Op):
    """cos x;  d/dx cos x = -sin x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return -grad * x.sin()


class Tanh(Op):
    """tanh x;  d/dx tanh x = 1 - tanh² x"""

    @staticmethod
    def forward(ctx, x):
        return ctx.save_output(np.tanh(x.data))

    @staticmethod
    def backward(ctx, grad):
        return TanhGrad.apply(grad, ctx.saved_output)  # grad · (1 - t²)


class TanhGrad(Op):
    """grad · (1 - t²) for t = tanh x, in one op (three Tensor ops cost three times the
    bookkeeping). Differentiable in turn:  ∂/∂grad = 1 - t²,  ∂/∂t = -2·grad·t."""

    @staticmethod
    def forward(ctx, grad, t):
        ctx.save_for_backward(grad, t)
        return grad.data * (1 - t.data * t.data)

    @staticmethod
    def backward(ctx, g):
        grad, t = ctx.saved_tensors
        need_grad, need_t = ctx.needs_input_grad
        return (g * (1 - t * t) if need_grad else None), (-2 * g * grad * t if need_t else None)


_EXP_LIMIT = {np.dtype(np.float64): 709.0, np.dtype(np.float32): 88.0, np.dtype(np.float16): 11.0}


class Sigmoid(Op):
    """σ(x) = 1 / (1 + e⁻ˣ);  dσ/dx = σ(1 - σ)"""

    @staticmethod
    def forward(ctx, x):
        # The textbook formula, with -x capped where e^(-x) would overflow (σ is 0 there anyway).
        limit = _EXP_LIMIT.get(x.data.dtype, 709.0)
        return ctx.save_output(1 / (1 + np.exp(np.minimum(-x.data, limit))))

    @staticmethod
    def backward(ctx, grad):
        return SigmoidGrad.apply(grad, ctx.saved_output)  # grad · σ(1 - σ)


class SigmoidGrad(Op):
    """grad · σ(1 - σ) in one op (three Tensor ops cost three times the bookkeeping).
    Differentiable in turn:  ∂/∂grad = σ(1 - σ),  ∂/∂σ = grad·(1 - 2σ)."""

    @staticmethod
    def forward(ctx, grad, s):
        ctx.save_for_backward(grad, s)
        return grad.data * (s.data * (1 - s.data))

    @staticmethod
    def backward(ctx, g):
        grad, s = ctx.saved_tensors
        need_grad, need_s = ctx.needs_input_grad
        return (g * (s * (1 - s)) if need_grad else None), (g * grad * (1 - 2 * s) if need_s else None)


class Relu(Op):
    """max(x, 0);  d/dx = 1 where x > 0, else 0"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.maximum(x.data, 0)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * _constant(x.data > 0)
