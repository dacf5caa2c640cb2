"""F.embedding_bag, as PyTorch's: the sum, mean or max of the embedding rows of each bag of indices,
without building the (bag, index, dim) tensor of F.embedding first in user code.

    bag b = input[offsets[b] : offsets[b + 1]]   (1-D input; a 2-D (B, L) input has B bags of L)
    sum   out[b] = Σ_{i ∈ bag b} w_i · weight[input[i]]      (w = per_sample_weights, or 1)
    mean  out[b] = (1 / |bag b|) Σ_{i ∈ bag b} weight[input[i]]
    max   out[b] = max_{i ∈ bag b} weight[input[i]]          (per dim; the first largest gets the gradient)

Indices equal to padding_idx are left out of their bag (and of its count); an empty bag gives zeros.
Composed from a gather of rows into a (bags, longest bag, dim) table (short bags filled with a
constant row: 0 for sum/mean, -inf for max) and a sum / max over the bag axis.
"""
from __future__ import annotations

import numpy as np

from ...creation import zeros
from ...functions import cat, where
from ...tensor import Tensor
from .checks import check_tensor
from .layers import embedding


def _index_array(value, op: str, what: str) -> np.ndarray:
    array = value.data if isinstance(value, Tensor) else np.asarray(value)
    if array.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: {what} must be an integer (int64 or int32) tensor, got dtype {array.dtype}")
    return array.astype(np.int64)


def _bags(idx: np.ndarray, offsets, include_last_offset: bool, op: str) -> tuple[np.ndarray, np.ndarray]:
    """(flat indices, start of each bag, with the end of the last one appended)."""
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{op}: if input is 2D, then offsets has to be None, as input is treated as a mini-batch "
                             f"of fixed length sequences; got offsets of type {type(offsets).__name__}")
        B, L = idx.shape
        return idx.reshape(-1), np.arange(B + 1) * L
    if idx.ndim != 1:
        raise ValueError(f"{op}: input has to be a 1D or 2D tensor of indices, got shape {idx.shape}")
    if offsets is None:
        raise ValueError(f"{op}: offsets has to be a 1D tensor (the start of each bag) for a 1D input, got None")
    starts = _index_array(offsets, op, "offsets")
    if starts.ndim != 1:
        raise ValueError(f"{op}: offsets has to be a 1D tensor, got shape {starts.shape}")
    if starts.size and starts[0] != 0:
        raise RuntimeError(f"{op}: offsets[0] has to be 0, i.e., the first bag has to start at position 0; got "
                           f"{int(starts[0])}")
    if starts.size and starts[-1] > idx.size:
        raise RuntimeError(f"{op}: offsets[-1] can not be greater than input's length {idx.size}, got "
                           f"{int(starts[-1])}")
    if np.any(np.diff(starts) < 0):
        raise RuntimeError(f"{op}: offsets must not decrease, got {starts.tolist()}")
    if not include_last_offset:
        starts = np.append(starts, idx.size)
    elif starts.size == 0:
        starts = np.zeros(1, dtype=np.int64)
    return idx, starts


def embedding_bag(input, weight: Tensor, offsets=None, max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Sum, mean or max of the rows of `weight` (num_embeddings, dim) picked by each bag of indices:
    (number of bags, dim). A 1-D `input` is cut into bags at `offsets` (with include_last_offset=True
    the last offset is the end of the last bag, PyTorch's CSR layout); a 2-D (B, L) input is B bags.
    per_sample_weights (input's shape) scales each row, with mode='sum' only. scale_grad_by_freq
    divides each row's gradient by how often its index occurs in `input` (sum and mean only).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> weight = tg.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    >>> F.embedding_bag(tg.tensor([0, 1, 2, 2]), weight, tg.tensor([0, 2]), mode="sum")
    tensor([[1., 1.],
            [4., 4.]])
    """
    op = "embedding_bag"
    check_tensor(weight, op, "weight")
    if weight.ndim != 2:
        raise ValueError(f"{op}: weight has to be a 2D tensor (num_embeddings, dim), got shape {weight.shape}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"{op}: mode has to be one of sum, mean or max, got {mode!r}")
    idx = _index_array(input, op, "input")
    if per_sample_weights is not None:
        check_tensor(per_sample_weights, op, "per_sample_weights")
        if mode != "sum":
            raise NotImplementedError(f"{op}: per_sample_weights was not None. per_sample_weights is only supported "
                                      f"for mode='sum' (got mode={mode!r})")
        if per_sample_weights.shape != idx.shape:
            raise ValueError(f"{op}: per_sample_weights of shape {per_sample_weights.shape} must have the same shape "
                             f"as the input ({idx.shape})")
    if scale_grad_by_freq and mode == "max":
        raise ValueError(f"{op}: max mode does not support scaling the gradient by the frequency "
                         f"(scale_grad_by_freq=True needs mode='sum' or 'mean')")
    n = weight.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise RuntimeError(f"{op}: padding_idx must be within the number of embeddings, {-n} through {n - 1}, "
                               f"but got {padding_idx}")
        padding_idx = int(padding_idx) % n
    flat, starts = _bags(idx, offsets, include_last_offset, op)
    if flat.size and (flat.min() < 0 or flat.max() >= n):
        bad = int(flat.min()) if flat.min() < 0 else int(flat.max())
        raise RuntimeError(f"{op}: index {bad} is out of range for {n} embeddings (valid: 0 to {n - 1})")
    keep = np.ones(flat.shape, dtype=bool) if padding_idx is None else flat != padding_idx
    rows = embedding(flat, weight, None, max_norm, norm_type,  # (M, dim); max_norm renorms in place first
                     scale_grad_by_freq)  # (counted over every index of the call, as the docs say)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1, 1)
    # table[b, j] = the j-th kept row of bag b, or the filler row M for bags shorter than the longest
    bag_of = np.repeat(np.arange(starts.size - 1), np.diff(starts))
    kept = np.nonzero(keep[: bag_of.size])[0]
    counts = np.bincount(bag_of[kept], minlength=starts.size - 1)
    longest = max(int(counts.max(initial=0)), 1)
    slot = np.arange(kept.size) - np.repeat(np.cumsum(counts) - counts, counts)  # position inside its bag
    table_index = np.full((starts.size - 1, longest), flat.size, dtype=np.int64)
    table_index[bag_of[kept], slot] = kept
    filler = np.full((1, weight.shape[1]), -np.inf if mode == "max" else 0.0, dtype=weight.data.dtype)
    table = cat([rows, Tensor._make(filler, None, False)])[table_index]  # (bags, longest, dim)
    if mode == "sum":
        return table.sum(1)
    if mode == "mean":
        return table.sum(1) / Tensor._make(np.maximum(counts, 1).astype(weight.data.dtype)[:, None], None, False)
    empty = Tensor._make((counts == 0)[:, None], None, False)
    return where(empty, zeros((), dtype=weight.dtype), table.max(1).values)
