"""PyTorch's type names: the legacy tensor types `tg.FloatTensor`, `tg.DoubleTensor`, `tg.LongTensor`,
..., `tg.Size` and `tg.is_tensor`.

Old PyTorch code makes tensors with them, from data or from sizes, and tests `isinstance(t,
tg.FloatTensor)`. Here each is a small class whose call makes an ordinary `Tensor` of its dtype
and whose isinstance check looks at the dtype (there is one Tensor class, as in PyTorch today):

>>> import tinygrad_edu as tg
>>> tg.FloatTensor([1, 2])
tensor([1., 2.], dtype=float32)
>>> tg.LongTensor(2, 3).shape, isinstance(tg.tensor([1, 2]), tg.LongTensor)
((2, 3), True)

Made from sizes, the tensor holds zeros (PyTorch leaves it uninitialised: do not rely on either).
A single int is a size here too (`tg.FloatTensor(3)` has shape (3,)), unlike `tg.Tensor(3)`.
"""
from __future__ import annotations

import numpy as np

from . import dtype as _dtype
from .devices import check_device
from .tensor import Tensor, is_size, sized_zeros


def legacy_new(args: tuple, dtype: np.dtype, op: str) -> Tensor:
    """PyTorch's legacy constructor rule: nothing -> an empty tensor; ints -> a tensor of those
    sizes (zeros here); one piece of data -> a copy of it in `dtype`."""
    if all(is_size(a) for a in args):  # (also no args at all: an empty tensor)
        return Tensor._make(sized_zeros(args, dtype, op), None, False)
    if len(args) > 1:
        raise TypeError(f"{op}: expected sizes (ints) or one piece of data (a list, an array or a "
                        f"Tensor), got {len(args)} arguments {args!r}")
    data = args[0]
    array = data.data if isinstance(data, Tensor) else Tensor(data).data
    return Tensor._make(np.array(array, dtype=dtype), None, False)


class _LegacyType(type):
    """The metaclass: calling the class makes a Tensor; isinstance compares the dtype."""

    dtype: np.dtype

    def __call__(cls, *args, device=None) -> Tensor:
        check_device(device, cls.__name__)
        return legacy_new(args, cls.dtype, cls.__name__)

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.data.dtype == cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'tinygrad_edu.{cls.__name__}'>"


def _legacy_type(dtype: np.dtype) -> _LegacyType:
    name = _dtype.LEGACY_NAMES[dtype]
    doc = f"`{name}(*sizes)` or `{name}(data)`: a tensor of dtype {dtype.name} (PyTorch's legacy type)."
    return _LegacyType(name, (), {"dtype": dtype, "__doc__": doc, "__module__": "tinygrad_edu"})


FloatTensor = _legacy_type(_dtype.float32)
DoubleTensor = _legacy_type(_dtype.float64)
HalfTensor = _legacy_type(_dtype.float16)
LongTensor = _legacy_type(_dtype.int64)
IntTensor = _legacy_type(_dtype.int32)
ShortTensor = _legacy_type(_dtype.int16)
CharTensor = _legacy_type(_dtype.int8)
ByteTensor = _legacy_type(_dtype.uint8)
BoolTensor = _legacy_type(_dtype.bool_)

BY_NAME = {t.__name__: t for t in (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor,
                                   ShortTensor, CharTensor, ByteTensor, BoolTensor)}

# torch.Size is a tuple subclass; here shapes are plain tuples, so `x.shape == tg.Size([2, 3])`
# and `isinstance(x.shape, tg.Size)` hold.
Size = tuple


def is_tensor(obj) -> bool:
    """True when `obj` is a Tensor (nn.Parameters included), as `torch.is_tensor`."""
    return isinstance(obj, Tensor)


def set_default_tensor_type(t) -> None:
    """PyTorch's older way to set the default float dtype: `tg.set_default_tensor_type(tg.DoubleTensor)`
    or `("torch.DoubleTensor")` is `tg.set_default_dtype(tg.float64)`."""
    legacy = BY_NAME.get(t.rsplit(".", 1)[-1]) if isinstance(t, str) else t
    if not isinstance(legacy, _LegacyType):
        raise TypeError(f"set_default_tensor_type: expected a type such as tg.DoubleTensor, got {t!r}")
    _dtype.set_default_dtype(legacy.dtype)
