"""The DLPack protocol on Tensor: `t.__dlpack__()` and `t.__dlpack_device__()`, so that other
libraries (numpy, PyTorch, JAX, CuPy...) can read a tensor's memory without a copy:
`np.from_dlpack(t)`, `torch.from_dlpack(t)`. The reverse, `tg.from_dlpack`, is in utils/dlpack.py.

DLPack (the Data APIs consortium's array interchange format, 2021) describes a block of memory,
its shape, strides, dtype and device in one C struct, handed over in a Python capsule. A tensor
here is a numpy array, so both methods delegate to numpy's; what they add are PyTorch's checks.
`Tensor` inherits these from `DLPackMethods`.
"""
from __future__ import annotations

import enum


class DLDeviceType(enum.IntEnum):
    """The device codes of the DLPack specification (PyTorch's `torch.utils.dlpack.DLDeviceType`).
    tinygrad_edu's tensors are all `kDLCPU`."""

    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17


class DLPackMethods:
    """__dlpack__, __dlpack_device__ (mixed into `Tensor`)."""

    def __dlpack__(self, *, stream=-1, max_version: tuple[int, int] | None = None,
                   dl_device: tuple[enum.IntEnum, int] | None = None, copy: bool | None = None):
        """A DLPack capsule that shares this tensor's memory (a copy with `copy=True`). Called by a
        consumer's `from_dlpack`; `max_version=(1, 0)` or later gives a versioned capsule (which can
        say "read-only"), None the older kind. `stream` is for GPU streams: on the CPU only None or
        -1 (no synchronisation). A tensor that requires grad is refused, as in PyTorch: the capsule
        cannot carry the graph, so export `t.detach()`.

        >>> import numpy as np, tinygrad_edu as tg
        >>> t = tg.arange(3.0)
        >>> a = np.from_dlpack(t)      # numpy calls t.__dlpack__()
        >>> a[0] = 7.0                 # the same memory
        >>> t
        tensor([7., 1., 2.])
        """
        if self.requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        if stream is not None and type(stream) is not int:
            raise TypeError("stream must be ``int`` or ``none``")
        if stream is not None and stream != -1:
            raise AssertionError("stream should be None on cpu.")
        return self.data.__dlpack__(stream=None, max_version=max_version, dl_device=dl_device, copy=copy)

    def __dlpack_device__(self) -> tuple[DLDeviceType, int]:
        """Where the memory is, as DLPack names it: `(DLDeviceType.kDLCPU, 0)` for every tensor."""
        return DLDeviceType.kDLCPU, 0
