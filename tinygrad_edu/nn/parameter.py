"""`Parameter`: a tensor that a `Module` owns and an optimizer updates.

In PyTorch a Parameter is a Tensor subclass. Here the engine recognises tensors by
`x.__class__ is Tensor` first in its hot path (one pointer comparison per argument; a user's
subclass is found by a slower isinstance check after it), and ops return plain Tensors. So that
parameters stay on the fast path, `nn.Parameter(data)` returns a plain leaf `Tensor` with
`requires_grad=True` and remembers it: `isinstance(p, nn.Parameter)` is true exactly for tensors
made by `nn.Parameter`, as in PyTorch, while `type(p) is Tensor`.
"""
from __future__ import annotations

import sys
import weakref

import numpy as np

from ..devices import check_device
from ..dtype import as_dtype, get_default_dtype
from ..errors import ArgumentDtypeError
from ..tensor import Tensor

# id(tensor) -> weak reference to it; the entry disappears with the tensor.
# (Not a WeakSet: that compares members with ==, which is elementwise for tensors.)
_made_by_parameter: dict[int, weakref.ref] = {}


def _forget(ref: weakref.ref, key: int) -> None:
    if _made_by_parameter.get(key) is ref:
        del _made_by_parameter[key]


class _ParameterMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        ref = _made_by_parameter.get(id(obj))
        return ref is not None and ref() is obj


class Parameter(metaclass=_ParameterMeta):
    """A leaf `Tensor` with `requires_grad=True` that `Module` registers when assigned.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> w = nn.Parameter(tg.zeros(2, 3))
    >>> type(w) is tg.Tensor, w.requires_grad, isinstance(w, nn.Parameter)
    (True, True, True)

    `data` may be a Tensor (its array is shared, not copied, like PyTorch), an ndarray (shared)
    or nested lists of floats.
    """

    def __new__(cls, data=None, requires_grad: bool = True) -> Tensor:  # type: ignore[misc]
        if data is None:
            array = np.zeros((0,), get_default_dtype())
        elif isinstance(data, Tensor):
            array = data.data
        elif isinstance(data, np.ndarray):
            array = data
        else:
            array = Tensor(data).data
        if requires_grad and array.dtype.kind != "f":
            # (PyTorch raises RuntimeError, the contract's Tensor(requires_grad=True) a TypeError: both)
            raise ArgumentDtypeError(
                f"Parameter: Only Tensors of floating point and complex dtype can require gradients, got "
                f"dtype {array.dtype} (use requires_grad=False for a parameter of integers)"
            )
        param = Tensor._make(array, None, False)
        param._hooks = []
        param.requires_grad = bool(requires_grad)
        return mark_as_parameter(param)


def mark_as_parameter(tensor: Tensor) -> Tensor:
    """Make `isinstance(tensor, Parameter)` true (used for copies of a module's parameters)."""
    key = id(tensor)
    _made_by_parameter[key] = weakref.ref(tensor, lambda ref, key=key: _forget(ref, key))
    return tensor


# ---- lazy modules' placeholders ------------------------------------------------------------------
# A lazy module (nn.LazyLinear, ...) learns the shapes of its parameters from its first input.
# Until then each parameter is an `UninitializedParameter`: a Tensor whose `.data` is an
# `UninitializedArray` -- a dtype and nothing else. `materialize(shape)` gives it an array and
# turns it into an ordinary parameter *in place* (same object), so an optimizer built before the
# first forward updates the real parameter afterwards.
#
# PyTorch refuses every use of a placeholder at its dispatcher (__torch_function__). Every op here
# reads `.data` (or `.shape`) of its arguments somewhere inside, so the placeholder refuses there,
# and names the op from the call stack.

_UNINITIALIZED = (
    "Attempted to use an uninitialized parameter in {op}. This error happens when you are using a "
    "`LazyModule` or explicitly manipulating `tinygrad_edu.nn.parameter.{cls}` objects. When using "
    "LazyModules Call `forward` with a dummy batch to initialize the parameters before calling "
    "tinygrad_edu functions"
)
_NO_SHAPE = (
    "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
    "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
    "`forward` to initialize the parameters before accessing their attributes."
)
# Frames that carry a call to an op without being the op: a module's __call__ and its hooks.
_CALLERS = {"Module.__call__", "call_with_hooks"}
# Package code that is no op: this file, and Module's own machinery (load_state_dict, to, ...),
# from which asking the shape is PyTorch's RuntimeError.
_NOT_OPERATIONS = {"tinygrad_edu.nn.parameter", "tinygrad_edu.nn.module", "tinygrad_edu.nn.lazy"}


def _operation_name(frame) -> str | None:
    """The tinygrad_edu function that the user's code (or a module's forward) called and that
    ended up at `frame`, e.g. "linear" or "Tensor.__add__"; None if `frame` is not inside one
    (the user's own code, or Module's load_state_dict/to machinery)."""
    name = None
    while frame is not None:
        code = frame.f_code
        qualname = getattr(code, "co_qualname", code.co_name)  # (Python 3.10 has no co_qualname)
        module = frame.f_globals.get("__name__", "")
        if module.split(".")[0] == "numpy":  # (numpy's own Python code, e.g. np.shape: look past it)
            frame = frame.f_back
            continue
        if not module.startswith("tinygrad_edu.") or qualname in _CALLERS:
            break
        if module not in _NOT_OPERATIONS and "<locals>" not in qualname:  # (a decorator's wrapper: not the op)
            # a method: named by the class of its object (Tensor.sum, not the mixin that defines
            # it; Conv2d.forward, not _ConvNd.forward)
            owner = frame.f_locals.get("self")
            if owner is None:
                name = qualname
            else:
                name = f"{'Tensor' if isinstance(owner, Tensor) else type(owner).__name__}.{frame.f_code.co_name}"
        frame = frame.f_back
    return name


def _refuse(kind: str, what: str | None = None) -> ValueError:
    """The ValueError for a use of a placeholder, naming the op that tried it."""
    op = _operation_name(sys._getframe(2)) or what or "an operation"
    return ValueError(_UNINITIALIZED.format(op=op, cls=kind))


def _shape_error(kind: str) -> Exception:
    """Asking the shape: inside an op, the ValueError of any use; from the user's code (or from
    load_state_dict), PyTorch's RuntimeError that says there is no shape yet."""
    op = _operation_name(sys._getframe(2))
    return RuntimeError(_NO_SHAPE) if op is None else ValueError(_UNINITIALIZED.format(op=op, cls=kind))


class UninitializedArray:
    """The `.data` of an UninitializedParameter or UninitializedBuffer: a dtype and no values.
    Its `dtype` can be read and changed (`astype`: `Module.to(tg.float32)` before the first
    forward, as PyTorch allows); anything else -- its shape, conversion to an array, arithmetic --
    raises."""

    __slots__ = ("dtype", "kind")

    def __init__(self, dtype: np.dtype, kind: str) -> None:
        self.dtype = np.dtype(dtype)
        self.kind = kind  # "UninitializedParameter" or "UninitializedBuffer", for the messages

    def astype(self, dtype, *args, **kwargs) -> "UninitializedArray":
        return UninitializedArray(dtype, self.kind)

    @property
    def shape(self):
        raise _shape_error(self.kind)

    def __getattr__(self, name: str):  # (only called for names the class does not define)
        raise _refuse(self.kind, "np.asarray" if name.startswith("__array") else f"np.ndarray.{name}")

    def __array__(self, dtype=None, copy=None):
        raise _refuse(self.kind, "np.asarray")

    def __repr__(self) -> str:
        return f"<uninitialized array of dtype {self.dtype}>"


def _refusing(name: str):
    def method(self, *args):
        raise _refuse(self.kind, f"np.ndarray.{name}")

    method.__name__ = name
    return method


# Operators are looked up on the class, never through __getattr__, so each is spelled out.
for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
              "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__neg__", "__getitem__", "__setitem__",
              "__len__", "__iter__", "__bool__", "__float__", "__int__", "__index__"):
    setattr(UninitializedArray, _name, _refusing(_name))
del _name


class UninitializedTensorMixin(Tensor):
    """What UninitializedParameter and UninitializedBuffer share (PyTorch's name): `materialize`,
    the refusals, the repr."""

    __slots__ = ()  # (the same layout as Tensor's, so that materialize can change the class)
    # PyTorch's attribute, kept for code that reads it; materialize always makes a plain Tensor
    # (a Parameter is a Tensor marked by nn.Parameter, see above)
    cls_to_become: type = Tensor

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the placeholder an array of `shape` (zeros; the lazy module's reset_parameters
        then initialises it) and make it an ordinary tensor -- a Parameter for an
        UninitializedParameter -- in place: the same object, so references to it (an optimizer's,
        a state dict's) see the real tensor. `dtype` defaults to the placeholder's."""
        check_device(device, "materialize")
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        if any(n < 0 for n in shape):
            raise RuntimeError(f"Trying to create tensor with negative dimension "
                               f"{min(shape)}: {list(shape)}")  # (PyTorch's words)
        dtype = self.data.dtype if dtype is None else as_dtype(dtype, "materialize")
        self.data = np.zeros(shape, dtype)
        self.__class__ = Tensor  # (a Parameter stays one: it was marked when made)

    @property
    def shape(self):
        raise _shape_error(type(self).__name__)

    def detach(self):
        raise _refuse(type(self).__name__, "Tensor.detach")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def __format__(self, spec: str) -> str:
        return format(repr(self), spec)

    def _arguments(self) -> tuple:
        """What the constructor needs to make another placeholder like this one."""
        return (self.requires_grad, None, self.data.dtype.str)

    def __deepcopy__(self, memo) -> "UninitializedTensorMixin":
        copied = type(self)(*self._arguments())
        memo[id(self)] = copied
        return copied

    def __reduce_ex__(self, protocol):
        return (type(self), self._arguments())

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before calling `module.share_memory()`.")


def _placeholder(cls: type, requires_grad: bool, device, dtype) -> Tensor:
    check_device(device, cls.__name__)
    dtype = get_default_dtype() if dtype is None else as_dtype(dtype, cls.__name__)
    if requires_grad and dtype.kind != "f":
        raise TypeError(f"{cls.__name__}: only floating point data can require gradients, got dtype {dtype}")
    placeholder = Tensor.__new__(cls)
    placeholder.data = UninitializedArray(dtype, cls.__name__)
    placeholder.grad_fn, placeholder._version_counter = None, None
    placeholder.requires_grad = bool(requires_grad)
    return placeholder


class UninitializedParameter(UninitializedTensorMixin):
    """A parameter whose shape is not known yet: what a lazy module (nn.LazyLinear, ...) holds
    until its first forward, which calls `materialize(shape)`. Any use in an op raises ValueError,
    asking its `shape` RuntimeError; its dtype and requires_grad can be read.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> p = nn.UninitializedParameter()
    >>> p, isinstance(p, nn.Parameter), p.requires_grad
    (<UninitializedParameter>, True, True)
    >>> p.materialize((2, 3))
    >>> type(p) is tg.Tensor, isinstance(p, nn.Parameter), p.shape
    (True, True, (2, 3))
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None) -> "UninitializedParameter":
        placeholder = _placeholder(cls, requires_grad, device, dtype)
        placeholder._hooks = []  # (as Parameter's)
        return mark_as_parameter(placeholder)

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        pass  # (all done in __new__; Tensor.__init__ would want data)


class UninitializedBuffer(UninitializedTensorMixin):
    """A buffer whose shape is not known yet (a lazy batch norm's running_mean and running_var
    until the first forward); `materialize(shape)` makes it an ordinary tensor in place.
    `persistent`: saved in state_dict() (as nn.Buffer's)."""

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None,
                persistent: bool = True) -> "UninitializedBuffer":
        placeholder = _placeholder(cls, requires_grad, device, dtype)
        placeholder.persistent = persistent
        placeholder._is_buffer = True  # (an nn.Buffer: assigning it to a module registers it)
        return placeholder

    def __init__(self, requires_grad: bool = False, device=None, dtype=None, persistent: bool = True) -> None:
        pass

    def _arguments(self) -> tuple:
        return super()._arguments() + (self.persistent,)


def is_lazy(param) -> bool:
    """True for an UninitializedParameter or UninitializedBuffer (a lazy module's placeholder)."""
    return isinstance(param, UninitializedTensorMixin)
