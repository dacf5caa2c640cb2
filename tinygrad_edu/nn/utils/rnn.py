"""`nn.utils.rnn.pad_sequence`: sequences of different lengths joined into one padded batch, as
in `torch.nn.utils.rnn` (PyTorch's packed sequences are not here: run the padded batch and mask,
or run each sequence on its own -- or under `tg.autobatch()`)."""
from __future__ import annotations

from collections.abc import Sequence

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
    if padding_side not in ("right", "left"):
        raise ValueError(f"pad_sequence: padding_side must be 'left' or 'right', got {padding_side!r}")
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("pad_sequence: received an empty list of sequences")
    for s in sequences:
        if not isinstance(s, Tensor) or s.ndim == 0:
            raise TypeError(f"pad_sequence: every sequence must be a Tensor of shape (L, *), got "
                            f"{s.shape if isinstance(s, Tensor) else type(s).__name__}")
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
