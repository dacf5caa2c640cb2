"""`nn.LSTM`: a stack of LSTM layers run over whole sequences, with PyTorch's arguments, shapes,
parameter names and initialisation, so that a state_dict moves between the two.

Layer k (of num_layers), direction d (forward; and backward with bidirectional=True) holds
`weight_ih_l{k}{sfx}` (4H, in_k), `weight_hh_l{k}{sfx}` (4H, H), `bias_ih_l{k}{sfx}` and
`bias_hh_l{k}{sfx}` (4H,), sfx = "" or "_reverse", in_0 = input_size and in_k = D·H after
(D = 2 directions or 1). Each step is `LSTMCell`'s (gate order i, f, g, o):

    [i, f, g, o] = x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh
    c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ tanh(g),      h_t = σ(o) ⊙ tanh(c_t)

The backward direction reads the sequence from its end; its outputs are put back in time order
and concatenated after the forward ones. Between layers, dropout (while training) applies to
the outputs of every layer but the last.
"""
from __future__ import annotations

import math
import warnings

from ..creation import zeros
from ..devices import check_device
from ..errors import ShapeError
from ..functions import cat, stack
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from .recurrent import LSTMGates


class LSTM(Module):
    """`lstm(input, (h_0, c_0)) -> output, (h_n, c_n)`.

    input: (L, N, input_size), or (N, L, input_size) with batch_first=True, or (L, input_size)
    for one unbatched sequence. h_0 and c_0: (D·num_layers, N, hidden_size) each, zeros when
    omitted. output: (L, N, D·hidden_size) -- the last layer's h_t at every step (batch first
    if batch_first); h_n and c_n: the final state of every layer and direction, shaped as h_0.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True)
    >>> out, (h, c) = lstm(tg.ones(4, 7, 3))        # 4 sequences of 7 steps
    >>> out.shape, h.shape, c.shape
    ((4, 7, 5), (2, 4, 5), (2, 4, 5))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None) -> None:
        super().__init__()
        for what, n in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
            if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
                raise ValueError(f"LSTM: {what} must be a positive int, got {n!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(f"LSTM: dropout must be a number in [0, 1], got {dropout!r}")
        if proj_size != 0:
            raise NotImplementedError("LSTM: proj_size (projected hidden states) is not implemented; use 0")
        check_device(device, "LSTM")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"LSTM: dropout={dropout} and num_layers=1: dropout acts between layers, so "
                          f"it does nothing here", UserWarning, stacklevel=2)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        directions = 2 if bidirectional else 1
        H = hidden_size
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else H * directions
            for suffix in ("", "_reverse")[:directions]:
                name = f"l{layer}{suffix}"
                setattr(self, f"weight_ih_{name}", Parameter(zeros(4 * H, layer_input, dtype=dtype)))
                setattr(self, f"weight_hh_{name}", Parameter(zeros(4 * H, H, dtype=dtype)))
                if bias:
                    setattr(self, f"bias_ih_{name}", Parameter(zeros(4 * H, dtype=dtype)))
                    setattr(self, f"bias_hh_{name}", Parameter(zeros(4 * H, dtype=dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter from U(-1/√H, 1/√H), as PyTorch."""
        bound = 1 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            init.uniform_(param, -bound, bound)

    def _weights(self, layer: int, suffix: str):
        name = f"l{layer}{suffix}"
        get = lambda kind: getattr(self, f"{kind}_{name}", None)  # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None):
        if not isinstance(input, Tensor):
            raise TypeError(f"LSTM: input must be a Tensor, got {type(input).__name__}")
        if input.ndim not in (2, 3):
            raise ValueError(f"LSTM: expected input to be 2-D (L, input_size) or 3-D (batched), got "
                             f"{input.ndim}-D of shape {input.shape}")
        if input.shape[-1] != self.input_size:
            raise ShapeError(f"LSTM: input.size(-1) must be equal to input_size: expected "
                             f"{self.input_size}, got {input.shape[-1]} (input of shape {input.shape})")
        unbatched = input.ndim == 2
        x = input.unsqueeze(1) if unbatched else (input.transpose(0, 1) if self.batch_first else input)
        batch = x.shape[1]
        directions = 2 if self.bidirectional else 1
        state_shape = (self.num_layers * directions, batch, self.hidden_size)
        if hx is None:
            h0 = c0 = None
        else:
            h0, c0 = hx
            if unbatched:
                h0, c0 = h0.unsqueeze(1), c0.unsqueeze(1)
            for i, s in enumerate((h0, c0)):
                if s.shape != state_shape:
                    shown = state_shape if not unbatched else (state_shape[0], state_shape[2])
                    raise ShapeError(f"LSTM: expected hidden[{i}] of shape {shown}, got "
                                     f"{s.squeeze(1).shape if unbatched else s.shape}")
        h_last, c_last = [], []
        for layer in range(self.num_layers):
            outputs = []
            for d, suffix in enumerate(("", "_reverse")[:directions]):
                k = layer * directions + d
                state = None if h0 is None else (h0[k], c0[k])
                out, (h, c) = self._run(x, self._weights(layer, suffix), state, reverse=d == 1)
                outputs.append(out)
                h_last.append(h)
                c_last.append(c)
            x = outputs[0] if directions == 1 else cat(outputs, dim=2)
            if self.dropout > 0 and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, self.training)
        h_n, c_n = stack(h_last), stack(c_last)
        if unbatched:
            return x.squeeze(1), (h_n.squeeze(1), c_n.squeeze(1))
        return (x.transpose(0, 1) if self.batch_first else x), (h_n, c_n)

    def _run(self, x: Tensor, weights, state, reverse: bool):
        """One layer in one direction over x (L, N, in): outputs (L, N, H) and the final (h, c)."""
        w_ih, w_hh, b_ih, b_hh = weights
        steps, batch = x.shape[0], x.shape[1]
        # the input's contribution to the gates, for all steps in one matrix product
        projected = F.linear(x, w_ih, b_ih)
        if state is None:
            h = c = Tensor._make(zeros(batch, self.hidden_size, dtype=x.dtype).data, None, False)
        else:
            h, c = state
        outputs = [None] * steps
        for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
            h, c = LSTMGates.apply(projected[t] + F.linear(h, w_hh, b_hh), c)
            outputs[t] = h
        return stack(outputs), (h, c)

    def extra_repr(self) -> str:
        parts = [f"{self.input_size}, {self.hidden_size}"]
        if self.num_layers != 1:
            parts.append(f"num_layers={self.num_layers}")
        if not self.bias:
            parts.append("bias=False")
        if self.batch_first:
            parts.append("batch_first=True")
        if self.dropout:
            parts.append(f"dropout={self.dropout}")
        if self.bidirectional:
            parts.append("bidirectional=True")
        return ", ".join(parts)
