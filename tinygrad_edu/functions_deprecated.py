"""Two functions PyTorch deprecates but old programs still call; each warns as PyTorch does.

    range          numbers from start to end *including* end (use tg.arange, which excludes it)
    chain_matmul   the product of matrices given as arguments (use tg.linalg.multi_dot)

`tinygrad_edu/__init__.py` exports every name in `__all__`.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .creation import _finish, _float_dtype, _number
from .errors import NotImplementedForDtype
from .out_argument import written_to
from .tensor import Tensor

__all__ = ["range", "chain_matmul"]

_RANGE_WARNING = ("range is deprecated (as torch.range in PyTorch) and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use arange, which produces "
                  "values in [start, end).")
_CHAIN_MATMUL_WARNING = ("chain_matmul is deprecated (as torch.chain_matmul in PyTorch) and will be removed in a "
                         "future release. Use linalg.multi_dot instead, which accepts a list of two or more tensors "
                         "rather than multiple parameters.")


def range(start, end, step=1, *, out=None, dtype=None, layout=None, device=None,  # noqa: A001
          requires_grad: bool = False) -> Tensor:
    """start, start + step, ... up to and *including* end: ⌊(end - start)/step⌋ + 1 numbers, in
    the default float dtype unless `dtype` is given (also for int arguments, unlike `arange`).
    Deprecated in PyTorch (a UserWarning says so, here too): prefer `tg.arange(start, end + step,
    step)` or `tg.arange`'s half-open range.

    >>> import warnings
    >>> import tinygrad_edu as tg
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     tg.range(1, 4, 0.5)
    tensor([1.0000, 1.5000, 2.0000, 2.5000, 3.0000, 3.5000, 4.0000])
    """
    warnings.warn(_RANGE_WARNING, UserWarning, stacklevel=2)
    dtype = _float_dtype(dtype, "range")
    if dtype.kind == "b":
        raise NotImplementedForDtype("\"range_cpu\" not implemented for 'Bool'")
    # PyTorch computes in the accumulate type: int64 for integer dtypes (the arguments truncated
    # to integers first), double for floats
    convert = int if dtype.kind in "iu" else float
    first, last, gap = (convert(_number(v)) for v in (start, end, step))
    if gap == 0:
        raise RuntimeError("range: step must be nonzero")
    if not (math.isfinite(first) and math.isfinite(last)):
        raise RuntimeError(f"range: unsupported range: {first} -> {last}")
    if (gap > 0 and last < first) or (gap < 0 and last > first):
        raise RuntimeError(f"range: upper bound and lower bound inconsistent with step sign (start={start}, "
                           f"end={end}, step={step})")
    if convert is int:
        size = abs(last - first) // abs(gap) + 1  # (C++'s integer division, truncating)
        values = first + gap * np.arange(size, dtype=np.int64)
    else:
        size = int((last - first) / gap + 1)
        values = first + gap * np.arange(size, dtype=np.float64)
    result = _finish(values.astype(dtype), requires_grad, device, "range")
    return written_to(out, "range", result)


def chain_matmul(*matrices: Tensor, out=None) -> Tensor:
    """A₁ A₂ ⋯ Aₙ for 2-D tensors given as separate arguments, multiplied in the cheapest
    order: `tg.linalg.multi_dot(matrices)` (one matrix comes back as a copy). Deprecated in
    PyTorch, which warns (a UserWarning, here too).

    >>> import warnings
    >>> import tinygrad_edu as tg
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     tg.chain_matmul(tg.ones(2, 3), tg.ones(3, 4), tg.ones(4, 1))
    tensor([[12.],
            [12.]])
    """
    warnings.warn(_CHAIN_MATMUL_WARNING, UserWarning, stacklevel=2)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for i, m in enumerate(matrices):
        if not isinstance(m, Tensor):
            raise TypeError(f"chain_matmul(): argument {i} must be a Tensor, not {type(m).__name__}")
        if m.ndim != 2:
            raise RuntimeError(f"chain_matmul(): Tensor dimension is {m.ndim}, expected 2 instead (matrix {i} "
                               f"has shape {m.shape})")
    for i, m in enumerate(matrices[1:], 1):
        if m.dtype != matrices[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{matrices[0].dtype} and tensor {i} {m.dtype}")
    if len(matrices) == 1:
        return written_to(out, "chain_matmul", matrices[0].clone(), same_dtype=True)
    from .linalg import multi_dot

    return written_to(out, "chain_matmul", multi_dot(list(matrices)), same_dtype=True)
