"""The memory behind tensors, as PyTorch's `Tensor.untyped_storage()` and `Tensor.storage()` show it.

A tensor here holds a numpy array, and a view (reshape, transpose, a basic slice, expand,
as_strided) holds an array that looks into another array's memory. The array that owns the
memory -- found by following numpy's `.base` links -- is the tensor's storage: `t` and
`t.view(2, 8)` share it, so their storages have the same `data_ptr()`, as in PyTorch ("Tensor
Views" in PyTorch's documentation). `storage_offset()` and `stride()` (counted in elements) say
where in it a tensor's elements are.

These objects describe that memory (its address and size) and read it. They do not write: a
write that goes around the tensors would go around autograd's version counters too. PyTorch's
constructors make new memory: `tg.UntypedStorage(n)` (n bytes), `tg.UntypedStorage([1, 2])` (these
bytes), `tg.TypedStorage(n, dtype=tg.float32)` (n elements), `tg.TypedStorage([1.0, 2.0],
dtype=...)` and `tg.TypedStorage(wrap_storage=untyped, dtype=...)` (those bytes read as dtype);
new memory holds zeros here (PyTorch leaves it uninitialised).

>>> import tinygrad_edu as tg
>>> t = tg.zeros(4, 4)
>>> t.untyped_storage().data_ptr() == t.view(2, 8).untyped_storage().data_ptr()
True
>>> t.untyped_storage().nbytes(), t[1:].storage_offset()
(128, 4)
"""
from __future__ import annotations

import numpy as np

from . import dtype as _dtype
from .devices import check_device, device


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


def _size_or_sequence(args: tuple, op: str):
    """The one positional argument of a storage constructor: nothing, a size, or a sequence."""
    if len(args) > 1:
        raise RuntimeError(f"{op}(): too many positional arguments ({len(args)}); give one size or one sequence")
    if not args:
        return 0
    value = args[0]
    if isinstance(value, (int, np.integer)):
        if value < 0:
            raise RuntimeError(f"{op}(): the size must be non-negative, got {value}")
        return int(value)
    if not isinstance(value, (list, tuple, range)):
        raise TypeError(f"{op}(): expected a size (an int) or a sequence (a list), got {type(value).__name__}")
    return value


class UntypedStorage:
    """The bytes of a tensor's memory (`Tensor.untyped_storage()`): `data_ptr()`, `nbytes()`
    (also `size()` and `len()`: an untyped storage counts bytes), `element_size()` (1),
    `device`, and reading: `storage[i]` and `tolist()` give the bytes as ints.

    New memory: `tg.UntypedStorage()` (no bytes), `tg.UntypedStorage(n)` (n zero bytes),
    `tg.UntypedStorage([1, 2, 300])` (those ints as bytes, modulo 256, as PyTorch stores them).
    """

    def __init__(self, *args, device=None) -> None:
        check_device(device, "UntypedStorage")
        if args and isinstance(args[0], bool):
            raise RuntimeError("UntypedStorage(): Expected a sequence type (or an int size), but got bool")
        value = _size_or_sequence(args, "UntypedStorage")
        if isinstance(value, int):
            self._memory = np.zeros(value, np.uint8)
            return
        for item in value:
            if not isinstance(item, (int, np.integer)) or isinstance(item, bool):
                raise RuntimeError(f"UntypedStorage(): tried to construct a storage from a sequence "
                                   f"({type(value).__name__}), but one of the items was of type "
                                   f"{type(item).__name__} instead of int")
        self._memory = (np.array(value, np.int64).reshape(-1) % 256).astype(np.uint8)

    @classmethod
    def _of(cls, array: np.ndarray) -> "UntypedStorage":
        """The storage that `array`'s memory is (Tensor.untyped_storage())."""
        storage = cls.__new__(cls)
        storage._memory = root_array(array)  # (keeps the memory alive as long as this object)
        return storage

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
    `nbytes()`, `element_size()`, `device`, `untyped()`, and reading with `storage[i]` and `tolist()`.

    New memory (with PyTorch's deprecation warning, once): `tg.TypedStorage(n, dtype=tg.float32)`
    (n zeros), `tg.TypedStorage([1, 2], dtype=...)` (those values in dtype),
    `tg.TypedStorage(wrap_storage=untyped, dtype=...)` (an UntypedStorage's bytes as elements of
    dtype); the dtype is the default float dtype if not given.

    >>> import warnings
    >>> import tinygrad_edu as tg
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # (the deprecation warning)
    ...     storage = tg.TypedStorage(5, dtype=tg.float32)
    >>> storage.size(), storage.nbytes(), tg.is_storage(storage)
    (5, 20, True)
    """

    def __init__(self, *args, device=None, dtype=None, wrap_storage=None) -> None:
        from .tensor_indexing import _warn_typed_storage_once  # (it imports Tensor, which imports this module)

        _warn_typed_storage_once()
        if wrap_storage is not None:
            if args or device is not None:
                raise RuntimeError("TypedStorage(): no positional arguments or device should be given when using "
                                   "'wrap_storage'")
            if not isinstance(wrap_storage, UntypedStorage):
                raise TypeError(f"TypedStorage(): argument 'wrap_storage' must be UntypedStorage, but got "
                                f"{type(wrap_storage).__name__}")
            if dtype is None:
                raise RuntimeError("TypedStorage(): argument 'dtype' must be specified with 'wrap_storage'")
            self._untyped, self.dtype = wrap_storage, _dtype.as_dtype(dtype, "TypedStorage")
            return
        check_device(device, "TypedStorage")
        dtype = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype, "TypedStorage")
        value = _size_or_sequence(args, "TypedStorage")
        array = np.zeros(value, dtype) if isinstance(value, int) else np.array(list(value), dtype).reshape(-1)
        self._untyped, self.dtype = UntypedStorage._of(array), dtype

    @classmethod
    def _of(cls, array: np.ndarray, dtype: np.dtype) -> "TypedStorage":
        """The storage that `array`'s memory is, as elements of `dtype` (Tensor.storage())."""
        storage = cls.__new__(cls)
        storage._untyped, storage.dtype = UntypedStorage._of(array), np.dtype(dtype)
        return storage

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
