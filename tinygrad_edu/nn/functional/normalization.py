"""Layer normalization (Ba, Kiros & Hinton, "Layer normalization", 2016): each sample's features
rescaled to mean 0 and variance 1, then scaled and shifted by learned weights.

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias

E and Var are taken over the last len(normalized_shape) dims, Var without Bessel's correction
(divided by N), as PyTorch does. It is written with mean, var, sqrt and arithmetic, so its
gradient (and second derivative) comes from theirs.
"""
from __future__ import annotations

from collections.abc import Sequence

from ...tensor import Tensor
from .checks import check_float


def normalized_dims(normalized_shape, op: str) -> tuple:
    """normalized_shape as a tuple of positive ints (one int is accepted, as in PyTorch)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in shape):
        raise ValueError(f"{op}: normalized_shape must be a positive int or a non-empty tuple of them, "
                         f"got {normalized_shape!r}")
    return shape


def layer_norm(input: Tensor, normalized_shape: int | Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize over the last dims (`normalized_shape`, which must be input's trailing shape),
    then multiply by `weight` and add `bias` (each of shape normalized_shape, or None).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.layer_norm(tg.tensor([[1.0, 3.0], [2.0, 2.0]]), (2,))
    tensor([[-1.0000,  1.0000],
            [ 0.0000,  0.0000]])
    """
    check_float(input, "layer_norm")
    shape = normalized_dims(normalized_shape, "layer_norm")
    if input.shape[input.ndim - len(shape):] != shape or input.ndim < len(shape):
        raise RuntimeError(f"layer_norm: given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size {list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != shape:
            raise RuntimeError(f"layer_norm: {name} must have shape normalized_shape {shape}, got {t.shape}")
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    centered = input - input.mean(dims, keepdim=True)
    out = centered / (centered.var(dims, keepdim=True, unbiased=False) + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out
