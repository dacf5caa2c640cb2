"""Tensor methods that change a tensor's dtype or device, or make a new tensor like it:
`to`, `float`/`double`/`half`/`long`/`int`/`bool`, `type`, `type_as`, `cpu`, `device`,
`new_zeros`/`new_ones`/`new_full`/`new_empty`/`new_tensor` and the legacy `new`.

They follow PyTorch's signatures. There is one device, the CPU (see devices.py), so moving a
tensor there returns it unchanged, and asking for another device raises RuntimeError.
`Tensor` inherits these methods from `ConversionMethods`.
"""
from __future__ import annotations

import numpy as np

from . import dtype as _dtype
from . import layouts as _layouts
from . import memory_formats as _formats
from .determinism import fill_uninitialized
from .devices import _KNOWN_TYPES as _DEVICE_TYPES
from .devices import CPU, META, MetaArray, check_device
from .devices import device as _device_type


def _is_dtype(value) -> bool:
    """tg.float32 (a numpy dtype), np.float32, or Python's float/int/bool used as a dtype."""
    if isinstance(value, (np.dtype, _dtype.UnavailableDtype)):  # (tg.bfloat16: as_dtype says why not)
        return True
    return isinstance(value, type) and (issubclass(value, np.generic) or value in (float, int, bool))


def _is_device(value) -> bool:
    return isinstance(value, (str, _device_type)) or (isinstance(value, int) and not isinstance(value, bool))


def _names_dtype(text: str) -> bool:
    """A string that numpy reads as a dtype ("float64") and that does not name a device."""
    if text.partition(":")[0] in _DEVICE_TYPES:
        return False
    try:
        np.dtype(text)
    except TypeError:
        return False
    return True


_CAST = []


def _cast_op():
    """ops.Cast, imported on first use: the ops import Tensor, which imports this module."""
    if not _CAST:
        from .ops import Cast

        _CAST.append(Cast)
    return _CAST[0]


def _sizes(size: tuple, op: str) -> tuple:
    from .creation import _size  # creation imports Tensor, which imports this module

    return _size(size, None, op)


class ConversionMethods:
    """dtype and device conversions and `new_*` factories (mixed into `Tensor`)."""

    __slots__ = ()

    # ---- dtype and device ---------------------------------------------------------------
    def to(self, *args, dtype=None, device=None, non_blocking: bool = False, copy: bool = False,
           memory_format=None):
        """This tensor in another dtype and/or on another device, as PyTorch's `Tensor.to`:
        `t.to(tg.float64)`, `t.to("cpu")`, `t.to("cpu", tg.float32)`, `t.to(other)` (other's dtype
        and device), `t.to(dtype=..., device=...)`. Returns `t` itself when nothing changes (a copy
        with `copy=True`). Between float dtypes the conversion is differentiable.
        `memory_format=tg.channels_last` (memory_formats.py) lays the result out in that format;
        without it, a copy keeps this tensor's layout."""
        if len(args) == 1 and dtype is None and device is None and not copy and memory_format is None:
            arg = args[0]  # the common cases: to(dtype) from dtype promotion, or to(np.float32)
            if isinstance(arg, np.dtype):
                return self._cast(arg)
            if isinstance(arg, type) and issubclass(arg, np.generic):
                return self._cast(_dtype.as_dtype(arg, "to"))
        flags = []
        for arg in args:
            if arg is None:  # t.to(None): no change, as in PyTorch
                continue
            if isinstance(arg, ConversionMethods):  # another tensor: its dtype and device
                dtype = arg.data.dtype
            elif isinstance(arg, bool):
                flags.append(arg)  # to(dtype, non_blocking, copy) positionally
            elif _is_dtype(arg) or (isinstance(arg, str) and _names_dtype(arg)):
                dtype = arg
            elif _is_device(arg):
                device = arg
            else:
                raise TypeError(f"to: expected a dtype, a device or a tensor, got {arg!r}")
        copy = copy or (len(flags) > 1 and flags[1])
        check_device(device, "to")
        fmt = _formats.as_format(memory_format, "to", _formats.preserve_format)
        if fmt is not _formats.preserve_format:
            return self._to_format(self.data.dtype if dtype is None else _dtype.as_dtype(dtype, "to"), fmt, copy)
        out = self if dtype is None else self._cast(_dtype.as_dtype(dtype, "to"))
        return out.clone() if copy and out is self else out

    def _to_format(self, dtype: np.dtype, fmt, copy: bool):
        """to(dtype, memory_format=fmt), PyTorch's rule: this tensor itself when its dtype is
        `dtype` and its strides already suggest `fmt` (c10's suggest_memory_format: a slice of a
        channels-last tensor counts), else a copy in `dtype` laid out in `fmt`."""
        if dtype == self.data.dtype and not copy and _formats.suggested_format(self.shape, self.stride()) is fmt:
            return self
        _formats.check_rank(self.shape, fmt, "to")
        if dtype.kind != "f":  # an int or bool result cannot require grad: a constant
            return self._make(_formats.copy_in_format(self.data, dtype, fmt), None, False)
        return _cast_op().apply(self, dtype, fmt)

    def _cast(self, dtype: np.dtype):
        if dtype == self.data.dtype:
            return self
        if dtype.kind != "f":  # int and bool tensors cannot require grad: the result is a constant
            return self._make(_formats.copy_in_format(self.data, dtype), None, False)
        return _cast_op().apply(self, dtype)

    def _cast_in_format(self, dtype: np.dtype, memory_format):
        """float(), long(), ... : the cast, laid out in `memory_format` when one is given
        (`tg.preserve_format`, the default, keeps this tensor's layout)."""
        out = self._cast(dtype)
        return out if memory_format is None else out.to(memory_format=memory_format)

    def float(self, memory_format=None):
        """`to(tg.float32)`."""
        return self._cast_in_format(_dtype.float32, memory_format)

    def double(self, memory_format=None):
        """`to(tg.float64)`."""
        return self._cast_in_format(_dtype.float64, memory_format)

    def half(self, memory_format=None):
        """`to(tg.float16)`."""
        return self._cast_in_format(_dtype.float16, memory_format)

    def bfloat16(self, memory_format=None):
        """`to(tg.bfloat16)`: a TypeError here, since numpy has no bfloat16 (use `float()` or `half()`)."""
        return self._cast_in_format(_dtype.as_dtype(_dtype.bfloat16, "bfloat16"), memory_format)

    def long(self, memory_format=None):
        """`to(tg.int64)`."""
        return self._cast_in_format(_dtype.int64, memory_format)

    def int(self, memory_format=None):
        """`to(tg.int32)`."""
        return self._cast_in_format(_dtype.int32, memory_format)

    def short(self, memory_format=None):
        """`to(tg.int16)`."""
        return self._cast_in_format(_dtype.int16, memory_format)

    def char(self, memory_format=None):
        """`to(tg.int8)`."""
        return self._cast_in_format(_dtype.int8, memory_format)

    def byte(self, memory_format=None):
        """`to(tg.uint8)`."""
        return self._cast_in_format(_dtype.uint8, memory_format)

    def bool(self, memory_format=None):
        """`to(tg.bool)`: True where non-zero."""
        return self._cast_in_format(_dtype.bool_, memory_format)

    def type(self, dtype=None, non_blocking: bool = False):
        """Without an argument, the legacy type name (`'tinygrad_edu.FloatTensor'`); with a dtype,
        a legacy type (`tg.DoubleTensor`) or its name, the tensor converted to it."""
        from . import tensor_types  # it imports Tensor

        if dtype is None:
            return "tinygrad_edu." + _dtype.LEGACY_NAMES[self.data.dtype]
        if isinstance(dtype, str):
            legacy = tensor_types.BY_NAME.get(dtype.rsplit(".", 1)[-1])
            if legacy is None:
                raise ValueError(f"type: invalid type {dtype!r} (expected e.g. 'tinygrad_edu.DoubleTensor')")
            dtype = legacy.dtype
        elif isinstance(dtype, tensor_types._LegacyType):
            dtype = dtype.dtype
        return self._cast(_dtype.as_dtype(dtype, "type"))

    def type_as(self, other):
        """This tensor in `other`'s dtype. `other` may also be a numpy array: PyTorch programs
        write `t.type_as(src.data)`, and `.data` is the array here."""
        if isinstance(other, np.ndarray):
            return self._cast(other.dtype)
        if not isinstance(other, ConversionMethods):  # (Tensor's base class, defined here)
            raise TypeError(f"type_as(): argument 'other' must be a Tensor, not {type(other).__name__}")
        return self._cast(other.data.dtype)

    def is_floating_point(self) -> bool:
        """True for float16, float32 and float64 tensors."""
        return self.data.dtype.kind == "f"

    @property
    def device(self) -> _device_type:
        """`device(type='cpu')`: numpy computes on the CPU (`device(type='meta')` for a parameter
        of a module moved with `Module.to('meta')`, which has a shape but no values)."""
        return META if self.data.__class__ is MetaArray else CPU

    @property
    def is_meta(self) -> bool:
        """True for a tensor of a module moved with `Module.to('meta')` (shape, no values)."""
        return self.data.__class__ is MetaArray

    is_cuda = False
    is_cpu = True
    is_mps = False
    # PyTorch's other device and layout flags, all False here: every tensor is a dense numpy
    # array on the CPU (`if p.grad.is_sparse:` in optimizer and clipping code then takes the dense path)
    is_sparse = is_sparse_csr = is_quantized = is_mkldnn = is_nested = False
    is_xpu = is_xla = is_ipu = is_mtia = is_maia = is_vulkan = False
    layout = _layouts.strided  # every tensor is dense, as a numpy array (see layouts.py)

    def get_device(self) -> int:
        """-1, PyTorch's answer for a CPU tensor."""
        return -1

    def cpu(self, memory_format=None):
        """This tensor (it is on the CPU already); with a `memory_format`, `to(memory_format=...)`."""
        return self if memory_format is None else self.to(memory_format=memory_format)

    def cuda(self, device=None, non_blocking: bool = False, memory_format=None):
        """Always fails: there is no GPU support. Use `.to(device)` with a device chosen by
        `tg.device("cuda" if tg.cuda.is_available() else "cpu")`."""
        if device is None or isinstance(device, int):
            device = _device_type("cuda", device)
        check_device(device, "cuda")
        return self

    # ---- new tensors like this one --------------------------------------------------------
    def _new(self, array: np.ndarray, requires_grad: bool, device, op: str):
        check_device(device, op)
        out = self._make(array, None, False)
        return out.requires_grad_() if requires_grad else out

    def new_zeros(self, *size, dtype=None, device=None, requires_grad: bool = False,
                  layout=None, pin_memory: bool = False):
        """Zeros of `size` with this tensor's dtype (unless `dtype` is given)."""
        dtype = self.data.dtype if dtype is None else _dtype.as_dtype(dtype, "new_zeros")
        return self._new(np.zeros(_sizes(size, "new_zeros"), dtype), requires_grad, device, "new_zeros")

    def new_ones(self, *size, dtype=None, device=None, requires_grad: bool = False,
                 layout=None, pin_memory: bool = False):
        """Ones of `size` with this tensor's dtype (unless `dtype` is given)."""
        dtype = self.data.dtype if dtype is None else _dtype.as_dtype(dtype, "new_ones")
        return self._new(np.ones(_sizes(size, "new_ones"), dtype), requires_grad, device, "new_ones")

    def new_empty(self, *size, dtype=None, device=None, requires_grad: bool = False,
                  layout=None, pin_memory: bool = False):
        """A tensor of `size` with this tensor's dtype. Its values are unspecified in PyTorch;
        here they are zeros (do not rely on it)."""
        dtype = self.data.dtype if dtype is None else _dtype.as_dtype(dtype, "new_empty")
        array = fill_uninitialized(np.zeros(_sizes(size, "new_empty"), dtype))
        return self._new(array, requires_grad, device, "new_empty")

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad: bool = False,
                 layout=None, pin_memory: bool = False):
        """`fill_value` everywhere in a tensor of `size`, with this tensor's dtype."""
        dtype = self.data.dtype if dtype is None else _dtype.as_dtype(dtype, "new_full")
        from .creation import _size_args  # (see _sizes)

        shape = _sizes(_size_args(size), "new_full")
        return self._new(np.full(shape, fill_value, dtype), requires_grad, device, "new_full")

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad: bool = False,
                   layout=None, pin_memory: bool = False):
        """A copy of `data` as a new leaf tensor with this tensor's dtype (unless `dtype` is
        given), as PyTorch's `new_tensor`."""
        from .tensor import Tensor

        dtype = self.data.dtype if dtype is None else _dtype.as_dtype(dtype, "new_tensor")
        array = data.data if isinstance(data, Tensor) else Tensor(data).data
        return self._new(np.array(array, dtype=dtype), requires_grad, device, "new_tensor")

    def new(self, *args, device=None):
        """PyTorch's legacy `t.new(...)`: `t.new()` empty, `t.new(2, 3)` of those sizes (zeros
        here), `t.new(data)` a copy of data, all with this tensor's dtype."""
        from .tensor_types import legacy_new

        check_device(device, "new")
        return legacy_new(args, self.data.dtype, "new")
