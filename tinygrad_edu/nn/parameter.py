"""`Parameter`: a tensor that a `Module` owns and an optimizer updates.

In PyTorch a Parameter is a Tensor subclass. Here the engine recognises tensors by
`x.__class__ is Tensor` in its hot path (one pointer comparison per argument), so a subclass
would be invisible to it. Instead `nn.Parameter(data)` returns a plain leaf `Tensor` with
`requires_grad=True` and remembers it: `isinstance(p, nn.Parameter)` is true exactly for tensors
made by `nn.Parameter`, as in PyTorch, while `type(p) is Tensor`.
"""
from __future__ import annotations

import weakref

import numpy as np

from ..tensor import Tensor

# id(tensor) -> weak reference to it; the entry disappears with the tensor.
# (Not a WeakSet: that compares members with ==, which is elementwise for tensors.)
_made_by_parameter: dict[int, weakref.ref] = {}


def _forget(ref: weakref.ref, key: int) -> None:
    if _made_by_parameter.get(key) is ref:
        del _made_by_parameter[key]


class _ParameterMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        ref = _made_by_parameter.get(id(obj))
        return ref is not None and ref() is obj


class Parameter(metaclass=_ParameterMeta):
    """A leaf `Tensor` with `requires_grad=True` that `Module` registers when assigned.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> w = nn.Parameter(tg.zeros(2, 3))
    >>> type(w) is tg.Tensor, w.requires_grad, isinstance(w, nn.Parameter)
    (True, True, True)

    `data` may be a Tensor (its array is shared, not copied, like PyTorch), an ndarray (shared)
    or nested lists of floats.
    """

    def __new__(cls, data=None, requires_grad: bool = True) -> Tensor:  # type: ignore[misc]
        if data is None:
            array = np.zeros((0,))
        elif isinstance(data, Tensor):
            array = data.data
        elif isinstance(data, np.ndarray):
            array = data
        else:
            array = Tensor(data).data
        if requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"Parameter: only floating point data can require gradients, got dtype {array.dtype}"
            )
        param = Tensor._make(array, None, False)
        param._hooks = []
        param.requires_grad = bool(requires_grad)
        return mark_as_parameter(param)


def mark_as_parameter(tensor: Tensor) -> Tensor:
    """Make `isinstance(tensor, Parameter)` true (used for copies of a module's parameters)."""
    key = id(tensor)
    _made_by_parameter[key] = weakref.ref(tensor, lambda ref, key=key: _forget(ref, key))
    return tensor
