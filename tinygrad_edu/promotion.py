"""PyTorch's public type promotion functions: `tg.promote_types`, `tg.result_type`, `tg.can_cast`.

PyTorch's rule (its documentation, "Type promotion") differs from numpy's: the operands fall
into three groups -- tensors with dimensions, 0-d tensors, and Python numbers -- and a group of
lower priority changes the result only when its *category* (bool < integer < float) is higher.
A Python float counts as the default float dtype, a Python int as int64, a bool as bool.

>>> import tinygrad_edu as tg
>>> tg.result_type(tg.tensor([1, 2]), 2.5) == tg.get_default_dtype()  # numpy would keep float64 too
True
>>> tg.result_type(tg.tensor([1.0], dtype=tg.float32), tg.tensor(2.0, dtype=tg.float64))
dtype('float32')
>>> tg.promote_types(tg.uint8, tg.int8), tg.can_cast(tg.float32, tg.int64)
(dtype('int16'), False)
"""
from __future__ import annotations

import numbers

import numpy as np

from . import dtype as _dtype
from .tensor import Tensor

__all__ = ["can_cast", "promote_types", "result_type"]


def _check_dtype(value, op: str, arg: str) -> np.dtype:
    """PyTorch accepts only dtype objects here (not strings or Python types): TypeError otherwise."""
    if not isinstance(value, np.dtype) or value.kind not in "biuf":
        raise TypeError(f"{op}(): argument '{arg}' must be a dtype such as tg.float32, "
                        f"not {type(value).__name__}")
    return value


def promote_types(type1: np.dtype, type2: np.dtype) -> np.dtype:
    """The smallest dtype both `type1` and `type2` can be cast to, as `torch.promote_types`:
    any float absorbs any integer (int64 with float16 is float16), within a category the larger
    size wins, and uint8 with int8 is int16.

    >>> import tinygrad_edu as tg
    >>> tg.promote_types(tg.int64, tg.float16)
    dtype('float16')
    """
    return _dtype.promote_types(_check_dtype(type1, "promote_types", "type1"),
                                _check_dtype(type2, "promote_types", "type2"))


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """Two priority groups' dtypes combined (None: the group is empty)."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    return _dtype.combine_categories(higher, lower)


def _number_dtype(value) -> np.dtype:
    """The dtype a Python number stands for: bool, int64, or the default float dtype."""
    if isinstance(value, (bool, np.bool_)):
        return _dtype.bool_
    if isinstance(value, numbers.Integral):
        return _dtype.int64
    if isinstance(value, numbers.Real):
        return _dtype.get_default_dtype()
    raise TypeError(f"result_type(): expected Tensors or Python numbers (bool, int, float), "
                    f"got {type(value).__name__}")


def result_type(tensor1, tensor2) -> np.dtype:
    """The dtype of an arithmetic op on `tensor1` and `tensor2` (Tensors or Python numbers), as
    `torch.result_type`: `int64 tensor + 2.5` is the default float dtype, `float32 tensor +
    0-d float64 tensor` stays float32, `int32 tensor + 0-d float64 tensor` is float64.

    >>> import tinygrad_edu as tg
    >>> tg.result_type(tg.tensor([True]), 2)
    dtype('int64')
    """
    groups: dict[str, np.dtype | None] = {"dims": None, "zero": None, "number": None}
    for operand in (tensor1, tensor2):
        if isinstance(operand, Tensor):
            key, dt = ("dims" if operand.ndim > 0 else "zero"), operand.dtype
        else:
            key, dt = "number", _number_dtype(operand)
        groups[key] = dt if groups[key] is None else _dtype.promote_types(groups[key], dt)
    return _combine(groups["dims"], _combine(groups["zero"], groups["number"]))


def can_cast(from_: np.dtype, to: np.dtype) -> bool:
    """Whether PyTorch's promotion allows casting `from_` to `to` (as `torch.can_cast`): a float
    never to an integer or bool, an integer never to bool; everything else (also narrowing, e.g.
    float64 to float16) is allowed.

    >>> import tinygrad_edu as tg
    >>> tg.can_cast(tg.float64, tg.float16), tg.can_cast(tg.int64, tg.bool)
    (True, False)
    """
    source = _check_dtype(from_, "can_cast", "from_")
    target = _check_dtype(to, "can_cast", "to")
    return _dtype.can_cast(source, target)
