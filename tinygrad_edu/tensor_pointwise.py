"""More of PyTorch's Tensor methods for elementwise math: trigonometric and hyperbolic functions
and their inverses (ops/trig.py), erf/erfc/erfinv, and, composed from existing ops so that they
differentiate (twice) for free: lerp, addcmul, addcdiv, clamp_min/clamp_max with tensor bounds,
nan_to_num, hypot, logaddexp(2), xlogy, deg2rad, rad2deg, sinc, fmod; the matrix-plus-product
forms addmm, addmv, addbmm, baddbmm; without gradient: floor_divide, heaviside, the logical
ops, bitwise_not and comparison aliases (greater, less_equal, ...). In-place forms at the end.

`Tensor` inherits them from `PointwiseMethods`; tensor.py fills in `Tensor` and `_ops` once they exist
(as for tensor_math.py).
"""
from __future__ import annotations

import math

import numpy as np

from . import dtype as _dtype
from .errors import NotImplementedForDtype, ShapeError

Tensor = _ops = None  # set by tensor.py

_LN2 = math.log(2.0)


def _as_common_float(t: "Tensor", *others: "Tensor") -> "Tensor":
    """`t` converted to the dtype that an op on it and `others` has, when that is a float dtype
    other than t's, so that value·t is computed in it, as PyTorch computes addcmul and addcdiv
    (alone, an integer or bool tensor times 0.4 would become the default dtype)."""
    if all(other.data.dtype == t.data.dtype for other in others):
        return t
    probe = t.data
    for other in others:
        dtype = _dtype.result_type(probe, other.data)
        probe = np.empty((0,) if probe.ndim or other.data.ndim else (), dtype)  # (stands for the dims)
    return t.to(probe.dtype) if probe.dtype.kind == "f" and t.data.dtype != probe.dtype else t


def _need_tensor(value, op: str, name: str = "other") -> "Tensor":
    """`value` if it is a Tensor; PyTorch's functions such as atan2 refuse numbers there."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be a Tensor, not {type(value).__name__} "
                        f"(wrap a number as tg.tensor(value))")
    return value


def _broadcast(op: str, *tensors) -> tuple:
    """The common shape of the tensors, or a ShapeError naming the op and the shapes."""
    try:
        return np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        shapes = " and ".join(str(t.shape) for t in tensors)
        raise ShapeError(f"{op}: shapes {shapes} cannot be broadcast together") from None


def _tensor_pair(op: str, x: "Tensor", other) -> tuple:
    """x and `other` (which must be a Tensor) in one common dtype, once their shapes are known to
    broadcast; the start of every two-tensor method here (atan2, hypot, fmax, gcd, ...)."""
    other = _need_tensor(other, op, "other")
    _broadcast(op, x, other)
    return x._promoted_with(other)


def _constant(array) -> "Tensor":
    """An array (or number) met in a formula, as a tensor that takes no gradient."""
    return Tensor._make(np.asarray(array), None, False)


def _require_float_kind(x: "Tensor", op: str) -> None:
    """PyTorch defines hypot, logaddexp and lerp for floating point tensors only."""
    if x.data.dtype.kind != "f":
        raise NotImplementedForDtype(f"{op}: not implemented for dtype {x.dtype} (as in PyTorch); "
                                     f"convert first, e.g. t.double()")


def _no_integer_zero_division(b: "Tensor", op: str) -> None:
    """An integer divisor of 0 is an error in PyTorch (a float one gives inf or nan)."""
    if b.data.dtype.kind in "iub" and not np.all(b.data):
        raise RuntimeError(f"{op}: integer division by zero (ZeroDivisionError)")


class PointwiseMethods:
    """Trigonometric, special and composed elementwise methods (mixed into `Tensor`)."""

    # ---- trigonometric and hyperbolic functions (ops/trig.py); integers give floats ----
    def tan(self) -> "Tensor":
        """tan x;  d/dx = 1 + tan² x."""
        return _ops.Tan.apply(self._as_float())

    def asin(self) -> "Tensor":
        """arcsin x (nan outside [-1, 1]);  d/dx = 1/√(1 - x²)."""
        return _ops.Asin.apply(self._as_float())

    def acos(self) -> "Tensor":
        """arccos x (nan outside [-1, 1]);  d/dx = -1/√(1 - x²)."""
        return _ops.Acos.apply(self._as_float())

    def atan(self) -> "Tensor":
        """arctan x;  d/dx = 1/(1 + x²)."""
        return _ops.Atan.apply(self._as_float())

    def atan2(self, other: "Tensor") -> "Tensor":
        """The angle of the point (other, self), in (-π, π]: atan2(y=self, x=other), broadcasting.
        ∂/∂y = x/(x² + y²), ∂/∂x = -y/(x² + y²)."""
        y, x = _tensor_pair("atan2", self, other)
        return _ops.Atan2.apply(y._as_float(), x._as_float())

    def sinh(self) -> "Tensor":
        """sinh x;  d/dx = cosh x."""
        return _ops.Sinh.apply(self._as_float())

    def cosh(self) -> "Tensor":
        """cosh x;  d/dx = sinh x."""
        return _ops.Cosh.apply(self._as_float())

    def asinh(self) -> "Tensor":
        """arsinh x;  d/dx = 1/√(x² + 1)."""
        return _ops.Asinh.apply(self._as_float())

    def acosh(self) -> "Tensor":
        """arcosh x (nan below 1);  d/dx = 1/√(x² - 1)."""
        return _ops.Acosh.apply(self._as_float())

    def atanh(self) -> "Tensor":
        """artanh x (±inf at ±1, nan beyond);  d/dx = 1/(1 - x²)."""
        return _ops.Atanh.apply(self._as_float())

    # numpy's names, which PyTorch has too
    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    # ---- the error function and its relatives ----
    def erf(self) -> "Tensor":
        """erf x = 2/√π ∫₀ˣ e^(-t²) dt;  d/dx = 2/√π e^(-x²)."""
        from .nn.functional.erf import Erf  # (nn imports Tensor: imported when first used)

        return Erf.apply(self._as_float())

    def erfc(self) -> "Tensor":
        """erfc x = 1 - erf x, exact also where erf x is close to 1;  d/dx = -2/√π e^(-x²)."""
        return _ops.Erfc.apply(self._as_float())

    def erfinv(self) -> "Tensor":
        """The inverse of erf on [-1, 1] (±inf at ±1, nan beyond);  d/dy = √π/2 e^(erfinv(y)²)."""
        return _ops.Erfinv.apply(self._as_float())

    # ---- composed ----
    def lerp(self, end: "Tensor", weight) -> "Tensor":
        """Linear interpolation self + weight·(end - self), weight a number or a tensor
        (broadcasting). Computed as PyTorch does, from the nearer end: for |weight| ≥ 0.5 as
        end - (end - self)·(1 - weight), so that weight = 1 gives `end` exactly."""
        end = _need_tensor(end, "lerp", "end")
        _require_float_kind(self, "lerp")
        if end.data.dtype != self.data.dtype:
            raise RuntimeError(f"lerp: expected dtype {self.dtype} for `end` but got dtype {end.dtype} "
                               f"(as in PyTorch, both must have the same dtype)")
        if isinstance(weight, Tensor):
            if weight.ndim and weight.data.dtype != self.data.dtype:
                raise RuntimeError(f"lerp: expected dtype {self.dtype} for `weight` but got dtype "
                                   f"{weight.dtype}")
            _broadcast("lerp", self, end, weight)
            weight = weight._cast(self.data.dtype)
            difference = end - self
            near_self = _constant(np.abs(weight.data) < 0.5)
            return _ops.where(near_self, self + weight * difference, end - difference * (1 - weight))
        _broadcast("lerp", self, end)
        if abs(weight) < 0.5:
            return self + (end - self) * weight
        return end - (end - self) * (1 - weight)

    def addcmul(self, tensor1: "Tensor", tensor2: "Tensor", *, value=1) -> "Tensor":
        """self + value·tensor1·tensor2, broadcasting all three."""
        tensor1, tensor2 = _need_tensor(tensor1, "addcmul", "tensor1"), _need_tensor(tensor2, "addcmul", "tensor2")
        _broadcast("addcmul", self, tensor1, tensor2)
        value = _whole_if_integer(value, self, tensor1, tensor2)
        tensor1 = _as_common_float(tensor1, self, tensor2)
        product = tensor1 * tensor2 if value == 1 else (tensor1 * value) * tensor2
        return self + product

    def addcdiv(self, tensor1: "Tensor", tensor2: "Tensor", *, value=1) -> "Tensor":
        """self + value·tensor1/tensor2, broadcasting all three (true division)."""
        tensor1, tensor2 = _need_tensor(tensor1, "addcdiv", "tensor1"), _need_tensor(tensor2, "addcdiv", "tensor2")
        if tensor1.data.dtype.kind in "iub" and tensor2.data.dtype.kind in "iub":
            raise RuntimeError("addcdiv: integer division is not supported (as in PyTorch); convert "
                               "tensor1 or tensor2 to a float dtype first, e.g. tensor1.double()")
        _broadcast("addcdiv", self, tensor1, tensor2)
        value = value.item() if isinstance(value, Tensor) else value
        tensor1 = _as_common_float(tensor1, self, tensor2)
        return self + (tensor1 / tensor2 if value == 1 else (tensor1 * value) / tensor2)

    def clamp_min(self, min) -> "Tensor":
        """max(self, min) elementwise, `min` a number or a tensor (broadcasting); the gradient goes
        to self where self ≥ min, else to min (as PyTorch's clamp)."""
        if min is None:
            raise TypeError("clamp_min(): argument 'min' must be a number or a Tensor, not None")
        if not isinstance(min, Tensor):
            return self.clamp(min=min)
        _broadcast("clamp_min", self, min)
        x, bound = self._promoted_with(min)
        below = _constant((x.data < bound.data) | np.isnan(bound.data))
        return _ops.Where.apply(below, bound, x)

    def clamp_max(self, max) -> "Tensor":
        """min(self, max) elementwise, `max` a number or a tensor (broadcasting); the gradient goes
        to self where self ≤ max, else to max."""
        if max is None:
            raise TypeError("clamp_max(): argument 'max' must be a number or a Tensor, not None")
        if not isinstance(max, Tensor):
            return self.clamp(max=max)
        _broadcast("clamp_max", self, max)
        x, bound = self._promoted_with(max)
        above = _constant((x.data > bound.data) | np.isnan(bound.data))
        return _ops.Where.apply(above, bound, x)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> "Tensor":
        """nan, +inf and -inf replaced by `nan`, `posinf` and `neginf` (by default 0 and the
        largest and smallest finite numbers of the dtype). The gradient passes where x is finite
        and is 0 at the replaced places."""
        if self.data.dtype.kind != "f":
            return _constant(self.data.copy())
        replaced = np.nan_to_num(self.data, nan=0.0 if nan is None else nan, posinf=posinf, neginf=neginf)
        return _ops.Where.apply(_constant(np.isfinite(self.data)), self, _constant(replaced))

    def hypot(self, other: "Tensor") -> "Tensor":
        """√(self² + other²), without overflow or underflow in between: both are divided by the
        larger magnitude m first, √((x/m)² + (y/m)²)·m (m is a constant for the gradient, exactly
        so: the expression equals √(x² + y²) for every m > 0). ∂/∂x = x/hypot."""
        x, y = _tensor_pair("hypot", self, other)
        _require_float_kind(x, "hypot")
        scale = np.maximum(np.abs(x.data), np.abs(y.data))
        scale = _constant(np.where((scale > 0) & np.isfinite(scale), scale, 1).astype(x.data.dtype))
        return ((x / scale).square() + (y / scale).square()).sqrt() * scale

    def logaddexp(self, other: "Tensor") -> "Tensor":
        """log(eˣ + eʸ) = max + log1p(e^(min - max)), which neither overflows nor loses the tiny
        values (logaddexp(0, -40) = 4.2e-18); -inf with -inf gives -inf, as in PyTorch."""
        x, y = _tensor_pair("logaddexp", self, other)
        _require_float_kind(x, "logaddexp")
        return _log_add(x, y, lambda d: d.exp().log1p())

    def logaddexp2(self, other: "Tensor") -> "Tensor":
        """log₂(2ˣ + 2ʸ) = max + log1p(2^(min - max))/ln 2."""
        x, y = _tensor_pair("logaddexp2", self, other)
        _require_float_kind(x, "logaddexp2")
        return _log_add(x, y, lambda d: (d * _LN2).exp().log1p() / _LN2)

    def xlogy(self, other) -> "Tensor":
        """self·log(other), and 0 where self = 0 (unless other is nan), as PyTorch's xlogy: the
        entropy term p·log p is then 0 at p = 0. Gradients as PyTorch: log(other) for self
        (0 where self = 0 and other ≤ 0, and where the incoming gradient is 0), self/other for
        other -- except at self = other = 0, where PyTorch's 0/0 gives nan and this gives 0
        (ops/xlogy.py). `other` may be a number."""
        if not isinstance(other, Tensor) and not isinstance(other, (int, float)):
            raise TypeError(f"xlogy(): argument 'other' must be a Tensor or a number, not {type(other).__name__}")
        if isinstance(other, Tensor):
            _broadcast("xlogy", self, other)
        x, y = (self if isinstance(other, Tensor) else self._as_float())._promoted_with(other)
        return _ops.XLogY.apply(x._as_float(), y._as_float())

    def deg2rad(self) -> "Tensor":
        """Degrees to radians: x·π/180."""
        return self._as_float() * (math.pi / 180)

    def rad2deg(self) -> "Tensor":
        """Radians to degrees: x·180/π."""
        return self._as_float() * (180 / math.pi)

    def sinc(self) -> "Tensor":
        """The normalized sinc, sin(πx)/(πx), and 1 at x = 0. Near 0 (|πx| < 0.1) it is its Taylor
        series in z = (πx)², 1 - z/6 + z²/120 - z³/5040 + z⁴/362880 (to rounding), because
        derivatives of the quotient there cancel catastrophically: the second derivative at
        x = 1e-30 came out as 1e44 instead of -π²/3."""
        x = self._as_float()
        small = _constant(np.abs(x.data) < 0.1 / math.pi)
        pi_x = _ops.where(small, 1.0, x) * math.pi  # (the quotient only away from 0)
        z = (_ops.where(small, x, 0.0) * math.pi) ** 2
        series = 1 - z * (1 / 6 - z * (1 / 120 - z * (1 / 5040 - z / 362880)))
        with np.errstate(invalid="ignore"):  # (sinc(±inf) is nan, quietly as in PyTorch)
            return _ops.where(small, series, pi_x.sin() / pi_x)

    def fmod(self, other) -> "Tensor":
        """The remainder of self/other with the sign of self (C's fmod; `remainder` takes the sign
        of other): self - other·trunc(self/other). ∂/∂self = 1, ∂/∂other = -trunc(self/other),
        as in PyTorch. The values are numpy's exact fmod."""
        if isinstance(other, Tensor):
            _broadcast("fmod", self, other)
        a, b = self._promoted_with(other)
        _no_integer_zero_division(b, "fmod")
        with np.errstate(invalid="ignore", divide="ignore"):
            exact = np.asarray(np.fmod(a.data, b.data))
            if not (a.requires_grad or b.requires_grad):
                return _constant(exact)
            quotient = _constant(np.trunc(a.data / b.data))
        # the exact values plus terms that are 0 in value and carry the derivatives
        return _zero_with_gradient_one(a) - _zero_with_gradient_one(b) * quotient + _constant(exact)

    def true_divide(self, other) -> "Tensor":
        """self / other (always a true division; integers give floats)."""
        return self / other

    def floor_divide(self, other) -> "Tensor":
        """self / other rounded down (⌊a/b⌋, as PyTorch's floor_divide); no gradient."""
        if isinstance(other, Tensor):
            _broadcast("floor_divide", self, other)
        _no_integer_zero_division(self._promoted_with(other)[1], "floor_divide")
        return self // other

    # ---- no gradient: steps, logic, bits, comparisons ----
    def heaviside(self, values: "Tensor") -> "Tensor":
        """The step function: 0 where x < 0, 1 where x > 0, and `values` where x = 0 (broadcast).
        No gradient (PyTorch defines none)."""
        values = _need_tensor(values, "heaviside", "values")
        if values.data.dtype != self.data.dtype:
            raise RuntimeError(f"heaviside: both tensors must have the same dtype, got {self.dtype} "
                               f"and {values.dtype} (as in PyTorch)")
        _broadcast("heaviside", self, values)
        return _constant(np.where(self.data == 0, values.data, self.data > 0).astype(self.data.dtype))

    def logical_and(self, other: "Tensor") -> "Tensor":
        """True where both are non-zero (any dtypes; a bool tensor)."""
        return self._logical(other, np.logical_and, "logical_and")

    def logical_or(self, other: "Tensor") -> "Tensor":
        """True where either is non-zero (a bool tensor)."""
        return self._logical(other, np.logical_or, "logical_or")

    def logical_xor(self, other: "Tensor") -> "Tensor":
        """True where exactly one is non-zero (a bool tensor)."""
        return self._logical(other, np.logical_xor, "logical_xor")

    def logical_not(self) -> "Tensor":
        """True where x is zero (a bool tensor)."""
        return _constant(np.logical_not(self.data))

    def _logical(self, other, numpy_function, op: str) -> "Tensor":
        other = _need_tensor(other, op, "other")
        _broadcast(op, self, other)
        return _constant(numpy_function(self.data, other.data))

    def bitwise_not(self) -> "Tensor":
        """~x: logical not of a bool tensor, the bits flipped for integers (-x - 1)."""
        if self.data.dtype.kind not in "biu":
            raise NotImplementedForDtype(f"bitwise_not: not implemented for dtype {self.dtype} (as in "
                                         f"PyTorch); only bool and integer tensors have bits to flip")
        return _constant(np.invert(self.data))

    def greater(self, other) -> "Tensor":
        """self > other (a bool tensor); the same as gt."""
        return self > other

    def greater_equal(self, other) -> "Tensor":
        """self >= other; the same as ge."""
        return self >= other

    def less(self, other) -> "Tensor":
        """self < other; the same as lt."""
        return self < other

    def less_equal(self, other) -> "Tensor":
        """self <= other; the same as le."""
        return self <= other

    def not_equal(self, other) -> "Tensor":
        """self != other; the same as ne."""
        return self != other

    # ---- a matrix product added to a tensor: beta·input + alpha·(product) ----
    def addmm(self, mat1: "Tensor", mat2: "Tensor", *, beta=1, alpha=1) -> "Tensor":
        """beta·self + alpha·(mat1 @ mat2): mat1 (n, k), mat2 (k, m), self broadcast to (n, m)."""
        mat1, mat2 = _need_tensor(mat1, "addmm", "mat1"), _need_tensor(mat2, "addmm", "mat2")
        for name, mat in (("mat1", mat1), ("mat2", mat2)):
            if mat.ndim != 2:
                raise RuntimeError(f"addmm: {name} must be a matrix (2-D), got a {mat.ndim}-D tensor of "
                                   f"shape {mat.shape}")
        if mat1.shape[1] != mat2.shape[0]:
            raise ShapeError(f"addmm: mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x"
                             f"{mat1.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})")
        _same_dtype("addmm", self, mat1, mat2)
        return _add_scaled("addmm", self, mat1.matmul(mat2), beta, alpha)

    def addmv(self, mat: "Tensor", vec: "Tensor", *, beta=1, alpha=1) -> "Tensor":
        """beta·self + alpha·(mat @ vec): mat (n, m), vec (m,), self broadcast to (n,)."""
        mat, vec = _need_tensor(mat, "addmv", "mat"), _need_tensor(vec, "addmv", "vec")
        if mat.ndim != 2 or vec.ndim != 1 or self.ndim > 1:
            raise RuntimeError(f"addmv: expects vector + matrix @ vector, got shapes {self.shape}, "
                               f"{mat.shape} and {vec.shape}")
        if mat.shape[1] != vec.shape[0]:
            raise ShapeError(f"addmv: a matrix of shape {mat.shape} cannot multiply a vector of length "
                             f"{vec.shape[0]} ({mat.shape[1]} != {vec.shape[0]})")
        _same_dtype("addmv", self, mat, vec)
        return _add_scaled("addmv", self, mat.matmul(vec), beta, alpha)

    def addbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta=1, alpha=1) -> "Tensor":
        """beta·self + alpha·Σ_b batch1[b] @ batch2[b]: batch1 (b, n, k), batch2 (b, k, m), self
        broadcast to (n, m) -- the products of a batch summed into one matrix."""
        _check_batches("addbmm", batch1, batch2)
        _same_dtype("addbmm", self, batch1, batch2)
        return _add_scaled("addbmm", self, batch1.matmul(batch2).sum(0), beta, alpha)

    def baddbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta=1, alpha=1) -> "Tensor":
        """beta·self + alpha·(batch1 @ batch2): batch1 (b, n, k), batch2 (b, k, m), self
        broadcast to (b, n, m)."""
        _check_batches("baddbmm", batch1, batch2)
        _same_dtype("baddbmm", self, batch1, batch2)
        return _add_scaled("baddbmm", self, batch1.matmul(batch2), beta, alpha)

    # ---- in-place forms: the out-of-place op written into this tensor (see tensor.py's _in_place)
    def atan2_(self, other: "Tensor") -> "Tensor":
        other = _need_tensor(other, "atan2_", "other")
        return self._in_place("atan2_", lambda old: old.atan2(other), other)

    arctan2_ = atan2_

    def lerp_(self, end: "Tensor", weight) -> "Tensor":
        end = _need_tensor(end, "lerp_", "end")  # (arguments are checked before the in-place rules, as in PyTorch)
        return self._in_place_with("lerp_", lambda old: old.lerp(end, weight), end, weight)

    def addcmul_(self, tensor1: "Tensor", tensor2: "Tensor", *, value=1) -> "Tensor":
        return self._in_place_with("addcmul_", lambda old: old.addcmul(tensor1, tensor2, value=value),
                                   tensor1, tensor2)

    def addcdiv_(self, tensor1: "Tensor", tensor2: "Tensor", *, value=1) -> "Tensor":
        return self._in_place_with("addcdiv_", lambda old: old.addcdiv(tensor1, tensor2, value=value),
                                   tensor1, tensor2)

    def clamp_min_(self, min) -> "Tensor":
        return self._in_place_with("clamp_min_", lambda old: old.clamp_min(min), min)

    def clamp_max_(self, max) -> "Tensor":
        return self._in_place_with("clamp_max_", lambda old: old.clamp_max(max), max)

    def nan_to_num_(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> "Tensor":
        return self._in_place("nan_to_num_", lambda old: old.nan_to_num(nan, posinf, neginf))

    def hypot_(self, other: "Tensor") -> "Tensor":
        other = _need_tensor(other, "hypot_")  # (arguments are checked before the in-place rules, as in PyTorch)
        return self._in_place_with("hypot_", lambda old: old.hypot(other), other)

    def xlogy_(self, other) -> "Tensor":
        return self._in_place_with("xlogy_", lambda old: old.xlogy(other), other)

    def fmod_(self, other) -> "Tensor":
        return self._in_place_with("fmod_", lambda old: old.fmod(other), other)

    def true_divide_(self, other) -> "Tensor":
        return self._in_place_with("true_divide_", lambda old: old / other, other)

    def addmm_(self, mat1: "Tensor", mat2: "Tensor", *, beta=1, alpha=1) -> "Tensor":
        return self._in_place_with("addmm_", lambda old: old.addmm(mat1, mat2, beta=beta, alpha=alpha),
                                   mat1, mat2)

    def baddbmm_(self, batch1: "Tensor", batch2: "Tensor", *, beta=1, alpha=1) -> "Tensor":
        return self._in_place_with("baddbmm_", lambda old: old.baddbmm(batch1, batch2, beta=beta, alpha=alpha),
                                   batch1, batch2)

    def _in_place_with(self, op: str, compute, *others) -> "Tensor":
        """`_in_place` for an op with several tensor arguments: it records when any of them
        requires grad (`_in_place` looks at one)."""
        tensors = [t for t in others if isinstance(t, Tensor)]
        recorded = next((t for t in tensors if t.requires_grad), tensors[0] if tensors else None)
        return self._in_place(op, compute, recorded)


def _in_place_unary(name: str, method: str, note: str = ""):
    """The method `name` (e.g. "tan_") that writes x.method() into x; `note` ends its docstring.
    (Also used by tensor_more.py.)"""
    def in_place(self) -> "Tensor":
        return self._in_place(name, getattr(Tensor, method))

    in_place.__name__ = in_place.__qualname__ = name
    in_place.__doc__ = f"In-place `{method}`: x.{name}() writes x.{method}() into x{note}."
    return in_place


for _name in ("tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos",
              "arctan", "arcsinh", "arccosh", "arctanh", "erf", "erfc", "erfinv", "deg2rad", "rad2deg", "sinc"):
    setattr(PointwiseMethods, f"{_name}_", _in_place_unary(f"{_name}_", _name, " (float tensors only)"))
del _name


def _whole_if_integer(value, *tensors):
    """addcmul's `value` as PyTorch uses it: a 0-d tensor is its number, and for an integer
    result a float value is cut to a whole number (0.5 becomes 0)."""
    value = value.item() if isinstance(value, Tensor) else value
    if isinstance(value, float) and all(t.data.dtype.kind in "iub" for t in tensors):
        return int(value)
    return value


def _zero_with_gradient_one(x: "Tensor") -> "Tensor":
    """A tensor of zeros whose derivative with respect to x is 1 where x is finite (x - x, with
    infinities left out: inf - inf would be nan). Added to exact values computed in numpy, it
    carries their gradient (remainder and fmod here, and in tensor.py)."""
    finite = _ops.where(_constant(np.isfinite(x.data)), x, 0.0)
    return finite - finite.detach()


def _log_add(x: "Tensor", y: "Tensor", log1p_of_power) -> "Tensor":
    """max(x, y) + log1p_of_power(min(x, y) - max(x, y)) for logaddexp and logaddexp2. Where x
    and y are the same infinity, min - max would be nan: 0 is used there (the result is then that
    infinity, as PyTorch gives).

    The larger one is chosen by a mask, not by maximum/minimum: a + log1p(e^(b - a)) is the same
    function whichever of the two is a, so its derivatives are exact at ties too (maximum and
    minimum split a tie's gradient, which loses the second derivative there)."""
    x_is_larger = _constant(np.broadcast_to(x.data >= y.data, np.broadcast_shapes(x.shape, y.shape)))
    high, low = _ops.where(x_is_larger, x, y), _ops.where(x_is_larger, y, x)
    with np.errstate(invalid="ignore"):  # (inf - inf, replaced just below)
        difference = low - high
    same_infinity = (x.data == y.data) & np.isinf(x.data)
    if same_infinity.any():
        difference = _ops.where(_constant(same_infinity), 0.0, difference)
    return high + log1p_of_power(difference)


def _same_dtype(op: str, *tensors) -> None:
    dtypes = [t.data.dtype for t in tensors]
    if any(d != dtypes[0] for d in dtypes):
        raise RuntimeError(f"{op}: all tensors must have the same dtype (as in PyTorch), got "
                           f"{', '.join(str(d) for d in dtypes)}; convert first, e.g. b.to(a.dtype)")


def _check_batches(op: str, batch1, batch2) -> None:
    batch1, batch2 = _need_tensor(batch1, op, "batch1"), _need_tensor(batch2, op, "batch2")
    if batch1.ndim != 3 or batch2.ndim != 3:
        raise RuntimeError(f"{op}: batch1 and batch2 must be batches of matrices (3-D), got shapes "
                           f"{batch1.shape} and {batch2.shape}")
    if batch1.shape[0] != batch2.shape[0]:
        raise ShapeError(f"{op}: batch1 and batch2 must have the same number of batches, got "
                         f"{batch1.shape[0]} and {batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise ShapeError(f"{op}: matrices of shapes {batch1.shape[1:]} and {batch2.shape[1:]} cannot "
                         f"be multiplied ({batch1.shape[2]} != {batch2.shape[1]})")


# PyTorch hands these to a BLAS routine, which does not compute the product when alpha is 0 (the
# BLAS reference: "when alpha is zero then A and B need not be set"), so nan and inf in the
# matrices do not spread into the result. baddbmm and addr compute it, as 0·nan = nan.
_ALPHA_0_SKIPS_THE_PRODUCT = frozenset({"addmm", "addmv", "addbmm"})


def _add_scaled(op: str, input: "Tensor", product: "Tensor", beta, alpha) -> "Tensor":
    """beta·input + alpha·product, input broadcast to the product's shape. With beta = 0 the
    input's values are ignored (nan and inf in it do not spread), as PyTorch documents, and its
    gradient is 0; with alpha = 0 so are the product's, for the ops whose product PyTorch leaves
    to BLAS (addmm, addmv, addbmm). For integer tensors beta and alpha are cut to whole numbers,
    as in PyTorch."""
    input = _need_tensor(input, op, "input")
    if _broadcast(op, input, product) != product.shape:
        raise ShapeError(f"{op}: input of shape {input.shape} cannot be broadcast to the shape of the "
                         f"product, {product.shape}")
    if product.data.dtype.kind != "f":
        if isinstance(beta, float) or isinstance(alpha, float):
            beta, alpha = int(beta), int(alpha)
    if alpha == 0 and op in _ALPHA_0_SKIPS_THE_PRODUCT:
        product = _values_ignored(product)
    elif alpha != 1:
        product = product * alpha
    if beta == 0:
        return product if not input.requires_grad else _values_ignored(input) + product
    return product + (input if beta == 1 else input * beta)


def _values_ignored(t: "Tensor") -> "Tensor":
    """Zeros of t's shape and dtype, whose gradient to t is 0: t's values (nan, inf) go nowhere."""
    if not t.requires_grad:
        return _constant(np.zeros(t.shape, dtype=t.data.dtype))
    return _ops.Where.apply(_constant(np.zeros((), dtype=bool)), t, _constant(np.zeros((), dtype=t.data.dtype)))

