"""Tensors that share memory, saved once: PyTorch's layout of a storage plus (offset, size, stride).

A tensor here holds a numpy array, and a view (a slice, a transpose, expand, ...) holds an array
that looks into the memory of the array that owns it (`storage.root_array`): that memory is the
tensor's storage. `tg.save` writes each storage once, whole, and for each tensor the dtype, shape,
strides and offset (counted in elements, as `Tensor.stride()` and `storage_offset()`) that find its
elements in it. `tg.load` reads each storage once and makes every tensor an array *on* it. So, as
PyTorch's note "Serialization semantics" describes:

- tensors saved sharing memory load sharing memory: save `numbers` and `numbers[1::2]` together,
  and writing into the loaded view changes the loaded `numbers`;
- a view brings its whole storage with it: a saved `large[0:5]` loads with all of `large`'s
  memory behind it; save `large[0:5].clone()` to save five elements.

Tensors loaded on one storage also share one version counter, as views do here, so autograd
notices a change made through any of them. (PyTorch gives each loaded tensor its own counter.)
"""
from __future__ import annotations

import math
import re

import numpy as np

from . import dtype as _dtype
from ._npz_reader import DamagedFile
from .ops.strided import storage_places
from .storage import address, root_array
from .tensor import Tensor

_DTYPE_TEXT = re.compile(r"[<>|][biufc][0-9]{1,2}")  # numpy's dtype.str of a plain number: '<f8'
_MAX_DIMS = 64  # numpy's limit on dims
_MAX_EXTENT = 2 ** 62  # sizes, strides and offsets stay below this, so numpy's int64 byte counts cannot overflow
_KEYS = {"storage", "dtype", "shape", "stride", "offset"}
_FLAGS = {"requires_grad", "parameter"}


# ---- saving ---------------------------------------------------------------------------------------

class StorageWriter:
    """Collects the storages behind the tensors being saved: each memory once, with one dtype."""

    def __init__(self) -> None:
        self.storages: list[np.ndarray] = []  # (also keeps the arrays alive, so their ids stay unique)
        self._number: dict[int, int] = {}  # id(array owning the memory) -> its storage number
        self._dtype: list[np.dtype] = []  # the dtype of the tensors saved on each storage

    def describe(self, tensor: Tensor, where: str) -> dict:
        """Where `tensor`'s elements are: its storage's number, its dtype, shape, strides, offset."""
        data = tensor.data if isinstance(tensor.data, np.ndarray) else np.asarray(tensor.data)
        root = root_array(data)
        layout = _layout(data, root)
        if layout is None:  # a layout PyTorch has no word for (e.g. numpy's negative strides):
            root = np.array(data, order="C")  # the elements alone, as a storage of their own
            layout = _layout(root, root)
        offset, strides = layout
        number = self._number.get(id(root))
        if number is None:
            number = self._number[id(root)] = len(self.storages)
            self.storages.append(root)
            self._dtype.append(data.dtype)
        elif self._dtype[number] != data.dtype:  # (PyTorch refuses this too: a storage has one dtype)
            raise RuntimeError(f"save: cannot save tensors that view the same memory as different dtypes: {where} "
                               f"is {data.dtype}, a tensor saved before it on that memory is {self._dtype[number]}; "
                               f"save a .clone() of one of them")
        entry = {"storage": number, "dtype": data.dtype.str, "shape": list(data.shape), "stride": strides,
                 "offset": offset}
        if tensor.requires_grad:
            entry["requires_grad"] = True
        if _is_parameter(tensor):
            entry["parameter"] = True
        return entry


def _layout(array: np.ndarray, root: np.ndarray) -> tuple[int, list[int]] | None:
    """(offset, strides) of `array` inside `root`'s memory, in elements, or None when PyTorch's
    layout cannot say where its elements are: memory in pieces, negative strides, or steps and an
    offset that are not whole elements (numpy's `.view(dtype)` can make those)."""
    if not (root.flags.c_contiguous or root.flags.f_contiguous) or root.dtype.kind not in "biufc":
        return None
    size = array.itemsize
    start = address(array) - address(root)
    if start < 0 or start % size or any(s < 0 or s % size for s in array.strides):
        return None
    last = start + sum((n - 1) * s for n, s in zip(array.shape, array.strides)) + size
    if start > root.nbytes or (array.size and last > root.nbytes):
        return None
    return start // size, [s // size for s in array.strides]


def _is_parameter(tensor: Tensor) -> bool:
    from .nn.parameter import Parameter  # (nn imports modules that import this one)

    return isinstance(tensor, Parameter)


# ---- loading --------------------------------------------------------------------------------------

class StorageReader:
    """Rebuilds the tensors of a file's table, each when first asked for: one array per storage,
    read once, and every tensor an array on it, sharing its version counter."""

    def __init__(self, table: list, read_storage) -> None:
        if not isinstance(table, list):
            raise DamagedFile(f"its tensor table is {short_repr(table)}, not a list")
        self.table = table
        self.read_storage = read_storage  # number -> the array stored as that storage
        self.storages: dict[int, tuple[np.ndarray, list]] = {}  # number -> (array, version counter)
        self.dtypes: dict[int, np.dtype] = {}  # number -> the dtype of the tensors on it
        self.tensors: dict[int, Tensor] = {}

    def tensor(self, number) -> Tensor:
        """Tensor `number` of the table; the same object each time (as torch.load keeps identity)."""
        if type(number) is not int or not 0 <= number < len(self.table):
            raise DamagedFile(f"its structure names tensor {number!r}, but its table has {len(self.table)}")
        if number not in self.tensors:
            self.tensors[number] = self._build(self.table[number])
        return self.tensors[number]

    def _storage(self, number) -> tuple[np.ndarray, list]:
        if type(number) is not int or number < 0:
            raise DamagedFile(f"a tensor names storage {number!r}, not an index")
        if number not in self.storages:
            array = self.read_storage(number)
            if not (array.flags.c_contiguous or array.flags.f_contiguous):
                raise DamagedFile(f"storage s{number} is not one block of memory")
            self.storages[number] = (array, [0])
        return self.storages[number]

    def _build(self, entry) -> Tensor:
        if not isinstance(entry, dict) or not _KEYS <= set(entry) <= _KEYS | _FLAGS:
            raise DamagedFile(f"its tensor table has an entry {short_repr(entry)}, not an object with the keys "
                              f"{sorted(_KEYS)}")
        dtype = _dtype_of(entry["dtype"])
        shape, strides = _extents(entry["shape"], "shape"), _extents(entry["stride"], "stride")
        offset = _extent(entry["offset"], "offset")
        if len(shape) != len(strides):
            raise DamagedFile(f"a tensor has shape {shape} but {len(strides)} strides")
        memory, counter = self._storage(entry["storage"])
        first = self.dtypes.setdefault(entry["storage"], dtype)
        if first != dtype:  # (StorageWriter refuses to save that: a storage has one dtype)
            raise DamagedFile(f"storage s{entry['storage']} is read as {first} by one tensor and as {dtype} by "
                              f"another; tg.save writes one dtype per storage")
        size = dtype.itemsize
        elements = memory.nbytes // size
        numel = math.prod(shape)
        last = offset + sum((n - 1) * s for n, s in zip(shape, strides))  # the last element it reads
        if (last >= elements if numel else offset > elements):
            raise DamagedFile(f"a tensor of shape {shape}, strides {strides} and offset {offset} reaches beyond its "
                              f"storage s{entry['storage']} of {elements} elements of {dtype}")
        whole = offset == 0 and shape == list(memory.shape) and dtype == memory.dtype and \
            tuple(s * size for s in strides) == memory.strides
        if whole:
            array = memory
        else:
            try:
                array = np.ndarray(tuple(shape), dtype, buffer=memory, offset=offset * size,
                                   strides=tuple(s * size for s in strides))
            except (ValueError, TypeError, OverflowError) as err:
                raise DamagedFile(f"a tensor of shape {shape} cannot be laid on its storage ({err})") from err
            if _overlapping(shape, strides, elements):
                array.flags.writeable = False  # (as expand's broadcast views: no one meaning for a write)
        return _tensor_on(array, counter, entry)


def _tensor_on(array: np.ndarray, counter: list, entry: dict) -> Tensor:
    requires_grad, parameter = entry.get("requires_grad", False), entry.get("parameter", False)
    if not isinstance(requires_grad, bool) or not isinstance(parameter, bool):
        raise DamagedFile(f"a tensor's requires_grad or parameter flag is {short_repr(entry)}, not true or false")
    if requires_grad and not _dtype.is_differentiable(array.dtype):
        raise DamagedFile(f"a tensor of dtype {array.dtype} is marked as requiring grad")
    if parameter:
        from .nn.parameter import Parameter

        tensor = Parameter(array, requires_grad=requires_grad)
    else:
        tensor = Tensor._make(array, None, requires_grad)
    tensor._version_counter = counter  # shared with the other tensors on this storage
    return tensor


def _overlapping(shape: list, strides: list, elements: int) -> bool:
    """Whether two elements of this layout are one place in memory (expand's stride 0, overlapping
    as_strided windows). Sorted by stride, a dim that steps past everything the smaller ones reach
    adds only new places; otherwise the places are counted (at most `elements` of them, or there
    are more elements than places)."""
    numel = math.prod(shape)
    if numel == 0:
        return False
    reach = 0
    for stride, n in sorted((s, n) for n, s in zip(shape, strides) if n > 1):
        if stride <= reach:
            break
        reach += (n - 1) * stride
    else:
        return False
    if numel > elements:
        return True
    places = storage_places(tuple(shape), tuple(strides), 0)
    return np.unique(places).size < numel


def _dtype_of(text) -> np.dtype:
    """The dtype saved as numpy's `dtype.str` ('<f8', '|b1', '>i4'), refusing anything else."""
    try:
        dtype = np.dtype(text) if isinstance(text, str) and _DTYPE_TEXT.fullmatch(text) else None
    except (TypeError, ValueError):
        dtype = None
    if dtype is None or dtype.str != text:
        raise DamagedFile(f"a tensor has dtype {short_repr(text)}, not a numeric dtype as numpy writes it ('<f8')")
    return dtype


def _extent(value, what: str) -> int:
    if type(value) is not int or not 0 <= value < _MAX_EXTENT:
        raise DamagedFile(f"a tensor has {what} {short_repr(value)}, not a non-negative int")
    return value


def _extents(values, what: str) -> list[int]:
    if not isinstance(values, list) or len(values) > _MAX_DIMS:
        raise DamagedFile(f"a tensor has {what} {short_repr(values)}, not a list of at most {_MAX_DIMS} ints")
    return [_extent(v, what) for v in values]


def short_repr(value) -> str:
    """repr(value), cut to 60 characters, for naming a damaged entry in a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
