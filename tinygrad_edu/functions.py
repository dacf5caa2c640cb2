"""Function forms of the tensor methods (`tg.exp(x)` is `x.exp()`), and ops that take several
tensors: `cat`, `stack`, `where`, `maximum`, `minimum`."""
from __future__ import annotations

from typing import Sequence

from . import ops
from .errors import ShapeError
from .tensor import Tensor


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def add(a, b) -> Tensor:
    return _tensor(a) + b


def sub(a, b) -> Tensor:
    return _tensor(a) - b


def mul(a, b) -> Tensor:
    return _tensor(a) * b


def div(a, b) -> Tensor:
    return _tensor(a) / b


def pow(a, b) -> Tensor:
    return _tensor(a) ** b


def neg(a) -> Tensor:
    return -_tensor(a)


def matmul(a, b) -> Tensor:
    return _tensor(a).matmul(b)


def exp(x) -> Tensor:
    return _tensor(x).exp()


def log(x) -> Tensor:
    return _tensor(x).log()


def sqrt(x) -> Tensor:
    return _tensor(x).sqrt()


def abs(x) -> Tensor:
    return _tensor(x).abs()


def sin(x) -> Tensor:
    return _tensor(x).sin()


def cos(x) -> Tensor:
    return _tensor(x).cos()


def tanh(x) -> Tensor:
    return _tensor(x).tanh()


def sigmoid(x) -> Tensor:
    return _tensor(x).sigmoid()


def relu(x) -> Tensor:
    return _tensor(x).relu()


def clamp(x, min: float | None = None, max: float | None = None) -> Tensor:
    return _tensor(x).clamp(min, max)


def maximum(a, b) -> Tensor:
    """Elementwise larger of a and b (both broadcast)."""
    return _tensor(a).maximum(b)


def minimum(a, b) -> Tensor:
    """Elementwise smaller of a and b."""
    return _tensor(a).minimum(b)


where = ops.where


def sum(x, dim=None, keepdim: bool = False) -> Tensor:
    return _tensor(x).sum(dim, keepdim)


def mean(x, dim=None, keepdim: bool = False) -> Tensor:
    return _tensor(x).mean(dim, keepdim)


def logsumexp(x, dim=None, keepdim: bool = False) -> Tensor:
    return _tensor(x).logsumexp(dim, keepdim)


def reshape(x, *shape) -> Tensor:
    return _tensor(x).reshape(*shape)


def transpose(x, dim0: int, dim1: int) -> Tensor:
    return _tensor(x).transpose(dim0, dim1)


def permute(x, *dims) -> Tensor:
    return _tensor(x).permute(*dims)


def flatten(x, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return _tensor(x).flatten(start_dim, end_dim)


def squeeze(x, dim=None) -> Tensor:
    return _tensor(x).squeeze(dim)


def unsqueeze(x, dim: int) -> Tensor:
    return _tensor(x).unsqueeze(dim)


def split(x, split_size_or_sections, dim: int = 0) -> tuple[Tensor, ...]:
    return _tensor(x).split(split_size_or_sections, dim)


def chunk(x, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    return _tensor(x).chunk(chunks, dim)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing axis `dim`; all other axes must match.

    >>> import tinygrad_edu as tg
    >>> tg.cat([tg.zeros(1, 2), tg.ones(2, 2)]).shape
    (3, 2)
    """
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError("cat: expects a list or tuple of tensors, e.g. tg.cat([a, b], dim=0)")
    if not tensors:
        raise ShapeError("cat: expects a non-empty list of tensors, got an empty one")
    tensors = [_tensor(t) for t in tensors]
    first = tensors[0]
    if first.ndim == 0:
        raise ValueError("cat: zero-dimensional tensors cannot be concatenated (use stack)")
    axis = ops.normalize_dim(dim, first.ndim, "cat")
    for i, t in enumerate(tensors[1:], start=1):
        if t.ndim != first.ndim or any(
            a != b for k, (a, b) in enumerate(zip(t.shape, first.shape)) if k != axis
        ):
            raise ShapeError(
                f"cat: tensor {i} has shape {t.shape}, which does not match tensor 0's shape "
                f"{first.shape} outside dim {dim} (all axes but the one joined must be equal)"
            )
    if len(tensors) == 1:
        return tensors[0]
    return ops.Cat.apply(axis, *tensors)


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of the same shape along a new axis `dim`."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError("stack: expects a list or tuple of tensors")
    if not tensors:
        raise ShapeError("stack: expects a non-empty list of tensors, got an empty one")
    tensors = [_tensor(t) for t in tensors]
    for i, t in enumerate(tensors[1:], start=1):
        if t.shape != tensors[0].shape:
            raise ShapeError(
                f"stack: tensor {i} has shape {t.shape} but tensor 0 has shape {tensors[0].shape}; "
                f"stack needs tensors of equal shape"
            )
    axis = ops.normalize_dim(dim, tensors[0].ndim, "stack", new_axis=True)
    return ops.Cat.apply(axis, *[t.unsqueeze(axis) for t in tensors])
