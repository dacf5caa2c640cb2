"""Argument checks shared by the functional ops, the exception types they raise (defined in
errors.py, with `tg.ShapeError`; re-exported here for the functional modules), and `constant`,
which wraps a numpy array the ops computed (a mask, an index table) as a Tensor without gradient.

PyTorch reports a bad argument value or dtype with `RuntimeError` (or `NotImplementedError`, a
subclass of it) where Python convention says `ValueError` or `TypeError`. These exceptions are
both, so `except RuntimeError` (ported code) and `except ValueError` (Python habit) each work --
the same choice as `tg.ShapeError`.
"""
from __future__ import annotations

import numpy as np

from ...autograd.function import named_as_pytorch  # noqa: F401 (re-exported for the losses)
from ...dtype import default_dtype_hint
from ...errors import ArgumentDtypeError, ArgumentValueError, NotImplementedForDtype, ShapeError  # noqa: F401 (re-exported)
from ...tensor import Tensor


class FloatOnlyError(NotImplementedForDtype, ArgumentDtypeError):
    """An op PyTorch defines for floating point tensors only: a NotImplementedError, as PyTorch
    raises ("not implemented for 'Long'"), and a TypeError."""


def constant(array: np.ndarray) -> Tensor:
    """`array` as a Tensor outside the graph (no gradient flows into it)."""
    return Tensor._make(array, None, False)


def check_tensor(x, op: str, what: str = "input") -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {what} must be a Tensor, got {type(x).__name__}")


def check_float(x, op: str, what: str = "input") -> None:
    """A Tensor with a floating point dtype."""
    check_tensor(x, op, what)
    if x.data.dtype.kind != "f":
        raise ArgumentDtypeError(f"{op}: {what} must be a floating point tensor, got dtype {x.dtype} "
                                 f"(convert with .float() or .double())")


def check_float_only(x, op: str) -> None:
    """As check_float, for the ops PyTorch leaves unimplemented for integers: FloatOnlyError."""
    check_tensor(x, op)
    if x.data.dtype.kind != "f":
        raise FloatOnlyError(f"{op}: not implemented for integer or bool tensors (got dtype {x.dtype}); "
                             f"convert with .float() or .double()")


def check_same_dtype(op: str, **tensors) -> None:
    """Tensors that an op combines without promoting (F.linear's input and weight, a loss's input
    and target or class weights) must share one dtype, as in PyTorch: a float32 batch through a
    float64 layer is an error there, not a silent float64 result. None entries are skipped.
    Raises ArgumentDtypeError (a RuntimeError, PyTorch's type, and a TypeError)."""
    named = [(name, t) for name, t in tensors.items() if t is not None]
    (first_name, first), *others = named
    for name, t in others:
        if t.dtype != first.dtype:
            raise ArgumentDtypeError(
                f"{op}: {first_name} has dtype {first.dtype} but {name} has dtype {t.dtype}; they must have "
                f"the same dtype (PyTorch does not convert them either): convert one, e.g. "
                f"{first_name}.to({name}.dtype){default_dtype_hint(first.dtype, t.dtype)}")


def as_float_tensor(value, like: Tensor, op: str, what: str = "target") -> Tensor:
    """A target-like argument as a Tensor of `like`'s float dtype (numbers and lists are accepted,
    integer tensors are converted as PyTorch's type promotion would)."""
    if isinstance(value, Tensor):
        if value.data.dtype.kind == "f":
            return value
        return Tensor._make(value.data.astype(like.data.dtype), None, False)
    try:
        array = np.asarray(value, dtype=like.data.dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: {what} must be a Tensor or numbers, got {type(value).__name__}") from None
    return Tensor._make(array, None, False)


def check_same_shape(input: Tensor, target: Tensor, op: str) -> None:
    """Elementwise losses compare element by element: a target that would broadcast ((N, 1)
    against (N,) makes an N×N table of errors) is almost always a bug, so it is an error here."""
    if target.shape != input.shape:
        raise ValueError(f"{op}: input of shape {input.shape} and target of shape {target.shape} "
                         f"must have the same shape")


def check_broadcast(op: str, **tensors: Tensor) -> None:
    """ShapeError (a RuntimeError, as PyTorch's) naming every shape when they do not broadcast."""
    try:
        np.broadcast_shapes(*(t.shape for t in tensors.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {t.shape}" for name, t in tensors.items())
        raise ShapeError(f"{op}: shapes {shapes} cannot be broadcast together") from None


def legacy_reduction(size_average, reduce, reduction: str) -> str:
    """PyTorch's old `size_average=` / `reduce=` flags, mapped to `reduction=` (with its warning):
    reduce=False gives 'none', else size_average=False gives 'sum', else 'mean'."""
    if size_average is None and reduce is None:
        return reduction
    import warnings

    if reduce is not None and not reduce:
        result = "none"
    elif size_average is not None and not size_average:
        result = "sum"
    else:
        result = "mean"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{result}' "
                  f"instead.", UserWarning, stacklevel=3)
    return result
