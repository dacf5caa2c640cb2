"""`Tensor`: an n-dimensional array (numpy underneath) that remembers how it was computed.

A tensor made by an op on tensors that require grad gets a `grad_fn`: the node of that op on the
tape (see autograd/function.py). `backward()` walks those nodes (autograd/engine.py).
The methods here check their arguments and call ops from `ops/`; the few built from other
methods (var, gather) say so. This file also holds what the ops cannot: in-place changes, and
how a view follows its base when either is changed in place (`_in_place`, `_reread_view`).
"""
from __future__ import annotations

import operator
import warnings
import weakref
from typing import Iterator, Sequence

import numpy as np

from . import dtype as _dtype
from . import errors as _errors
from . import memory_formats as _formats
from . import repr as _repr
from .autograd.grad_mode import _state as _grad_state
from .conversion import ConversionMethods, _is_dtype
from .devices import check_device
from .errors import ShapeError
from .numpy_interop import NumpyProtocol
from .tensor_aliases import AliasMethods
from .tensor_dlpack import DLPackMethods
from .tensor_indexing import IndexingMethods
from .tensor_layout import LayoutMethods
from .tensor_legacy import LegacyMethods
from .tensor_linalg import LinalgMethods
from .tensor_math import MathMethods
from .tensor_more import MoreMethods
from .tensor_more_layout import MoreLayoutMethods
from .tensor_numeric import NumericMethods
from .tensor_pointwise import PointwiseMethods, _broadcast, _no_integer_zero_division, _zero_with_gradient_one
from .tensor_scatter import ScatterMethods
from .tensor_shaping import ShapingMethods
from .tensor_sharing import SharingMethods
from .tensor_statistics import StatisticsMethods

Scalar = int | float | bool
_new_tensor = object.__new__


def _to_array(data, dtype) -> np.ndarray:
    """Python/numpy data as an ndarray following PyTorch's rules for the dtype."""
    if isinstance(data, np.ndarray):
        array = data
    elif isinstance(data, Tensor):
        array = data.data.copy()
    elif isinstance(data, bool):
        array = np.asarray(data, dtype=np.bool_)
    elif isinstance(data, int):
        array = np.asarray(data, dtype=np.int64)
    elif isinstance(data, float):  # (straight to the dtype asked for: not rounded through the default first)
        array = np.asarray(data, dtype=_dtype.get_default_dtype() if dtype is None else np.float64)
    elif isinstance(data, (list, tuple, np.generic)):
        try:
            array = np.asarray(data)
        except ValueError as err:
            _check_depth(data)
            raise ValueError(f"Tensor: the nested list is ragged or malformed ({err})") from None
        # PyTorch's dtype for a list is the promotion of its elements' dtypes, with a Python float
        # counting as the default float dtype; numpy's is the same with float64 for it. So only
        # float64 is replaced: numpy scalars and arrays in the list keep their dtype (float32, int8...)
        if array.dtype.kind in "uO" or (array.dtype == np.float64 and array.size and abs(array).max() >= 2.0 ** 63):
            _refuse_int64_overflow(data)  # (numpy makes big ints uint64, float64 or objects)
        if array.dtype == np.float64 and not isinstance(data, np.generic) and dtype is None:
            array = array.astype(_dtype.get_default_dtype(), copy=False)
    else:
        raise TypeError(
            f"Tensor: expected a number, a (nested) list of numbers, an np.ndarray or a Tensor, "
            f"got {type(data).__name__}"
        )
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"Tensor: cannot make a tensor of numbers from data of dtype {array.dtype} "
            f"(only bool, integer and float data)"
        )
    if dtype is not None:
        array = array.astype(np.dtype(dtype), copy=False)
    return array


def _refuse_int64_overflow(data) -> None:
    """A list of Python ints is read as int64, as PyTorch reads it: an int beyond int64's range is an
    error there too (unless the list holds a float, which makes it a float tensor)."""
    stack, too_big = [data], None
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, (float, np.floating)):
            return
        elif isinstance(x, int) and not isinstance(x, bool) and not -2 ** 63 <= x < 2 ** 63:
            too_big = x
    if too_big is not None:
        raise ValueError(f"Tensor: the integer {too_big} does not fit in int64, the dtype of a list of "
                         f"Python ints; write it as a float ({float(too_big):g}) for a float tensor")


def _check_depth(data, depth: int = 0) -> None:
    """TypeError (PyTorch's type) for a list mixing numbers and lists at one level, [[1, 2], 3]:
    not a matter of lengths, as a ragged [[1, 2], [3]] is."""
    if not isinstance(data, (list, tuple)):
        return
    nested = [isinstance(x, (list, tuple, np.ndarray)) for x in data]
    if any(nested) and not all(nested):
        raise TypeError(f"Tensor: the list at depth {depth} mixes numbers and lists ({data!r:.60}); "
                        "every element of a level must be a number, or every one a list")
    for x in data:
        _check_depth(x, depth + 1)


_NO_DATA = object()  # Tensor() without data: an empty tensor, as torch.Tensor()


def is_size(value) -> bool:
    """An int that can be a size (a bool cannot, although Python counts it as an int)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def sized_zeros(sizes: tuple, dtype, op: str) -> np.ndarray:
    """PyTorch's legacy "ints are sizes" constructors (`Tensor(2, 3)`, `FloatTensor(2, 3)`,
    `t.new(2, 3)`): zeros of that shape (PyTorch leaves the memory uninitialised); no sizes at
    all is an empty tensor."""
    shape = tuple(int(n) for n in sizes) if sizes else (0,)
    if any(n < 0 for n in shape):
        raise ValueError(f"{op}: sizes cannot be negative, got {shape}")
    return np.zeros(shape, dtype)


def _legacy_sizes(first, sizes: tuple) -> np.ndarray:
    """`Tensor()` is empty and `Tensor(2, 3)` has shape (2, 3), in the default float dtype. One
    int alone, `Tensor(5)`, stays the number 5, as `tensor(5)`: unlike `torch.Tensor(5)`."""
    args = sizes if first is _NO_DATA else (first,) + sizes
    if not all(is_size(n) for n in args):
        raise TypeError(
            f"Tensor: the arguments after the data must be keywords (requires_grad=..., dtype=..., "
            f"name=...); positional ints are sizes, as in PyTorch's legacy Tensor(2, 3). Got {args!r}"
        )
    return sized_zeros(args, _dtype.get_default_dtype(), "Tensor")


_scalar_warned = [False]


def _warn_scalar_of_grad_tensor() -> None:
    """PyTorch 2.13's warning for float() of a tensor that requires grad (not for int(), bool()
    or item()): once per process, every time after tg.set_warn_always(True), as its warn-once."""
    from .runtime_flags import is_warn_always_enabled

    if _scalar_warned[0] and not is_warn_always_enabled():
        return
    _scalar_warned[0] = True
    warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                  "Consider using tensor.detach() first.", UserWarning, stacklevel=3)


class Tensor(ConversionMethods, NumpyProtocol, MathMethods, LayoutMethods, PointwiseMethods, ShapingMethods,
             IndexingMethods, MoreMethods, MoreLayoutMethods, LinalgMethods, StatisticsMethods,
             ScatterMethods, NumericMethods, AliasMethods, DLPackMethods, SharingMethods, LegacyMethods):
    """An array that records the operations applied to it, for reverse-mode autodiff.

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()          # y = Σ x²
    >>> y.backward()               # dy/dx = 2x
    >>> x.grad
    tensor([2., 4., 6.])
    """

    # Every tensor has these four; the rest are class defaults, set per instance (in its __dict__)
    # only where needed: .grad on leaves, a name, hooks, an output number of a multi-output op, a
    # view's base. An op's result then costs four assignments.
    __slots__ = ("data", "grad_fn", "requires_grad", "_version_counter", "__dict__", "__weakref__")
    _grad = None  # .grad (a property: reading it on a non-leaf warns, as in PyTorch)
    _inference = False  # made inside tg.inference_mode() (autograd/api.py)
    name = None
    _hooks = None
    _output_nr = 0
    _view_of = None
    _detached_at = -1  # detach_() of a non-leaf: when (in node creation order), see Node.saved_tensors
    # dtype/device conversions come from ConversionMethods (conversion.py), numpy's hooks from
    # NumpyProtocol (numpy_interop.py).

    def __init__(self, data=_NO_DATA, *sizes, requires_grad: bool = False, dtype=None, device=None,
                 name: str | None = None) -> None:
        if len(sizes) == 1 and isinstance(sizes[0], bool):  # Tensor(data, True): requires_grad given
            requires_grad, sizes = sizes[0], ()            # by position (a bool is never a size)
        if sizes or data is _NO_DATA:
            data = _legacy_sizes(data, sizes)
        if device is not None:
            check_device(device, "Tensor")
        self.data: np.ndarray = _to_array(data, dtype)
        self.grad_fn = None
        self.requires_grad = False
        self._version_counter = None
        if name is not None:  # grad, name, hooks, output number: class defaults until set
            self.name = name
        if _function._inference_open:  # (made inside tg.inference_mode(): an inference tensor)
            _api.made(self)
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _make(array: np.ndarray, grad_fn, requires_grad: bool) -> "Tensor":
        """The fast constructor used by ops: no conversion, no checks."""
        t = _new_tensor(Tensor)
        t.data = array
        t.grad_fn = grad_fn
        t.requires_grad = requires_grad
        t._version_counter = None
        return t

    # ---- version counter: how many times the data was changed in place ------------------
    # Views (reshape, permute, expand, basic slices, detach) share their base's memory, so they
    # share one counter too: a change through any of them is seen by nodes that saved another.
    # The counter is a one-element list, made only when first needed (None means version 0).
    @property
    def _version(self) -> int:
        return 0 if self._version_counter is None else self._version_counter[0]

    @_version.setter
    def _version(self, value: int) -> None:
        if self._version_counter is None:
            self._version_counter = [value]
        else:
            self._version_counter[0] = value

    def _share_version_counter(self, view: "Tensor") -> "Tensor":
        """Make `view` (which shares this tensor's memory) share its version counter."""
        if self._version_counter is None:
            self._version_counter = [0]
        view._version_counter = self._version_counter
        if view.grad_fn is not None:
            view.grad_fn.is_view = True
        return view

    def _lift(self, value) -> "Tensor":
        """A Python number or array met in an op with this tensor, as a constant tensor.
        Numbers take this tensor's dtype when they fit it (2 * float32 stays float32)."""
        if isinstance(value, Tensor):  # (a Number lifted earlier too: `p.mul_(0.9)` lifts twice)
            return value
        if isinstance(value, (int, float, bool)):
            kind = self.data.dtype.kind
            if kind == "f" or (kind in "iu" and not isinstance(value, float)) or (
                kind == "b" and isinstance(value, bool)
            ):
                dtype = self.data.dtype
            elif isinstance(value, float):
                dtype = _dtype.get_default_dtype()
            else:
                dtype = np.int64
            number = _new_tensor(Number)
            number.data = np.asarray(value, dtype=dtype)
            number.grad_fn, number.requires_grad, number._version_counter = None, False, None
            return number
        return Tensor(value)

    # ---- properties ---------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (or outside grad mode), not by a recorded op."""
        return self.grad_fn is None

    @property
    def T(self) -> "Tensor":
        """The dims in reverse order: the transpose of a matrix. As in PyTorch, other than 2 dims
        still work but warn (deprecated there; use .mT or permute)."""
        if self.ndim != 2:
            import warnings

            warnings.warn(f".T on a tensor with {self.ndim} dims reverses its dims; PyTorch "
                          f"deprecates that: use .mT or permute", UserWarning, stacklevel=2)
            return self.permute(*range(self.ndim - 1, -1, -1)) if self.ndim > 2 else self
        return self.permute(1, 0)

    def size(self, dim: int | None = None):
        """The shape tuple, or the length of axis `dim`."""
        if dim is None:
            return self.data.shape
        return self.data.shape[_ops.normalize_dim(dim, self.ndim, "size")]

    def numel(self) -> int:
        return int(self.data.size)

    nelement = numel  # (PyTorch's older name)

    def dim(self) -> int:
        return self.data.ndim

    # ---- conversion ---------------------------------------------------------------------
    def item(self) -> Scalar:
        """The single number in a one-element tensor, as a Python number."""
        if self.data.size != 1:
            raise RuntimeError(
                f"item: only a tensor with one element can be converted to a Python number, "
                f"this one has shape {self.shape} ({self.data.size} elements)"
            )
        return self.data.reshape(()).item()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array (no copy). (`force` is PyTorch's way to ask for the numbers of a
        tensor that requires grad or lives on a GPU; here every tensor can already give them.)"""
        return self.data

    def tolist(self):
        return self.data.tolist()

    def __array__(self, dtype=None, copy=None):
        data = self.data if self.data.__class__ is np.ndarray else np.asarray(self.data)  # (tg.autobatch)
        return data if dtype is None else data.astype(dtype)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self) -> Iterator["Tensor"]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.data.shape[0]))

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(
                f"bool: the truth value of a tensor with {self.data.size} elements (shape "
                f"{self.shape}) is ambiguous; use (t).any() or (t).all()"
            )
        return bool(self.data.reshape(()))

    def _python_number(self) -> Scalar:
        if self.data.size != 1:
            raise ValueError(
                f"only one element tensors can be converted to Python scalars; this one has shape "
                f"{self.shape} ({self.data.size} elements)"
            )
        return self.data.reshape(()).item()

    def __float__(self) -> float:
        if self.requires_grad:
            _warn_scalar_of_grad_tensor()
        return float(self._python_number())

    def __int__(self) -> int:
        return int(self._python_number())

    def __index__(self) -> int:
        if self.data.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError(f"only one-element integer tensors can be used as an index, got {self!r}")
        return int(self.item())

    __hash__ = object.__hash__  # == is elementwise, so hash by identity

    def __repr__(self) -> str:
        """PyTorch's text: `tensor([0.5000, 2.0000], requires_grad=True)` (see repr.py)."""
        return _repr.tensor_repr(self)

    def __format__(self, spec: str) -> str:
        """f"{t:.4f}" formats the number of a one-element tensor; f"{t}" of any other is repr(t)."""
        return _repr.tensor_format(self, spec)

    # ---- autograd -----------------------------------------------------------------------
    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Mark a leaf as a variable to differentiate with respect to (in place, returns self)."""
        if requires_grad and not _dtype.is_differentiable(self.data.dtype):  # (also a RuntimeError, as PyTorch's)
            raise _errors.ArgumentDtypeError(
                f"requires_grad: only floating point tensors can require gradients, this one has "
                f"dtype {self.data.dtype} (convert it first, e.g. t.double())"
            )
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError(
                "requires_grad_(False): this tensor was computed by a recorded op; use .detach() "
                "to get a tensor that does not require grad"
            )
        if requires_grad and self._inference:
            _refuse_inference_update("requires_grad_")
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self) -> "Tensor":
        """The same data (shared, no copy) cut off from the graph."""
        out = self._share_version_counter(Tensor._make(self.data, None, False))
        if _function._inference_made and self.is_inference():  # (a view of an inference tensor is one)
            out._inference = True
        return out

    @property
    def grad(self) -> "Tensor | None":
        """The gradient that backward summed into this tensor: None until then. Only leaves (and
        non-leaves after retain_grad()) get one; reading it on another non-leaf warns, as in
        PyTorch (pytorch/pytorch#30531), since backward will never fill it."""
        grad = self._grad
        if grad is None and self.grad_fn is not None and not self.retains_grad:
            warnings.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                          ".grad attribute won't be populated during backward(). If you indeed want the .grad "
                          "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf "
                          "Tensor. If you access the non-leaf Tensor by mistake, make sure you access the "
                          "leaf Tensor instead.", UserWarning, stacklevel=2)
        return grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None:  # (as PyTorch checks: a gradient has its tensor's shape and dtype)
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of shape {value.shape} to a tensor of shape "
                                   f"{self.shape}: a gradient has the shape of its tensor")
            if value.dtype != self.dtype:
                raise RuntimeError(f"attempting to assign a gradient with dtype {value.dtype} to a tensor of dtype "
                                   f"{self.dtype}: a gradient has the dtype of its tensor (convert it with "
                                   f".to(tg.{self.dtype}))")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    def retain_grad(self) -> None:
        """Ask for `.grad` on a non-leaf tensor too (leaves always get it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: this tensor does not require grad")
        if self.grad_fn is None:
            return
        node = self.grad_fn
        if node.retained is None:
            node.retained = {}
            node.watched = True
        node.retained[self._output_nr] = weakref.ref(self)

    def register_hook(self, hook) -> "_hooks.RemovableHandle":
        """Call `hook(grad)` when this tensor's gradient is computed; a returned tensor replaces
        the gradient. Returns a handle whose `.remove()` unregisters the hook."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that does not require grad")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            node = self.grad_fn
            if node.pre_hooks is None:
                node.pre_hooks = {}
                node.watched = True
            hooks = node.pre_hooks.setdefault(self._output_nr, [])
        hooks.append(hook)
        return _hooks.RemovableHandle(hooks, hook)

    def backward(self, gradient: "Tensor | None" = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs=None) -> None:
        """Compute the gradient of this tensor with respect to every leaf that requires grad,
        summing it into their `.grad`.

        `gradient` is dL/d(self): needed unless self holds one number. `retain_graph=True` keeps
        saved values for another backward; `create_graph=True` records this backward so that
        the gradients can be differentiated again. `inputs` (a Tensor or a sequence of them), if
        given, are the only tensors whose `.grad` changes, as in PyTorch (an intermediate result
        among them gets its `.grad` too).

        >>> import tinygrad_edu as tg
        >>> a, b = tg.tensor(2.0, requires_grad=True), tg.tensor(3.0, requires_grad=True)
        >>> (a * b).backward(inputs=[a]); a.grad, b.grad
        (tensor(3.), None)
        """
        if inputs is not None:
            from .autograd.api import backward as backward_of_several
            backward_of_several([self], None if gradient is None else [gradient], retain_graph, create_graph,
                                inputs=inputs)
            return
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad and has no grad_fn, so nothing was "
                "recorded to differentiate. Create its inputs with requires_grad=True (and do not "
                "compute it inside tg.no_grad())."
            )
        _differentiate.refresh_views((self,))
        gradient = _differentiate.seed_gradient(self, gradient, "backward", create_graph)
        if retain_graph is None:
            retain_graph = create_graph
        _engine.run_backward([self], [gradient], retain_graph, create_graph)

    # ---- arithmetic (the ops are in ops/arithmetic.py) ----------------------------------
    def _promoted_with(self, other) -> tuple["Tensor", "Tensor"]:
        """self and `other` (a number or array lifted to a tensor) as the two operands of a
        binary op, in their common dtype by PyTorch's promotion rules (dtype.result_type)."""
        if other.__class__ is not Tensor:
            other = self._lift(other)
        if self.data.dtype is other.data.dtype:
            return self, other
        dtype = _dtype.result_type(self.data, other.data)
        return self._cast(dtype), other._cast(dtype)

    def _require_float(self, op: str) -> None:
        """An average of an integer tensor is refused, as in PyTorch (it would not be an integer)."""
        if self.data.dtype.kind != "f":
            raise _errors.ArgumentDtypeError(
                f"{op}: needs a floating point tensor, got dtype {self.dtype} (convert first, e.g. t.double())")

    def _as_float(self) -> "Tensor":
        """A float op (exp, /, sqrt...) on an integer or bool tensor computes in the default
        float dtype, as in PyTorch."""
        return self if self.data.dtype.kind == "f" else self.to(_dtype.get_default_dtype())

    def __add__(self, other) -> "Tensor":
        if other.__class__ is not Tensor or other.data.dtype is not self.data.dtype:
            self, other = self._promoted_with(other)
        return _ops.Add.apply(self, other)

    def __radd__(self, other) -> "Tensor":
        return _ops.Add.apply(*self._lift(other)._promoted_with(self))

    def __sub__(self, other) -> "Tensor":
        if other.__class__ is not Tensor or other.data.dtype is not self.data.dtype:
            _no_bool_subtraction(self, other)
            self, other = self._promoted_with(other)
        elif self.data.dtype.kind == "b":
            _no_bool_subtraction(self, other)
        return _ops.Sub.apply(self, other)

    def __rsub__(self, other) -> "Tensor":
        _no_bool_subtraction(other, self)
        return _ops.Sub.apply(*self._lift(other)._promoted_with(self))

    def __mul__(self, other) -> "Tensor":
        if other.__class__ is not Tensor or other.data.dtype is not self.data.dtype:
            self, other = self._promoted_with(other)
        return _ops.Mul.apply(self, other)

    def __rmul__(self, other) -> "Tensor":
        return _ops.Mul.apply(*self._lift(other)._promoted_with(self))

    def __floordiv__(self, other) -> "Tensor":
        """a // b rounded down (PyTorch's floor_divide): no gradient, like PyTorch's."""
        a, b = self._promoted_with(other)
        return Tensor._make(np.asarray(np.floor_divide(a.data, b.data)), None, False)

    def __rfloordiv__(self, other) -> "Tensor":
        return self._lift(other).__floordiv__(self)

    def __mod__(self, other) -> "Tensor":
        """a % b with the sign of b (PyTorch's remainder, Python's %): a - b·⌊a/b⌋, with the
        exact values PyTorch computes (fmod, then + b where the signs differ: 1.0 % 0.1 is
        0.09999999999999995, not the 0.09999999999999998 of the formula);
        ∂/∂a = 1, ∂/∂b = -⌊a/b⌋."""
        a, b = self._promoted_with(other)
        exact = _remainder_values(a, b)
        if a.data.dtype.kind != "f" or not (_grad_state.enabled and (a.requires_grad or b.requires_grad)):
            return Tensor._make(exact, None, False)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            quotient = np.floor_divide(a.data, b.data)
        # where a/b overflows but the remainder is finite, 0·inf would spoil the value: gradient 0 there
        quotient = np.where(np.isfinite(quotient) | np.isnan(exact), quotient, 0).astype(exact.dtype)
        # the exact values minus a term that is +0 in value (so a -0.0 stays -0.0) and carries the
        # derivatives: ∂/∂a = -∂/∂a (-a - (-a)) = 1 (a non-finite a gives nan, as the value is),
        # ∂/∂b = -⌊a/b⌋ (0 where b is infinite)
        minus_a = -a
        with np.errstate(invalid="ignore"):  # (0·inf and inf - inf where the value is nan anyway)
            carrier = _zero_with_gradient_one(b) * Tensor._make(quotient, None, False) + (minus_a - minus_a.detach())
            return Tensor._make(exact, None, False) - carrier

    def __rmod__(self, other) -> "Tensor":
        return self._lift(other).__mod__(self)

    def remainder(self, other) -> "Tensor":
        return self % other

    def __truediv__(self, other) -> "Tensor":
        a, b = self._promoted_with(other)
        return _ops.Div.apply(a._as_float(), b._as_float())  # 7 / 2 = 3.5, as in PyTorch

    def __rtruediv__(self, other) -> "Tensor":
        a, b = self._lift(other)._promoted_with(self)
        return _ops.Div.apply(a._as_float(), b._as_float())

    def __pow__(self, exponent) -> "Tensor":
        return _ops.Pow.apply(*_pow_operands(*self._promoted_with(exponent)))

    def __rpow__(self, base) -> "Tensor":
        return _ops.Pow.apply(*_pow_operands(*self._lift(base)._promoted_with(self)))

    def __neg__(self) -> "Tensor":
        if self.data.dtype.kind == "b":
            raise _errors.ArgumentDtypeError("-: negation of a bool tensor is not supported (as in "
                                             "PyTorch); to invert a mask use ~")
        return _ops.Neg.apply(self)

    def __pos__(self) -> "Tensor":
        return self

    def __matmul__(self, other) -> "Tensor":
        return self.matmul(other)

    def __rmatmul__(self, other) -> "Tensor":
        return (other if isinstance(other, Tensor) else Tensor(other)).matmul(self)

    def add(self, other, *, alpha=1) -> "Tensor":
        """self + alpha·other."""
        return self + (other if alpha == 1 else self._scaled(other, alpha, "add"))

    def sub(self, other, *, alpha=1) -> "Tensor":
        """self - alpha·other."""
        if alpha == 1:
            return self - other
        _no_bool_subtraction(self, other)  # (before scaling: alpha·True would hide the bool operand)
        return self - self._scaled(other, alpha, "sub")

    def mul(self, other) -> "Tensor":
        return self * other

    def div(self, other, *, rounding_mode: str | None = None) -> "Tensor":
        """self / other; `rounding_mode` 'trunc' or 'floor' rounds the quotient (see `divide`)."""
        return self / other if rounding_mode is None else self.divide(other, rounding_mode=rounding_mode)

    def pow(self, exponent) -> "Tensor":
        return self ** exponent

    def neg(self) -> "Tensor":
        return -self

    def matmul(self, other) -> "Tensor":
        """Matrix product with numpy's rules: 1-D arguments are treated as a row (first) or a
        column (second) vector and that axis is dropped from the result; batch axes broadcast."""
        if (other.__class__ is Tensor and self.data.ndim == 2 and other.data.ndim == 2
                and self.data.dtype is other.data.dtype):  # the common case, checked in MatMul.forward
            return _ops.MatMul.apply(self, other)
        other = self._lift(other)
        if self.ndim == 0 or other.ndim == 0:
            raise ShapeError(
                f"matmul: both arguments need at least 1 dimension, got shapes {self.shape} and {other.shape}"
            )
        if self.data.dtype != other.data.dtype:
            raise RuntimeError(
                f"matmul: both tensors must have the same dtype (as in PyTorch), got {self.dtype} and "
                f"{other.dtype}; convert one first, e.g. b.to(a.dtype)"
                f"{_dtype.default_dtype_hint(self.data.dtype, other.data.dtype)}"
            )
        if self.shape[-1] != other.shape[-2 if other.ndim > 1 else 0]:
            raise ShapeError(
                f"matmul: shapes {self.shape} and {other.shape} are not aligned "
                f"({self.shape[-1]} != {other.shape[-2] if other.ndim > 1 else other.shape[0]}: the last "
                f"axis of the first must equal the {'second-to-last' if other.ndim > 1 else 'only'} "
                f"axis of the second)"
            )
        if self.ndim > 1 and other.ndim > 1:
            return _ops.MatMul.apply(self, other)
        if other.ndim == 1 and self.ndim <= 2 and _grad_state.batching is None:
            return _ops.MatMul.apply(self, other)  # PyTorch's mv and dot: one node (see MatMul)
        # Otherwise a vector is made a matrix, and the added axis dropped from the product, as
        # PyTorch records it (and, inside tg.autobatch(), products of matrices batch: rules.py).
        a = self.unsqueeze(0) if self.ndim == 1 else self
        b = other.unsqueeze(-1) if other.ndim == 1 else other
        out = _ops.MatMul.apply(a, b)
        if other.ndim == 1:
            out = out.squeeze(-1)
        if self.ndim == 1:
            out = out.squeeze(-2 if other.ndim > 1 else -1) if out.ndim else out
        return out

    # ---- comparisons: no gradient, bool results -----------------------------------------
    def _compare(self, other, op) -> "Tensor":
        if isinstance(other, Tensor) and other.data.dtype is not self.data.dtype:  # compare in the
            a, b = self._promoted_with(other)                              # promoted dtype, as PyTorch does
            self, other = a, b
        other = other.data if isinstance(other, Tensor) else other
        try:
            return Tensor._make(np.asarray(op(self.data, other)), None, False)
        except ValueError:
            raise ShapeError(f"{op.__name__}: shapes {self.shape} and {np.shape(other)} cannot be "
                             f"broadcast together") from None

    def __eq__(self, other) -> "Tensor":  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other) -> "Tensor":  # type: ignore[override]
        return self._compare(other, np.not_equal)

    def __lt__(self, other) -> "Tensor":
        return self._compare(other, np.less)

    def __le__(self, other) -> "Tensor":
        return self._compare(other, np.less_equal)

    def __gt__(self, other) -> "Tensor":
        return self._compare(other, np.greater)

    def __ge__(self, other) -> "Tensor":
        return self._compare(other, np.greater_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __invert__(self) -> "Tensor":
        """~mask (logical not) for bool tensors, bitwise not for integers, as in PyTorch."""
        if self.data.dtype.kind not in "biu":
            raise _errors.ArgumentDtypeError(
                f"~: only bool and integer tensors can be inverted, got dtype {self.dtype}")
        return Tensor._make(np.asarray(np.invert(self.data)), None, False)  # (0-d: numpy gives a scalar)

    def __and__(self, other) -> "Tensor":
        """Elementwise and: logical for bool tensors, bitwise for integers (PyTorch's `&`)."""
        return self._bitwise(other, np.bitwise_and, "&")

    def __or__(self, other) -> "Tensor":
        return self._bitwise(other, np.bitwise_or, "|")

    def __xor__(self, other) -> "Tensor":
        return self._bitwise(other, np.bitwise_xor, "^")

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def _bitwise(self, other, op, symbol: str) -> "Tensor":
        a, b = self._promoted_with(other)
        if a.data.dtype.kind not in "biu":
            raise _errors.NotImplementedForDtype(
                f"{symbol}: bitwise and logical operators need bool or integer tensors, got dtype "
                f"{a.dtype} (as in PyTorch); compare first, e.g. (x > 0) {symbol} (y > 0)")
        return a._compare(b, op)

    def any(self, dim=None, keepdim: bool = False) -> "Tensor":
        """Is any element non-zero (over `dim`: an int, a tuple or None for all)? A bool tensor."""
        axes = _ops.normalize_dims(dim, self.ndim, "any")
        return Tensor._make(np.asarray(self.data.any(axis=axes, keepdims=keepdim)), None, False)

    def all(self, dim=None, keepdim: bool = False) -> "Tensor":
        """Is every element non-zero (over `dim`)? A bool tensor."""
        axes = _ops.normalize_dims(dim, self.ndim, "all")
        return Tensor._make(np.asarray(self.data.all(axis=axes, keepdims=keepdim)), None, False)

    # ---- elementwise functions (ops/unary.py, ops/select.py) ----------------------------
    def exp(self) -> "Tensor":
        return _ops.Exp.apply(self._as_float())

    def log(self) -> "Tensor":
        return _ops.Log.apply(self._as_float())

    def sqrt(self) -> "Tensor":
        return _ops.Sqrt.apply(self._as_float())

    def abs(self) -> "Tensor":
        if self.data.dtype.kind == "b":
            raise _errors.NotImplementedForDtype("abs: not defined for bool tensors (as in PyTorch)")
        return _ops.Abs.apply(self)

    def sin(self) -> "Tensor":
        return _ops.Sin.apply(self._as_float())

    def cos(self) -> "Tensor":
        return _ops.Cos.apply(self._as_float())

    def tanh(self) -> "Tensor":
        return _ops.Tanh.apply(self._as_float())

    def sigmoid(self) -> "Tensor":
        return _ops.Sigmoid.apply(self._as_float())

    def relu(self) -> "Tensor":
        if self.data.dtype.kind == "b":
            raise _errors.ArgumentDtypeError("relu: bool inputs are not supported (as in PyTorch)")
        return _ops.Relu.apply(self)

    def clamp(self, min: "float | Tensor | None" = None, max: "float | Tensor | None" = None) -> "Tensor":
        """Limit values to [min, max] (either may be None). A bound may be a tensor that
        broadcasts with this one: then the result is min(max(x, min), max), built from `where`,
        and each bound gets the gradient where it is the result (x keeps it at ties), as PyTorch."""
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            return self._clamp_by_tensors(min, max)
        return _ops.Clamp.apply(self, min, max)

    def _clamp_by_tensors(self, low, high) -> "Tensor":
        """clamp with a tensor bound: clamp_min, then clamp_max (tensor_pointwise.py), so where
        low > high the result is high, and a nan bound gives nan, as PyTorch's."""
        out = self if low is None else self.clamp_min(low)
        return out if high is None else out.clamp_max(high)

    clip = clamp

    def maximum(self, other) -> "Tensor":
        return _ops.Maximum.apply(*self._promoted_with(other))

    def minimum(self, other) -> "Tensor":
        return _ops.Minimum.apply(*self._promoted_with(other))

    def sign(self) -> "Tensor":
        """-1, 0 or 1 per element; its gradient is 0 (as in PyTorch)."""
        return _ops.Sign.apply(self)

    def floor(self) -> "Tensor":
        """The largest integer <= x, per element (gradient 0)."""
        return _ops.Floor.apply(self)

    def ceil(self) -> "Tensor":
        """The smallest integer >= x, per element (gradient 0)."""
        return _ops.Ceil.apply(self)

    def trunc(self) -> "Tensor":
        """x rounded towards 0, per element (gradient 0)."""
        return _ops.Trunc.apply(self)

    def round(self, decimals: int = 0) -> "Tensor":
        """x rounded to `decimals` places, halves to even (2.5 -> 2), per element (gradient 0);
        `(p > 0.5)`-style predictions: `probs.round()`."""
        return _ops.Round.apply(self, int(decimals))

    def frac(self) -> "Tensor":
        """x - trunc(x), the fractional part (gradient 1)."""
        return self - self.trunc()

    # ---- reductions (ops/reduce.py) -----------------------------------------------------
    def sum(self, dim=None, keepdim: bool = False, *, dtype=None) -> "Tensor":
        """Sum over `dim` (an int, a tuple of ints, or None for all axes); with `dtype`, the
        input is converted to it first (`tg.sum`)."""
        if dtype is not None:
            from .functions import sum as sum_in
            return sum_in(self, dim, keepdim, dtype=dtype)
        return _ops.Sum.apply(self, _ops.normalize_dims(dim, self.ndim, "sum"), keepdim)

    def mean(self, dim=None, keepdim: bool = False, *, dtype=None) -> "Tensor":
        """The mean over `dim`; with `dtype` (a float dtype) the input is converted first, so an
        integer tensor has a mean too (`tg.mean`)."""
        if dtype is not None:
            from .functions import mean as mean_in
            return mean_in(self, dim, keepdim, dtype=dtype)
        self._require_float("mean")
        return _ops.Mean.apply(self, _ops.normalize_dims(dim, self.ndim, "mean"), keepdim)

    def max(self, dim=None, keepdim: bool = False):
        """The largest value (no `dim`); along `dim`, the named tuple `(values, indices)` as in
        PyTorch (`_, pred = out.max(1)`); given a tensor instead of a dim, the elementwise
        `maximum`. The gradient goes to the element whose index is returned; `amax` instead
        shares it evenly between ties.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([[1.0, 5.0], [2.0, 0.0]]).max(1)
        max(values=tensor([5., 2.]), indices=tensor([1, 0]))
        """
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        if dim is None:
            return _ops.Max.apply(self, _ops.normalize_dims(None, self.ndim, "max"), False)
        return self._best_along(dim, keepdim, "max")

    def min(self, dim=None, keepdim: bool = False):
        """The smallest value, or along `dim` the named tuple `(values, indices)`; see `max`."""
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        if dim is None:
            return _ops.Min.apply(self, _ops.normalize_dims(None, self.ndim, "min"), False)
        return self._best_along(dim, keepdim, "min")

    def _best_along(self, dim: int, keepdim: bool, op: str):
        if not self.ndim:
            _ops.normalize_dim(dim, 0, op)  # a 0-d tensor has dims 0 and -1 only
        indices = self._arg(np.argmax if op == "max" else np.argmin, dim, True, "arg" + op,
                            bool_ok=True)  # (max(dim) of bools is fine; argmax of bools is not)
        axis = _ops.normalize_dim(dim, self.ndim, op) if self.ndim else 0
        values = self.gather(axis, indices) if self.ndim else self.clone()  # (a new tensor, as PyTorch)
        if not keepdim and self.ndim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        elif not self.ndim:
            indices = indices.reshape(())
        return getattr(_return_types, op)(values, indices)

    def amax(self, dim=(), keepdim: bool = False) -> "Tensor":
        """Largest values over `dim` (an int, a tuple, or () / None for all axes); the gradient
        is shared evenly between ties, as in PyTorch."""
        dims = None if dim is None or dim == () else dim
        return _ops.Max.apply(self, _ops.normalize_dims(dims, self.ndim, "amax"), keepdim)

    def amin(self, dim=(), keepdim: bool = False) -> "Tensor":
        """Smallest values over `dim`; see `amax`."""
        dims = None if dim is None or dim == () else dim
        return _ops.Min.apply(self, _ops.normalize_dims(dims, self.ndim, "amin"), keepdim)

    def gather(self, dim: int, index) -> "Tensor":
        """Pick along `dim`: out[i][j] = self[i][index[i][j]] for dim = 1 (PyTorch's gather).
        `index` is an integer tensor with as many dims as self. Its gradient is scattered back
        (added where an index repeats)."""
        index = index.data if isinstance(index, Tensor) else np.asarray(index)
        if index.dtype.kind not in "iu":
            raise TypeError(f"gather: index must be an integer tensor, got dtype {index.dtype}")
        if max(index.ndim, 1) != max(self.ndim, 1):  # (PyTorch counts 0-d as 1-d here)
            raise RuntimeError(
                f"gather: index has {index.ndim} dimensions but the tensor has {self.ndim}; they "
                f"must be equal (shapes {tuple(index.shape)} and {self.shape})")
        if self.ndim + index.ndim < 2:  # 0-d and 0-d, or 0-d and 1-d: as vectors, then the index's shape
            _ops.normalize_dim(dim, self.ndim, "gather")
            return self.reshape(-1).gather(0, index.reshape(-1)).reshape(index.shape)
        axis = _ops.normalize_dim(dim, self.ndim, "gather")
        for d, (n, m) in enumerate(zip(index.shape, self.shape)):
            if d != axis and n > m:
                raise RuntimeError(
                    f"gather: index of shape {tuple(index.shape)} is larger than the tensor of shape "
                    f"{self.shape} in dim {d} ({n} > {m})")
        grids = list(np.indices(index.shape, sparse=True))
        grids[axis] = index.astype(np.int64)
        return self[tuple(grids)]

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        """Index of the largest value (over the flattened tensor when dim is None). No gradient."""
        return self._arg(np.argmax, dim, keepdim, "argmax")

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return self._arg(np.argmin, dim, keepdim, "argmin")

    def _arg(self, fn, dim, keepdim, op, bool_ok: bool = False) -> "Tensor":
        if self.data.dtype.kind == "b" and not bool_ok:
            raise _errors.ArgumentDtypeError(f"{op}: not defined for bool tensors (as in PyTorch); "
                                             f"convert first, e.g. t.long()")
        if dim is None or self.ndim == 0:
            if dim is not None:
                _ops.normalize_dim(dim, 0, op)  # a 0-d tensor has dims 0 and -1 only
            if self.data.size == 0:
                raise _errors.EmptyReductionError(f"{op}: the tensor of shape {self.shape} is empty, so "
                                                  f"it has no largest or smallest element")
            index = np.asarray(fn(self.data), dtype=np.int64)
            return Tensor._make(index.reshape((1,) * self.ndim) if keepdim else index, None, False)
        axis = _ops.normalize_dim(dim, self.ndim, op)
        if self.data.shape[axis] == 0:
            raise _errors.EmptyReductionError(
                f"{op}: cannot reduce over dim {dim}, which is empty (shape {self.shape})")
        if self.data.size == 0:
            shape = tuple(1 if i == axis else n for i, n in enumerate(self.shape)) if keepdim else \
                self.shape[:axis] + self.shape[axis + 1:]
            return Tensor._make(np.zeros(shape, np.int64), None, False)
        # (np.asarray: reducing a 1-D tensor gives numpy a scalar, but a Tensor holds an array)
        return Tensor._make(np.asarray(fn(self.data, axis=axis, keepdims=keepdim), dtype=np.int64), None, False)

    def logsumexp(self, dim, keepdim: bool = False) -> "Tensor":
        """log Σ exp(x) over `dim` (required, as in PyTorch; a tuple of dims is allowed), without
        overflow."""
        if dim is None:
            raise TypeError("logsumexp: dim is required (an int or a tuple of ints), as in PyTorch")
        return _ops.LogSumExp.apply(self._as_float(), _ops.normalize_dims(dim, self.ndim, "logsumexp"), keepdim)

    def var(self, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None) -> "Tensor":
        """Variance over `dim`: Σ(x - mean)² / (N - correction); `correction` defaults to 1
        (the unbiased estimate; `unbiased=False` means 0), as in PyTorch."""
        self._require_float("var")
        axes = _ops.normalize_dims(dim, self.ndim, "var")
        divisor = int(np.prod([self.shape[a] for a in axes])) - _correction(unbiased, correction)
        centered = self - self.mean(axes, keepdim=True)
        centered = centered - centered.mean(axes, keepdim=True)  # (a second pass: exactly 0 for equal values)
        return (centered * centered).sum(axes, keepdim=keepdim) / max(divisor, 0)

    def std(self, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None) -> "Tensor":
        """Standard deviation: the square root of `var` (its gradient is 0 where it is 0)."""
        self._require_float("std")
        axes = _ops.normalize_dims(dim, self.ndim, "std")
        return _ops.Std.apply(self, axes, keepdim, _correction(unbiased, correction))

    # ---- shape (ops/shape.py) -----------------------------------------------------------
    def reshape(self, *shape) -> "Tensor":
        """Same numbers in a new shape; one axis may be -1 (inferred). Always a new tensor (a view
        of this one even for the same shape, as PyTorch's)."""
        return _ops.Reshape.apply(self, _shape_args(shape, "reshape"))

    def view(self, *shape, dtype=None) -> "Tensor":
        """`reshape` that shares memory, as PyTorch's view: a shape that would need a copy (a
        transposed matrix flattened) raises instead of silently copying. `view(dtype)` reads the
        same bytes as another dtype (functions_memory.reinterpret)."""
        if dtype is not None or (len(shape) == 1 and _is_dtype(shape[0])):
            if dtype is not None and shape:
                raise TypeError("view: give a shape or a dtype, not both")
            return self._view_dtype(shape[0] if dtype is None else dtype)
        out = self.reshape(*shape)
        # a reshape that shares this tensor's memory shares its version counter (autograd/function.py);
        # under tg.autobatch() the result is not computed yet, and is not checked
        if (out is not self and out.data.__class__ is np.ndarray and out.data.size
                and (out._version_counter is None or out._version_counter is not self._version_counter)):
            raise RuntimeError(
                f"view: a tensor of shape {self.shape} with these strides cannot be viewed as shape "
                f"{out.shape} without copying (its memory is not laid out in that order, e.g. after "
                f"transpose); use .reshape(...), which copies, or .contiguous().view(...)")
        return out

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        if self.ndim == 0:
            _ops.normalize_dim(start_dim, 0, "flatten"), _ops.normalize_dim(end_dim, 0, "flatten")
            return _ops.Flatten.apply(self, (1,))
        start = _ops.normalize_dim(start_dim, self.ndim, "flatten")
        end = _ops.normalize_dim(end_dim, self.ndim, "flatten")
        if start > end:
            raise _errors.ArgumentValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        shape = self.shape[:start] + (int(np.prod(self.shape[start:end + 1])),) + self.shape[end + 1:]
        return _ops.Flatten.apply(self, shape)

    def squeeze(self, dim=None) -> "Tensor":
        """Remove axes of size 1 (all of them, or only `dim` if it has size 1)."""
        if dim is None:
            shape = tuple(n for n in self.shape if n != 1)
        else:
            axes = _ops.normalize_dims(dim, self.ndim, "squeeze")
            shape = tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1))
        return _ops.Squeeze.apply(self, shape)  # (a new view even with nothing to squeeze, as PyTorch's)

    def unsqueeze(self, dim: int) -> "Tensor":
        """Insert an axis of size 1 at `dim` (from -ndim-1 to ndim)."""
        axis = _ops.normalize_dim(dim, self.ndim, "unsqueeze", new_axis=True)
        return _ops.Unsqueeze.apply(self, self.shape[:axis] + (1,) + self.shape[axis:])

    def permute(self, *dims) -> "Tensor":
        if not dims:
            raise TypeError("permute: the order of the dims is required, e.g. t.permute(1, 0)")
        dims = _shape_args(dims, "permute")
        if len(dims) != self.ndim:
            raise _errors.ArgumentValueError(
                f"permute: got {len(dims)} dims {tuple(dims)} for a tensor with {self.ndim} dimensions"
            )
        axes = tuple(_ops.normalize_dim(d, self.ndim, "permute") for d in dims)
        if sorted(axes) != list(range(self.ndim)):
            raise _errors.ArgumentValueError(f"permute: {tuple(dims)} is not an ordering of the {self.ndim} axes")
        return _ops.Permute.apply(self, axes)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        """Swap two axes."""
        axes = list(range(self.ndim))
        a = _ops.normalize_dim(dim0, self.ndim, "transpose")
        b = _ops.normalize_dim(dim1, self.ndim, "transpose")
        if self.ndim:  # (a == b, or a 0-d tensor: still a new view, as in PyTorch)
            axes[a], axes[b] = axes[b], axes[a]
        return _ops.Permute.apply(self, tuple(axes))

    def expand(self, *shape) -> "Tensor":
        """Broadcast to a bigger shape (-1 keeps an axis) without copying data."""
        if not shape:
            raise TypeError("expand: the new shape is required, e.g. t.expand(3, 4)")
        shape = _shape_args(shape, "expand")
        lead = len(shape) - self.ndim
        if lead < 0:
            raise ShapeError(f"expand: cannot expand shape {self.shape} to fewer dimensions {shape}")
        shape = tuple(self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
        if shape == self.data.shape:
            return self
        return _ops.Expand.apply(self, shape)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return self.expand(tuple(other.shape))

    def _check_has_dims(self, op: str) -> None:
        """split and chunk cut along a dim: a 0-d tensor has none (normalize_dim would let dim 0
        name its only "dim", as PyTorch's dim checks do elsewhere)."""
        if self.ndim == 0:
            raise RuntimeError(f"{op}: expects at least a 1-dimensional tensor, got a 0-d tensor")

    def split(self, split_size_or_sections, dim: int = 0) -> tuple["Tensor", ...]:
        """Cut along `dim` into pieces of `split_size` (the last may be smaller), or into
        pieces of the listed sizes."""
        self._check_has_dims("split")
        axis = _ops.normalize_dim(dim, self.ndim, "split")
        length = self.shape[axis]
        if isinstance(split_size_or_sections, int):
            if split_size_or_sections <= 0:
                raise _errors.ArgumentValueError(f"split: split_size must be positive, got {split_size_or_sections}")
            sizes = [split_size_or_sections] * (length // split_size_or_sections)
            if length % split_size_or_sections or not sizes:
                sizes.append(length % split_size_or_sections if sizes else length)
        else:
            sizes = list(split_size_or_sections)
            if sum(sizes) != length:
                raise _errors.ArgumentValueError(
                    f"split: section sizes {sizes} add up to {sum(sizes)}, but dim {dim} has length {length}"
                )
        lead = (slice(None),) * axis
        pieces, start = [], 0
        for size in sizes:
            pieces.append(self[lead + (slice(start, start + size),)])
            start += size
        return tuple(pieces)

    def chunk(self, chunks: int, dim: int = 0) -> tuple["Tensor", ...]:
        """Cut into `chunks` pieces of equal size (the last may be smaller), like PyTorch."""
        if not isinstance(chunks, int) or chunks <= 0:
            raise _errors.ArgumentValueError(f"chunk: the number of chunks must be a positive int, got {chunks!r}")
        self._check_has_dims("chunk")
        length = self.shape[_ops.normalize_dim(dim, self.ndim, "chunk")]
        if length == 0:  # an empty dim gives `chunks` empty pieces, as in PyTorch
            return self.split([0] * chunks, dim)
        return self.split(max(-(-length // chunks), 1), dim)

    # ---- indexing (ops/index.py) --------------------------------------------------------
    def __getitem__(self, index) -> "Tensor":
        if index.__class__ is not int and (index.__class__ is not slice or index.step is not None):
            index = _ops.normalize_index(index)
        out = _ops.GetItem.apply(self, index)
        if out.data.base is not None and _ops.is_basic_index(index):  # numpy made a view
            self._share_version_counter(out)
            # an in-place op on the view changes this tensor; the version tells when the view's
            # history is stale (its base changed since), see _reread_view
            out._view_of = (self, index, out._version_counter[0])
        return out

    def __setitem__(self, index, value) -> None:
        index = _ops.normalize_index(index)
        if self.requires_grad and self.grad_fn is None and _grad_state.enabled:
            _ops.check_index(self, index)  # a bad index is the error to report first
        value = self._lift(value)
        if value.data.ndim and value.data.size == 1:  # t[0] = tensor([5.]): one number into one slot
            slot = np.shape(self.data[index])
            if len(slot) < value.data.ndim and int(np.prod(slot)) == 1:
                value = value.reshape(slot)

        def write(old: Tensor) -> Tensor:
            return _ops.SetItem.apply(old, index, value)

        self._in_place("setitem", write, value)

    # ---- in place: change the data, bump the version ------------------------------------
    def _in_place(self, op: str, compute, other: "Tensor | None" = None) -> "Tensor":
        """Apply `compute(old_self) -> new value` in place.

        When recording, the new value is computed from a copy of the old one, so the graph
        stays correct, and this tensor takes the new grad_fn. Nodes that saved this tensor
        before see its version change and refuse to use the overwritten data.
        """
        batching = _grad_state.batching
        if batching is not None and getattr(batching, "pending", None):
            # inside tg.autobatch(): calls recorded earlier may read this tensor (or memory it
            # shares); they must see the numbers from before the change, as they would eagerly
            batching.flush()
        if self._inference:
            _refuse_inference_update(op)
        recording = _grad_state.enabled and (
            self.requires_grad or (other is not None and other.requires_grad)
        ) and self.data.dtype.kind == "f"  # an integer tensor never requires grad
        if recording and self.requires_grad and self.grad_fn is None:
            raise RuntimeError(
                f"{op}: a leaf tensor that requires grad cannot be changed in place while "
                f"gradients are recorded (the graph would lose its original value). Wrap the "
                f"update in `with tg.no_grad():`, as optimizers do."
            )
        view_of = self._view_of  # (base, index, version) for a view
        if recording and view_of is not None:
            return self._in_place_on_view(op, compute, view_of[0], view_of[1])
        if recording and self.grad_fn is not None and self.grad_fn.is_view and self.grad_fn.fn.view_kind is None:
            raise RuntimeError(
                f"{op}: this tensor of shape {self.shape} is a view of {_view_base(self)} that "
                f"requires grad; changing it in place would change that tensor behind autograd's "
                f"back. Use an out-of-place op (v = v + ...) or .clone() the view first."
            )
        if not self.data.flags.writeable:  # (numpy's broadcast views are read-only)
            raise RuntimeError(
                f"{op}: this tensor of shape {self.shape} is read-only: it was made by expand (a "
                f"broadcast view whose elements may share one memory location) or from a read-only "
                f"numpy array. Use an out-of-place op (v = v * ...) or change a .clone() of it."
            )
        if recording:
            new = self._compute_from_copy(op, compute)
        else:
            with _no_grad():
                new = self._fits(op, compute(self))
        if new.data is not self.data:
            # PyTorch's rule (canCast): the result's category may not drop (float -> int -> bool);
            # within integers any size goes and wraps around (uint8 *= int32 is allowed)
            if not _dtype.can_cast(new.data.dtype, self.data.dtype):
                raise _errors.ArgumentDtypeError(
                    f"{op}: the result has dtype {new.dtype}, which cannot be stored in place in this "
                    f"tensor of dtype {self.dtype} (use an out-of-place op, e.g. t = t + x)"
                )
            np.copyto(self.data, new.data, casting="unsafe")
        if recording:
            self._rebase(new.grad_fn, True)
        self._version += 1
        return self

    def _rebase(self, grad_fn, requires_grad: bool, output_nr: int = 0) -> bool:
        """Take output `output_nr` of `grad_fn` as this tensor's history after an in-place change.
        A retain_grad() asked for the old history moves to the new one, as in PyTorch: .grad is
        then the gradient of the new value (hooks stay with the old value). True if one moved."""
        old, nr, retained = self.grad_fn, self._output_nr, self.retains_grad
        self.grad_fn, self.requires_grad = grad_fn, requires_grad
        if nr != output_nr:
            self._output_nr = output_nr
        if retained and grad_fn is not None:
            del old.retained[nr]
            self.retain_grad()
        return retained and grad_fn is not None

    def _compute_from_copy(self, op: str, compute) -> "Tensor":
        """compute(old), where old is a copy of this tensor's numbers with its place on the tape:
        the new value, recorded, while the numbers it was computed from stay intact."""
        old = Tensor._make(self.data.copy(), self.grad_fn, self.requires_grad)
        old._output_nr = self._output_nr
        return self._fits(op, compute(old))

    def _fits(self, op: str, new: "Tensor") -> "Tensor":
        if new.data.shape != self.data.shape:
            raise RuntimeError(
                f"{op}: the result has shape {new.shape}, which cannot be written into this "
                f"tensor of shape {self.shape}"
            )
        return new

    def _in_place_on_view(self, op: str, compute, base: "Tensor", index) -> "Tensor":
        """An in-place op on a view `base[index]` changes `base` too. As in PyTorch, the base's
        history is rebased: base becomes setitem(base, index, new value) on the tape, and this
        view reads from it afterwards, so gradients reach whatever the new value came from."""
        if base.requires_grad and base.grad_fn is None:
            raise RuntimeError(
                f"{op}: this tensor of shape {self.shape} is a view of a leaf tensor that requires "
                f"grad; changing it in place would change that leaf behind autograd's back. Wrap "
                f"the change in `with tg.no_grad():`, or work on a .clone()."
            )
        return self._write_through_view(op, self._compute_from_copy(op, compute), base, index)

    def _write_through_view(self, op: str, new: "Tensor", base: "Tensor", index) -> "Tensor":
        """This view `base[index]` now holds `new` (a value with history): base becomes
        setitem(base, index, new) on the tape, and this view reads from it again."""
        if isinstance(index, WholeView):  # a reshape or permute of all of base
            new_base = index.to_base(new, base)
            base._in_place(op, lambda old: new_base, new_base)
            fresh = index.from_base(base)
        else:
            base[index] = new  # records setitem on the base and writes the numbers (shared memory)
            fresh = _ops.GetItem.apply(base, index)
        self._rebase(fresh.grad_fn, True)
        self._view_of = (base, index, self._version_counter[0])
        return self

    def _reread_view(self) -> None:
        """This view's base was changed in place (through another view, or directly) after the
        view's history was recorded: take the view of the base again, so that gradients through
        it see the change -- what PyTorch does when it regenerates a view's grad_fn."""
        base, how, _ = self._view_of
        if isinstance(how, WholeView):
            fresh = how.from_base(base)
        else:
            fresh = _ops.GetItem.apply(base, how)
        self._rebase(fresh.grad_fn, fresh.requires_grad)
        self._view_of = (base, how, self._version_counter[0])

    # ---- copying and pickling ----------------------------------------------------------
    def __deepcopy__(self, memo) -> "Tensor":
        """A deep copy of a leaf: its data, requires_grad, name and .grad. A computed tensor
        cannot be deep-copied (as in PyTorch): the copy would carry a copy of the whole graph,
        leaves included, so its backward would never reach the real leaves."""
        if self.grad_fn is not None:
            raise RuntimeError(
                f"deepcopy: only tensors created by the user (graph leaves) can be deep-copied; this "
                f"one (shape {self.shape}) was computed by {self.grad_fn.name()}. Copy "
                f"t.detach().clone() instead, or deep-copy the model before computing with it."
            )
        import copy

        array = _formats.copy_in_format(self.data, self.data.dtype)  # (laid out as self is, as PyTorch's clone)
        out = Tensor(array, requires_grad=self.requires_grad, name=self.name)
        if self.grad is not None:
            out.grad = copy.deepcopy(self.grad, memo)
        from .nn.parameter import Parameter, mark_as_parameter

        if isinstance(self, Parameter):  # (the copy of a Parameter is one, as in PyTorch)
            mark_as_parameter(out)
        memo[id(self)] = out
        return out

    def __getstate__(self) -> dict:
        """What pickle keeps: the numbers, requires_grad and the name -- not the graph (as in
        PyTorch, an unpickled tensor is a leaf)."""
        return {"data": self.data, "requires_grad": self.requires_grad, "name": self.name}

    def __setstate__(self, state: dict) -> None:
        Tensor.__init__(self, state["data"], name=state.get("name"))
        self.requires_grad = bool(state.get("requires_grad")) and self.data.dtype.kind == "f"

    def add_(self, other, *, alpha=1) -> "Tensor":
        other = self._lift(other if alpha == 1 else self._scaled(other, alpha, "add_"))
        return self._in_place("add_", lambda old: old + other, other)

    def sub_(self, other, *, alpha=1) -> "Tensor":
        _no_bool_subtraction(self, other)
        other = self._lift(other if alpha == 1 else self._scaled(other, alpha, "sub_"))
        return self._in_place("sub_", lambda old: old - other, other)

    def mul_(self, other) -> "Tensor":
        other = self._lift(other)
        return self._in_place("mul_", lambda old: old * other, other)

    def div_(self, other, *, rounding_mode: str | None = None) -> "Tensor":
        if rounding_mode is not None:
            return self.divide_(other, rounding_mode=rounding_mode)
        other = self._lift(other)
        return self._in_place("div_", lambda old: old / other, other)

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    def fill_(self, value) -> "Tensor":
        # as PyTorch: 2.7 fills an int tensor with 2; where(False, old, fill) (see _overwrite), not
        # old * 0 + fill, for 0 * inf and 0 * nan would stay nan
        return self._overwrite("fill_", self._lift(value)._cast(self.data.dtype))

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_


    # ---- copies (dtype and device conversions: conversion.py) ------------------------------
    def clone(self, *, memory_format=_formats.preserve_format) -> "Tensor":
        """A copy with its own memory that stays in the graph, laid out in memory as this tensor
        is (`memory_format=tg.preserve_format`, PyTorch's default) or as `memory_format` says:
        `t.clone(memory_format=tg.channels_last)` (memory_formats.py)."""
        fmt = _formats.as_format(memory_format, "clone", _formats.preserve_format)
        if fmt is _formats.preserve_format:
            return _ops.Clone.apply(self)
        _formats.check_rank(self.shape, fmt, "clone")
        return _ops.Clone.apply(self, fmt)


def _refuse_inference_update(op: str) -> None:
    """An inference tensor (made inside tg.inference_mode()) changes in place, or starts to
    require grad, only inside that mode, as in PyTorch: outside, a graph recorded from it would
    not see the change (and none may be recorded through it)."""
    from .autograd.api import is_inference_mode_enabled  # (the autograd package needs Tensor first)

    if not is_inference_mode_enabled():
        what = "setting requires_grad=True on" if op == "requires_grad_" else "in-place update to"
        raise RuntimeError(f"{op}: {what} an inference tensor (made inside tg.inference_mode()) outside "
                           f"inference mode is not allowed; use a .clone() of it instead")


def _no_bool_subtraction(a, b) -> None:
    """PyTorch refuses a - b when either is bool (numpy would compute it)."""
    if _is_bool(a) or _is_bool(b):
        raise _errors.ArgumentDtypeError(
            "-: subtraction with a bool tensor is not supported (as in PyTorch); to invert a mask use ~")


class Number(Tensor):
    """A Python number met in an op (`x * 2.0`), as a 0-d tensor of a fitting dtype. Ops see an
    ordinary constant tensor; the graph does not remember it as an input (no weak reference,
    no entry in `next_functions`, as PyTorch's scalar overloads), which keeps nodes small."""

    __slots__ = ()


class WholeView:
    """How a reshape/permute view relates to its base (all of it, in another shape or order), so
    that an in-place op on the view can rebase the base's history: `to_base` turns the view's
    new value into the base's, `from_base` reads the view from the base again."""

    __slots__ = ("kind", "shape", "dims")

    def __init__(self, kind: str, shape: tuple, dims: tuple | None = None) -> None:
        self.kind, self.shape, self.dims = kind, shape, dims

    def to_base(self, view: Tensor, base: Tensor) -> Tensor:
        if self.kind == "permute":
            return view.permute(tuple(np.argsort(self.dims).tolist()))
        return view.reshape(base.shape)

    def from_base(self, base: Tensor) -> Tensor:
        if self.kind == "permute":
            return _ops.Permute.apply(base, tuple(self.dims))
        return _ops.Reshape.apply(base, self.shape)  # (always a node, even for an equal shape)


def _pow_operands(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    if a.data.dtype.kind == "b":  # (both: they share a dtype here)
        raise _errors.NotImplementedForDtype("**: not defined for two bool tensors (as in PyTorch)")
    return a, b


def _is_bool(x) -> bool:
    if isinstance(x, (bool, np.bool_)):
        return True
    data = x.data if isinstance(x, Tensor) else x
    return isinstance(data, (np.ndarray, np.generic)) and data.dtype.kind == "b"


def _correction(unbiased: bool, correction) -> int:
    """var/std's divisor is N - correction; PyTorch's older `unbiased` flag means 1 or 0."""
    return int(unbiased) if correction is None else int(correction)


def _view_base(view: Tensor) -> str:
    """'a leaf tensor' or 'another tensor': what a chain of views starts from."""
    node = view.grad_fn
    while node is not None and node.is_view:
        edge = node.edges[0]
        if isinstance(edge, Tensor):
            return "a leaf tensor"
        node = edge[0] if edge.__class__ is tuple else edge
    return "another tensor"


def _shape_args(shape: Sequence, op: str) -> tuple:
    """`f(2, 3)` and `f((2, 3))` both mean the shape (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    try:
        return tuple(operator.index(n) for n in shape)  # ints only: int(2.5) would silently give 2
    except TypeError:
        raise TypeError(f"{op}: a shape must be ints, got {tuple(shape)!r}") from None


def _remainder_values(a: Tensor, b: Tensor) -> np.ndarray:
    """a % b (operands already promoted to one dtype) computed as PyTorch's CPU kernel does:
    m = fmod(a, b), then m + b where m ≠ 0 and m, b have different signs. (numpy's remainder
    agrees except for the sign of a zero result.)"""
    _broadcast("remainder", a, b)
    kind = a.data.dtype.kind
    if kind == "b":
        raise _errors.NotImplementedForDtype("remainder: not implemented for two bool tensors (as in PyTorch)")
    if kind != "f":
        _no_integer_zero_division(b, "remainder")
        return np.asarray(np.remainder(a.data, b.data))
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.asarray(np.fmod(a.data, b.data))
        return np.asarray(np.where((m != 0) & ((b.data < 0) != (m < 0)), m + b.data, m))


# The ops import Tensor, so they are imported after it is defined.
from . import ops as _ops  # noqa: E402
from . import return_types as _return_types  # noqa: E402
from . import tensor_math as _tensor_math  # noqa: E402

_tensor_math.Tensor, _tensor_math._ops, _tensor_math._return_types = Tensor, _ops, _return_types
from . import tensor_layout as _tensor_layout  # noqa: E402

_tensor_layout.Tensor, _tensor_layout._ops = Tensor, _ops
from . import tensor_aliases as _tensor_aliases  # noqa: E402
from . import tensor_indexing as _tensor_indexing  # noqa: E402
from . import tensor_legacy as _tensor_legacy  # noqa: E402
from . import tensor_more as _tensor_more  # noqa: E402
from . import tensor_more_layout as _tensor_more_layout  # noqa: E402
from . import tensor_numeric as _tensor_numeric  # noqa: E402
from . import tensor_pointwise as _tensor_pointwise  # noqa: E402
from . import tensor_scatter as _tensor_scatter  # noqa: E402
from . import tensor_shaping as _tensor_shaping  # noqa: E402
from . import tensor_statistics as _tensor_statistics  # noqa: E402

for _mixin in (_tensor_pointwise, _tensor_shaping, _tensor_statistics, _tensor_indexing, _tensor_scatter,
               _tensor_more, _tensor_more_layout, _tensor_numeric, _tensor_aliases, _tensor_legacy):
    _mixin.Tensor, _mixin._ops = Tensor, _ops
from .autograd import api as _api  # noqa: E402
from .autograd import differentiate as _differentiate  # noqa: E402
from .autograd import engine as _engine  # noqa: E402
from .autograd import function as _function  # noqa: E402
from .autograd import hooks as _hooks  # noqa: E402
from .autograd.grad_mode import no_grad as _no_grad  # noqa: E402
from .numpy_names import accept_numpy_names as _accept_numpy_names  # noqa: E402

_accept_numpy_names(Tensor, dir(Tensor))  # t.sum(axis=1, keepdims=True), as PyTorch accepts
