"""Making tensors: from data, filled with a constant, ranges, identity, random numbers."""
from __future__ import annotations

import numpy as np

from . import dtype as _dtype
from .random import generator
from .tensor import Tensor, _shape_args


def tensor(data, requires_grad: bool = False, dtype=None, name: str | None = None) -> Tensor:
    """Same as `Tensor(data, ...)`."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def _filled(fill, shape, dtype, requires_grad: bool, op: str) -> Tensor:
    shape = _shape_args(shape, op)
    if any(n < 0 for n in shape):
        raise ValueError(f"{op}: a shape cannot have negative sizes, got {shape}")
    dtype = np.dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return Tensor(np.full(shape, fill, dtype=dtype), requires_grad=requires_grad)


def zeros(*shape, requires_grad: bool = False, dtype=None) -> Tensor:
    """A tensor of zeros: `tg.zeros(2, 3)` or `tg.zeros((2, 3))`."""
    return _filled(0, shape, dtype, requires_grad, "zeros")


def ones(*shape, requires_grad: bool = False, dtype=None) -> Tensor:
    """A tensor of ones."""
    return _filled(1, shape, dtype, requires_grad, "ones")


def full(shape, fill_value, requires_grad: bool = False, dtype=None) -> Tensor:
    """A tensor of `shape` filled with `fill_value` (dtype inferred from it, as in PyTorch)."""
    if dtype is None:
        dtype = Tensor(fill_value).dtype
    return _filled(fill_value, (shape,) if isinstance(shape, int) else tuple(shape), dtype,
                   requires_grad, "full")


def zeros_like(t: Tensor, requires_grad: bool = False, dtype=None) -> Tensor:
    return zeros(*t.shape, requires_grad=requires_grad, dtype=dtype or t.dtype)


def ones_like(t: Tensor, requires_grad: bool = False, dtype=None) -> Tensor:
    return ones(*t.shape, requires_grad=requires_grad, dtype=dtype or t.dtype)


def full_like(t: Tensor, fill_value, requires_grad: bool = False, dtype=None) -> Tensor:
    return full(t.shape, fill_value, requires_grad=requires_grad, dtype=dtype or t.dtype)


def arange(start, end=None, step=1, requires_grad: bool = False, dtype=None) -> Tensor:
    """Numbers from `start` up to (not including) `end` in steps of `step`; int64 when all are
    ints, else the default float dtype."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if dtype is None:
        all_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if all_int else _dtype.get_default_dtype()
    return Tensor(np.arange(start, end, step, dtype=dtype), requires_grad=requires_grad)


def linspace(start: float, end: float, steps: int, requires_grad: bool = False, dtype=None) -> Tensor:
    return Tensor(np.linspace(start, end, steps, dtype=dtype or _dtype.get_default_dtype()),
                  requires_grad=requires_grad)


def eye(n: int, m: int | None = None, requires_grad: bool = False, dtype=None) -> Tensor:
    """The n×n (or n×m) identity matrix."""
    return Tensor(np.eye(n, m, dtype=dtype or _dtype.get_default_dtype()), requires_grad=requires_grad)


def rand(*shape, requires_grad: bool = False, dtype=None) -> Tensor:
    """Uniform random numbers in [0, 1) from the framework's generator (see `tg.manual_seed`)."""
    shape = _shape_args(shape, "rand")
    data = generator().random(shape).astype(dtype or _dtype.get_default_dtype(), copy=False)
    return Tensor(data, requires_grad=requires_grad)


def randn(*shape, requires_grad: bool = False, dtype=None) -> Tensor:
    """Standard normal random numbers from the framework's generator."""
    shape = _shape_args(shape, "randn")
    data = generator().standard_normal(shape).astype(dtype or _dtype.get_default_dtype(), copy=False)
    return Tensor(data, requires_grad=requires_grad)


def randint(low: int, high: int, size, dtype=None) -> Tensor:
    """Random integers in [low, high)."""
    size = (size,) if isinstance(size, int) else tuple(size)
    return Tensor(generator().integers(low, high, size=size).astype(dtype or np.int64))
