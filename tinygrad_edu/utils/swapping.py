"""`tg.utils.swap_tensors(t1, t2)` (PyTorch's `torch.utils.swap_tensors`): two Tensor objects
trade everything they hold, so that `t1` keeps its identity (every reference to it: a Module's
attribute, an optimizer's parameter list, a dict key) and gets the content of `t2`."""
from __future__ import annotations

import weakref

from ..nn.parameter import _made_by_parameter, mark_as_parameter
from ..tensor import Tensor


def swap_tensors(t1: Tensor, t2: Tensor) -> None:
    """Swap the contents of `t1` and `t2`: their class, data (memory, version counter),
    `requires_grad`, `grad_fn`, `.grad`, every other attribute, and being an `nn.Parameter`.

    Refused (`RuntimeError`), as in PyTorch, when a weak reference to either exists: its holder
    (here, for instance, a recorded graph that used the tensor as a constant) would silently see
    the other tensor. PyTorch also refuses a tensor that anything else holds and makes the
    backward of a leaf swapped while its graph is alive fail; here a graph that holds a swapped leaf
    sends its gradient to that object, which now holds the other content: swap before forward or
    after backward.

    >>> import tinygrad_edu as tg
    >>> a, b = tg.zeros(2), tg.ones(3)
    >>> alias = a
    >>> swap_tensors(a, b)
    >>> alias, b
    (tensor([1., 1., 1.]), tensor([0., 0.]))
    """
    for name, t in (("t1", t1), ("t2", t2)):
        if not isinstance(t, Tensor):
            raise TypeError(f"swap_tensors: {name} must be a Tensor, got {type(t).__name__}")
    mark1, mark2 = _parameter_mark(t1), _parameter_mark(t2)
    for name, t, mark in (("t1", t1, mark1), ("t2", t2, mark2)):
        if any(ref is not mark for ref in weakref.getweakrefs(t)):
            raise RuntimeError(f"Cannot swap {name} because it has weakref associated with it")
    slots = _slot_names(type(t1))
    if slots != _slot_names(type(t2)):
        raise RuntimeError("Cannot swap t1 and t2 if they have different slots")
    t1.__class__, t2.__class__ = t2.__class__, t1.__class__
    t1.__dict__, t2.__dict__ = t2.__dict__, t1.__dict__
    missing = object()
    for slot in slots:
        first, second = getattr(t1, slot, missing), getattr(t2, slot, missing)
        _set_or_delete(t1, slot, second, missing)
        _set_or_delete(t2, slot, first, missing)
    if (mark1 is None) != (mark2 is None):  # PyTorch swaps the class Parameter; here it is a mark
        was, now = (t1, t2) if mark1 is not None else (t2, t1)
        del _made_by_parameter[id(was)]
        mark_as_parameter(now)


def _parameter_mark(t: Tensor):
    """The weak reference that makes `isinstance(t, nn.Parameter)` true (nn/parameter.py keeps
    one per parameter, by id), or None. It is no outside holder, so it does not prevent a swap."""
    ref = _made_by_parameter.get(id(t))
    return ref if ref is not None and ref() is t else None


def _slot_names(cls: type) -> set[str]:
    """The slots of `cls` and its bases that hold values (not __dict__ and __weakref__)."""
    names = set()
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names.update((slots,) if isinstance(slots, str) else slots)
    return names - {"__dict__", "__weakref__"}


def _set_or_delete(t: Tensor, slot: str, value, missing) -> None:
    if value is not missing:
        setattr(t, slot, value)
    elif hasattr(t, slot):
        delattr(t, slot)
