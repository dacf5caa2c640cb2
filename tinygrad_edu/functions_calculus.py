"""Integrals and derivatives of sampled functions, as PyTorch computes them:

    trapezoid (trapz)      ∫ y dx by the trapezoidal rule along a dim
    cumulative_trapezoid   the running trapezoidal integral
    gradient               ∂g/∂x_d at every sample, by second-order central differences

Each is a short formula over slices of the samples, written with the ops of the Tensor (so it
is differentiable in y, in x / the coordinates, to any order), in PyTorch's order of operations
(ATen's `trapezoid` and `gradient_helper`), so results and dtypes match PyTorch's.

`tinygrad_edu/__init__.py` exports every name in `__all__`.
"""
from __future__ import annotations

import numbers

import numpy as np

from .functions import _tensor, cat
from .numpy_names import accept_numpy_names
from .ops import normalize_dim
from .tensor import Tensor

__all__ = ["trapezoid", "trapz", "cumulative_trapezoid", "gradient"]


def _along(t: Tensor, dim: int, start=None, stop=None) -> Tensor:
    """t[start:stop] along `dim` (a view)."""
    return t[(slice(None),) * dim + (slice(start, stop),)]


# ---- the trapezoidal rule ---------------------------------------------------------------------
def _check_y(y, op: str) -> Tensor:
    if not isinstance(y, Tensor):
        raise TypeError(f"{op}(): argument 'y' must be a Tensor, not {type(y).__name__}")
    return y


def _no_bool(op: str, *tensors: Tensor) -> None:
    if any(t.dtype.kind == "b" for t in tensors):
        which = "`x` or `y`" if len(tensors) > 1 else "`y`"
        raise RuntimeError(f"{op}: received a bool input for {which}, but bool is not supported")


def _spacing_number(dx, op: str, as_float: bool = False):
    """dx as a Python number (a 0-d tensor is read); PyTorch refuses bools (except trapz, whose
    dx is a float: True is 1.0 there)."""
    if isinstance(dx, Tensor):
        if dx.ndim:
            raise TypeError(f"{op}(): dx must be a number, got a tensor of shape {dx.shape} (pass "
                            f"sample positions as x instead)")
        dx = dx.item()
    if as_float and isinstance(dx, (bool, np.bool_)):
        return float(dx)
    if isinstance(dx, (bool, np.bool_)) or not isinstance(dx, (numbers.Real, np.generic)):
        if isinstance(dx, (bool, np.bool_, numbers.Complex)):
            raise RuntimeError(f"{op}: Currently, we only support dx as a real number.")
        raise TypeError(f"{op}(): dx must be a real number, not {type(dx).__name__}")
    return dx.item() if isinstance(dx, np.generic) else dx


def _check_x(x, op: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'x' must be a Tensor of sample positions, not {type(x).__name__} "
                        f"(a constant spacing is the keyword dx=)")
    return x


def _differences(y: Tensor, x: Tensor, dim: int, op: str) -> Tensor:
    """x[1:] - x[:-1] along `dim`, with x laid out against y as PyTorch (and numpy) do: a 1-D x
    along `dim`, a shorter x aligned on the right; the differences then broadcast with y's."""
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point: x has "
                               f"{x.shape[0]} values, y has {y.shape[dim]} samples along dim {dim}")
        shape = [1] * y.ndim
        shape[dim] = x.shape[0]
        x = x.reshape(tuple(shape))
    elif x.ndim < y.ndim:
        x = x.reshape((1,) * (y.ndim - x.ndim) + x.shape)
    return _along(x, dim, 1) - _along(x, dim, None, -1)


def _arguments(y, x, dx, op: str) -> tuple:
    """(y, x) checked: y a tensor, x a tensor or None, not both x and dx (PyTorch's overloads)."""
    y = _check_y(y, op)
    if x is not None and dx is not None:
        raise TypeError(f"{op}(): give the sample positions x or the constant spacing dx, not both")
    return y, (None if x is None else _check_x(x, op))


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1) -> Tensor:
    """∫ y along `dim` by the trapezoidal rule: Σᵢ (x_i - x_{i-1})·(y_i + y_{i-1})/2, with the
    sample positions `x` (a tensor) or a constant spacing `dx` (default 1; then the sum is
    dx·(Σ y - (y_0 + y_n)/2)). An empty dim integrates to 0 (in y's dtype, as numpy and PyTorch).

    >>> import tinygrad_edu as tg
    >>> tg.trapezoid(tg.tensor([1, 5, 10]), tg.tensor([1, 3, 6]))
    tensor(28.5000)
    """
    y, x = _arguments(y, x, dx, "trapezoid")
    if y.ndim == 0:
        raise IndexError(f"trapezoid: Dimension specified as {dim} but tensor has no dimensions")
    axis = normalize_dim(dim, y.ndim, "trapezoid")
    if y.shape[axis] == 0:
        return Tensor._make(np.zeros(y.shape[:axis] + y.shape[axis + 1:], y.dtype), None, False)
    if x is not None:
        _no_bool("trapezoid", y, x)
        spacing = _differences(y, x, axis, "trapezoid")
        return (spacing * (_along(y, axis, 1) + _along(y, axis, None, -1))).sum(axis) / 2.0
    _no_bool("trapezoid", y)
    step = _spacing_number(1 if dx is None else dx, "trapezoid")
    ends = y.select(axis, 0) + y.select(axis, -1)
    return (y.sum(axis) - ends * 0.5) * step


def trapz(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1) -> Tensor:
    """`trapezoid` under its older name (PyTorch's alias, where dx is a float)."""
    if x is None and dx is not None:
        dx = _spacing_number(dx, "trapz", as_float=True)
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral along `dim`: element i is the integral from the first
    sample to sample i + 1, so the dim is one shorter (as `cumsum` is to `sum`).

    >>> import tinygrad_edu as tg
    >>> tg.cumulative_trapezoid(tg.tensor([1, 5, 10]))
    tensor([ 3.0000, 10.5000])
    """
    y, x = _arguments(y, x, dx, "cumulative_trapezoid")
    if y.ndim == 0:
        raise IndexError("cumulative_trapezoid: slice() cannot be applied to a 0-dim tensor.")
    axis = normalize_dim(dim, y.ndim, "cumulative_trapezoid")
    if x is not None:
        _no_bool("cumulative_trapezoid", y, x)
        spacing = _differences(y, x, axis, "cumulative_trapezoid")
        return (spacing / 2.0 * (_along(y, axis, None, -1) + _along(y, axis, 1))).cumsum(axis)
    _no_bool("cumulative_trapezoid", y)
    step = _spacing_number(1 if dx is None else dx, "cumulative_trapezoid")
    return (step / 2.0 * (_along(y, axis, None, -1) + _along(y, axis, 1))).cumsum(axis)


# ---- gradient: derivatives of sampled functions -----------------------------------------------
def _gradient_dims(dim, ndim: int) -> tuple[list[int], bool]:
    """(the dims, in the order given; whether dim was given)."""
    if dim is None:
        return list(range(ndim)), False
    if isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        return [int(dim)], True
    if isinstance(dim, (tuple, list)) and all(isinstance(d, (int, np.integer)) and not isinstance(d, bool)
                                              for d in dim):
        return [int(d) for d in dim], True
    raise TypeError(f"gradient(): dim must be an int or a list of ints, got {dim!r}")


def _gradient_spacing(spacing):
    """('scalar', number), ('scalars', [numbers]) or ('coordinates', [1-D tensors])."""
    if spacing is None:
        return "scalar", 1.0
    if isinstance(spacing, Tensor):
        if spacing.ndim:
            raise TypeError("gradient(): spacing must be a number, a list of numbers or a list of 1-D "
                            f"coordinate tensors, not a tensor of shape {spacing.shape}")
        return "scalar", spacing.item()
    if isinstance(spacing, (tuple, list)):
        if spacing and all(isinstance(s, Tensor) for s in spacing):
            return "coordinates", list(spacing)
        if all(isinstance(s, (numbers.Real, np.generic)) for s in spacing):
            return "scalars", [s.item() if isinstance(s, np.generic) else s for s in spacing]
        raise TypeError("gradient(): spacing must be a list of numbers or a list of tensors, not a mix: "
                        f"{[type(s).__name__ for s in spacing]}")
    if isinstance(spacing, (numbers.Real, np.generic)):
        return "scalar", spacing.item() if isinstance(spacing, np.generic) else spacing
    raise TypeError(f"gradient(): spacing must be a number, a list of numbers or a list of tensors, "
                    f"not {type(spacing).__name__}")


def _check_gradient(t: Tensor, count: int | None, dims: list[int], dim_given: bool, edge_order: int) -> list[int]:
    """PyTorch's checks (pre_check_gradient), in its order; returns the dims made non-negative."""
    if t.dtype == np.uint8:
        raise RuntimeError("gradient: does not support uint8 input (as in PyTorch); convert it first, e.g. t.long()")
    if count is not None and not dim_given and count != t.ndim:
        raise RuntimeError(f"gradient: expected spacing to be unspecified, a scalar, or a list of length "
                           f"equal to 'self.dim() = {t.ndim}', since dim argument was not given, but got a list "
                           f"of length {count}")
    if count is not None and dim_given and count != len(dims):
        raise RuntimeError(f"gradient: expected spacing to be unspecified, a scalar or its spacing and dim "
                           f"arguments to have the same length, but got a spacing argument of length {count} and "
                           f"a dim argument of length {len(dims)}.")
    if edge_order not in (1, 2):
        raise RuntimeError(f"gradient: only supports edge_order=1 and edge_order=2, got {edge_order}.")
    axes = [normalize_dim(d, t.ndim, "gradient") for d in dims]
    for a in axes:
        if axes.count(a) > 1:
            raise RuntimeError(f"gradient: dim {a} appears multiple times in the list of dims")
    for a in axes:
        if t.shape[a] < edge_order + 1:
            raise RuntimeError(f"gradient: expected each dimension size to be at least edge_order+1: "
                               f"dim {a} has size {t.shape[a]}, edge_order is {edge_order}")
    return axes


def _with_constant_spacing(t: Tensor, axis: int, h, edge_order: int) -> Tensor:
    """Samples h apart: f'(x) ≈ (f(x+h) - f(x-h)) / 2h inside; at the ends the one-sided
    (f₁ - f₀)/h, or with edge_order=2 the second-order (-3/2 f₀ + 2 f₁ - 1/2 f₂)/h."""
    center = (_along(t, axis, 2) - _along(t, axis, None, -2)) / h
    if edge_order == 1:
        first = (_along(t, axis, 1, 2) - _along(t, axis, 0, 1)) / h
        last = (_along(t, axis, -1) - _along(t, axis, -2, -1)) / h
    else:
        first = (_along(t, axis, 0, 1) * -1.5 + _along(t, axis, 1, 2) * 2 - _along(t, axis, 2, 3) * 0.5) / h
        last = (_along(t, axis, -3, -2) * 0.5 + _along(t, axis, -2, -1) * -2 + _along(t, axis, -1) * 1.5) / h
    return cat([first, center / 2, last], axis)


def _with_coordinates(t: Tensor, axis: int, coordinates: Tensor, edge_order: int) -> Tensor:
    """Samples at arbitrary coordinates, with left and right neighbours h_l and h_r away
    (Fornberg, "Generation of finite difference formulas on arbitrarily spaced grids", 1988):
    f'(x) ≈ (h_l² f(x+h_r) - h_r² f(x-h_l) + (h_r² - h_l²) f(x)) / (h_r h_l² + h_r² h_l)."""
    if coordinates.ndim != 1:
        raise RuntimeError(f"gradient: expected each element of spacing to have one dimension, but got "
                           f"an element with {coordinates.ndim} dimensions!")
    shape = [1] * t.ndim
    shape[axis] = -1
    h = coordinates[1:] - coordinates[:-1]
    h_left, h_right = h[:-1], h[1:]
    a = (-h_right / (h_left * (h_left + h_right))).reshape(tuple(shape))
    b = ((h_right - h_left) / (h_left * h_right)).reshape(tuple(shape))
    c = (h_left / (h_right * (h_left + h_right))).reshape(tuple(shape))
    center = a * _along(t, axis, None, -2) + b * _along(t, axis, 1, -1) + c * _along(t, axis, 2)
    if edge_order == 1:
        first = (_along(t, axis, 1, 2) - _along(t, axis, 0, 1)) / h[0]
        last = (_along(t, axis, -1) - _along(t, axis, -2, -1)) / h[-1]
    else:
        h0, h1 = h[0], h[1]
        a = -(2.0 * h0 + h1) / (h0 * (h0 + h1))
        b = (h0 + h1) / (h0 * h1)
        c = (-h0) / (h1 * (h0 + h1))
        first = a * _along(t, axis, 0, 1) + b * _along(t, axis, 1, 2) + c * _along(t, axis, 2, 3)
        hn, hm = h[-1], h[-2]
        a = hn / (hm * (hn + hm))
        b = -(hn + hm) / (hn * hm)
        c = (2 * hn + hm) / (hn * (hn + hm))
        last = a * _along(t, axis, -3, -2) + b * _along(t, axis, -2, -1) + c * _along(t, axis, -1)
    return cat([first, center, last], axis)


def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """The partial derivatives of the function sampled by `input`, one tensor per dim (of `dim`,
    or of all dims): second-order central differences inside, first- or second-order one-sided
    differences at the ends (`edge_order`). `spacing` maps indices to coordinates: a number (the
    same step along every dim), a list of numbers (one step per dim), or a list of 1-D tensors
    (the coordinates along each dim). Differentiable in input and in coordinate tensors.

    >>> import tinygrad_edu as tg
    >>> tg.gradient(tg.tensor([[1, 2, 4, 8], [10, 20, 40, 80]]), dim=1)
    (tensor([[ 1.0000,  1.5000,  3.0000,  4.0000],
            [10.0000, 15.0000, 30.0000, 40.0000]]),)
    """
    t = _tensor(input)
    dims, dim_given = _gradient_dims(dim, t.ndim)
    kind, steps = _gradient_spacing(spacing)
    count = None if kind == "scalar" else len(steps)
    axes = _check_gradient(t, count, dims, dim_given, edge_order)
    if kind == "coordinates":
        return tuple(_with_coordinates(t, a, c, edge_order) for a, c in zip(axes, steps))
    if kind == "scalar":
        steps = [steps] * len(axes)
    steps = [int(s) if isinstance(s, (bool, np.bool_)) else s for s in steps]
    return tuple(_with_constant_spacing(t, a, h, edge_order) for a, h in zip(axes, steps))


accept_numpy_names(globals(), list(__all__))  # tg.trapezoid(y, axis=0), as PyTorch accepts
