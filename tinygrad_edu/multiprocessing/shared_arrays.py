"""numpy arrays in named shared memory: what `Tensor.share_memory_()` puts a tensor's numbers in.

A tensor's numbers live in an ndarray, and an ndarray's memory is private to its process: after
`fork` a child gets a copy-on-write copy, so its writes never reach the parent. Here the array is
moved into a block of `multiprocessing.shared_memory.SharedMemory` (POSIX `shm_open` + `mmap`; a
named file mapping on Windows):

- a forked child inherits the mapping, so its in-place writes (an optimizer's step) reach everyone;
- the block has a name, so a process started with `spawn` or `forkserver`, which inherits
  nothing, can open the same block by name (`handle_of` / `array_from_handle`: what is pickled
  when a tensor goes through a `Queue`, see reductions.py).

Lifetime. numpy keeps the mapping (`mmap` object) alive as the array's `.base`, for as long as the
array or any view of it lives; the `SharedMemory` object lets go of it (its `close()` would unmap
the memory under the array). The process that created a block removes its name (`unlink`) when its
last array on the block is garbage collected, or when the process exits (after joining its
children); a block it sent to another process is kept until it exits, so that the receiver can
still open it (PyTorch counts references inside the block instead). Processes that only open a
block never remove its name. The creator also registers the name with Python's resource tracker,
which removes it if the creator dies without doing so (a `kill -9`).
"""
from __future__ import annotations

import os
import sys
import weakref
from multiprocessing import shared_memory, util
from typing import NamedTuple

import numpy as np

from ..storage import address, elements_of, root_array

# Python 3.13 can open a block without telling the resource tracker (track=False). Before, an
# opener registers the name too, and a tracker that is not the creator's would remove it when the
# opener exits; so there we open the block as SharedMemory itself does, minus the registration.
_CAN_SKIP_TRACKER = sys.version_info >= (3, 13)
if not _CAN_SKIP_TRACKER and os.name == "posix":
    import _posixshmem


class Handle(NamedTuple):
    """Everything another process needs to see an array in a shared block: the block's name, the
    layout of the block's own array (its root), and where in it the array is (bytes)."""

    name: str
    root_shape: tuple
    root_dtype: str
    root_order: str  # "C" or "F"
    offset: int
    shape: tuple
    strides: tuple
    dtype: str
    writeable: bool


class _Block(NamedTuple):
    root: weakref.ref  # the array the whole block is (its .base is the mmap)
    name: str


_blocks: dict[int, _Block] = {}  # id(root) -> its block; checked with the weak reference (ids get reused)
_roots_by_name: dict[str, weakref.ref] = {}  # a block opened twice in one process is one array
_sent: dict[str, np.ndarray] = {}  # blocks sent to other processes: kept until this process exits


def _block_of(array: np.ndarray) -> _Block | None:
    root = root_array(array)
    block = _blocks.get(id(root))
    return block if block is not None and block.root() is root else None


def is_shared_array(array) -> bool:
    """True if `array` (or the array it is a view of) is in a shared block."""
    return isinstance(array, np.ndarray) and _block_of(array) is not None


def _forget(ref: weakref.ref, key: int, name: str) -> None:
    if key in _blocks and _blocks[key].root is ref:
        del _blocks[key]
    if _roots_by_name.get(name) is ref:
        del _roots_by_name[name]


def _unlink(block: shared_memory.SharedMemory) -> None:
    """Remove the block's name (its memory stays mapped while arrays use it)."""
    try:
        block.unlink()  # (also tells the resource tracker that the name is gone)
    except FileNotFoundError:  # (removed from outside, e.g. by hand in /dev/shm)
        pass


def _array_on(block: shared_memory.SharedMemory, shape: tuple, dtype, order: str, created: bool) -> np.ndarray:
    """An array over the whole block, registered; the block's SharedMemory object lets go of the
    mapping, which the array keeps as its base."""
    mapping = block._mmap
    block._buf.release()
    block._buf = block._mmap = None
    block.close()  # (now closes only the file descriptor: the mapping stays)
    root = np.ndarray(shape, dtype, buffer=mapping, order=order)
    key, name = id(root), block.name
    ref = weakref.ref(root, lambda ref: _forget(ref, key, name))
    _blocks[key] = _Block(ref, name)
    _roots_by_name[name] = ref
    if created:
        # runs when `root` is collected, or at exit (exitpriority: after joining the children);
        # only in this process: a forked child does not inherit multiprocessing's finalizers
        util.Finalize(root, _unlink, args=(block,), exitpriority=-10)
    return root


def _new_root(shape: tuple, dtype: np.dtype, order: str) -> np.ndarray:
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    block = shared_memory.SharedMemory(create=True, size=max(nbytes, 1))  # (a block cannot be empty)
    return _array_on(block, shape, dtype, order, created=True)


def _view_at(root: np.ndarray, offset: int, shape: tuple, strides: tuple, dtype, writeable: bool) -> np.ndarray:
    """The array of `shape`/`strides`/`dtype` that starts `offset` bytes into `root`'s memory."""
    dtype = np.dtype(dtype)
    if offset == 0 and shape == root.shape and strides == root.strides and dtype == root.dtype and writeable:
        return root
    memory = elements_of(root, np.uint8)
    view = np.ndarray(shape, dtype, buffer=memory, offset=offset, strides=strides)
    if not writeable:  # (an expanded tensor stays read-only)
        view.flags.writeable = False
    return view


def _layout(array: np.ndarray) -> tuple[np.ndarray, str] | None:
    """The array owning `array`'s memory and its order, if it is one contiguous block."""
    root = root_array(array)
    if root.flags.c_contiguous:
        return root, "C"
    if root.flags.f_contiguous:
        return root, "F"
    return None


def share_array(array: np.ndarray, moved: dict | None = None) -> np.ndarray:
    """`array`'s numbers in a new shared block: the same values, dtype, shape and strides.

    As PyTorch moves a tensor's whole storage, the whole memory `array` looks into is copied and
    `array`'s view of it is made again (same byte offset and strides). Other arrays that shared
    that memory keep the old, private copy, unless they are shared with the same `moved` dict
    (id of the old memory -> (old, new)): then they are views of one new block, as before."""
    layout = _layout(array)
    if layout is None:  # (memory that is not one block, e.g. a strided buffer: a C-ordered copy)
        root = _new_root(array.shape, array.dtype, "C")
        root[...] = array
        return root
    old_root, order = layout
    if moved is not None and id(old_root) in moved:
        root = moved[id(old_root)][1]
    else:
        root = _new_root(old_root.shape, old_root.dtype, order)
        np.copyto(root, old_root)
        if moved is not None:
            moved[id(old_root)] = (old_root, root)  # (old_root kept alive: its id stays its own)
    return _view_at(root, address(array) - address(old_root), array.shape, array.strides, array.dtype,
                    array.flags.writeable)


def handle_of(array: np.ndarray) -> Handle:
    """What another process needs to open `array` (a shared one). The block is kept in this
    process until it exits, so that the receiver can open it even if `array` is dropped now."""
    block = _block_of(array)
    if block is None:
        raise RuntimeError("handle_of: the array is not in shared memory (call share_memory_() first)")
    root = block.root()
    _sent[block.name] = root
    order = _layout(root)[1]  # (a block's root is always one contiguous block)
    return Handle(block.name, root.shape, root.dtype.str, order, address(array) - address(root), array.shape,
                  array.strides, array.dtype.str, bool(array.flags.writeable))


def _open(name: str) -> shared_memory.SharedMemory:
    """Open an existing block without registering it with the resource tracker (see above)."""
    if _CAN_SKIP_TRACKER:
        return shared_memory.SharedMemory(name, track=False)
    if os.name != "posix":  # (Windows: no tracker; the block lives while a process maps it)
        return shared_memory.SharedMemory(name)
    import mmap

    block = shared_memory.SharedMemory.__new__(shared_memory.SharedMemory)
    block._name = "/" + name
    block._fd = _posixshmem.shm_open(block._name, os.O_RDWR, mode=0o600)
    try:
        block._size = os.fstat(block._fd).st_size
        block._mmap = mmap.mmap(block._fd, block._size)
        block._buf = memoryview(block._mmap)
    except BaseException:
        block.close()  # (the file descriptor is not left open)
        raise
    return block


def array_from_handle(handle: Handle) -> np.ndarray:
    """The array that `handle` describes, on the same shared memory as the sender's."""
    ref = _roots_by_name.get(handle.name)
    root = ref() if ref is not None else None
    if root is None:
        try:
            block = _open(handle.name)
        except FileNotFoundError:
            raise RuntimeError(
                f"a shared tensor received from another process no longer exists (its shared memory "
                f"block {handle.name!r} was freed): the process that sent it has exited or dropped it. "
                f"Receive tensors before their sender exits."
            ) from None
        root = _array_on(block, tuple(handle.root_shape), np.dtype(handle.root_dtype), handle.root_order,
                         created=False)
    return _view_at(root, handle.offset, tuple(handle.shape), tuple(handle.strides), handle.dtype,
                    handle.writeable)
