"""`Tensor`: an n-dimensional array (numpy underneath) that remembers how it was computed.

A tensor made by an op on tensors that require grad gets a `grad_fn`: the node of that op on the
tape (see autograd/function.py). `backward()` walks those nodes (autograd/engine.py).
Every method here only checks arguments and calls an op from `ops/`.
"""
from __future__ import annotations

import operator
import weakref
from typing import Iterator, Sequence

import numpy as np

from . import dtype as _dtype
from .autograd.grad_mode import _state as _grad_state
from .errors import ShapeError

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
    elif isinstance(data, float):
        array = np.asarray(data, dtype=_dtype.get_default_dtype())
    elif isinstance(data, (list, tuple, np.generic)):
        try:
            array = np.asarray(data)
        except ValueError as err:
            raise ValueError(f"Tensor: the nested list is ragged or malformed ({err})") from None
        if array.dtype.kind == "f" and not isinstance(data, np.generic):
            array = array.astype(_dtype.get_default_dtype(), copy=False)
        elif array.dtype.kind in "iu" and not isinstance(data, np.generic):
            array = array.astype(np.int64, copy=False)
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


class Tensor:
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
    grad = None
    name = None
    _hooks = None
    _output_nr = 0
    _view_of = None
    __array_priority__ = 1000  # numpy defers to our reflected operators (array * tensor)
    __array_ufunc__ = None

    def __init__(self, data, requires_grad: bool = False, dtype=None, name: str | None = None) -> None:
        self.data: np.ndarray = _to_array(data, dtype)
        self.grad: Tensor | None = None
        self.grad_fn = None
        self.requires_grad = False
        self.name = name
        self._version_counter = None
        self._hooks: list | None = None  # made by the first register_hook
        self._output_nr = 0
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
        if value.__class__ is Tensor:
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
            return Tensor._make(np.asarray(value, dtype=dtype), None, False)
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
        if self.ndim != 2:
            raise ValueError(f".T: expects a 2-D tensor, got shape {self.shape}; use permute")
        return self.permute(1, 0)

    def size(self, dim: int | None = None):
        """The shape tuple, or the length of axis `dim`."""
        if dim is None:
            return self.data.shape
        return self.data.shape[_ops.normalize_dim(dim, self.ndim, "size")]

    def numel(self) -> int:
        return int(self.data.size)

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

    def numpy(self) -> np.ndarray:
        """The underlying array (no copy)."""
        return self.data

    def tolist(self):
        return self.data.tolist()

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

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

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.data.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError(f"only one-element integer tensors can be used as an index, got {self!r}")
        return int(self.item())

    __hash__ = object.__hash__  # == is elementwise, so hash by identity

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(", precision=4)
        extras = []
        default = {"f": _dtype.get_default_dtype(), "i": np.dtype(np.int64), "b": np.dtype(np.bool_)}
        if self.data.dtype != default.get(self.data.dtype.kind):
            extras.append(f"dtype={self.data.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{self.grad_fn.name()}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return "tensor(" + ", ".join([body] + extras) + ")"

    # ---- autograd -----------------------------------------------------------------------
    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Mark a leaf as a variable to differentiate with respect to (in place, returns self)."""
        if requires_grad and not _dtype.is_differentiable(self.data.dtype):
            raise TypeError(
                f"requires_grad: only floating point tensors can require gradients, this one has "
                f"dtype {self.data.dtype} (convert it first, e.g. t.double())"
            )
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError(
                "requires_grad_(False): this tensor was computed by a recorded op; use .detach() "
                "to get a tensor that does not require grad"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self) -> "Tensor":
        """The same data (shared, no copy) cut off from the graph."""
        return self._share_version_counter(Tensor._make(self.data, None, False))

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
                 create_graph: bool = False) -> None:
        """Compute the gradient of this tensor with respect to every leaf that requires grad,
        summing it into their `.grad`.

        `gradient` is dL/d(self): needed unless self holds one number. `retain_graph=True` keeps
        saved values for another backward; `create_graph=True` records this backward so that
        the gradients can be differentiated again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad and has no grad_fn, so nothing was "
                "recorded to differentiate. Create its inputs with requires_grad=True (and do not "
                "compute it inside tg.no_grad())."
            )
        gradient = _differentiate.seed_gradient(self, gradient, "backward", create_graph)
        if retain_graph is None:
            retain_graph = create_graph
        _engine.run_backward([self], [gradient], retain_graph, create_graph)

    # ---- arithmetic (the ops are in ops/arithmetic.py) ----------------------------------
    def _and(self, other) -> tuple["Tensor", "Tensor"]:
        """self and `other` (a number or array lifted to a tensor) as the two operands of a
        binary op, in their common dtype by PyTorch's promotion rules (dtype.result_type)."""
        if other.__class__ is not Tensor:
            other = self._lift(other)
        if self.data.dtype is other.data.dtype:
            return self, other
        dtype = _dtype.result_type(self.data, other.data)
        return self._as_dtype(dtype), other._as_dtype(dtype)

    def _as_dtype(self, dtype) -> "Tensor":
        return self if self.data.dtype == dtype else self.to(dtype)

    def _as_float(self) -> "Tensor":
        """A float op (exp, /, sqrt...) on an integer or bool tensor computes in the default
        float dtype, as in PyTorch."""
        return self if self.data.dtype.kind == "f" else self.to(_dtype.get_default_dtype())

    def __add__(self, other) -> "Tensor":
        if other.__class__ is not Tensor or other.data.dtype is not self.data.dtype:
            self, other = self._and(other)
        return _ops.Add.apply(self, other)

    def __radd__(self, other) -> "Tensor":
        return _ops.Add.apply(*self._lift(other)._and(self))

    def __sub__(self, other) -> "Tensor":
        if other.__class__ is not Tensor or other.data.dtype is not self.data.dtype:
            self, other = self._and(other)
        return _ops.Sub.apply(self, other)

    def __rsub__(self, other) -> "Tensor":
        return _ops.Sub.apply(*self._lift(other)._and(self))

    def __mul__(self, other) -> "Tensor":
        if other.__class__ is not Tensor or other.data.dtype is not self.data.dtype:
            self, other = self._and(other)
        return _ops.Mul.apply(self, other)

    def __rmul__(self, other) -> "Tensor":
        return _ops.Mul.apply(*self._lift(other)._and(self))

    def __truediv__(self, other) -> "Tensor":
        a, b = self._and(other)
        return _ops.Div.apply(a._as_float(), b._as_float())  # 7 / 2 = 3.5, as in PyTorch

    def __rtruediv__(self, other) -> "Tensor":
        a, b = self._lift(other)._and(self)
        return _ops.Div.apply(a._as_float(), b._as_float())

    def __pow__(self, exponent) -> "Tensor":
        return _ops.Pow.apply(*self._and(exponent))

    def __rpow__(self, base) -> "Tensor":
        return _ops.Pow.apply(*self._lift(base)._and(self))

    def __neg__(self) -> "Tensor":
        return _ops.Neg.apply(self)

    def __pos__(self) -> "Tensor":
        return self

    def __matmul__(self, other) -> "Tensor":
        return self.matmul(other)

    def __rmatmul__(self, other) -> "Tensor":
        return Tensor(other).matmul(self)

    def add(self, other) -> "Tensor":
        return self + other

    def sub(self, other) -> "Tensor":
        return self - other

    def mul(self, other) -> "Tensor":
        return self * other

    def div(self, other) -> "Tensor":
        return self / other

    def pow(self, exponent) -> "Tensor":
        return self ** exponent

    def neg(self) -> "Tensor":
        return -self

    def matmul(self, other) -> "Tensor":
        """Matrix product with numpy's rules: 1-D arguments are treated as a row (first) or a
        column (second) vector and that axis is dropped from the result; batch axes broadcast."""
        other = self._lift(other)
        if self.ndim == 0 or other.ndim == 0:
            raise ShapeError(
                f"matmul: both arguments need at least 1 dimension, got shapes {self.shape} and {other.shape}"
            )
        if self.data.dtype != other.data.dtype:
            raise RuntimeError(
                f"matmul: both tensors must have the same dtype (as in PyTorch), got {self.dtype} and "
                f"{other.dtype}; convert one first, e.g. b.to(a.dtype)"
            )
        a = self.unsqueeze(0) if self.ndim == 1 else self
        b = other.unsqueeze(-1) if other.ndim == 1 else other
        if a.shape[-1] != b.shape[-2]:
            raise ShapeError(
                f"matmul: shapes {self.shape} and {other.shape} are not aligned "
                f"({self.shape[-1]} != {other.shape[-2] if other.ndim > 1 else other.shape[0]}: the last "
                f"axis of the first must equal the {'second-to-last' if other.ndim > 1 else 'only'} "
                f"axis of the second)"
            )
        out = _ops.MatMul.apply(a, b)
        if other.ndim == 1:
            out = out.squeeze(-1)
        if self.ndim == 1:
            out = out.squeeze(-2 if other.ndim > 1 else -1) if out.ndim else out
        return out

    # ---- comparisons: no gradient, bool results -----------------------------------------
    def _compare(self, other, op) -> "Tensor":
        other = other.data if isinstance(other, Tensor) else other
        return Tensor._make(np.asarray(op(self.data, other)), None, False)

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
        if self.data.dtype != np.bool_:
            raise TypeError(f"~: only bool tensors can be inverted, got dtype {self.dtype}")
        return Tensor._make(~self.data, None, False)

    def __and__(self, other) -> "Tensor":
        return self._compare(other, np.logical_and)

    def __or__(self, other) -> "Tensor":
        return self._compare(other, np.logical_or)

    def any(self) -> "Tensor":
        return Tensor._make(np.asarray(self.data.any()), None, False)

    def all(self) -> "Tensor":
        return Tensor._make(np.asarray(self.data.all()), None, False)

    # ---- elementwise functions (ops/unary.py, ops/select.py) ----------------------------
    def exp(self) -> "Tensor":
        return _ops.Exp.apply(self._as_float())

    def log(self) -> "Tensor":
        return _ops.Log.apply(self._as_float())

    def sqrt(self) -> "Tensor":
        return _ops.Sqrt.apply(self._as_float())

    def abs(self) -> "Tensor":
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
        return _ops.Relu.apply(self)

    def clamp(self, min: float | None = None, max: float | None = None) -> "Tensor":
        """Limit values to [min, max] (either may be None)."""
        return _ops.Clamp.apply(self, min, max)

    clip = clamp

    def maximum(self, other) -> "Tensor":
        return _ops.Maximum.apply(*self._and(other))

    def minimum(self, other) -> "Tensor":
        return _ops.Minimum.apply(*self._and(other))

    def sign(self) -> "Tensor":
        """-1, 0 or 1 per element (no gradient: its derivative is zero almost everywhere)."""
        return Tensor._make(np.sign(self.data), None, False)

    # ---- reductions (ops/reduce.py) -----------------------------------------------------
    def sum(self, dim=None, keepdim: bool = False) -> "Tensor":
        """Sum over `dim` (an int, a tuple of ints, or None for all axes)."""
        return _ops.Sum.apply(self, _ops.normalize_dims(dim, self.ndim, "sum"), keepdim)

    def mean(self, dim=None, keepdim: bool = False) -> "Tensor":
        if self.data.dtype.kind != "f":
            raise TypeError(f"mean: needs a floating point tensor, got dtype {self.dtype}")
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
        indices = (self.argmax if op == "max" else self.argmin)(dim, keepdim=True)
        axis = _ops.normalize_dim(dim, self.ndim, op) if self.ndim else 0
        values = self.gather(axis, indices) if self.ndim else self
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
        if index.ndim != self.ndim:
            raise RuntimeError(
                f"gather: index has {index.ndim} dimensions but the tensor has {self.ndim}; they "
                f"must be equal (shapes {tuple(index.shape)} and {self.shape})")
        if not self.ndim:
            return self[()] if not index.ndim else self.reshape(1)[index.reshape(1)].reshape(())
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

    def _arg(self, fn, dim, keepdim, op) -> "Tensor":
        if dim is None or self.ndim == 0:
            if self.data.size == 0:
                raise RuntimeError(f"{op}: the tensor of shape {self.shape} is empty, so it has no "
                                   f"largest or smallest element")
            index = np.asarray(fn(self.data), dtype=np.int64)
            return Tensor._make(index.reshape((1,) * self.ndim) if keepdim else index, None, False)
        axis = _ops.normalize_dim(dim, self.ndim, op)
        if self.data.shape[axis] == 0:
            raise RuntimeError(f"{op}: cannot reduce over dim {dim}, which is empty (shape {self.shape})")
        if self.data.size == 0:
            shape = tuple(1 if i == axis else n for i, n in enumerate(self.shape)) if keepdim else \
                self.shape[:axis] + self.shape[axis + 1:]
            return Tensor._make(np.zeros(shape, np.int64), None, False)
        return Tensor._make(fn(self.data, axis=axis, keepdims=keepdim).astype(np.int64), None, False)

    def logsumexp(self, dim=None, keepdim: bool = False) -> "Tensor":
        """log Σ exp(x) over `dim`, without overflow."""
        return _ops.LogSumExp.apply(self, _ops.normalize_dims(dim, self.ndim, "logsumexp"), keepdim)

    def var(self, dim=None, keepdim: bool = False, unbiased: bool = True, *, correction=None) -> "Tensor":
        """Variance over `dim`: Σ(x - mean)² / (N - correction); `correction` defaults to 1
        (the unbiased estimate; `unbiased=False` means 0), as in PyTorch."""
        axes = _ops.normalize_dims(dim, self.ndim, "var")
        divisor = int(np.prod([self.shape[a] for a in axes])) - _correction(unbiased, correction)
        centered = self - self.mean(axes, keepdim=True)
        return (centered * centered).sum(axes, keepdim=keepdim) / max(divisor, 0)

    def std(self, dim=None, keepdim: bool = False, unbiased: bool = True, *, correction=None) -> "Tensor":
        """Standard deviation: the square root of `var` (its gradient is 0 where it is 0)."""
        if self.data.dtype.kind != "f":
            raise TypeError(f"std: needs a floating point tensor, got dtype {self.dtype}")
        axes = _ops.normalize_dims(dim, self.ndim, "std")
        return _ops.Std.apply(self, axes, keepdim, _correction(unbiased, correction))

    # ---- shape (ops/shape.py) -----------------------------------------------------------
    def reshape(self, *shape) -> "Tensor":
        """Same numbers in a new shape; one axis may be -1 (inferred)."""
        shape = _shape_args(shape, "reshape")
        if shape == self.data.shape:
            return self
        return _ops.Reshape.apply(self, shape)

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        if self.ndim == 0:
            return _ops.Flatten.apply(self, (1,))
        start = _ops.normalize_dim(start_dim, self.ndim, "flatten")
        end = _ops.normalize_dim(end_dim, self.ndim, "flatten")
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        shape = self.shape[:start] + (-1 if self.data.size else 0,) + self.shape[end + 1:]
        if self.data.size == 0:
            shape = self.shape[:start] + (int(np.prod(self.shape[start:end + 1])),) + self.shape[end + 1:]
        return _ops.Flatten.apply(self, shape)

    def squeeze(self, dim=None) -> "Tensor":
        """Remove axes of size 1 (all of them, or only `dim` if it has size 1)."""
        if dim is None:
            shape = tuple(n for n in self.shape if n != 1)
        else:
            axes = _ops.normalize_dims(dim, self.ndim, "squeeze")
            shape = tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1))
        return self if shape == self.shape else _ops.Squeeze.apply(self, shape)

    def unsqueeze(self, dim: int) -> "Tensor":
        """Insert an axis of size 1 at `dim` (from -ndim-1 to ndim)."""
        axis = _ops.normalize_dim(dim, self.ndim, "unsqueeze", new_axis=True)
        return _ops.Unsqueeze.apply(self, self.shape[:axis] + (1,) + self.shape[axis:])

    def permute(self, *dims) -> "Tensor":
        dims = _shape_args(dims, "permute")
        if len(dims) != self.ndim:
            raise ValueError(
                f"permute: got {len(dims)} dims {tuple(dims)} for a tensor with {self.ndim} dimensions"
            )
        axes = tuple(_ops.normalize_dim(d, self.ndim, "permute") for d in dims)
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError(f"permute: {tuple(dims)} is not an ordering of the {self.ndim} axes")
        return _ops.Permute.apply(self, axes)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        """Swap two axes."""
        axes = list(range(self.ndim))
        a = _ops.normalize_dim(dim0, self.ndim, "transpose")
        b = _ops.normalize_dim(dim1, self.ndim, "transpose")
        if a == b or self.ndim == 0:
            return self
        axes[a], axes[b] = axes[b], axes[a]
        return _ops.Permute.apply(self, tuple(axes))

    def expand(self, *shape) -> "Tensor":
        """Broadcast to a bigger shape (-1 keeps an axis) without copying data."""
        shape = _shape_args(shape, "expand")
        lead = len(shape) - self.ndim
        if lead < 0:
            raise ShapeError(f"expand: cannot expand shape {self.shape} to fewer dimensions {shape}")
        shape = tuple(self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
        if shape == self.data.shape:
            return self
        return _ops.Expand.apply(self, shape)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return self.expand(*other.shape)

    def split(self, split_size_or_sections, dim: int = 0) -> tuple["Tensor", ...]:
        """Cut along `dim` into pieces of `split_size` (the last may be smaller), or into
        pieces of the listed sizes."""
        axis = _ops.normalize_dim(dim, self.ndim, "split")
        length = self.shape[axis]
        if isinstance(split_size_or_sections, int):
            if split_size_or_sections <= 0:
                raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
            sizes = [split_size_or_sections] * (length // split_size_or_sections)
            if length % split_size_or_sections or not sizes:
                sizes.append(length % split_size_or_sections if sizes else length)
        else:
            sizes = list(split_size_or_sections)
            if sum(sizes) != length:
                raise ValueError(
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
            raise ValueError(f"chunk: the number of chunks must be a positive int, got {chunks!r}")
        length = self.shape[_ops.normalize_dim(dim, self.ndim, "chunk")]
        return self.split(max(-(-length // chunks), 1), dim)

    # ---- indexing (ops/index.py) --------------------------------------------------------
    def __getitem__(self, index) -> "Tensor":
        if index.__class__ is not int and index.__class__ is not slice:
            index = _ops.normalize_index(index)
        out = _ops.GetItem.apply(self, index)
        if out.data.base is not None and _ops.is_basic_index(index):  # numpy made a view
            self._share_version_counter(out)
            out._view_of = (self, index)  # an in-place op on the view changes this tensor
        return out

    def __setitem__(self, index, value) -> None:
        index = _ops.normalize_index(index)
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
        recording = _grad_state.enabled and (
            self.requires_grad or (other is not None and other.requires_grad)
        )
        if recording and self.requires_grad and self.grad_fn is None:
            raise RuntimeError(
                f"{op}: a leaf tensor that requires grad cannot be changed in place while "
                f"gradients are recorded (the graph would lose its original value). Wrap the "
                f"update in `with tg.no_grad():`, as optimizers do."
            )
        view_of = self._view_of  # (base, index) for a basic-indexing view
        if recording and view_of is not None:
            return self._in_place_on_view(op, compute, *view_of)
        if recording and self.grad_fn is not None and self.grad_fn.is_view:
            raise RuntimeError(
                f"{op}: this tensor of shape {self.shape} is a view of {_view_base(self)} that "
                f"requires grad; changing it in place would change that tensor behind autograd's "
                f"back. Use an out-of-place op (v = v + ...) or .clone() the view first."
            )
        if recording:
            old = Tensor._make(self.data.copy(), self.grad_fn, self.requires_grad)
            old._output_nr = self._output_nr
            new = compute(old)
        else:
            with _no_grad():
                new = compute(self)
        if new.data.shape != self.data.shape:
            raise RuntimeError(
                f"{op}: the result has shape {new.shape}, which cannot be written into this "
                f"tensor of shape {self.shape}"
            )
        if new.data is not self.data:
            if not np.can_cast(new.data.dtype, self.data.dtype, casting="same_kind"):
                raise TypeError(
                    f"{op}: the result has dtype {new.dtype}, which cannot be stored in place in this "
                    f"tensor of dtype {self.dtype} (use an out-of-place op, e.g. t = t + x)"
                )
            np.copyto(self.data, new.data, casting="same_kind")
        if recording:
            self.grad_fn, self.requires_grad, self._output_nr = new.grad_fn, True, 0
        self._version += 1
        return self

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
        old = Tensor._make(self.data.copy(), self.grad_fn, self.requires_grad)
        old._output_nr = self._output_nr
        new = compute(old)
        if new.data.shape != self.data.shape:
            raise RuntimeError(
                f"{op}: the result has shape {new.shape}, which cannot be written into this "
                f"tensor of shape {self.shape}"
            )
        base[index] = new  # records setitem on the base and writes the numbers (shared memory)
        fresh = _ops.GetItem.apply(base, index)
        self.grad_fn, self.requires_grad, self._output_nr = fresh.grad_fn, True, 0
        return self

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

        out = Tensor(self.data.copy(), requires_grad=self.requires_grad, name=self.name)
        if self.grad is not None:
            out.grad = copy.deepcopy(self.grad, memo)
        memo[id(self)] = out
        return out

    def __getstate__(self) -> dict:
        """What pickle keeps: the numbers, requires_grad and the name -- not the graph (as in
        PyTorch, an unpickled tensor is a leaf)."""
        return {"data": self.data, "requires_grad": self.requires_grad, "name": self.name}

    def __setstate__(self, state: dict) -> None:
        Tensor.__init__(self, state["data"], name=state.get("name"))
        self.requires_grad = bool(state.get("requires_grad")) and self.data.dtype.kind == "f"

    def add_(self, other) -> "Tensor":
        other = self._lift(other)
        return self._in_place("add_", lambda old: old + other, other)

    def sub_(self, other) -> "Tensor":
        other = self._lift(other)
        return self._in_place("sub_", lambda old: old - other, other)

    def mul_(self, other) -> "Tensor":
        other = self._lift(other)
        return self._in_place("mul_", lambda old: old * other, other)

    def div_(self, other) -> "Tensor":
        other = self._lift(other)
        return self._in_place("div_", lambda old: old / other, other)

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    def fill_(self, value) -> "Tensor":
        fill = self._lift(value)
        overwrite = Tensor._make(np.zeros((), dtype=np.bool_), None, False)
        # where(False, old, fill), not old * 0 + fill: 0 * inf and 0 * nan would stay nan
        return self._in_place("fill_", lambda old: _ops.Where.apply(overwrite, old, fill), fill)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_

    # ---- copies and dtypes --------------------------------------------------------------
    def clone(self) -> "Tensor":
        """A copy with its own memory that stays in the graph."""
        return _ops.Clone.apply(self)

    def to(self, dtype) -> "Tensor":
        """This tensor in another dtype (differentiable between float dtypes)."""
        dtype = np.dtype(dtype)
        if dtype == self.data.dtype:
            return self
        if dtype.kind != "f":  # int and bool tensors cannot require grad: the result is a constant
            return Tensor._make(self.data.astype(dtype), None, False)
        return _ops.Cast.apply(self, dtype)

    def float(self) -> "Tensor":
        return self.to(np.float32)

    def double(self) -> "Tensor":
        return self.to(np.float64)

    def long(self) -> "Tensor":
        return self.to(np.int64)

    def bool(self) -> "Tensor":
        return self.to(np.bool_)


def _correction(unbiased: bool, correction) -> int:
    """var/std's divisor is N - correction; PyTorch's older `unbiased` flag means 1 or 0."""
    return int(unbiased) if correction is None else int(correction)


def _view_base(view: Tensor) -> str:
    """'a leaf tensor' or 'another tensor': what a chain of views starts from."""
    node = view.grad_fn
    while node is not None and node.is_view:
        edge = node.edges[0]
        if edge.__class__ is Tensor:
            return "a leaf tensor"
        node = edge[0]
    return "another tensor"


def _shape_args(shape: Sequence, op: str) -> tuple:
    """`f(2, 3)` and `f((2, 3))` both mean the shape (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    try:
        return tuple(operator.index(n) for n in shape)  # ints only: int(2.5) would silently give 2
    except TypeError:
        raise TypeError(f"{op}: a shape must be ints, got {tuple(shape)!r}") from None


# The ops import Tensor, so they are imported after it is defined.
from . import ops as _ops  # noqa: E402
from .autograd import differentiate as _differentiate  # noqa: E402
from .autograd import engine as _engine  # noqa: E402
from .autograd import hooks as _hooks  # noqa: E402
from .autograd.grad_mode import no_grad as _no_grad  # noqa: E402
from . import return_types as _return_types  # noqa: E402
