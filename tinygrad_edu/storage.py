"""The memory behind tensors, as PyTorch's `Tensor.untyped_storage()` and `Tensor.storage()` show it.

A tensor here holds a numpy array, and a view (reshape, transpose, a basic slice, expand,
as_strided) holds an array that looks into another array's memory. The array that owns the
memory -- found by following numpy's `.base` links -- is the tensor's storage: `t` and
`t.view(2, 8)` share it, so their storages have the same `data_ptr()`, as in PyTorch ("Tensor
Views" in PyTorch's documentation). `storage_offset()` and `stride()` (counted in elements) say
where in it a tensor's elements are.

These objects describe that memory (its address and size) and read it. They do not write: a
write that goes around the tensors would go around autograd's version counters too.

>>> import tinygrad_edu as tg
>>> t = tg.zeros(4, 4)
>>> t.untyped_storage().data_ptr() == t.view(2, 8).untyped_storage().data_ptr()
True
>>> t.untyped_storage().nbytes(), t[1:].storage_offset()
(128, 4)
"""
from __future__ import annotations

import numpy as np

from .devices import device


def root_array(array: np.ndarray) -> np.ndarray:
    """The array that owns `array`'s memory: its `.base`, and that one's, ... (numpy's
    as_strided and broadcast_to put a small wrapper object between a view and its base)."""
    while True:
        base = array.base
        if isinstance(base, np.ndarray):
            array = base
        elif isinstance(getattr(base, "base", None), np.ndarray):  # (numpy's DummyArray wrapper)
            array = base.base
        else:
            return array


def address(array: np.ndarray) -> int:
    """The memory address of an array's first element."""
    return int(array.__array_interface__["data"][0])


def elements_of(array: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """The memory that owns `array`, as a 1-D array of `dtype` (no copy): the storage that
    `as_strided` reads with its strides."""
    root = root_array(array)
    if not (root.flags.c_contiguous or root.flags.f_contiguous):
        raise RuntimeError(f"as_strided: this tensor's memory (an array of shape {root.shape} with byte strides "
                           f"{root.strides}) is not one contiguous block; use .contiguous() first")
    return root.reshape(-1, order="A").view(np.uint8).view(dtype)


class UntypedStorage:
    """The bytes of a tensor's memory (`Tensor.untyped_storage()`): `data_ptr()`, `nbytes()`
    (also `size()` and `len()`: an untyped storage counts bytes), `element_size()` (1),
    `device`, and reading: `storage[i]` and `tolist()` give the bytes as ints."""

    def __init__(self, array: np.ndarray) -> None:
        self._memory = root_array(array)  # (keeps the memory alive as long as this object)

    def data_ptr(self) -> int:
        """The memory address of the first byte."""
        return address(self._memory)

    def nbytes(self) -> int:
        return int(self._memory.nbytes)

    def size(self) -> int:
        """The number of bytes."""
        return self.nbytes()

    def __len__(self) -> int:
        return self.nbytes()

    def element_size(self) -> int:
        """1: an untyped storage is counted in bytes."""
        return 1

    @property
    def device(self) -> device:
        return device("cpu")

    def _bytes(self) -> np.ndarray:
        root = self._memory
        flat = root.reshape(-1, order="A") if root.flags.c_contiguous or root.flags.f_contiguous else root.ravel()
        return flat.view(np.uint8) if flat.size else np.zeros(0, np.uint8)

    def __getitem__(self, index: int) -> int:
        return int(self._bytes()[index])

    def tolist(self) -> list:
        return self._bytes().tolist()

    def __repr__(self) -> str:
        lines = [f" {value}" for value in self.tolist()]
        return "\n".join(lines + [f"[tinygrad_edu.storage.UntypedStorage(device=cpu) of size {self.nbytes()}]"])


class TypedStorage:
    """A tensor's memory as elements of its dtype (`Tensor.storage()`, which PyTorch deprecates in
    favour of `untyped_storage()`): `dtype`, `data_ptr()`, `size()` and `len()` (elements),
    `nbytes()`, `element_size()`, `device`, `untyped()`, and reading with `storage[i]` and `tolist()`."""

    def __init__(self, array: np.ndarray, dtype: np.dtype) -> None:
        self._untyped = UntypedStorage(array)
        self.dtype = np.dtype(dtype)

    def data_ptr(self) -> int:
        return self._untyped.data_ptr()

    def nbytes(self) -> int:
        return self._untyped.nbytes()

    def element_size(self) -> int:
        return int(self.dtype.itemsize)

    def size(self) -> int:
        """The number of elements of `dtype` the memory holds."""
        return self.nbytes() // self.element_size()

    def __len__(self) -> int:
        return self.size()

    @property
    def device(self) -> device:
        return device("cpu")

    def untyped(self) -> UntypedStorage:
        return self._untyped

    def _elements(self) -> np.ndarray:
        return self._untyped._bytes()[:self.size() * self.element_size()].view(self.dtype)

    def __getitem__(self, index: int):
        return self._elements()[index].item()

    def tolist(self) -> list:
        return self._elements().tolist()

    def __repr__(self) -> str:
        lines = [f" {value}" for value in self.tolist()]
        return "\n".join(lines + [f"[tinygrad_edu.storage.TypedStorage(dtype={self.dtype}, device=cpu) of size "
                                  f"{self.size()}]"])
