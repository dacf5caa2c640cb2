"""What numpy does when it meets a Tensor (numpy's `__array_ufunc__` and `__array_function__`
protocols, NEP 13 and NEP 18).

- `np.exp(t)`, `np.add(a, t)`, `ndarray * t`, `np.sum(t)`, `np.concatenate([t, u])`, ... run our
  differentiable op and return a Tensor, so the gradient is not lost on the way through numpy.
- In-place numpy arithmetic whose target is an array, `p.data -= lr * p.grad`, computes on the
  numbers (the Tensor operands are replaced by their arrays). That is what PyTorch's `.data`
  does: a change that autograd does not see.
- Questions about the numbers that have no gradient (`np.isnan`, `np.allclose`, `np.shape`,
  `np.atleast_1d`, ...) are answered on the values.
- Anything else raises TypeError naming the numpy function and what to use instead: numpy would
  silently turn the tensor into an array and the result would not be differentiable.
- `np.asarray(t)` and `np.array(t)` give the tensor's numbers (they use `Tensor.__array__`).

Operators between tensors (`x + y`) never come here: this is only for calls that go through numpy.
"""
from __future__ import annotations

import numpy as np

# numpy ufunc name -> the Tensor method that computes it (and records its gradient).
UNARY = {"exp": "exp", "log": "log", "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tanh": "tanh",
         "absolute": "abs", "fabs": "abs", "negative": "neg", "positive": "__pos__", "sign": "sign",
         "square": "square", "reciprocal": "reciprocal", "log1p": "log1p", "expm1": "expm1",
         "floor": "floor", "ceil": "ceil", "trunc": "trunc", "rint": "round", "log2": "log2",
         "log10": "log10", "exp2": "exp2"}
BINARY = {"add": "__add__", "subtract": "__sub__", "multiply": "__mul__", "true_divide": "__truediv__",
          "divide": "__truediv__", "power": "__pow__", "maximum": "maximum", "minimum": "minimum",
          "matmul": "__matmul__", "equal": "__eq__", "not_equal": "__ne__", "less": "__lt__",
          "less_equal": "__le__", "greater": "__gt__", "greater_equal": "__ge__"}
# ufuncs with bool results: no gradient in PyTorch either, so they are computed on the values.
PREDICATES = {"isnan", "isinf", "isfinite", "signbit", "logical_and", "logical_or", "logical_xor",
              "logical_not"}

# numpy functions that only look at the numbers (or the shape) and give a non-differentiable
# answer: computed on the values, as numpy would for an array.
VALUE_FUNCTIONS = {np.shape, np.ndim, np.size, np.allclose, np.isclose, np.array_equal, np.array_equiv,
                   np.count_nonzero, np.atleast_1d, np.atleast_2d, np.atleast_3d, np.result_type,
                   np.iscomplexobj, np.isrealobj, np.can_cast, np.min_scalar_type}

# Suggestions for numpy functions that have no differentiable counterpart here.
HINTS = {"round": "t.round(decimals)", "around": "t.round(decimals)",
         "norm": "t.norm(p, dim)", "einsum": "tg.einsum(equation, *tensors)", "tensordot": "tg.matmul",
         "split": "t.split(size, dim)", "array_split": "t.chunk(n, dim)", "tile": "t.repeat(*reps)",
         "repeat": "tg.cat", "broadcast_to": "t.expand(*shape)", "flip": "t.flip(dims)",
         "arctan2": "no atan2 op exists", "median": "t.sort(dim) and indexing",
         "floor_divide": "a // b, which has no gradient, as in PyTorch"}


def _values(obj):
    """obj with every Tensor (also inside lists and tuples) replaced by its array."""
    if isinstance(obj, NumpyProtocol):
        return obj.data
    if isinstance(obj, (list, tuple)):
        return type(obj)(_values(x) for x in obj)
    return obj


def _refuse(name: str, what: str = "") -> TypeError:
    hint = HINTS.get(name.rsplit(".", 1)[-1])
    instead = f" ({hint})" if hint else ""
    return TypeError(
        f"{name}{what} was given a Tensor: numpy would compute it on a copy of the numbers, outside "
        f"autograd, so no gradient would flow. Use the tinygrad_edu operation instead{instead}, or, "
        f"for the numbers only, call it on t.detach().numpy()."
    )


def _method(tensor, method: str, name: str):
    found = getattr(tensor, method, None)
    if found is None:
        raise _refuse(name)
    return found


class NumpyProtocol:
    """numpy's hooks (mixed into `Tensor`)."""

    __slots__ = ()
    __array_priority__ = 1000

    def __array_ufunc__(self, ufunc, method: str, *inputs, out=None, **kwargs):
        binary = BINARY.get(ufunc.__name__)
        if binary is not None and out is None and not kwargs and method == "__call__" and len(inputs) == 2:
            first, second = inputs  # array * tensor and friends: the array becomes a constant
            return getattr(first if isinstance(first, NumpyProtocol) else second._lift(first), binary)(second)
        name = f"numpy.{ufunc.__name__}"
        if out is not None:  # e.g. `array -= tensor`: change the array's numbers, no autograd
            outs = tuple(_values(o) for o in out)
            result = getattr(ufunc, method)(*_values(inputs), out=outs, **kwargs)
            tensor_outs = [o for o in out if isinstance(o, NumpyProtocol)]
            return tensor_outs[0] if len(out) == 1 and tensor_outs else result
        if method != "__call__":
            raise _refuse(f"{name}.{method}")
        if ufunc.__name__ in PREDICATES:
            return self._make(np.asarray(ufunc(*_values(inputs), **kwargs)), None, False)
        if kwargs:
            raise TypeError(f"{name} on a Tensor: the options {sorted(kwargs)} are not supported; "
                            f"call the Tensor operation directly")
        if ufunc.__name__ in UNARY and len(inputs) == 1:
            return _method(inputs[0], UNARY[ufunc.__name__], name)()
        raise _refuse(name)

    def __array_function__(self, func, types, args, kwargs):
        if not all(issubclass(t, (NumpyProtocol, np.ndarray)) for t in types):
            return NotImplemented  # another library's array type is involved: let it decide
        handler = _FUNCTIONS.get(func)
        if handler is not None:
            return handler(*args, **kwargs)
        if func in VALUE_FUNCTIONS:
            return func(*_values(args), **_values(kwargs))
        module = func.__module__ or "numpy"
        module = "numpy" if module.startswith("numpy._core") or module == "numpy" else module
        raise _refuse(f"{module}.{func.__name__}", "()")


# ---- numpy functions that have a differentiable counterpart -----------------------------------
_FUNCTIONS: dict = {}


def _implements(*funcs):
    def register(handler):
        for func in funcs:
            _FUNCTIONS[func] = handler
        return handler
    return register


def _tensor(x):
    from .tensor import Tensor  # tensor.py imports this module

    return x if isinstance(x, Tensor) else Tensor(x)


def _unsupported(name: str, **options) -> None:
    """numpy options we do not have (out=, dtype=, where=, ...) must be left at their defaults."""
    given = sorted(k for k, v in options.items() if v is not None)
    if given:
        raise TypeError(f"numpy.{name} on a Tensor: the option(s) {', '.join(given)} are not supported; "
                        f"call the Tensor operation instead")


def _reduction(name: str, method: str):
    def handler(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
        _unsupported(name, dtype=dtype, out=out, initial=initial, where=where)
        return _method(_tensor(a), method, f"numpy.{name}")(axis, keepdim=bool(keepdims))
    return handler


for _name, _method_name, _funcs in [("sum", "sum", (np.sum,)), ("max", "amax", (np.max, np.amax)),
                                    ("min", "amin", (np.min, np.amin)), ("prod", "prod", (np.prod,))]:
    _implements(*_funcs)(_reduction(_name, _method_name))


@_implements(np.mean)
def _mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    _unsupported("mean", dtype=dtype, out=out, where=where)
    return _tensor(a).mean(axis, keepdim=bool(keepdims))


@_implements(np.all)
def _all(a, axis=None, out=None, keepdims=False, *, where=None):
    _unsupported("all", out=out, where=where)
    return _tensor(a).all(axis, keepdim=bool(keepdims))


@_implements(np.any)
def _any(a, axis=None, out=None, keepdims=False, *, where=None):
    _unsupported("any", out=out, where=where)
    return _tensor(a).any(axis, keepdim=bool(keepdims))


def _spread(name: str, method: str):
    def handler(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
                correction=None):
        _unsupported(name, dtype=dtype, out=out, where=where, mean=mean)
        return getattr(_tensor(a), method)(axis, keepdim=bool(keepdims),
                                           correction=ddof if correction is None else correction)
    return handler


_implements(np.var)(_spread("var", "var"))
_implements(np.std)(_spread("std", "std"))


@_implements(np.argmax)
def _argmax(a, axis=None, out=None, *, keepdims=False):
    _unsupported("argmax", out=out)
    return _tensor(a).argmax(axis, keepdim=bool(keepdims))


@_implements(np.argmin)
def _argmin(a, axis=None, out=None, *, keepdims=False):
    _unsupported("argmin", out=out)
    return _tensor(a).argmin(axis, keepdim=bool(keepdims))


@_implements(np.cumsum)
def _cumsum(a, axis=None, dtype=None, out=None):
    _unsupported("cumsum", dtype=dtype, out=out)
    t = _tensor(a)
    return _method(t.flatten() if axis is None else t, "cumsum", "numpy.cumsum")(0 if axis is None else axis)


@_implements(np.reshape)
def _reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    if order != "C":
        raise TypeError(f"numpy.reshape on a Tensor: only order='C' exists, got order={order!r}")
    return _tensor(a).reshape(newshape if shape is None else shape)


@_implements(np.ravel)
def _ravel(a, order="C"):
    return _tensor(a).flatten()


@_implements(np.transpose)
def _transpose(a, axes=None):
    t = _tensor(a)
    return t.permute(tuple(range(t.ndim - 1, -1, -1) if axes is None else axes))


@_implements(np.swapaxes)
def _swapaxes(a, axis1, axis2):
    return _tensor(a).transpose(axis1, axis2)


@_implements(np.squeeze)
def _squeeze(a, axis=None):
    return _tensor(a).squeeze(axis)


@_implements(np.expand_dims)
def _expand_dims(a, axis):
    t = _tensor(a)
    for dim in sorted(axis) if isinstance(axis, (tuple, list)) else (axis,):
        t = t.unsqueeze(dim)
    return t


@_implements(np.concatenate)
def _concatenate(arrays, axis=0, out=None, *, dtype=None, casting=None):
    from . import functions

    _unsupported("concatenate", out=out, dtype=dtype)
    tensors = [_tensor(x) for x in arrays]
    if axis is None:
        return functions.cat([t.flatten() for t in tensors], 0)
    return functions.cat(tensors, axis)


@_implements(np.stack)
def _stack(arrays, axis=0, out=None, *, dtype=None, casting=None):
    from . import functions

    _unsupported("stack", out=out, dtype=dtype)
    return functions.stack([_tensor(x) for x in arrays], axis)


@_implements(np.where)
def _where(condition, x=None, y=None):
    from . import functions

    if x is None or y is None:
        raise _refuse("numpy.where", " with one argument")
    return functions.where(_tensor(condition), x, y)


@_implements(np.clip)
def _clip(a, a_min=None, a_max=None, out=None, *, min=None, max=None, **kwargs):  # noqa: A002
    _unsupported("clip", out=out, **kwargs)
    low = a_min if a_min is not None else min
    high = a_max if a_max is not None else max
    return _tensor(a).clamp(low, high)


@_implements(np.dot)
def _dot(a, b, out=None):
    _unsupported("dot", out=out)
    a, b = _tensor(a), _tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim > 2 or b.ndim > 2:
        raise TypeError("numpy.dot of tensors with more than 2 dims sums over other axes than matmul; "
                        "use tg.matmul (broadcast batches) or reshape first")
    return a.matmul(b)


@_implements(np.outer)
def _outer(a, b, out=None):
    _unsupported("outer", out=out)
    return _method(_tensor(a).flatten(), "outer", "numpy.outer")(_tensor(b).flatten())


@_implements(np.copy)
def _copy(a, order="K", subok=False):
    return _tensor(a).clone()


@_implements(np.sort)
def _sort(a, axis=-1, kind=None, order=None, *, stable=None):
    t = _tensor(a)
    return _method(t.flatten() if axis is None else t, "sort", "numpy.sort")(0 if axis is None else axis).values


@_implements(np.linalg.norm)
def _norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    if ord is not None:
        raise TypeError("numpy.linalg.norm on a Tensor: only the default (2-norm / Frobenius) is "
                        "mapped; use t.norm(p, dim) for a vector p-norm")
    return _method(_tensor(x), "norm", "numpy.linalg.norm")(dim=axis, keepdim=bool(keepdims))


def _like(name: str):
    def handler(a, *args, dtype=None, order="K", subok=True, shape=None, device=None):
        from . import creation

        _unsupported(name, shape=shape)
        return getattr(creation, name)(_tensor(a), *args, dtype=dtype)
    return handler


for _name in ("zeros_like", "ones_like", "full_like", "empty_like"):
    _implements(getattr(np, _name))(_like(_name))
