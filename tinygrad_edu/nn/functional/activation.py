"""Activations and the (log-)softmax.

softmax and log_softmax are Functions of their own rather than compositions: one node each on
the tape, and the shift by the maximum that keeps logits of ±1000 finite lives in forward.

    log_softmax(x)ᵢ = xᵢ - m - log Σⱼ exp(xⱼ - m),   m = maxⱼ xⱼ  (any m gives the same value;
                                                      the max keeps every exp ≤ 1)
    softmax(x)ᵢ     = exp(log_softmax(x)ᵢ)
"""
from __future__ import annotations

import numpy as np

from ...autograd.xp import numpy_xp
from ...errors import ArgumentDtypeError
from ...ops import normalize_dim
from ...ops.op import Op
from ...tensor import Tensor


def sigmoid(input: Tensor) -> Tensor:
    """σ(x) = 1 / (1 + e⁻ˣ), elementwise."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """tanh(x), elementwise."""
    return input.tanh()


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0), elementwise; `inplace=True` overwrites `input` (as `input.relu_()`), which
    must then not be a leaf that requires grad."""
    return input.relu_() if inplace else input.relu()


class LogSoftmax(Op):
    """y = x - logsumexp(x);  ∂L/∂x = g - softmax(x) · Σ g  (sums over `dim`)."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return ctx.save_output(numpy_xp.log_softmax(x.data, dim))

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        return grad - xp.exp(ctx.saved_output) * xp.sum(grad, ctx.dim, keepdims=True)


class Softmax(Op):
    """s = exp(x - m) / Σ exp(x - m);  ∂L/∂x = s · (g - Σ g·s)  (sums over `dim`)."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        m = np.max(x.data, axis=dim, keepdims=True, initial=-np.inf)
        e = np.exp(x.data - np.where(np.isfinite(m), m, 0))
        return ctx.save_output(e / e.sum(axis=dim, keepdims=True))

    @staticmethod
    def backward(ctx, grad):
        s = ctx.saved_output
        return s * (grad - ctx.xp.sum(grad * s, ctx.dim, keepdims=True))


def _softmax_input(x: Tensor, dim, dtype, op: str) -> tuple:
    """(x converted to dtype, the axis), after PyTorch's checks."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")
    if dim is None:  # (PyTorch guesses an axis, with a deprecation warning; a guess hides bugs)
        raise TypeError(f"{op}: dim is required (e.g. {op}(x, dim=1) for a batch of logits)")
    axis = normalize_dim(dim, x.ndim, op)  # (a bad dim is reported first, as in PyTorch)
    if dtype is not None:
        x = x.to(dtype)
    if x.data.dtype.kind != "f":
        raise ArgumentDtypeError(f"{op}: needs a floating point tensor, got dtype {x.dtype}")
    return x, axis


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x) / Σ exp(x) over `dim`: probabilities that sum to 1 along that axis. `dtype`
    converts the input first (e.g. an integer tensor to floats). `dim` is required here
    (PyTorch's default None picks an axis with a deprecation warning).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.softmax(tg.tensor([[1000.0, 1000.0]]), dim=1)
    tensor([[0.5000, 0.5000]])
    """
    return Softmax.apply(*_softmax_input(input, dim, dtype, "softmax"))


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """log(softmax(x)) over `dim`, computed without overflow or log(0); `dtype` converts the
    input first."""
    return LogSoftmax.apply(*_softmax_input(input, dim, dtype, "log_softmax"))
