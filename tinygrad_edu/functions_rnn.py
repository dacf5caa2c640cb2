"""PyTorch's top-level recurrent functions, which take the weights as arguments instead of a module:

    lstm_cell, gru_cell, rnn_tanh_cell, rnn_relu_cell    one step, batch (B, in) and state (B, H)
    lstm, gru, rnn_tanh, rnn_relu                         whole sequences (L, B, in), flat `params`

`params` lists, for each layer and then each direction (forward, backward), w_ih (G·H, in),
w_hh (G·H, H) and, when has_biases, b_ih and b_hh (G·H,): the order of nn.LSTM's
`_flat_weights`. The math is nn/recurrent.py's step functions (Hochreiter & Schmidhuber 1997;
Cho et al. 2014; Elman 1990) and the sequence loop is nn.RNNBase's own `forward`, run here on
weights from outside; so gradients are those of the ops they are made of.
"""
from __future__ import annotations

from collections.abc import Sequence

from .nn import functional as F
from .nn.recurrent import gru_step, lstm_step, rnn_step
from .nn.rnn import RNNBase
from .tensor import Tensor

__all__ = ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell", "lstm", "gru", "rnn_tanh", "rnn_relu"]

_GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}
_STEPS = {"lstm": lstm_step, "gru": gru_step, "rnn_tanh": rnn_step,
          "rnn_relu": lambda gi, gh, state: rnn_step(gi, gh, state, "relu")}


def _check_cell(op: str, input, state: tuple, w_ih, w_hh, b_ih, b_hh) -> None:
    """PyTorch's checks: a 2-D batch, weights of G·H rows that fit the input and the state."""
    for name, t in (("input", input), ("w_ih", w_ih), ("w_hh", w_hh)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
    if input.ndim != 2:
        raise IndexError(f"{op}: input must be 2-D (batch, input_size), got shape {input.shape}")
    rows = w_hh.shape[0] if w_hh.ndim == 2 else -1
    hidden = w_hh.shape[1] if w_hh.ndim == 2 else -1
    gates = _GATES[op.removesuffix("_cell")]
    if w_ih.ndim != 2 or w_ih.shape[0] != gates * hidden or rows != gates * hidden:
        raise RuntimeError(f"{op}: weight_ih first dim must be {gates} * hidden_size = {gates * hidden}, but got "
                           f"w_ih of shape {w_ih.shape} and w_hh of shape {w_hh.shape}")
    if w_ih.shape[1] != input.shape[1]:
        raise RuntimeError(f"{op}: input has inconsistent input_size: got {input.shape[1]} expected {w_ih.shape[1]}")
    for i, s in enumerate(state):
        if not isinstance(s, Tensor) or s.shape != (input.shape[0], hidden):
            raise RuntimeError(f"{op}: hidden{i} has inconsistent size {getattr(s, 'shape', None)}, expected "
                               f"{(input.shape[0], hidden)}")
    for name, b in (("b_ih", b_ih), ("b_hh", b_hh)):
        if b is not None and b.shape != (gates * hidden,):
            raise RuntimeError(f"{op}: {name} must have shape ({gates * hidden},), got {b.shape}")


def _cell(op: str, input, state: tuple, w_ih, w_hh, b_ih, b_hh) -> tuple:
    _check_cell(op, input, state, w_ih, w_hh, b_ih, b_hh)
    gi, gh = F.linear(input, w_ih, b_ih), F.linear(state[0], w_hh, b_hh)
    return _STEPS[op.removesuffix("_cell")](gi, gh, state)


def lstm_cell(input: Tensor, hx: Sequence[Tensor], w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
              b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """One LSTM step: (h', c') from input (B, in) and hx = (h, c), each (B, H).

    >>> import tinygrad_edu as tg
    >>> h, c = tg.lstm_cell(tg.zeros(1, 2), [tg.zeros(1, 1), tg.ones(1, 1)], tg.zeros(4, 2), tg.zeros(4, 1))
    >>> c   # σ(0)·1 + σ(0)·tanh(0)
    tensor([[0.5000]])
    """
    if not isinstance(hx, (list, tuple)) or len(hx) != 2:
        raise RuntimeError(f"lstm_cell: hx must be a list of two Tensors (h, c), got {type(hx).__name__}")
    return _cell("lstm_cell", input, tuple(hx), w_ih, w_hh, b_ih, b_hh)


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None) -> Tensor:
    """One GRU step: h' (B, H) from input (B, in) and hx (B, H)."""
    return _cell("gru_cell", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None) -> Tensor:
    """h' = tanh(input W_ihᵀ + b_ih + hx W_hhᵀ + b_hh)."""
    return _cell("rnn_tanh_cell", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None) -> Tensor:
    """h' = relu(input W_ihᵀ + b_ih + hx W_hhᵀ + b_hh)."""
    return _cell("rnn_relu_cell", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


class _FlatWeights:
    """What nn.RNNBase.forward reads from a module (sizes, flags, `_weights`, `_cell_step`),
    here taken from a flat list of weights, so the module's loop runs unchanged."""

    forward = RNNBase.forward
    _run = RNNBase._run
    proj_size = 0  # (projected LSTM weights are not taken in the flat list)

    def __init__(self, op: str, input: Tensor, params, has_biases: bool, num_layers: int, dropout: float,
                 train: bool, bidirectional: bool, batch_first: bool) -> None:
        params = list(params)
        directions = 2 if bidirectional else 1
        per_direction = 4 if has_biases else 2
        if not isinstance(num_layers, int) or num_layers < 1 or len(params) != num_layers * directions * per_direction:
            raise RuntimeError(f"{op}: got an incorrect number of RNN parameters: {len(params)} for num_layers="
                               f"{num_layers}, bidirectional={bidirectional}, has_biases={has_biases} (expected "
                               f"{num_layers * directions * per_direction})")
        if not isinstance(input, Tensor) or input.ndim != 3:
            raise IndexError(f"{op}: input must be 3-D (seq_len, batch, input_size) or, with batch_first, "
                             f"(batch, seq_len, input_size); got {getattr(input, 'shape', type(input).__name__)}")
        self.n_states = 2 if op == "lstm" else 1
        self.step = _STEPS[op]
        self.params, self.per_direction, self.directions = params, per_direction, directions
        self.num_layers, self.dropout, self.training = num_layers, dropout, train
        self.bidirectional, self.batch_first = bidirectional, batch_first
        self.input_size, self.hidden_size = params[0].shape[1], params[1].shape[1]
        gates = _GATES[op]
        for k in range(0, len(params), per_direction):
            w_ih, w_hh = params[k], params[k + 1]
            if w_ih.shape[0] != gates * self.hidden_size or w_hh.shape != (gates * self.hidden_size, self.hidden_size):
                raise RuntimeError(f"{op}: params[{k}] and params[{k + 1}] must have {gates} * hidden_size = "
                                   f"{gates * self.hidden_size} rows, got shapes {w_ih.shape} and {w_hh.shape}")

    def _weights(self, layer: int, suffix: str) -> tuple:
        k = (layer * self.directions + (suffix == "_reverse")) * self.per_direction
        w = self.params[k:k + self.per_direction]
        return (w[0], w[1], w[2], w[3], None) if self.per_direction == 4 else (w[0], w[1], None, None, None)

    def _cell_step(self, gi: Tensor, gh: Tensor, state: tuple) -> tuple:
        return self.step(gi, gh, state)


def _sequence(op: str, input, hx: tuple, params, has_biases, num_layers, dropout, train, bidirectional,
              batch_first) -> tuple:
    runner = type(op, (_FlatWeights,), {})(op, input, params, has_biases, num_layers, dropout, train,
                                           bidirectional, batch_first)
    output, last = runner.forward(input, hx if len(hx) > 1 else hx[0])
    return (output, *last) if len(hx) > 1 else (output, last)


def lstm(input: Tensor, hx: Sequence[Tensor], params: Sequence[Tensor], has_biases: bool, num_layers: int,
         dropout: float, train: bool, bidirectional: bool, batch_first: bool) -> tuple[Tensor, Tensor, Tensor]:
    """nn.LSTM's forward with the weights in `params`: (output, h_n, c_n) from input (L, B, in)
    ((B, L, in) with batch_first) and hx = [h_0, c_0], each (num_layers·D, B, H)."""
    if not isinstance(hx, (list, tuple)) or len(hx) != 2:
        raise RuntimeError(f"lstm: hx must be a list of two Tensors (h_0, c_0), got {type(hx).__name__}")
    return _sequence("lstm", input, tuple(hx), params, has_biases, num_layers, dropout, train, bidirectional,
                     batch_first)


def gru(input: Tensor, hx: Tensor, params: Sequence[Tensor], has_biases: bool, num_layers: int, dropout: float,
        train: bool, bidirectional: bool, batch_first: bool) -> tuple[Tensor, Tensor]:
    """nn.GRU's forward with the weights in `params`: (output, h_n)."""
    return _sequence("gru", input, (hx,), params, has_biases, num_layers, dropout, train, bidirectional, batch_first)


def rnn_tanh(input: Tensor, hx: Tensor, params: Sequence[Tensor], has_biases: bool, num_layers: int, dropout: float,
             train: bool, bidirectional: bool, batch_first: bool) -> tuple[Tensor, Tensor]:
    """nn.RNN's forward (tanh) with the weights in `params`: (output, h_n)."""
    return _sequence("rnn_tanh", input, (hx,), params, has_biases, num_layers, dropout, train, bidirectional,
                     batch_first)


def rnn_relu(input: Tensor, hx: Tensor, params: Sequence[Tensor], has_biases: bool, num_layers: int, dropout: float,
             train: bool, bidirectional: bool, batch_first: bool) -> tuple[Tensor, Tensor]:
    """nn.RNN's forward (relu) with the weights in `params`: (output, h_n)."""
    return _sequence("rnn_relu", input, (hx,), params, has_biases, num_layers, dropout, train, bidirectional,
                     batch_first)
