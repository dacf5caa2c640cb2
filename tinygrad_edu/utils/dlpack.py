"""`tg.utils.dlpack` (PyTorch's `torch.utils.dlpack`): tensors in and out of other libraries
through DLPack, sharing memory. `from_dlpack` takes anything with `__dlpack__` (a numpy array, a
PyTorch tensor, ...) or an old-style capsule; `to_dlpack` makes such a capsule.

>>> import numpy as np, tinygrad_edu as tg
>>> a = np.zeros(3)
>>> t = tg.from_dlpack(a)       # no copy: t and a are the same memory
>>> t[0] = 5.0
>>> a
array([5., 0., 0.])
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..devices import check_device
from ..tensor import Tensor
from ..tensor_dlpack import DLDeviceType

__all__ = ["DLDeviceType", "from_dlpack", "to_dlpack"]


def from_dlpack(ext_tensor: Any, *, device=None, copy: bool | None = None) -> Tensor:
    """A Tensor on the memory of `ext_tensor`: an object with `__dlpack__` and
    `__dlpack_device__` (numpy arrays, PyTorch tensors, another Tensor...) or a DLPack capsule
    made by a `to_dlpack` (which can be read only once). Writing into one changes the other.
    `copy=True` copies instead; `copy=False` refuses to copy. Only CPU memory can be read (numpy
    raises for a GPU tensor); `device` may only be the CPU. As `torch.from_dlpack`.

    >>> import numpy as np, tinygrad_edu as tg
    >>> tg.from_dlpack(np.arange(3))
    tensor([0, 1, 2])
    """
    check_device(device, "from_dlpack")
    if hasattr(ext_tensor, "__dlpack__"):
        return Tensor(np.from_dlpack(ext_tensor, copy=copy))
    if type(ext_tensor).__name__ != "PyCapsule":
        raise RuntimeError(f"from_dlpack: expected an object with __dlpack__ (a tensor or an array) or a DLPack "
                           f"capsule, got {type(ext_tensor).__name__}")
    try:
        array = np.from_dlpack(_Capsule(ext_tensor), copy=copy)
    except ValueError:  # numpy renames a capsule once it has read it
        raise RuntimeError("from_dlpack received an invalid capsule. Note that DLTensor capsules can be consumed "
                           "only once, so you might have already constructed a tensor from it once.") from None
    if copy:
        return Tensor(array)
    return Tensor(np.asarray(_Writable(array)))


def to_dlpack(tensor: Tensor):
    """An old-style DLPack capsule ("dltensor") sharing `tensor`'s memory, for a consumer's
    `from_dlpack` (once). As `torch.utils.dlpack.to_dlpack`, a tensor that requires grad is not
    refused (its graph is simply not part of the capsule). Prefer passing the tensor itself to
    `from_dlpack`.

    >>> import tinygrad_edu as tg
    >>> capsule = to_dlpack(tg.arange(4))
    >>> tg.from_dlpack(capsule)
    tensor([0, 1, 2, 3])
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dlpack: expected a Tensor, got {type(tensor).__name__}")
    return tensor.data.__dlpack__()


class _Capsule:
    """A bare capsule dressed as a producer, for numpy's `from_dlpack` (which asks an object for its
    capsule). The capsule itself tells numpy its device, and numpy refuses any but the CPU."""

    def __init__(self, capsule) -> None:
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self) -> tuple[DLDeviceType, int]:
        return DLDeviceType.kDLCPU, 0


class _Writable:
    """The memory of `array` again, writable. An old-style capsule cannot say whether its memory is
    read-only, so numpy marks what it reads from one read-only; PyTorch (and the producers that make
    such capsules: they refuse read-only memory) treat it as writable, and so do we. Holding `array`
    keeps the capsule's memory alive as long as the new array lives."""

    def __init__(self, array: np.ndarray) -> None:
        interface = dict(array.__array_interface__)
        interface["data"] = (interface["data"][0], False)  # (address, read-only?)
        self.__array_interface__ = interface
        self.array = array
