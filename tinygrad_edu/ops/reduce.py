"""Reductions over one or more axes. Backward spreads the gradient back over the reduced axes:
every input element gets the gradient of the output it went into."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .dims import kept_shape
from .op import Op


def _spread(grad: Tensor, ctx) -> Tensor:
    """The output gradient, broadcast back to the input shape (reduced axes restored as 1)."""
    if not ctx.keepdim:
        grad = grad.reshape(ctx.kept)
    return grad.expand(*ctx.in_shape)


class Sum(Op):
    """Σ x over `axes`;  ∂/∂xᵢ = 1"""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.in_shape, ctx.keepdim = x.data.shape, keepdim
        ctx.kept = kept_shape(x.data.shape, axes)
        return np.sum(x.data, axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad, ctx)


class Mean(Op):
    """(1/N) Σ x over `axes`;  ∂/∂xᵢ = 1/N"""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.in_shape, ctx.keepdim = x.data.shape, keepdim
        ctx.kept = kept_shape(x.data.shape, axes)
        ctx.count = int(np.prod([x.data.shape[a] for a in axes]))
        if ctx.count == 0:
            raise ValueError(f"mean: cannot average over an empty axis (shape {x.shape}, dim {axes})")
        return np.mean(x.data, axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad, ctx) / ctx.count


class Max(Op):
    """max over `axes` (values only, like PyTorch's amax); the gradient goes to the maximal
    elements, split evenly between ties"""

    reduce = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, x, axes, keepdim):
        if x.data.size == 0:
            raise ValueError(f"{cls.__name__.lower()}: the tensor of shape {x.shape} is empty")
        ctx.in_shape, ctx.keepdim, ctx.axes = x.data.shape, keepdim, axes
        ctx.kept = kept_shape(x.data.shape, axes)
        ctx.save_for_backward(x)
        return ctx.save_output(cls.reduce(x.data, axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        winners = (x.data == ctx.saved_output.data.reshape(ctx.kept)).astype(x.data.dtype)
        winners /= winners.sum(axis=ctx.axes, keepdims=True)  # ties share the gradient
        return _spread(grad, ctx) * Tensor._make(winners, None, False)


class Min(Max):
    """min over `axes` (values only, like PyTorch's amin); gradient as for max"""

    reduce = staticmethod(np.min)


class LogSumExp(Op):
    """log Σ eˣ over `axes`, computed as m + log Σ e^(x-m) with m = max x so nothing overflows;
    ∂/∂xᵢ = e^(xᵢ - logsumexp) = softmax(x)ᵢ"""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.in_shape, ctx.keepdim = x.data.shape, keepdim
        ctx.kept = kept_shape(x.data.shape, axes)
        ctx.save_for_backward(x)
        m = np.max(x.data, axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)  # all -inf (or inf) along an axis: no shift needed
        out = m + np.log(np.sum(np.exp(x.data - m), axis=axes, keepdims=True))
        return ctx.save_output(out if keepdim else np.squeeze(out, axis=axes))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        out = ctx.saved_output.reshape(ctx.kept)  # under create_graph, grads flow through this node
        return _spread(grad, ctx) * (x - out).exp()
