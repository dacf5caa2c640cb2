"""Tensors as views of memory, as PyTorch's memory functions make and describe them:

    empty_strided(size, stride)        a new tensor with the given strides (in elements)
    empty_permuted(size, layout)       a new dense tensor whose dims lie in memory in `layout` order
    frombuffer(buffer, dtype=...)      a 1-D tensor sharing the memory of a Python buffer (bytearray, array.array, ...)
    as_strided_scatter(input, src, ...) a copy of input with src written where input.as_strided(...) looks
    is_storage(obj)                    True for the objects `untyped_storage()` and `storage()` return
    set_flush_denormal(mode)           False: numpy cannot flush denormal numbers to zero
    dim_order_of(t)                    Tensor.dim_order(): the dims from outermost to innermost in memory
    reinterpret(t, dtype)              Tensor.view(dtype): the same bytes read as another dtype

Strides count elements, as in PyTorch (numpy counts bytes); the storage of a tensor is the
memory its numpy array lives in (storage.py), and as_strided's places in it (ops/strided.py).

`tinygrad_edu/__init__.py` exports every name in `__all__`.
"""
from __future__ import annotations

import warnings

import numpy as np

from . import dtype as _dtype
from . import memory_formats as _formats
from .creation import _finish, _float_dtype
from .determinism import fill_uninitialized
from .ops import GetItem, SetItem
from .ops.strided import check_geometry, input_places, storage_places
from .storage import TypedStorage, UntypedStorage, elements_of
from .tensor import Tensor

__all__ = ["empty_strided", "empty_permuted", "frombuffer", "as_strided_scatter", "is_storage",
           "set_flush_denormal"]


def _ints(values, op: str, what: str) -> tuple:
    """A size or stride argument: a sequence of ints (a list, a tuple, a tg.Size)."""
    if isinstance(values, Tensor) or not isinstance(values, (list, tuple)) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in values):
        raise TypeError(f"{op}(): argument '{what}' must be a tuple of ints, got {values!r}")
    return tuple(int(n) for n in values)


def _no_negative_sizes(size: tuple, op: str) -> None:
    for n in size:
        if n < 0:
            raise RuntimeError(f"{op}: Trying to create tensor with negative dimension {n}: {list(size)}")


# ---- new tensors with a chosen memory layout --------------------------------------------------
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
                  pin_memory: bool = False) -> Tensor:
    """A tensor of `size` whose element [i, j, ...] lies at i·stride[0] + j·stride[1] + ... in a
    new block of memory just large enough (1 + Σ (size_d - 1)·stride_d elements). PyTorch leaves
    the values uninitialised; here they are zeros (do not rely on either). A stride 0 makes
    elements share memory, as in PyTorch (writing to such a tensor is undefined there).

    >>> import tinygrad_edu as tg
    >>> tg.empty_strided((2, 3), (1, 2)).stride()
    (1, 2)
    """
    size, stride = _ints(size, "empty_strided", "size"), _ints(stride, "empty_strided", "stride")
    if len(size) != len(stride):
        raise RuntimeError(f"empty_strided: dimensionality of sizes ({len(size)}) must match dimensionality of "
                           f"strides ({len(stride)})")
    _no_negative_sizes(size, "empty_strided")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"empty_strided: Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)} (strides cannot be negative)")
    dtype = _float_dtype(dtype, "empty_strided")
    needed = 0 if 0 in size else 1 + sum((n - 1) * s for n, s in zip(size, stride))
    memory = fill_uninitialized(np.zeros(needed, dtype))
    array = np.lib.stride_tricks.as_strided(memory, size, [s * dtype.itemsize for s in stride])
    return _finish(array, requires_grad, device, "empty_strided")


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
                   pin_memory: bool = False) -> Tensor:
    """A new dense tensor of `size` whose dims lie in memory in the order `physical_layout`
    (outermost first): (0, 2, 3, 1) for an N, C, H, W tensor stored as NHWC ("channels last").
    Not `empty(size).permute(layout)`: the shape is `size`, only the strides follow the layout.
    Zeros here (PyTorch leaves the values uninitialised).

    >>> import tinygrad_edu as tg
    >>> tg.empty_permuted((2, 3, 5, 7), (0, 2, 3, 1)).stride()
    (105, 1, 21, 3)
    """
    size = _ints(size, "empty_permuted", "size")
    order = _ints(physical_layout, "empty_permuted", "physical_layout")
    if len(size) != len(order):
        raise RuntimeError(f"empty_permuted: Number of dimensions in size does not match the length of the "
                           f"physical_layout; i.e. len(size) = {len(size)} is not equal to len(physical_layout) = "
                           f"{len(order)}")
    seen = set()
    for i, d in enumerate(order):
        if not 0 <= d < len(size):
            raise RuntimeError(f"empty_permuted: Dimension out of range (expected to be between 0 and "
                               f"{len(size) - 1}, but got {d} at index {i}).  NB: negative dims not currently "
                               f"supported; file an issue if you want it.")
        if d in seen:
            raise RuntimeError(f"empty_permuted: Duplicate dim not allowed: {d} appears twice in {list(order)}")
        seen.add(d)
    _no_negative_sizes(size, "empty_permuted")
    dtype = _float_dtype(dtype, "empty_permuted")
    stored = _formats.contiguous_strides(tuple(size[d] for d in order))  # row-major in the physical order
    strides = [0] * len(size)
    for d, stride in zip(order, stored):
        strides[d] = stride
    array = fill_uninitialized(_formats.strided_zeros(size, tuple(strides), dtype))
    return _finish(array, requires_grad, device, "empty_permuted")


# ---- a tensor over a Python buffer ------------------------------------------------------------
_warned_read_only = False


def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0, requires_grad: bool = False) -> Tensor:
    """A 1-D tensor over the bytes of `buffer` (any object with the buffer protocol: bytearray,
    array.array, mmap, a numpy array, ...), sharing its memory: writing to the tensor changes the
    buffer and the other way round. Skips `offset` bytes, then reads `count` elements of `dtype`
    (all that are left for -1). A read-only buffer (bytes) gives a read-only tensor, with a
    warning (once, as PyTorch; PyTorch would let you write into it).

    >>> import array
    >>> import tinygrad_edu as tg
    >>> a = array.array("i", [1, 2, 3])
    >>> t = tg.frombuffer(a, dtype=tg.int32)
    >>> t[0] = -1
    >>> a
    array('i', [-1, 2, 3])
    """
    global _warned_read_only
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError(f"frombuffer: object does not implement Python buffer protocol ({type(buffer).__name__}); "
                         f"pass a bytearray, array.array, mmap or numpy array") from None
    dtype = _dtype.as_dtype(dtype, "frombuffer")
    length, itemsize = view.nbytes, dtype.itemsize
    count, offset = int(count), int(offset)
    if length <= 0 or count == 0:
        raise ValueError(f"frombuffer: both buffer length ({length}) and count ({count}) must not be 0")
    if offset < 0 or offset >= length:
        raise ValueError(f"frombuffer: offset ({offset} bytes) must be non-negative and no greater than buffer "
                         f"length ({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % itemsize:
            raise ValueError(f"frombuffer: buffer length ({length - offset} bytes) after offset ({offset} bytes) "
                             f"must be a multiple of element size ({itemsize})")
        count = (length - offset) // itemsize
    elif offset + count * itemsize > length:
        raise ValueError(f"frombuffer: requested buffer length ({count} * {itemsize} bytes) after offset ({offset} "
                         f"bytes) must not be greater than actual buffer length ({length} bytes)")
    if view.readonly and not _warned_read_only:
        _warned_read_only = True
        warnings.warn("frombuffer: The given buffer is not writable, so the tensor is read-only (an in-place "
                      "change raises); copy the buffer, or make it writable (bytearray), to change the tensor. "
                      "This warning is shown once.", UserWarning, stacklevel=2)
    array = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset)
    return _finish(array, requires_grad, None, "frombuffer")


# ---- as_strided_scatter ------------------------------------------------------------------------
def as_strided_scatter(input: Tensor, src: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    """A copy of `input` (fresh memory) with `src` written at the places that
    `input.as_strided(size, stride, storage_offset)` would read -- the places of input's storage,
    so a view reaching past input's own elements writes where input cannot see it. Places
    written twice keep the last write; the gradient of input is 0 at the places overwritten and
    1 elsewhere, src's gradient is read from its places. An input whose elements share memory
    (expanded) is first copied to its own contiguous memory, as PyTorch does.

    PyTorch 2.13's gradient for `input` is wrong (it is 1 at the written places and 0 elsewhere;
    its own gradcheck fails, and its reviewers said so: pytorch/pytorch#77128); this one is the
    derivative of the values.

    >>> import tinygrad_edu as tg
    >>> tg.as_strided_scatter(tg.zeros(3, 3), tg.tensor([[1.0, 2.0], [3.0, 4.0]]), (2, 2), (1, 2))
    tensor([[1., 3., 2.],
            [4., 0., 0.],
            [0., 0., 0.]])
    """
    if not isinstance(input, Tensor) or not isinstance(src, Tensor):
        raise TypeError(f"as_strided_scatter(): input and src must be Tensors, got {type(input).__name__} and "
                        f"{type(src).__name__}")
    size, stride = _ints(size, "as_strided_scatter", "size"), _ints(stride, "as_strided_scatter", "stride")
    own = input_places(input)
    try:
        storage = elements_of(input.data, input.dtype)
    except RuntimeError:  # (memory that is not one block: copy, as for shared elements)
        storage = None
    if storage is None or np.unique(own).size < own.size:
        storage, own, start = np.ascontiguousarray(input.data).reshape(-1), np.arange(input.numel()), 0
    else:
        start = input.storage_offset()
    offset = start if storage_offset is None else int(storage_offset)
    check_geometry(size, stride, offset, storage.size, input.data.itemsize)
    if src.shape != size:
        raise RuntimeError(f"as_strided_scatter: expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(size)}")
    if 0 not in size and any(s == 0 and n > 1 for n, s in zip(size, stride)):  # (nothing is written to an empty view)
        raise RuntimeError("as_strided_scatter: unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location (a stride 0). Please clone() the tensor "
                           "before performing the operation.")
    written = storage_places(size, stride, offset).reshape(-1)
    own = own.reshape(-1)
    memory = Tensor._make(storage.copy(), None, False)  # places input does not cover keep their values
    memory = SetItem.apply(memory, own, input.reshape(-1))
    memory = SetItem.apply(memory, written, src.to(input.dtype).reshape(-1))
    return GetItem.apply(memory, own.reshape(input.shape))


# ---- about storages and the CPU ---------------------------------------------------------------
def is_storage(obj, /) -> bool:
    """True when `obj` is a storage: what `t.untyped_storage()` or `t.storage()` returns.

    >>> import tinygrad_edu as tg
    >>> tg.is_storage(tg.tensor([1, 2]).untyped_storage()), tg.is_storage(tg.tensor([1, 2]))
    (True, False)
    """
    return isinstance(obj, (UntypedStorage, TypedStorage))


def set_flush_denormal(mode: bool, /) -> bool:
    """Ask the CPU to flush denormal floats (smaller than `tg.finfo(dtype).tiny`) to zero, and
    say whether that worked. PyTorch sets the CPU's flush-to-zero flags (x86 with SSE3, AArch64)
    and returns True; numpy offers no way to set them, so here nothing changes and the answer is
    always False -- what PyTorch answers on a CPU without that support. Denormals stay exact.

    >>> import tinygrad_edu as tg
    >>> tg.set_flush_denormal(True)
    False
    """
    if type(mode) is not bool:
        raise RuntimeError(f"set_flush_denormal: flush_denormal expects a bool, but got {type(mode).__name__}")
    return False


# ---- describing a tensor's memory (Tensor.dim_order, Tensor.view(dtype)) -----------------------
def dim_order_of(t: Tensor, ambiguity_check=False) -> tuple:
    """Tensor.dim_order(): the dims from the outermost to the innermost in memory, by PyTorch's
    compute_elementwise_output_logical_to_physical_perm. `ambiguity_check=True`: RuntimeError
    when more than one order fits (a size-1 dim, equal neighbouring strides); a list of memory
    formats: RuntimeError when such a tensor is not contiguous in exactly one of them."""
    formats = ambiguity_check if isinstance(ambiguity_check, list) else []
    if not isinstance(ambiguity_check, (bool, list)) or not all(isinstance(f, _formats.memory_format) for f in formats):
        raise TypeError("dim_order: The ambiguity_check argument must be a bool or a list of memory formats.")
    shape, strides = t.shape, t.stride()
    check = True if isinstance(ambiguity_check, list) else ambiguity_check
    several_orders = any(n == 1 for n in shape) or any(a == b for a, b in zip(strides, strides[1:]))
    if check and several_orders and sum(t.is_contiguous(memory_format=f) for f in formats) != 1:
        raise RuntimeError("dim_order: The tensor does not have unique dim order, or cannot map to exact one of "
                           "the given memory formats.")
    ndim = len(shape)
    if ndim < 2:
        return tuple(range(ndim))
    contiguous = t.numel() < 2 or _formats.is_dense_in_order(shape, strides, reversed(range(ndim)))
    channels_last = ndim == 4 and _formats.is_dense_in_order(shape, strides, (1, 3, 2, 0))
    if contiguous and not channels_last:
        return tuple(range(ndim))
    if channels_last and not contiguous:
        return (0,) + tuple(range(2, ndim)) + (1,)
    order = _formats.physical_order(shape, strides)
    inner_before_outer = (_formats.compare_dims(shape, strides, inner, outer) for outer, inner in zip(order, order[1:]))
    if ambiguity_check and any(comparison != -1 for comparison in inner_before_outer):
        raise RuntimeError("dim_order: The tensor does not have unique dim order.")
    return tuple(order)


def reinterpret(t: Tensor, dtype) -> Tensor:
    """Tensor.view(dtype): t's bytes read as `dtype`, sharing t's memory (and version counter).
    With a smaller element, the last dim grows by the ratio of the sizes; with a larger one it
    shrinks, which needs the last dim contiguous and divisible, and the other strides and the
    storage offset divisible, by that ratio -- PyTorch's rules and messages. No gradient."""
    from .arrays import _short_name

    new = _dtype.as_dtype(dtype, "view")
    old = t.dtype
    names = f"{_short_name(old)} as {_short_name(new)} (different element sizes)"
    strides, offset = t.stride(), t.storage_offset()
    if new.itemsize == old.itemsize:
        array = t.data.view(new)
    else:
        if t.ndim == 0:
            raise RuntimeError(f"view: self.dim() cannot be 0 to view {names}")
        if new.itemsize < old.itemsize:
            ratio = old.itemsize // new.itemsize
            if strides[-1] != 1:
                raise RuntimeError(f"view: self.stride(-1) must be 1 to view {names}, but got {strides[-1]}")
            shape = t.shape[:-1] + (t.shape[-1] * ratio,)
            new_strides, new_offset = tuple(s * ratio for s in strides[:-1]) + (1,), offset * ratio
        else:
            ratio = new.itemsize // old.itemsize
            if t.shape[-1] % ratio:
                raise RuntimeError(f"view: self.size(-1) must be divisible by {ratio} to view {names}, but got "
                                   f"{t.shape[-1]}")
            if offset % ratio:
                raise RuntimeError(f"view: self.storage_offset() must be divisible by {ratio} to view {names}, but "
                                   f"got {offset}")
            if strides[-1] != 1:
                raise RuntimeError(f"view: self.stride(-1) must be 1 to view {names}, but got {strides[-1]}")
            for d, s in enumerate(strides[:-1]):
                if s % ratio:
                    raise RuntimeError(f"view: self.stride({d}) must be divisible by {ratio} to view {names}, but "
                                       f"got {s}")
            shape = t.shape[:-1] + (t.shape[-1] // ratio,)
            new_strides, new_offset = tuple(s // ratio for s in strides[:-1]) + (1,), offset // ratio
        memory = elements_of(t.data, np.uint8)
        array = np.ndarray(shape, new, buffer=memory, offset=new_offset * new.itemsize,
                           strides=tuple(s * new.itemsize for s in new_strides))
        if not t.data.flags.writeable:
            array.flags.writeable = False
    return t._share_version_counter(Tensor._make(array, None, False))
