"""Devices: tinygrad_edu computes with numpy, so there is one device, the CPU.

PyTorch code passes `device=` everywhere and moves tensors with `.to(device)`; here those accept
the CPU (`"cpu"`, `"cpu:0"`, `tg.device("cpu")`) and do nothing, and anything else raises a
RuntimeError that says why. A `tg.device("cuda")` object can still be made (as in PyTorch without
a GPU): only using it fails.

The one other device is PyTorch's "meta" device, as far as `Module.to("meta")` needs it: a model
whose parameters keep their shapes and dtypes but have no values, used as a template (e.g. for
`tg.func.functional_call` with parameters stacked by `stack_module_state`). Such a tensor's array
is a `MetaArray`: reading or computing with its values raises a RuntimeError that says why.

>>> import tinygrad_edu as tg
>>> dev = tg.device("cuda" if tg.cuda.is_available() else "cpu")
>>> dev, dev.type, tg.zeros(2, device=dev).device
(device(type='cpu'), 'cpu', device(type='cpu'))
"""
from __future__ import annotations

import numpy as np

# The device types PyTorch knows (torch.device names them in its error for an unknown type).
_KNOWN_TYPES = ("cpu", "cuda", "mps", "xpu", "xla", "meta", "hip", "ipu", "mkldnn", "opengl", "opencl",
                "ideep", "ve", "fpga", "maia", "lazy", "vulkan", "hpu", "mtia", "privateuseone")


class device:  # noqa: N801 (PyTorch's name: torch.device)
    """Where a tensor lives: `device("cpu")`, `device("cpu:0")`, `device("cpu", 0)`; `.type` and
    `.index` as in PyTorch. Only the CPU can hold tensors here."""

    __slots__ = ("type", "index")

    def __init__(self, type: "str | device | int", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            kind, index = type.type, type.index if index is None else index
        elif isinstance(type, int) and not isinstance(type, bool):
            kind, index = "cuda", type  # PyTorch reads a bare int as a CUDA device index
        elif isinstance(type, str):
            kind, _, number = type.partition(":")
            if number:
                if index is not None:
                    raise RuntimeError(f"device: type {type!r} already has an index; do not pass index={index}")
                if not number.isdigit():
                    raise RuntimeError(f"device: invalid device string {type!r} (expected e.g. 'cpu' or 'cpu:0')")
                index = int(number)
        else:
            raise TypeError(f"device: expected a string such as 'cpu', got {type.__class__.__name__}")
        if kind not in _KNOWN_TYPES:
            raise RuntimeError(f"device: expected one of {', '.join(_KNOWN_TYPES)} at the start of the "
                               f"device string, got {kind!r}")
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError(f"device: the index must be a non-negative int, got {index!r}")
        object.__setattr__(self, "type", kind)
        object.__setattr__(self, "index", index)

    def __setattr__(self, name, value) -> None:
        raise AttributeError("device objects are immutable")

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{index})"

    def __eq__(self, other) -> bool:
        # As in PyTorch, a device equals only another device (device("cpu") == "cpu" is False);
        # compare `t.device.type == "cpu"` to test for a kind of device.
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self) -> "device":
        """`with tg.device("cpu"):` -- the default already; any other device raises."""
        check_device(self, "with device(...)")
        return self

    def __exit__(self, *exc) -> None:
        return None


CPU = device("cpu")
META = device("meta")


def check_device(where, op: str) -> None:
    """Refuse any device but the CPU (`None` means the default, the CPU)."""
    if where is None or where is CPU:
        return
    try:
        kind = where.type if isinstance(where, device) else device(where).type
    except TypeError:
        raise TypeError(f"{op}: device must be a string such as 'cpu' or a tg.device, got "
                        f"{where.__class__.__name__}") from None
    if kind != "cpu":
        hint = " (Of the 'meta' device, only Module.to('meta') is supported.)" if kind == "meta" else ""
        raise RuntimeError(f"tinygrad_edu runs on the CPU (numpy); got device {str(device(where))!r} "
                           f"in {op}. Use device='cpu' (or leave device out).{hint}")


def is_meta(where) -> bool:
    """Does `where` (a device, a string such as "meta", or None) name the 'meta' device? (Bad
    values answer False: `check_device` reports them.)"""
    if where is None or where is CPU:
        return False
    try:
        return (where if isinstance(where, device) else device(where)).type == "meta"
    except (TypeError, RuntimeError):
        return False


# ---- the 'meta' device: shapes and dtypes without values ---------------------------------------
def meta_array(shape: tuple, dtype) -> "MetaArray":
    """A MetaArray of `shape` and `dtype`; it costs one element of memory, whatever its shape.
    That element is NaN for a float dtype, so that the numbers of a view that lost its meta mark
    (np.asarray of it is a plain array) show that they are not real."""
    dtype = np.dtype(dtype)
    element = np.full((), np.nan if dtype.kind in "fc" else 0, dtype)
    return np.broadcast_to(element, tuple(shape)).view(MetaArray)


def _no_values(array: np.ndarray, what: str) -> RuntimeError:
    return RuntimeError(
        f"{what}: this tensor of shape {tuple(array.shape)} and dtype {array.dtype} is on the 'meta' device "
        f"(e.g. after Module.to('meta')): it has a shape and a dtype but no values. Pass real tensors "
        f"instead (tg.func.functional_call, or load_state_dict(..., assign=True)), or give the module "
        f"new ones with Module.to_empty(device='cpu') and initialise them.")


class MetaArray(np.ndarray):
    """The array of a tensor on the 'meta' device. Its shape, dtype, reshapes and slices work;
    its values do not exist: numpy computations (ufuncs, np.* functions), `item`, `tolist` and
    conversions to numbers raise RuntimeError. Writing into it does nothing, as copying into a
    meta tensor does in PyTorch. (np.asarray(m) is the exception: it gives a plain array of NaN
    for a float dtype, zeros otherwise.)

    >>> m = meta_array((2, 3), np.float32)
    >>> m.shape, m.dtype, m.T.shape
    ((2, 3), dtype('float32'), (3, 2))
    >>> m + 1
    Traceback (most recent call last):
    ...
    RuntimeError: add: this tensor of shape (2, 3) and dtype float32 is on the 'meta' device ...
    """

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        raise _no_values(self, ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}")

    def __array_function__(self, func, types, args, kwargs):
        if func in (np.shape, np.ndim, np.size, np.result_type):  # (these read no values)
            return super().__array_function__(func, types, args, kwargs)
        raise _no_values(self, f"np.{func.__name__}")

    def __getitem__(self, key):
        part = super().__getitem__(key)
        if not isinstance(part, MetaArray):  # a single number: a value to read
            raise _no_values(self, "indexing")
        return part

    def __setitem__(self, key, value) -> None:
        return None  # nothing to write into (PyTorch's copy into a meta tensor does nothing too)

    def item(self, *args):
        raise _no_values(self, "item")

    def tolist(self):
        raise _no_values(self, "tolist")

    def __float__(self):
        raise _no_values(self, "float")

    def __int__(self):
        raise _no_values(self, "int")

    def __bool__(self):
        raise _no_values(self, "bool")

    def __index__(self):
        raise _no_values(self, "index")

    def astype(self, dtype, *args, **kwargs) -> "MetaArray":
        return meta_array(self.shape, dtype)

    def copy(self, order: str = "C") -> "MetaArray":
        return meta_array(self.shape, self.dtype)

    def __copy__(self) -> "MetaArray":
        return self.copy()

    def __deepcopy__(self, memo) -> "MetaArray":
        return self.copy()

    def __reduce__(self):
        return (meta_array, (self.shape, self.dtype.str))

    def __repr__(self) -> str:
        return f"MetaArray(shape={tuple(self.shape)}, dtype={self.dtype})"

    __str__ = __repr__


_default = CPU


def set_default_device(where) -> None:
    """PyTorch's `torch.set_default_device`: only the CPU (or None) is accepted here."""
    check_device(where, "set_default_device")


def get_default_device() -> device:
    """The device new tensors are made on: always the CPU."""
    return _default
