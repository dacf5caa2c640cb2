"""`nn.LSTM`, `nn.GRU`, `nn.RNN`: stacks of recurrent layers run over whole sequences, with
PyTorch's arguments, shapes, parameter names and initialisation, so that a state_dict moves
between the two.

Layer k (of num_layers), direction d (forward; and backward with bidirectional=True) holds
`weight_ih_l{k}{sfx}` (G·H, in_k), `weight_hh_l{k}{sfx}` (G·H, H), `bias_ih_l{k}{sfx}` and
`bias_hh_l{k}{sfx}` (G·H,), sfx = "" or "_reverse", in_0 = input_size and in_k = D·H after
(D = 2 directions or 1), G = 4 (LSTM), 3 (GRU) or 1 (RNN). Each step is the matching cell's
(recurrent.py: `lstm_step`, `gru_step`, `rnn_step`); the input's part of every step, x W_ihᵀ + b_ih,
is one matrix product for the whole sequence.

An LSTM with `proj_size` P > 0 (Sak, Senior & Beaufays, "Long Short-Term Memory Based Recurrent
Neural Network Architectures for Large Vocabulary Speech Recognition", 2014) also holds
`weight_hr_l{k}{sfx}` (P, H): each step's h = (o·tanh c) W_hrᵀ has P numbers instead of H, so
weight_hh is (4H, P), in_k = D·P after the first layer, and h_0/h_n/output have P (c keeps H).

The backward direction reads the sequence from its end; its outputs are put back in time order
and concatenated after the forward ones. Between layers, dropout (while training) applies to
the outputs of every layer but the last.

Every input is run as a packed batch (nn/utils/rnn.py): a padded (L, N, in) input is L steps of N
rows each, a `PackedSequence` has fewer rows at the later steps, so each sequence stops (and,
reversed, starts) at its own last step; its output is a PackedSequence again.
"""
from __future__ import annotations

import itertools
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
from .recurrent import check_nonlinearity, gru_step, lstm_step, rnn_step
from .utils.rnn import PackedSequence


class RNNBase(Module):
    """What nn.LSTM, nn.GRU and nn.RNN share: the layers, directions and parameters, the checks,
    and the loop over time. A subclass sets `gates`, `n_states` and `_cell_step`."""

    gates = 1
    n_states = 1  # h (an LSTM also carries c)

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None, proj_size: int = 0) -> None:
        super().__init__()
        name = type(self).__name__
        for what, n in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
            if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
                raise ValueError(f"{name}: {what} must be a positive int, got {n!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout must be a number in [0, 1], got {dropout!r}")
        check_device(device, name)
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{name}: dropout={dropout} and num_layers=1: dropout acts between layers, so "
                          f"it does nothing here", UserWarning, stacklevel=3)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        H, rows = hidden_size, self.gates * hidden_size
        out_size = proj_size or H  # what each step's h has (and passes to the next layer)
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else out_size * directions
            for suffix in ("", "_reverse")[:directions]:
                name = f"l{layer}{suffix}"
                setattr(self, f"weight_ih_{name}", Parameter(zeros(rows, layer_input, dtype=dtype)))
                setattr(self, f"weight_hh_{name}", Parameter(zeros(rows, out_size, dtype=dtype)))
                if bias:
                    setattr(self, f"bias_ih_{name}", Parameter(zeros(rows, dtype=dtype)))
                    setattr(self, f"bias_hh_{name}", Parameter(zeros(rows, dtype=dtype)))
                if proj_size:
                    setattr(self, f"weight_hr_{name}", Parameter(zeros(proj_size, H, dtype=dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter from U(-1/√H, 1/√H), as PyTorch."""
        bound = 1 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            init.uniform_(param, -bound, bound)

    def flatten_parameters(self) -> None:
        """Nothing to do: PyTorch packs the weights into one block of GPU memory for cuDNN, and
        programs written for it call this in forward; here the weights are used where they are."""

    def _weights(self, layer: int, suffix: str):
        name = f"l{layer}{suffix}"
        get = lambda kind: getattr(self, f"{kind}_{name}", None)  # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"), get("weight_hr")

    def _cell_step(self, gi: Tensor, gh: Tensor, state: tuple) -> tuple:
        raise NotImplementedError

    def forward(self, input: Tensor | PackedSequence, hx=None):
        """`(output, h_n)`, or `(output, (h_n, c_n))` for an LSTM; `output` is a PackedSequence
        when `input` is one (see the subclasses' docstrings for the shapes)."""
        name = type(self).__name__
        packed = isinstance(input, PackedSequence)
        if packed:
            data = input.data
            batch_sizes = [int(n) for n in input.batch_sizes.data]
            if data.ndim != 2:
                raise ValueError(f"{name}: a packed input's data must be 2-D (sum of lengths, input_size), got "
                                 f"shape {data.shape}")
        elif not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a Tensor or a PackedSequence, got {type(input).__name__}")
        elif input.ndim not in (2, 3):
            raise ValueError(f"{name}: expected input to be 2-D (L, input_size) or 3-D (batched), got "
                             f"{input.ndim}-D of shape {input.shape}")
        else:
            data = input
        if data.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input.size(-1) must be equal to input_size: expected "
                             f"{self.input_size}, got {data.shape[-1]} (input of shape {data.shape})")
        unbatched = not packed and input.ndim == 2
        if not packed:  # (L, N, in) as packed data: L steps of N rows each
            x = input.unsqueeze(1) if unbatched else (input.transpose(0, 1) if self.batch_first else input)
            steps, batch = x.shape[0], x.shape[1]
            if steps == 0:
                raise RuntimeError(f"{name}: Expected sequence length to be larger than 0 in RNN (input of shape "
                                   f"{input.shape})")
            batch_sizes = [batch] * steps
            data = x.reshape(steps * batch, self.input_size)
        batch = batch_sizes[0]
        directions = 2 if self.bidirectional else 1
        layers = self.num_layers * directions  # h has proj_size numbers when projected, c hidden_size
        state_shapes = [(layers, batch, self.proj_size or self.hidden_size), (layers, batch, self.hidden_size)]
        if hx is None:
            initial = None
        else:
            initial = tuple(hx) if self.n_states > 1 else (hx,)
            if unbatched:
                initial = tuple(s.unsqueeze(1) for s in initial)
            for i, s in enumerate(initial):
                state_shape = state_shapes[i]
                if s.shape != state_shape:
                    shown = state_shape if not unbatched else (state_shape[0], state_shape[2])
                    which = f"hidden[{i}]" if self.n_states > 1 else "hidden"
                    raise ShapeError(f"{name}: expected {which} of shape {shown}, got "
                                     f"{s.squeeze(1).shape if unbatched else s.shape}")
            if packed and input.sorted_indices is not None:  # the states follow the sorted batch
                initial = tuple(s[:, input.sorted_indices.data] for s in initial)
        finals = []  # the final state of each layer and direction
        x = data
        for layer in range(self.num_layers):
            outputs = []
            for d, suffix in enumerate(("", "_reverse")[:directions]):
                k = layer * directions + d
                state = None if initial is None else tuple(s[k] for s in initial)
                out, final = self._run(x, batch_sizes, self._weights(layer, suffix), state, reverse=d == 1)
                outputs.append(out)
                finals.append(final)
            x = outputs[0] if directions == 1 else cat(outputs, dim=1)
            if self.dropout > 0 and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, self.training)
        last = tuple(stack([final[i] for final in finals]) for i in range(self.n_states))  # (h_n[, c_n])
        if packed:
            if input.unsorted_indices is not None:  # back to the caller's order
                last = tuple(s[:, input.unsorted_indices.data] for s in last)
            output = PackedSequence(x, input.batch_sizes, input.sorted_indices, input.unsorted_indices)
        else:
            output = x.reshape(len(batch_sizes), batch, x.shape[-1])
            if unbatched:
                output, last = output.squeeze(1), tuple(s.squeeze(1) for s in last)
            elif self.batch_first:
                output = output.transpose(0, 1)
        return output, (last if self.n_states > 1 else last[0])

    def _run(self, x: Tensor, batch_sizes: list[int], weights, state, reverse: bool):
        """One layer in one direction over packed rows x (sum of batch_sizes, in): step t is the
        next batch_sizes[t] rows, the first that many sequences (sorted longest first). Returns
        the outputs (rows as x, H) and each sequence's final state: the forward direction sets
        aside the states of sequences that end; the backward one starts at each sequence's last
        step, adding its initial state when the batch grows."""
        w_ih, w_hh, b_ih, b_hh, w_hr = weights
        batch = batch_sizes[0]
        # the input's contribution to the gates, for all steps in one matrix product
        projected = F.linear(x, w_ih, b_ih)
        if state is None:
            state = (Tensor._make(zeros(batch, self.hidden_size, dtype=x.dtype).data, None, False),) * self.n_states
            if w_hr is not None:  # (a projected h has proj_size numbers)
                state = (Tensor._make(zeros(batch, w_hr.shape[0], dtype=x.dtype).data, None, False),) + state[1:]
        step = self._cell_step
        if w_hr is not None:  # h = (o·tanh c) W_hrᵀ
            def step(gi, gh, state):
                h, c = self._cell_step(gi, gh, state)
                return F.linear(h, w_hr), c
        starts = [0, *itertools.accumulate(batch_sizes)]  # step t is rows starts[t]:starts[t + 1]
        outputs = [None] * len(batch_sizes)
        if not reverse:
            finished = []  # states of sequences that ended, in the order they ended
            for t, n in enumerate(batch_sizes):
                if n < state[0].shape[0]:
                    finished.append(tuple(s[n:] for s in state))
                    state = tuple(s[:n] for s in state)
                state = step(projected[starts[t]:starts[t + 1]], F.linear(state[0], w_hh, b_hh), state)
                outputs[t] = state[0]
            if finished:  # the later a sequence ended, the nearer the top of the sorted batch
                state = tuple(cat([state[i]] + [f[i] for f in reversed(finished)]) for i in range(self.n_states))
        else:
            initial = state
            if batch_sizes[-1] < batch:
                state = tuple(s[:batch_sizes[-1]] for s in initial)
            for t in range(len(batch_sizes) - 1, -1, -1):
                n, running = batch_sizes[t], state[0].shape[0]
                if n > running:  # sequences whose last step is t join with their initial state
                    state = tuple(cat([s, s0[running:n]]) for s, s0 in zip(state, initial))
                state = step(projected[starts[t]:starts[t + 1]], F.linear(state[0], w_hh, b_hh), state)
                outputs[t] = state[0]
        return cat(outputs), state

    def extra_repr(self) -> str:
        parts = [f"{self.input_size}, {self.hidden_size}"]  # (PyTorch does not show an RNN's nonlinearity)
        if self.proj_size:
            parts.append(f"proj_size={self.proj_size}")
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


class LSTM(RNNBase):
    """`lstm(input, (h_0, c_0)) -> output, (h_n, c_n)`; each step is `LSTMCell`'s (gate order
    i, f, g, o).

    input: (L, N, input_size), or (N, L, input_size) with batch_first=True, or (L, input_size)
    for one unbatched sequence. h_0 and c_0: (D·num_layers, N, hidden_size) each, zeros when
    omitted. output: (L, N, D·hidden_size) -- the last layer's h_t at every step (batch first
    if batch_first); h_n and c_n: the final state of every layer and direction, shaped as h_0.
    With proj_size P > 0, h is projected to P numbers at every step (`weight_hr_l{k}`, (P, H)):
    h_0, h_n and output have P (D·P) where they had hidden_size; c keeps hidden_size.
    A `PackedSequence` input (nn.utils.rnn.pack_padded_sequence) gives a PackedSequence output,
    and h_n, c_n taken at each sequence's own last step, in the batch's original order.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True)
    >>> out, (h, c) = lstm(tg.ones(4, 7, 3))        # 4 sequences of 7 steps
    >>> out.shape, h.shape, c.shape
    ((4, 7, 5), (2, 4, 5), (2, 4, 5))
    """

    gates = 4
    n_states = 2

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None) -> None:
        if isinstance(proj_size, bool) or not isinstance(proj_size, int):
            raise TypeError(f"LSTM: proj_size must be an int, got {proj_size!r}")
        if proj_size < 0:
            raise ValueError("LSTM: proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError(f"LSTM: proj_size has to be smaller than hidden_size (got proj_size={proj_size}, "
                             f"hidden_size={hidden_size})")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype, proj_size)

    def _cell_step(self, gi: Tensor, gh: Tensor, state: tuple) -> tuple:
        return lstm_step(gi, gh, state)


class GRU(RNNBase):
    """`gru(input, h_0) -> output, h_n`; each step is `GRUCell`'s (gate order r, z, n). Shapes
    as nn.LSTM, with one state tensor instead of two.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> out, h = nn.GRU(3, 5, bidirectional=True)(tg.ones(7, 4, 3))
    >>> out.shape, h.shape
    ((7, 4, 10), (2, 4, 5))
    """

    gates = 3

    def _cell_step(self, gi: Tensor, gh: Tensor, state: tuple) -> tuple:
        return gru_step(gi, gh, state)


class RNN(RNNBase):
    """`rnn(input, h_0) -> output, h_n`: stacked Elman layers, h_t = tanh(x_t W_ihᵀ + b_ih +
    h_{t-1} W_hhᵀ + b_hh) (`nonlinearity="relu"` for relu). Shapes as nn.GRU.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> out, h = nn.RNN(3, 5, num_layers=2, batch_first=True)(tg.ones(4, 7, 3))
    >>> out.shape, h.shape
    ((4, 7, 5), (2, 4, 5))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None) -> None:
        check_nonlinearity(nonlinearity, "RNN")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device, dtype)
        self.nonlinearity = nonlinearity

    def _cell_step(self, gi: Tensor, gh: Tensor, state: tuple) -> tuple:
        return rnn_step(gi, gh, state, self.nonlinearity)
