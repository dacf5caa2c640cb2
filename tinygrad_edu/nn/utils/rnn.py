"""`nn.utils.rnn`: sequences of different lengths in one batch, as in `torch.nn.utils.rnn`:
padded (`pad_sequence`, `unpad_sequence`) or packed (`PackedSequence`, `pack_padded_sequence`,
`pad_packed_sequence`, `pack_sequence`, `unpack_sequence`, `invert_permutation`).

A packed batch keeps only the real steps, time-major: sequences "abc" and "x" pack as data "axbc"
with batch_sizes [2, 1, 1] (how many sequences are still running at each step), the sequences
sorted longest first. nn.LSTM/GRU/RNN then run step t on the first batch_sizes[t] rows only, so
each sequence's final state is the one at its own last step. Packing and unpacking are one
integer-index gather each (differentiable: the gradient flows back through the indexing).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ...functions import cat, stack
from ...tensor import Tensor


def pad_sequence(sequences: Sequence[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Tensors of shape (L_i, *) padded with `padding_value` to the longest L and stacked:
    (L, B, *), or (B, L, *) with batch_first=True. Differentiable in every sequence.

    >>> import tinygrad_edu as tg
    >>> pad_sequence([tg.tensor([1, 2, 3]), tg.tensor([4])], batch_first=True)
    tensor([[1, 2, 3],
            [4, 0, 0]])
    """
    if padding_side not in ("right", "left"):  # (RuntimeError: PyTorch's type)
        raise RuntimeError(f"pad_sequence: padding_side must be 'left' or 'right', got {padding_side!r}")
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("pad_sequence: received an empty list of sequences")
    for s in sequences:
        if not isinstance(s, Tensor):
            raise TypeError(f"pad_sequence: every sequence must be a Tensor of shape (L, *), got "
                            f"{type(s).__name__}")
        if s.ndim == 0:  # (RuntimeError: PyTorch's type)
            raise RuntimeError("pad_sequence: every sequence must be a Tensor of shape (L, *), got a 0-d tensor")
    rest, dtype = sequences[0].shape[1:], sequences[0].dtype
    if any(s.shape[1:] != rest for s in sequences):
        raise RuntimeError(f"pad_sequence: the sequences must agree in every dim after the first, got shapes "
                           f"{[s.shape for s in sequences]}")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        if s.dtype != dtype:
            s = s.to(dtype)
        missing = longest - s.shape[0]
        if missing:
            filler = Tensor._make(np.full((missing,) + rest, padding_value, dtype=dtype), None, False)
            s = cat([s, filler] if padding_side == "right" else [filler, s])
        padded.append(s)
    return stack(padded, 1 if not batch_first else 0)


# ---- packed sequences ----------------------------------------------------------------------------

class _PackedFields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedFields):
    """A packed batch of sequences: `data` (sum of lengths, *) holds step 0 of every sequence,
    then step 1 of those still running, ...; `batch_sizes` (int64, one per step) says how many;
    `sorted_indices` orders the original batch longest first (None when it already was) and
    `unsorted_indices` is its inverse. A named tuple of these four, as PyTorch's.

    Make one with `pack_padded_sequence` or `pack_sequence`, not by hand.

    >>> import tinygrad_edu as tg
    >>> packed = pack_sequence([tg.tensor([1, 2, 3]), tg.tensor([4, 5]), tg.tensor([6])])
    >>> packed.data, packed.batch_sizes
    (tensor([1, 4, 6, 2, 5, 3]), tensor([3, 2, 1]))
    """

    __slots__ = ()

    def __new__(cls, data: Any, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> "PackedSequence":
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes), ...), as PyTorch allows
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> "PackedSequence":
        """`data.to(...)` (dtype and/or device); self when nothing changes. The batch sizes and
        indices stay int64."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, self.batch_sizes, self.sorted_indices,
                                                        self.unsorted_indices)

    def cpu(self, *args, **kwargs) -> "PackedSequence":
        """Self: everything is on the CPU."""
        return self.to(*args, **kwargs)

    def double(self) -> "PackedSequence":
        """`to(tg.float64)`."""
        return self.to(np.float64)

    def float(self) -> "PackedSequence":
        """`to(tg.float32)`."""
        return self.to(np.float32)

    def half(self) -> "PackedSequence":
        """`to(tg.float16)`."""
        return self.to(np.float16)

    def long(self) -> "PackedSequence":
        """`to(tg.int64)`."""
        return self.to(np.int64)

    def int(self) -> "PackedSequence":
        """`to(tg.int32)`."""
        return self.to(np.int32)

    @property
    def is_cuda(self) -> bool:
        """False: there is no GPU here."""
        return False

    def is_pinned(self) -> bool:
        """False: there is no pinned memory here."""
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse permutation q of p (q[p[i]] = i), as an int64 tensor; None for None."""
    if permutation is None:
        return None
    p = np.asarray(permutation.data if isinstance(permutation, Tensor) else permutation)
    inverse = np.empty_like(p)
    inverse[p] = np.arange(p.size, dtype=p.dtype)
    return Tensor(inverse)


def _lengths_array(lengths, batch: int) -> np.ndarray:
    """`lengths` (a list or a tensor) as an int64 vector of one positive length per sequence."""
    array = np.asarray(lengths.data if isinstance(lengths, Tensor) else lengths)
    if array.ndim != 1:
        raise RuntimeError(f"pack_padded_sequence: 'lengths' argument should be a 1D CPU int64 tensor, "
                           f"but got {array.ndim}D lengths {array.tolist()}")
    array = array.astype(np.int64)
    if array.size != batch:
        raise RuntimeError(f"pack_padded_sequence: Expected `len(lengths)` to be equal to batch_size, "
                           f"but got {array.size} (batch_size={batch})")
    return array


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) -- (B, T, *) with batch_first -- of sequences of the given
    `lengths` (a list or an int tensor): the padding is left out. With `enforce_sorted`
    (PyTorch's default) the lengths must be in decreasing order; `enforce_sorted=False` sorts
    them (stably) and records the order in `sorted_indices`. Differentiable in `input`.

    >>> import tinygrad_edu as tg
    >>> padded = tg.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
    >>> pack_padded_sequence(padded, [2, 1, 3], batch_first=True, enforce_sorted=False).data
    tensor([4, 1, 3, 5, 2, 6])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pack_padded_sequence: input must be a Tensor, got {type(input).__name__}")
    if input.ndim < 2:
        raise IndexError(f"pack_padded_sequence: the input must have a time and a batch dim, (T, B, *) or "
                         f"(B, T, *), got shape {input.shape}")
    batch_dim, time_dim = (0, 1) if batch_first else (1, 0)
    batch, steps = input.shape[batch_dim], input.shape[time_dim]
    lengths = _lengths_array(lengths, batch)
    if enforce_sorted:
        if np.any(lengths[1:] > lengths[:-1]):
            raise RuntimeError("pack_padded_sequence: `lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                               "pack_padded_sequence and/or pack_sequence to sidestep this requirement if you "
                               f"do not need ONNX exportability (got lengths {lengths.tolist()})")
        order, sorted_indices = np.arange(batch), None
    else:
        order = np.argsort(-lengths, kind="stable")  # longest first; ties keep their order, as PyTorch
        sorted_indices = Tensor(order)
    lengths = lengths[order]
    if batch == 0:
        raise RuntimeError("pack_padded_sequence: Cannot pack empty tensors (the batch has no sequences)")
    if lengths[-1] <= 0:
        raise RuntimeError("pack_padded_sequence: Length of all samples has to be greater than 0, but found an "
                           f"element in 'lengths' that is <= 0 (lengths {lengths.tolist()})")
    if lengths[0] > steps:
        raise RuntimeError(f"pack_padded_sequence: a sequence of length {lengths[0]} does not fit in an input "
                           f"of {steps} steps (input shape {input.shape}, batch_first={batch_first})")
    batch_sizes = (lengths[None, :] > np.arange(lengths[0])[:, None]).sum(1)  # running sequences per step
    # row t * B + b (time-major) or b * T + t (batch-major) of the flattened input, step by step
    time = np.concatenate([np.full(n, t) for t, n in enumerate(batch_sizes)])
    member = np.concatenate([order[:n] for n in batch_sizes])
    rows = member * steps + time if batch_first else time * batch + member
    data = input.reshape((batch * steps,) + input.shape[2:])[rows]
    return PackedSequence(data, Tensor(batch_sizes.astype(np.int64)), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """The inverse of `pack_padded_sequence`: `(padded, lengths)`, padded (T, B, *) -- (B, T, *)
    with batch_first -- filled with `padding_value` after each sequence's end, T the longest
    length (or `total_length`), the batch in its original order; `lengths` int64.
    Differentiable in `sequence.data`.

    >>> import tinygrad_edu as tg
    >>> padded, lengths = pad_packed_sequence(pack_sequence([tg.tensor([1, 2]), tg.tensor([3])]))
    >>> padded.T, lengths
    (tensor([[1, 2],
            [3, 0]]), tensor([2, 1]))
    """
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"pad_packed_sequence: expected a PackedSequence, got {type(sequence).__name__}")
    data = sequence.data
    batch_sizes = np.asarray(sequence.batch_sizes.data, dtype=np.int64)
    steps, batch = len(batch_sizes), int(batch_sizes[0])
    if total_length is not None:
        if total_length < steps:
            raise ValueError("pad_packed_sequence: Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max sequence length "
                             f"being {steps}")
        steps = total_length
    lengths = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(1)  # of the sorted sequences
    order = np.arange(batch)
    if sequence.unsorted_indices is not None:
        order = np.asarray(sequence.unsorted_indices.data)  # the original b-th sequence is sorted one order[b]
        lengths = lengths[order]
    starts = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]])
    t = np.arange(steps)[:, None] if not batch_first else np.arange(steps)[None, :]
    b = order[None, :] if not batch_first else order[:, None]
    valid = t < (lengths[None, :] if not batch_first else lengths[:, None])
    filler_row = data.shape[0]  # the padding value, appended after the data
    rows = np.where(valid, starts[np.minimum(t, len(starts) - 1)] + b, filler_row)
    filler = Tensor._make(np.full((1,) + data.shape[1:], padding_value, dtype=data.dtype), None, False)
    padded = cat([data, filler])[rows]
    return padded, Tensor(lengths.astype(np.int64))


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack tensors of shape (L_i, *): `pack_padded_sequence(pad_sequence(sequences), lengths)`."""
    sequences = list(sequences)
    lengths = [s.shape[0] if isinstance(s, Tensor) and s.ndim else 0 for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list[Tensor]:
    """The padded batch (T, B, *) -- (B, T, *) with batch_first -- cut back into a list of B
    tensors of shape (lengths[b], *). (PyTorch transposes a time-major input in place as a side
    effect; here the input is left unchanged.)"""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    lengths = np.asarray(lengths.data if isinstance(lengths, Tensor) else lengths).reshape(-1)
    if len(lengths) != padded_sequences.shape[0]:
        raise ValueError(f"unpad_sequence: {len(lengths)} lengths for a batch of {padded_sequences.shape[0]} "
                         f"sequences")
    return [padded_sequences[b, :int(n)] for b, n in enumerate(lengths)]


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The packed batch as a list of tensors (L_i, *), in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
