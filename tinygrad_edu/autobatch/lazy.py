"""The lazy value: what a Tensor holds in `.data` while its op waits to be run in a batch.

A `Pending` knows what the code that records ops asks of `.data` all the time -- `shape`,
`dtype`, `ndim`, `size` -- from the op's shape rule, so recording the next op needs no numbers.
Anything else (`np.asarray(t.data)`, `t.data + 1`, `t.data.reshape`, `t.item()`, `print(t)`)
*forces* it: every op waiting in the agenda runs, batched, and the owning Tensor's `.data` becomes
the real array. A Pending that escaped into another Tensor (`t.detach()` shares `.data`) keeps
answering with that array afterwards.
"""
from __future__ import annotations

from math import prod

import numpy as np


class Pending:
    """The placeholder array of a Tensor whose op has been recorded but not yet run."""

    __slots__ = ("shape", "dtype", "ndim", "base", "record", "value", "__weakref__")

    def __init__(self, shape: tuple, dtype: np.dtype, record, base=None) -> None:
        self.shape = shape
        self.dtype = dtype
        self.ndim = len(shape)
        # Tensor.__getitem__ asks `.base is not None` to learn that basic indexing made a view
        self.base = base
        self.record = record  # the op that will compute it (None once computed)
        self.value = None  # the array, once computed

    @property
    def size(self) -> int:
        return prod(self.shape)

    def force(self) -> np.ndarray:
        """Run everything pending (batched) and return this value's array."""
        if self.value is None:
            self.record.recorder.flush()
            if self.value is None:  # flushing failed earlier and left this one uncomputed
                raise RuntimeError(
                    f"autobatch: this value (shape {self.shape}) was never computed, because an "
                    f"earlier error stopped the pending operations; fix that error first")
        return self.value

    def __array__(self, dtype=None, copy=None):
        value = self.force()
        return value if dtype is None else value.astype(dtype)

    def __getattr__(self, name: str):  # anything not known in advance: compute, then ask the array
        if name.startswith("__array_"):  # numpy's protocol probes (__array_interface__, ...)
            raise AttributeError(name)
        return getattr(self.force(), name)

    def __len__(self) -> int:
        return len(self.force())

    def __iter__(self):
        return iter(self.force())

    def __repr__(self) -> str:
        if self.value is not None:
            return repr(self.value)
        return f"<pending array of shape {self.shape} and dtype {self.dtype}>"

    __hash__ = object.__hash__


def _delegate(name: str):
    def method(self, *args):
        return getattr(self.force(), name)(*args)

    method.__name__ = name
    return method


# Operators are looked up on the class, never through __getattr__, so each is spelled out.
for _name in (
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
    "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__",
    "__matmul__", "__rmatmul__", "__neg__", "__pos__", "__abs__", "__invert__", "__and__", "__rand__",
    "__or__", "__ror__", "__xor__", "__rxor__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__",
    "__ge__", "__getitem__", "__setitem__", "__contains__", "__bool__", "__float__", "__int__",
    "__index__", "__complex__", "__format__", "__str__", "__iadd__", "__isub__", "__imul__",
    "__itruediv__", "__copy__", "__deepcopy__", "__reduce__", "__reduce_ex__",
):
    setattr(Pending, _name, _delegate(_name))
del _name
