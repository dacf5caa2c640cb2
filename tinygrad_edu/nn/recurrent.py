"""The recurrent cells -- one step of a recurrent network -- with PyTorch's parameter names,
shapes and gate order, so a state_dict moves between the two. Each cell holds `weight_ih`
(G·H, in), `weight_hh` (G·H, H), `bias_ih` and `bias_hh` (G·H,), G the number of gate blocks:

    LSTMCell (G = 4; Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000):
        [i, f, g, o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh      (each a quarter of the 4H columns)
        c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g),    h' = σ(o) ⊙ tanh(c')
    GRUCell (G = 3; Cho et al. 2014, "Learning phrase representations using RNN encoder-decoder"):
        r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr),   z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)
        n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)),    h' = (1 - z) ⊙ n + z ⊙ h
    RNNCell (G = 1; Elman 1990, "Finding structure in time"):
        h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)          (or relu)

The step functions (`lstm_step`, `gru_step`, `rnn_step`) take the two products gi = x W_ihᵀ + b_ih
and gh = h W_hhᵀ + b_hh and the state, so that nn.LSTM/GRU/RNN (rnn.py) can compute gi for a whole
sequence in one product and reuse them. The LSTM's gate arithmetic is one fused node
(`LSTMGates`); the GRU and the plain RNN are written with ordinary ops.
"""
from __future__ import annotations

import math

from ..autograd.xp import numpy_xp
from ..creation import zeros
from ..devices import check_device
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


def lstm_step(gi: Tensor, gh: Tensor, state: tuple) -> tuple:
    """(h, c) -> (h', c')."""
    return LSTMGates.apply(gi + gh, state[1])


def gru_step(gi: Tensor, gh: Tensor, state: tuple) -> tuple:
    """(h,) -> (h',);  h' = (1 - z) ⊙ n + z ⊙ h, computed as n + z ⊙ (h - n)."""
    (h,) = state
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = gh.chunk(3, -1)
    r = (i_r + h_r).sigmoid()
    z = (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()
    return (n + z * (h - n),)


def rnn_step(gi: Tensor, gh: Tensor, state: tuple, nonlinearity: str = "tanh") -> tuple:
    """(h,) -> (h',);  h' = tanh(gi + gh), or relu."""
    pre = gi + gh
    return (pre.tanh() if nonlinearity == "tanh" else pre.relu(),)


def check_nonlinearity(nonlinearity, op: str) -> None:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{op}: unknown nonlinearity {nonlinearity!r}; use 'tanh' or 'relu'")


class _Cell(Module):
    """What the three cells share: the parameters (`gates` blocks of hidden_size rows), their
    initialisation U(-1/√H, 1/√H) as in PyTorch, and the checks of the input and the state."""

    gates = 1
    n_states = 1  # h (an LSTM also carries c)

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        name = type(self).__name__
        for what, n in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
                raise ValueError(f"{name}: {what} must be a positive int, got {n!r}")
        check_device(device, name)
        self.input_size = input_size
        self.hidden_size = hidden_size
        rows = self.gates * hidden_size
        self.weight_ih = Parameter(zeros(rows, input_size, dtype=dtype))
        self.weight_hh = Parameter(zeros(rows, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(zeros(rows, dtype=dtype))
            self.bias_hh = Parameter(zeros(rows, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter from U(-1/√H, 1/√H), as PyTorch."""
        bound = 1 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            init.uniform_(param, -bound, bound)

    def _step(self, x: Tensor, state, step) -> tuple:
        """Check x and the state (zeros when None), run `step` on a batch, and give the new state
        back unbatched if x was one sample."""
        name = type(self).__name__
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}: input must be a Tensor, got {type(x).__name__}")
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(f"{name}: expected input of shape (batch, {self.input_size}) or "
                             f"({self.input_size},), got {x.shape}")
        unbatched = x.ndim == 1
        if unbatched:
            x = x.unsqueeze(0)
        H = self.hidden_size
        if state is None:
            state = (Tensor._make(zeros(x.shape[0], H, dtype=x.dtype).data, None, False),) * self.n_states
        else:
            state = tuple(state) if self.n_states > 1 else (state,)
            if unbatched:
                state = tuple(s.unsqueeze(0) for s in state)
            expected = (x.shape[0], H)
            if any(s.shape != expected for s in state):
                what = f"the state (h, c) must have shape {expected} each" if self.n_states > 1 else \
                    f"the state h must have shape {expected}"
                raise ValueError(f"{name}: {what} for an input of shape {x.shape}, got "
                                 f"{', '.join(str(s.shape) for s in state)}")
        gi = F.linear(x, self.weight_ih, self.bias_ih)
        gh = F.linear(state[0], self.weight_hh, self.bias_hh)
        new = step(gi, gh, state)
        if unbatched:
            new = tuple(s.squeeze(0) for s in new)
        return new if self.n_states > 1 else new[0]

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias_ih is not None else ", bias=False")


class LSTMCell(_Cell):
    """`cell(x, (h, c)) -> (h', c')`; x is (batch, input_size) or (input_size,), the state
    (batch, hidden_size) each, zeros when omitted. Gate order i, f, g, o, as PyTorch.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> cell = nn.LSTMCell(3, 5)
    >>> h, c = cell(tg.ones(2, 3))
    >>> h.shape, c.shape
    ((2, 5), (2, 5))
    """

    gates = 4
    n_states = 2

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        return self._step(input, hx, lstm_step)


class GRUCell(_Cell):
    """`cell(x, h) -> h'`: one step of a gated recurrent unit; x (batch, input_size) or
    (input_size,), h (batch, hidden_size), zeros when omitted. Gate order r, z, n, as PyTorch.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.GRUCell(3, 5)(tg.ones(2, 3)).shape
    (2, 5)
    """

    gates = 3

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(input, hx, gru_step)


class RNNCell(_Cell):
    """`cell(x, h) -> h'`: one step of an Elman network, h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)
    (`nonlinearity="relu"` for relu); shapes as GRUCell.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.RNNCell(3, 5, nonlinearity="relu")(tg.ones(3)).shape
    (5,)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None) -> None:
        check_nonlinearity(nonlinearity, "RNNCell")
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(input, hx, lambda gi, gh, state: rnn_step(gi, gh, state, self.nonlinearity))

    def extra_repr(self) -> str:
        return super().extra_repr() + (", nonlinearity=relu" if self.nonlinearity == "relu" else "")
