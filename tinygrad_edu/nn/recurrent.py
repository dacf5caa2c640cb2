"""`LSTMCell`: one step of a long short-term memory (Hochreiter & Schmidhuber 1997, with the
forget gate of Gers et al. 2000), with PyTorch's parameter names, shapes and gate order, so a
state_dict moves between the two.

    [i, f, g, o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh      (each a quarter of the 4H columns)
    i, f, o = σ(i), σ(f), σ(o);   g = tanh(g)
    c' = f ⊙ c + i ⊙ g
    h' = o ⊙ tanh(c')
"""
from __future__ import annotations

import math

from ..autograd.xp import numpy_xp
from ..creation import zeros
from ..ops.op import Op
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class LSTMGates(Op):
    """The gate arithmetic of one LSTM step as one node: (gates (B, 4H), c (B, H)) -> (h', c').

    With i, f, g, o the activated quarters and t = tanh(c'):
        ∂L/∂c'(total) = g_c + g_h ⊙ o ⊙ (1 - t²)
        ∂L/∂o-part = g_h ⊙ t ⊙ o(1 - o)          ∂L/∂i-part = ∂c' ⊙ g ⊙ i(1 - i)
        ∂L/∂f-part = ∂c' ⊙ c ⊙ f(1 - f)          ∂L/∂g-part = ∂c' ⊙ i ⊙ (1 - g²)
        ∂L/∂c = ∂c' ⊙ f
    """

    @staticmethod
    def forward(ctx, gates, c):
        ctx.save_for_backward(gates, c)
        i, f, g, o, c_next, t = _step(numpy_xp, gates.data, c.data)
        ctx.activated = (i, f, g, o, t)  # backward on arrays reuses them
        return o * t, c_next

    @staticmethod
    def backward(ctx, grad_h, grad_c):
        gates, c = ctx.saved_tensors
        xp = ctx.xp
        if xp is numpy_xp:  # the values forward computed (the same numbers)
            i, f, g, o, t = ctx.activated
        else:  # recorded backward: computed again with Tensor ops, so they are differentiable
            i, f, g, o, _, t = _step(xp, gates, c)
        dc = grad_c + grad_h * o * (1 - t * t)
        d_gates = xp.concatenate([dc * g * i * (1 - i), dc * c * f * (1 - f),
                                  dc * i * (1 - g * g), grad_h * t * o * (1 - o)], axis=1)
        return d_gates, dc * f


def _step(xp, gates, c) -> tuple:
    """The forward values: σ of the i, f, o quarters and tanh of the g quarter of the (B, 4H)
    pre-activations, then c' = f·c + i·g and tanh c'; on arrays or Tensors."""
    H = gates.shape[-1] // 4
    i, f = xp.sigmoid(gates[:, :H]), xp.sigmoid(gates[:, H:2 * H])
    g, o = xp.tanh(gates[:, 2 * H:3 * H]), xp.sigmoid(gates[:, 3 * H:])
    c_next = f * c + i * g
    return i, f, g, o, c_next, xp.tanh(c_next)


class LSTMCell(Module):
    """`cell(x, (h, c)) -> (h', c')`; x is (batch, input_size) or (input_size,), the state
    (batch, hidden_size) each, zeros when omitted.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> cell = nn.LSTMCell(3, 5)
    >>> h, c = cell(tg.ones(2, 3))
    >>> h.shape, c.shape
    ((2, 5), (2, 5))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype=None) -> None:
        super().__init__()
        for what, n in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
                raise ValueError(f"LSTMCell: {what} must be a positive int, got {n!r}")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.weight_ih = Parameter(zeros(4 * hidden_size, input_size, dtype=dtype))
        self.weight_hh = Parameter(zeros(4 * hidden_size, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(zeros(4 * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(zeros(4 * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter from U(-1/√H, 1/√H), as PyTorch."""
        bound = 1 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            init.uniform_(param, -bound, bound)

    def forward(self, x: Tensor, state: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(f"LSTMCell: expected input of shape (batch, {self.input_size}) or "
                             f"({self.input_size},), got {x.shape}")
        unbatched = x.ndim == 1
        if unbatched:
            x = x.unsqueeze(0)
        H = self.hidden_size
        if state is None:
            h = c = Tensor._make(zeros(x.shape[0], H, dtype=x.dtype).data, None, False)
        else:
            h, c = state
            if unbatched:
                h, c = h.unsqueeze(0), c.unsqueeze(0)
            expected = (x.shape[0], H)
            if h.shape != expected or c.shape != expected:
                raise ValueError(f"LSTMCell: the state (h, c) must have shape {expected} each for an "
                                 f"input of shape {x.shape}, got {h.shape} and {c.shape}")
        gates = F.linear(x, self.weight_ih, self.bias_ih) + F.linear(h, self.weight_hh, self.bias_hh)
        h_next, c_next = LSTMGates.apply(gates, c)
        if unbatched:
            return h_next.squeeze(0), c_next.squeeze(0)
        return h_next, c_next

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias_ih is not None else ", bias=False")
