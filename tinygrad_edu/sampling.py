"""Draws from distributions given by tensors: `tg.multinomial` (indices, from weights) and
`tg.bernoulli` (0s and 1s, from probabilities). Both draw from the framework's generator
(`tg.manual_seed`) or `generator=`; the draws are numpy's, so not PyTorch's for the same seed.
Neither is differentiable (their results are integers or a coin flip), as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from .autograd.api import made
from .random import rng_of
from .tensor import Tensor


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None,
                out=None) -> Tensor:
    """`num_samples` category indices drawn from the weights in each row of `input` (1-D: one
    row); weights need not sum to 1 but must be finite, non-negative and not all zero. Without
    replacement an index is drawn at most once per row (after the categories of non-zero
    weight, those of weight zero come last, as in PyTorch). Returns int64, shape (num_samples,)
    or (rows, num_samples).

    >>> import tinygrad_edu as tg
    >>> g = tg.Generator().manual_seed(0)
    >>> tg.multinomial(tg.tensor([0.0, 10.0, 0.0]), 2, replacement=True, generator=g)
    tensor([1, 1])
    """
    if out is not None:
        raise TypeError("multinomial: out= is not supported; assign the result instead")
    if not isinstance(input, Tensor):
        raise TypeError(f"multinomial: input must be a Tensor, got {type(input).__name__}")
    p = input.data
    if p.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {p.shape}")
    if p.dtype.kind != "f":
        raise RuntimeError(f"multinomial: only supports floating-point dtypes for input, got {p.dtype}")
    if not isinstance(num_samples, (int, np.integer)) or num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample n_sample <= 0 samples (got {num_samples!r})")
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without "
                           f"replacement ({num_samples} > {p.shape[-1]})")
    rows = p.reshape(-1, p.shape[-1]).astype(np.float64)
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise RuntimeError("multinomial: probability tensor contains either inf, nan or element < 0")
    totals = rows.sum(axis=1)
    if (totals <= 0).any():
        raise RuntimeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
    rng = rng_of(generator, "multinomial")
    drawn = np.stack([_draw(rng, row / total, num_samples, replacement) for row, total in zip(rows, totals)])
    return made(Tensor._make(drawn.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64), None, False))


def _draw(rng: np.random.Generator, p: np.ndarray, k: int, replacement: bool) -> np.ndarray:
    """k indices drawn from the distribution p. Without replacement, once every category of
    non-zero weight is drawn, the zero-weight ones follow in random order (as PyTorch does)."""
    positive = int(np.count_nonzero(p))
    if replacement or k <= positive:
        return rng.choice(len(p), size=k, replace=replacement, p=p)
    first = rng.choice(len(p), size=positive, replace=False, p=p)
    rest = rng.permutation(np.flatnonzero(p == 0))[:k - positive]
    return np.concatenate([first, rest])


def bernoulli(input: Tensor, *, generator=None, out=None) -> Tensor:
    """1 with probability input[i], else 0, for every element (the input's float dtype).

    >>> import tinygrad_edu as tg
    >>> tg.bernoulli(tg.tensor([0.0, 1.0, 1.0]))
    tensor([0., 1., 1.])
    """
    if out is not None:
        raise TypeError("bernoulli: out= is not supported; assign the result instead")
    if not isinstance(input, Tensor):
        raise TypeError(f"bernoulli: input must be a Tensor, got {type(input).__name__}")
    p = input.data
    if p.dtype.kind != "f":
        raise RuntimeError(f"bernoulli: expected a floating point tensor of probabilities, got {p.dtype}")
    if not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("bernoulli: expected 0 <= p <= 1 for every probability, got values outside [0, 1]")
    draws = rng_of(generator, "bernoulli").random(p.shape) < p
    return made(Tensor._make(draws.astype(p.dtype), None, False))
