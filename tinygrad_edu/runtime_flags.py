"""PyTorch's small runtime questions and switches that scripts call at start-up:

    get_num_interop_threads / set_num_interop_threads   threads for running independent ops at once
    set_warn_always / is_warn_always_enabled            repeat "once" warnings every time
    compiled_with_cxx11_abi                             how the C++ library was built
    init_num_threads, is_vulkan_available               thread pools (nothing to do), a GPU backend (no)
    get_device, is_distributed                          where a tensor lives (-1: the CPU), is it sharded
    get_device_module                                   tg.cpu / tg.cuda for a device

tinygrad_edu runs one op after another on numpy (BLAS may use several threads inside a matrix
product: `tg.set_num_threads`), so the interop thread count is only remembered, with PyTorch's
rule that it can be set once.
"""
from __future__ import annotations

import importlib
import os

from .devices import device as _device_class

_state: dict = {"interop_threads": None, "warn_always": False}


def get_num_interop_threads() -> int:
    """The number of threads for inter-op parallelism: what `set_num_interop_threads` set, else the
    number of CPUs. Ops run one at a time here, so nothing uses them."""
    return _state["interop_threads"] or os.cpu_count() or 1


def set_num_interop_threads(num: int) -> None:
    """Set the number of inter-op threads. As in PyTorch it can be set only once per process
    (a second call raises RuntimeError), to a positive int."""
    if not isinstance(num, int) or isinstance(num, bool):
        raise RuntimeError(f"set_num_interop_threads expects an int, but got {type(num).__name__}")
    if num <= 0:
        raise RuntimeError(f"set_num_interop_threads expects a positive integer, got {num}")
    if _state["interop_threads"] is not None:
        raise RuntimeError("set_num_interop_threads: cannot set number of interop threads after parallel work has "
                           "started or set_num_interop_threads called (it was set to "
                           f"{_state['interop_threads']})")
    _state["interop_threads"] = num


def set_warn_always(b: bool, /) -> None:
    """PyTorch's switch to give "warn once" warnings every time (for tests). Only remembered
    here: tinygrad_edu's once-only warnings stay once-only."""
    if b.__class__ is not bool:
        raise RuntimeError(f"set_warn_always expects a bool, but got {type(b).__name__}")
    _state["warn_always"] = b


def is_warn_always_enabled() -> bool:
    """What `set_warn_always` was last given (False at start)."""
    return _state["warn_always"]


def init_num_threads() -> None:
    """Nothing to do: PyTorch calls this to set up its thread pools in a new thread; numpy's BLAS
    sets up its own."""


def is_vulkan_available() -> bool:
    """False: there is no Vulkan backend (nor any GPU one)."""
    return False


def compiled_with_cxx11_abi() -> bool:
    """True, as PyTorch's wheels answer (they are built with _GLIBCXX_USE_CXX11_ABI=1). There is
    no C++ library here; code that builds C++ extensions asks this."""
    return True


def _need_tensor(value, op: str):
    from .tensor import Tensor

    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(value).__name__}")
    return value


def get_device(input) -> int:
    """The index of the device `input` is on: -1 for the CPU, the only device here.

    >>> import tinygrad_edu as tg
    >>> tg.get_device(tg.ones(2))
    -1
    """
    return _need_tensor(input, "get_device").get_device()


def is_distributed(input) -> bool:
    """False: a tensor here is never split over processes."""
    _need_tensor(input, "is_distributed")
    return False


def get_device_module(device=None):
    """The module of device-specific calls for `device` (a device, a string, or None for the
    current accelerator, the CPU here): `tg.cpu` for "cpu", `tg.cuda` for "cuda".

    >>> import tinygrad_edu as tg
    >>> tg.get_device_module("cpu") is tg.cpu
    True
    """
    if isinstance(device, _device_class):
        kind = device.type
    elif isinstance(device, str):
        kind = _device_class(device).type  # (RuntimeError for an unknown device type)
    elif device is None:
        kind = "cpu"
    else:
        raise RuntimeError(f"Invalid value of device '{device}', expect tg.device, str, or None")
    try:
        return importlib.import_module(f"tinygrad_edu.{kind}")
    except ModuleNotFoundError:
        raise RuntimeError(f"Device '{kind}' does not have a corresponding module registered as 'tg.{kind}'.") \
            from None
