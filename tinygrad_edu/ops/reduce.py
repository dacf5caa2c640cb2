"""Reductions over one or more axes. Backward spreads the gradient back over the reduced axes:
every input element gets the gradient of the output it went into."""
from __future__ import annotations

import math

import numpy as np

from ..errors import EmptyReductionError
from .dims import kept_shape, remember_axes, spread
from .op import Op


def _numbered(op: str):
    """PyTorch numbers a reduction's node by its overload: x.sum() is SumBackward0, x.sum(dim) SumBackward1."""
    def node_name(ctx) -> str:
        whole = not ctx.keepdim and len(ctx.axes) == len(ctx.in_shape)
        return f"{op}Backward{0 if whole else 1}"
    return staticmethod(node_name)


class Sum(Op):
    """Σ x over `axes`;  ∂/∂xᵢ = 1"""

    node_name = _numbered("Sum")

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        remember_axes(ctx, x, axes, keepdim)
        # ufunc.reduce directly: np.sum's Python wrapper costs more than the sum of a small array;
        # integers and bools sum to int64, as in PyTorch
        return np.add.reduce(x.data, axis=axes, keepdims=keepdim,
                             dtype=np.int64 if x.data.dtype.kind in "biu" else None)

    @staticmethod
    def backward(ctx, grad):
        return spread(ctx.xp, grad, ctx)


class Mean(Op):
    """(1/N) Σ x over `axes`;  ∂/∂xᵢ = 1/N  (the mean of nothing is nan, as in PyTorch)"""

    node_name = _numbered("Mean")

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        remember_axes(ctx, x, axes, keepdim)
        ctx.count = math.prod([x.data.shape[a] for a in axes])
        total = np.add.reduce(x.data, axis=axes, keepdims=keepdim)
        if ctx.count == 0:  # the mean of nothing is nan (0/0), without numpy's warning
            with np.errstate(invalid="ignore"):
                return np.asarray(total / 0)
        return np.asarray(total / ctx.count)

    @staticmethod
    def backward(ctx, grad):
        return spread(ctx.xp, grad, ctx) / max(ctx.count, 1)


class Max(Op):
    """max over `axes` (values only: PyTorch's `amax`); the gradient goes to the maximal
    elements, split evenly between ties"""

    reduce = staticmethod(np.maximum.reduce)

    @classmethod
    def forward(cls, ctx, x, axes, keepdim):
        if any(x.data.shape[a] == 0 for a in axes) or (not axes and x.data.size == 0):
            raise EmptyReductionError(
                f"{cls.__name__.lower()}: cannot reduce over an empty dimension (shape {x.shape}, "
                f"dim {axes}); there is no largest or smallest element of nothing")
        remember_axes(ctx, x, axes, keepdim)
        ctx.save_for_backward(x)
        return ctx.save_output(np.asarray(cls.reduce(x.data, axis=axes, keepdims=keepdim)))

    @staticmethod
    def backward(ctx, grad):
        x = ctx.xp.values(ctx.saved_tensors[0])
        best = ctx.xp.values(ctx.saved_output).reshape(ctx.kept)
        winners = (x == best) | (np.isnan(x) & np.isnan(best))
        count = np.sum(winners, axis=ctx.axes, keepdims=True).astype(x.dtype)  # ties share
        xp = ctx.xp
        return xp.where(winners, spread(xp, grad, ctx) / count, 0.0)


class Min(Max):
    """min over `axes` (values only: PyTorch's `amin`); gradient as for max"""

    reduce = staticmethod(np.minimum.reduce)


class LogSumExp(Op):
    """log Σ eˣ over `axes`, computed as m + log Σ e^(x-m) with m = max x so nothing overflows;
    ∂/∂xᵢ = e^(xᵢ - logsumexp) = softmax(x)ᵢ"""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        remember_axes(ctx, x, axes, keepdim)
        ctx.save_for_backward(x)
        if x.data.size == 0:  # the log of an empty sum is -inf, as in PyTorch
            return ctx.save_output(np.full(kept_shape(x.data.shape, axes) if keepdim else
                                           np.sum(x.data, axis=axes).shape, -np.inf, x.data.dtype))
        m = np.maximum.reduce(x.data, axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)  # all -inf (or inf) along an axis: no shift needed
        out = m + np.log(np.add.reduce(np.exp(x.data - m), axis=axes, keepdims=True))
        return ctx.save_output(out if keepdim else out.squeeze(axis=axes))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        xp = ctx.xp
        out = ctx.saved_output.reshape(ctx.kept)  # (an array's or a Tensor's reshape: under create_graph, grads flow)
        return spread(xp, grad, ctx) * xp.exp(x - out)


class Std(Op):
    """√(Σ(x - x̄)² / (N - c)) over `axes` (c: the correction, 1 for the unbiased estimate);
    ∂/∂xᵢ = (xᵢ - x̄) / ((N - c)·std), and 0 where std = 0 (as PyTorch: a constant row has no
    direction to move in, and the textbook formula would give 0/0 = nan)"""

    @staticmethod
    def forward(ctx, x, axes, keepdim, correction):
        remember_axes(ctx, x, axes, keepdim)
        ctx.count = math.prod([x.data.shape[a] for a in axes])  # N
        ctx.divisor = ctx.count - correction
        ctx.save_for_backward(x)
        centered = x.data - np.add.reduce(x.data, axis=axes, keepdims=True) / max(ctx.count, 1)
        # a second pass: exactly 0 for equal values (the first mean may be off in the last bit)
        centered = centered - np.add.reduce(centered, axis=axes, keepdims=True) / max(ctx.count, 1)
        squares = np.add.reduce(centered * centered, axis=axes, keepdims=keepdim)
        if ctx.divisor > 0:
            var = squares / ctx.divisor
        else:  # one element (unbiased) or none: nan, as in PyTorch, without numpy's warning
            with np.errstate(invalid="ignore", divide="ignore"):
                var = squares / max(ctx.divisor, 0)
        return ctx.save_output(np.asarray(np.sqrt(var)))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        xp = ctx.xp
        std = ctx.saved_output
        flat = ctx.xp.values(std) == 0
        with np.errstate(invalid="ignore", divide="ignore"):
            scaled = xp.where(flat, 0.0, grad / (std * max(ctx.divisor, 0)))
            centered = x - xp.sum(x, ctx.axes, keepdims=True) / max(ctx.count, 1)
            centered = centered - xp.sum(centered, ctx.axes, keepdims=True) / max(ctx.count, 1)
            return spread(xp, scaled, ctx) * centered
