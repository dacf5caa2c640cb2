"""Vector norms along an axis, and what is built on them: normalize and cosine_similarity.

    normalize(x)ᵢ            = xᵢ / max(‖x‖ₚ, eps)                      along `dim`
    cosine_similarity(a, b)  = Σ (a / max(‖a‖, eps)) · (b / max(‖b‖, eps))  along `dim`

(In cosine_similarity a norm below eps is raised to eps in value only, as PyTorch does it.)

A zero vector stays zero (and gets gradient 0): the norm's derivative x/‖x‖ is 0/0 there, which
`Tensor.norm` (ops/norm.py) defines as 0, as PyTorch does.
"""
from __future__ import annotations

import numpy as np

from ...errors import ShapeError
from ...ops import normalize_dim
from ...tensor import Tensor
from .checks import check_float


def _norm(x: Tensor, p: float, dim: int) -> Tensor:
    """‖x‖ₚ along dim, keeping the axis."""
    if not p > 0:
        raise ValueError(f"normalize: p must be positive (or inf), got {p}")
    return x.norm(float(p), dim, keepdim=True)  # (Tensor.norm: its gradient is 0 where ‖x‖ = 0)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None) -> Tensor:
    """input divided by its p-norm along `dim` (at least eps, so a zero vector stays zero).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.normalize(tg.tensor([[3.0, 4.0], [0.0, 0.0]]))
    tensor([[0.6000, 0.8000],
            [0.0000, 0.0000]])
    """
    if out is not None:
        raise NotImplementedError("normalize: out= is not supported; use the returned tensor")
    check_float(input, "normalize")
    dim = normalize_dim(dim, input.ndim, "normalize")
    return input / _norm(input, p, dim).clamp(eps, None)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between x1 and x2 along `dim` (they broadcast together), in
    [-1, 1]; each norm is taken as at least eps.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.cosine_similarity(tg.tensor([[1.0, 0.0]]), tg.tensor([[1.0, 1.0]]))
    tensor([0.7071])
    """
    check_float(x1, "cosine_similarity", "x1")
    check_float(x2, "cosine_similarity", "x2")
    x1, x2 = x1._promoted_with(x2)
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ShapeError(f"cosine_similarity: shapes {x1.shape} and {x2.shape} cannot be broadcast "
                         f"together") from None
    x1, x2 = x1.expand(*shape), x2.expand(*shape)
    dim = normalize_dim(dim, len(shape), "cosine_similarity")
    return ((x1 / _at_least(_norm(x1, 2.0, dim), eps)) * (x2 / _at_least(_norm(x2, 2.0, dim), eps))).sum(dim)


def _at_least(n: Tensor, eps: float) -> Tensor:
    """max(n, eps) in value, but with the derivative of n itself: PyTorch raises the norms to eps
    outside the graph, so below eps their derivative still counts (and gradients match PyTorch's)."""
    return n + (n.clamp(eps, None) - n).detach()
