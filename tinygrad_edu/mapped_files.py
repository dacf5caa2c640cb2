"""`tg.from_file`: a tensor whose numbers live in a file, mapped into memory (mmap).

With `shared=True` the mapping is shared (MAP_SHARED): writing into the tensor writes into the
file, and the file is created or lengthened to hold `size` elements. Otherwise (MAP_PRIVATE, numpy's
copy-on-write mode "c") the tensor starts with the file's bytes and changes stay in memory.
"""
from __future__ import annotations

import os

import numpy as np

from .creation import _finish, _float_dtype
from .tensor import Tensor


def from_file(filename: str, shared: bool | None = None, size: int = 0, *, dtype=None, layout=None, device=None,
              pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """A 1-D tensor of `size` elements of `dtype` (the default float dtype if None) read from the
    start of the binary file `filename`, as `torch.from_file`. A file shorter than
    `size` elements raises RuntimeError unless `shared=True` (which lengthens it with zeros).

    >>> import os, tempfile
    >>> import numpy as np
    >>> import tinygrad_edu as tg
    >>> path = os.path.join(tempfile.mkdtemp(), "numbers.bin")
    >>> np.arange(4, dtype=np.float32).tofile(path)
    >>> tg.from_file(path, size=4, dtype=tg.float32)
    tensor([0., 1., 2., 3.], dtype=float32)
    """
    if not isinstance(filename, (str, os.PathLike)):
        raise TypeError(f"from_file(): argument 'filename' (position 1) must be str, not {type(filename).__name__}")
    if shared is not None and shared.__class__ is not bool:
        raise TypeError(f"from_file(): argument 'shared' (position 2) must be bool, not {type(shared).__name__}")
    if not isinstance(size, (int, np.integer)) or isinstance(size, bool):
        raise TypeError(f"from_file(): argument 'size' (position 3) must be int, not {type(size).__name__}")
    dtype = _float_dtype(dtype, "from_file")
    size, filename = int(size), os.fspath(filename)
    nbytes = size * dtype.itemsize
    if size < 0:
        raise RuntimeError(f"from_file: unable to map {nbytes} bytes from file <{filename}>: size ({size}) must not "
                           f"be negative")
    if shared:
        if not os.path.exists(filename):
            open(filename, "wb").close()
        if os.path.getsize(filename) < nbytes:  # lengthen with zero bytes, as PyTorch does
            os.truncate(filename, nbytes)
    elif not os.path.exists(filename):
        raise RuntimeError(f"from_file: unable to open file <{filename}> in read-only mode: No such file or directory")
    elif os.path.getsize(filename) < nbytes:
        raise RuntimeError(f"from_file: file <{filename}> size <{os.path.getsize(filename)}> is smaller than the "
                           f"required mapping size <{nbytes}> ({size} elements of {dtype})")
    if size == 0:  # (mmap cannot map zero bytes)
        return _finish(np.empty(0, dtype), requires_grad, device, "from_file")
    mapped = np.memmap(filename, dtype=dtype, mode="r+" if shared else "c", shape=(size,))
    # a plain ndarray over the mapping (it keeps the mapping alive), so ops give plain arrays
    return _finish(mapped.view(np.ndarray), requires_grad, device, "from_file")
