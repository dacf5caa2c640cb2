"""`tg.asarray` (a tensor sharing memory with its input when it can, as `torch.asarray`) and
`tg.typename` (an object's type as a string, as `torch.typename`).

>>> import numpy as np
>>> import tinygrad_edu as tg
>>> a = np.zeros(3)
>>> t = tg.asarray(a)
>>> t[0] = 5.0  # the same memory as `a`
>>> a
array([5., 0., 0.])
>>> tg.typename(t), tg.typename(3)
('tinygrad_edu.DoubleTensor', 'int')
"""
from __future__ import annotations

import warnings

import numpy as np

from . import dtype as _dtype
from .creation import tensor as _new_tensor
from .devices import check_device
from .tensor import Tensor

__all__ = ["asarray", "typename"]

_UNSET = object()  # requires_grad not given: PyTorch 2.13 then keeps a tensor's requires_grad


def _short_name(dtype: np.dtype) -> str:
    """PyTorch's name in its aliasing error: 'Double', 'Float', 'Long', ..."""
    return _dtype.LEGACY_NAMES[dtype].removesuffix("Tensor")


def _no_alias(have: np.dtype, want: np.dtype):
    raise ValueError(f"can't alias tensor with dtype '{_short_name(have)}' into dtype '{_short_name(want)}'.")


def asarray(obj, *, dtype=None, device=None, copy: bool | None = None, requires_grad=_UNSET) -> Tensor:
    """`obj` (a Tensor, a numpy array or scalar, a number or a nested list) as a tensor, as
    `torch.asarray`. A Tensor or an ndarray of the wanted dtype is shared, not copied (the Tensor
    itself is returned), unless `copy=True`; `copy=False` raises ValueError when sharing is
    impossible (another dtype, or a list). Casting a Tensor or copying it keeps it in the graph.

    `requires_grad`: left out, a Tensor's own setting is kept (PyTorch 2.13 warns then, and so
    do we); False gives a result cut off from the graph; True makes the result require grad
    (only float dtypes can: RuntimeError otherwise).
    """
    check_device(device, "asarray")
    want = None if dtype is None else _dtype.as_dtype(dtype, "asarray")
    if isinstance(obj, Tensor):
        result = _from_tensor(obj, want, copy)
    elif isinstance(obj, (np.ndarray, np.generic)):
        result = _from_array(np.asarray(obj), want, copy)
    else:
        if copy is False:
            raise ValueError("can't alias arbitrary sequence into a tensor.")
        result = _new_tensor(obj, dtype=want)
    return _set_requires_grad(result, obj, requires_grad)


def _from_tensor(obj: Tensor, want: np.dtype | None, copy: bool | None) -> Tensor:
    if want is not None and want != obj.dtype:
        if copy is False:
            _no_alias(obj.dtype, want)
        return obj.to(want)
    return obj.clone() if copy else obj


def _from_array(array: np.ndarray, want: np.dtype | None, copy: bool | None) -> Tensor:
    if want is not None and want != array.dtype:
        if copy is False:
            _no_alias(array.dtype, want)
        return Tensor(array.astype(want))
    return Tensor(array.copy() if copy else array)  # Tensor(ndarray) shares the array's memory


def _set_requires_grad(result: Tensor, obj, requires_grad) -> Tensor:
    if requires_grad is _UNSET:
        if isinstance(obj, Tensor) and obj.requires_grad:
            warnings.warn("tg.asarray: unspecified requires_grad now defaults to obj.requires_grad instead of "
                          "False. Pass requires_grad=False explicitly to get the old behavior and silence "
                          "this warning.", UserWarning, stacklevel=3)
        return result
    if not requires_grad:
        return result.detach() if result.requires_grad else result
    if not result.requires_grad:
        if not _dtype.is_differentiable(result.dtype):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        result.requires_grad_()
    return result


def typename(obj, /) -> str:
    """The type of `obj` as a string, as `torch.typename`: a Tensor's legacy type
    (`'tinygrad_edu.FloatTensor'`, like `t.type()`), else `module.QualifiedName` (just the name for
    builtins: `'int'`, `'NoneType'`); a class names itself.

    >>> import tinygrad_edu as tg
    >>> tg.typename(tg.nn.Linear(1, 1))
    'tinygrad_edu.nn.layers.Linear'
    """
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    if module in {"", "builtins"}:
        return qualname
    return f"{module}.{qualname}"
