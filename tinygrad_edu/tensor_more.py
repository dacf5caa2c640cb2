"""The long tail of PyTorch's elementwise Tensor methods:

    aliases       absolute, negative, positive, multiply, subtract, divide (rounding_mode), fix, sgn
    new math      copysign, fmax, fmin, float_power, ldexp, frexp, nextafter, gcd, lcm, logit
    special       lgamma, digamma, polygamma, mvlgamma, i0 (ops/special_functions.py)
    tests         signbit, isneginf, isposinf, isreal, is_nonzero, is_same_size, is_signed,
                  is_complex, is_inference
    bits          bitwise_and/or/xor, bitwise_left_shift/right_shift (and << >>)
    in place      the `_` forms of these and of existing ops (ceil_, round_, tril_, cumsum_, ...),
                  comparisons in place (eq_, lt_, ...: 1/0 in self's dtype), logical_*_

Differentiable ones are composed from existing ops, except the special functions (new ops).
`Tensor` inherits them from `MoreMethods`; tensor.py fills in `Tensor` and `_ops` once they exist.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .errors import NotImplementedForDtype

# The helpers shared with the other elementwise methods live in tensor_pointwise.py (one copy).
from .tensor_pointwise import (
    _broadcast,
    _constant,
    _in_place_unary,
    _need_tensor,
    _no_integer_zero_division,
    _tensor_pair,
)

Tensor = _ops = None  # set by tensor.py


class frexp(NamedTuple):  # noqa: N801 (PyTorch's name: torch.return_types.frexp)
    mantissa: "Tensor"
    exponent: "Tensor"


def _integers_only(x: "Tensor", op: str, bools: bool = True) -> None:
    kinds = "biu" if bools else "iu"
    if x.data.dtype.kind not in kinds:
        raise NotImplementedForDtype(f"{op}: not implemented for dtype {x.dtype} (as in PyTorch); it takes "
                                     f"{'bool and ' if bools else ''}integer tensors only")


def _special(op_name: str):
    from .ops import special_functions  # (imported when first used, as nn's erf)

    return getattr(special_functions, op_name)


class MoreMethods:
    """Aliases, more elementwise math, special functions, bits and in-place forms (mixed into `Tensor`)."""

    # ---- aliases -----------------------------------------------------------------------------
    def absolute(self) -> "Tensor":
        """|x| (the same as abs)."""
        return self.abs()

    def negative(self) -> "Tensor":
        """-x (the same as neg)."""
        return self.neg()

    def positive(self) -> "Tensor":
        """x itself (PyTorch returns the input); refused for bool tensors, as in PyTorch."""
        if self.data.dtype.kind == "b":
            raise RuntimeError("positive: the `+` operator on a bool tensor is not supported (as in PyTorch)")
        return self

    def multiply(self, other) -> "Tensor":
        """self * other (the same as mul)."""
        return self.mul(other)

    def subtract(self, other, *, alpha=1) -> "Tensor":
        """self - alpha·other (the same as sub)."""
        return self.sub(other, alpha=alpha)

    def divide(self, other, *, rounding_mode: str | None = None) -> "Tensor":
        """self / other. rounding_mode None: true division; 'trunc': rounded toward zero; 'floor':
        rounded down (as floor_divide). Rounded quotients have gradient 0; integer inputs stay
        integers with a rounding mode."""
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError(f"divide: expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                               f"found {rounding_mode!r}")
        if isinstance(other, Tensor):
            _broadcast("divide", self, other)
        a, b = self._promoted_with(other)
        if a.data.dtype.kind in "biu":
            _no_integer_zero_division(b, "divide")
            quotient = np.floor_divide(a.data, b.data)
            if rounding_mode == "trunc":  # floor, then one up where the exact quotient was negative
                quotient = quotient + ((quotient < 0) & (quotient * b.data != a.data))
            return _constant(quotient)
        with np.errstate(divide="ignore", invalid="ignore"):
            if rounding_mode == "trunc":
                return (a / b).trunc()
            # where(True, ⌊a/b⌋, a/b'): the exact values, gradient 0 (as PyTorch); b' = b with 0s
            # made 1, so that the zero gradient does not become 0/0 = nan in a/b's backward
            quotient = a / _ops.where(_constant(b.data == 0), 1.0, b)
            return _ops.Where.apply(_constant(np.ones((), bool)), _constant(np.floor_divide(a.data, b.data)), quotient)

    def fix(self) -> "Tensor":
        """x rounded toward zero (the same as trunc)."""
        return self.trunc()

    def sgn(self) -> "Tensor":
        """The sign of x, -1, 0 or 1 (for real tensors the same as sign)."""
        return self.sign()

    # ---- new elementwise math ------------------------------------------------------------------
    def copysign(self, other) -> "Tensor":
        """|self| with the sign of other (a tensor or a number; -0.0 counts as negative). A float
        result. ∂/∂self = ±1 as the signs agree or not (0 at self = 0), ∂/∂other = 0."""
        if isinstance(other, Tensor):
            _broadcast("copysign", self, other)
        a, b = self._promoted_with(other)
        a = a._as_float()
        negative = np.signbit(b.data)
        sign = _constant(np.where(negative, -1, 1).astype(a.data.dtype))
        out = a.abs() * sign
        if b.requires_grad:  # other gets a gradient of zeros, as in PyTorch (where(True, out, other))
            out = _ops.Where.apply(_constant(np.ones((), bool)), out, b._cast(out.data.dtype))
        return out

    def fmax(self, other: "Tensor") -> "Tensor":
        """max(self, other) elementwise, but a nan loses to a number (nan only where both are
        nan), as C's fmax. The gradient goes to self where self ≥ other or other is nan."""
        return self._nan_ignoring_best(other, "fmax", np.greater_equal)

    def fmin(self, other: "Tensor") -> "Tensor":
        """min(self, other) elementwise; a nan loses to a number (as C's fmin)."""
        return self._nan_ignoring_best(other, "fmin", np.less_equal)

    def _nan_ignoring_best(self, other, op: str, better) -> "Tensor":
        a, b = _tensor_pair(op, self, other)
        with np.errstate(invalid="ignore"):
            take_self = better(a.data, b.data) | np.isnan(b.data) if a.data.dtype.kind == "f" else \
                better(a.data, b.data)
        return _ops.Where.apply(_constant(take_self), a, b)

    def float_power(self, exponent) -> "Tensor":
        """self ** exponent computed in float64 (the result is float64 whatever the inputs)."""
        base = self.to(np.float64)
        if isinstance(exponent, Tensor):
            _broadcast("float_power", self, exponent)
            return base ** exponent.to(np.float64)
        return base ** float(exponent)

    def ldexp(self, other: "Tensor") -> "Tensor":
        """self · 2^other (other a tensor, usually of integers); a float result. Composed as
        self · exp2(other), so ∂/∂other = ln 2 · self · 2^other."""
        other = _need_tensor(other, "ldexp")
        _broadcast("ldexp", self, other)
        # PyTorch's input · pow(2, other): an integer or bool input takes a float other's dtype
        x = self if self.data.dtype.kind == "f" or other.data.dtype.kind == "f" else self._as_float()
        dtype = other.data.dtype if other.data.dtype.kind == "f" else x.data.dtype
        return x * other.to(dtype).exp2()

    def frexp(self):
        """(mantissa, exponent) with self = mantissa · 2^exponent and 0.5 ≤ |mantissa| < 1 (0 for
        0); exponent is int32. Float tensors only. ∂mantissa/∂self = 2^-exponent."""
        if self.data.dtype.kind != "f":
            raise RuntimeError(f"frexp: only supports floating-point dtypes, got {self.dtype} (as in PyTorch)")
        mantissa, exponent = np.frexp(self.data)
        scale = _constant(np.ldexp(np.ones((), self.data.dtype), -exponent).astype(self.data.dtype))
        return frexp(self * scale, _constant(exponent.astype(np.int32)))

    def nextafter(self, other: "Tensor") -> "Tensor":
        """The next float after self in the direction of other; float tensors only, no gradient."""
        a, b = _tensor_pair("nextafter", self, other)
        if a.data.dtype.kind != "f":
            raise NotImplementedForDtype(f"nextafter: not implemented for dtype {a.dtype} (as in PyTorch); "
                                         f"it takes float tensors only")
        return _constant(np.nextafter(a.data, b.data))

    def gcd(self, other: "Tensor") -> "Tensor":
        """The greatest common divisor (≥ 0), elementwise; integer tensors only."""
        return self._integer_pair(other, "gcd", np.gcd)

    def lcm(self, other: "Tensor") -> "Tensor":
        """The least common multiple (≥ 0), elementwise; integer tensors only."""
        return self._integer_pair(other, "lcm", np.lcm)

    def _integer_pair(self, other, op: str, numpy_function) -> "Tensor":
        a, b = _tensor_pair(op, self, other)
        _integers_only(a, op, bools=False)
        return _constant(numpy_function(a.data, b.data))

    def logit(self, eps: float | None = None) -> "Tensor":
        """log(p/(1 - p)), the inverse of sigmoid; with eps, p is clamped to [eps, 1 - eps] first
        (and the gradient is 0 outside). d/dp = 1/(p(1 - p))."""
        p = self._as_float()
        if eps is not None:
            p = p.clamp(eps, 1 - eps)
        with np.errstate(divide="ignore", invalid="ignore"):  # (±inf at 0 and 1, nan outside)
            return p.log() - (1 - p).log()

    # ---- special functions (ops/special_functions.py) -----------------------------------------
    def lgamma(self) -> "Tensor":
        """log |Γ(x)| (inf at 0, -1, -2, ...);  d/dx = digamma(x)."""
        return _special("Lgamma").apply(self._as_float())

    def digamma(self) -> "Tensor":
        """ψ(x) = d/dx log Γ(x) (-inf at 0, nan at -1, -2, ...);  d/dx = polygamma(1, x)."""
        return _special("Polygamma").apply(self._as_float(), 0)

    def polygamma(self, n: int) -> "Tensor":
        """ψ⁽ⁿ⁾(x), the n-th derivative of digamma (n ≥ 0);  d/dx = ψ⁽ⁿ⁺¹⁾(x)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"polygamma(): argument 'n' must be an int, not {type(n).__name__}")
        if n < 0:
            raise RuntimeError(f"polygamma(n, x) does not support negative n, got n={n}")
        return _special("Polygamma").apply(self._as_float(), int(n))

    def mvlgamma(self, p: int) -> "Tensor":
        """The multivariate log-gamma function of dimension p:
        log Γ_p(x) = p(p-1)/4 · log π + Σ_{i=1..p} lgamma(x - (i-1)/2); needs every x > (p-1)/2."""
        if p < 1:
            raise RuntimeError(f"mvlgamma: p has to be greater than or equal to 1, got p={p}")
        x = self._as_float()
        with np.errstate(invalid="ignore"):  # a nan is let through (its result is nan), as in PyTorch
            too_small = np.any(x.data <= (p - 1) / 2)
        if too_small:
            raise RuntimeError(f"mvlgamma: all elements must be greater than (p-1)/2 = {(p - 1) / 2}")
        total = x.lgamma()
        for i in range(2, p + 1):
            total = total + (x - (i - 1) / 2).lgamma()
        return total + p * (p - 1) / 4 * math.log(math.pi)

    def i0(self) -> "Tensor":
        """I₀(x), the modified Bessel function of the first kind of order 0;  d/dx = I₁(x)."""
        return _special("BesselI").apply(self._as_float(), 0)

    # ---- tests of values and of the tensor ----------------------------------------------------
    def signbit(self) -> "Tensor":
        """True where the sign bit is set (x < 0, and -0.0); a bool tensor."""
        return _constant(np.signbit(self.data) if self.data.dtype.kind != "b" else np.zeros(self.shape, bool))

    def isneginf(self) -> "Tensor":
        """True where x is -inf."""
        return _constant(np.isneginf(self.data) if self.data.dtype.kind == "f" else np.zeros(self.shape, bool))

    def isposinf(self) -> "Tensor":
        """True where x is +inf."""
        return _constant(np.isposinf(self.data) if self.data.dtype.kind == "f" else np.zeros(self.shape, bool))

    def isreal(self) -> "Tensor":
        """True everywhere: every element of a real tensor is real."""
        return _constant(np.ones(self.shape, dtype=bool))

    def is_nonzero(self) -> bool:
        """Whether the one element of a one-element tensor is not zero."""
        if self.data.size != 1:
            what = "no values" if self.data.size == 0 else "more than one value"
            raise RuntimeError(f"is_nonzero: Boolean value of Tensor with {what} is ambiguous "
                               f"(shape {self.shape}); it needs exactly one element")
        return bool(self.data.reshape(()).item() != 0)

    def is_same_size(self, other: "Tensor") -> bool:
        """Whether both tensors have the same shape."""
        return self.shape == _need_tensor(other, "is_same_size").shape

    def is_signed(self) -> bool:
        """Whether the dtype can hold negative numbers (floats and signed integers; not uint8, bool)."""
        return self.data.dtype.kind in "if"

    def is_complex(self) -> bool:
        """False: tinygrad_edu has no complex dtypes."""
        return False

    def is_inference(self) -> bool:
        """True for the result of an op run inside `tg.inference_mode()`, as in PyTorch."""
        return getattr(self, "_inference", False)

    # ---- bits ------------------------------------------------------------------------------------
    def bitwise_and(self, other) -> "Tensor":
        """self & other: bitwise for integers, logical for bools."""
        return self & other

    def bitwise_or(self, other) -> "Tensor":
        """self | other."""
        return self | other

    def bitwise_xor(self, other) -> "Tensor":
        """self ^ other."""
        return self ^ other

    def bitwise_left_shift(self, other) -> "Tensor":
        """self << other, each integer times 2^other; shifting by the width or more, or by a
        negative amount, gives 0 (as PyTorch)."""
        return self._shift(other, "bitwise_left_shift", left=True)

    def bitwise_right_shift(self, other) -> "Tensor":
        """self >> other (arithmetic: the sign is kept); shifting by the width or more, or by a
        negative amount, gives 0 or -1."""
        return self._shift(other, "bitwise_right_shift", left=False)

    def _shift(self, other, op: str, left: bool) -> "Tensor":
        if isinstance(other, Tensor):
            _broadcast(op, self, other)
        a, b = self._promoted_with(other)
        if a.data.dtype.kind == "b":
            a, b = a.to(np.int64), b.to(np.int64)
        _integers_only(a, op)
        bits = a.data.dtype.itemsize * 8
        outside = (b.data < 0) | (b.data >= bits)
        amount = np.where(outside, 0, b.data).astype(a.data.dtype)
        if left:
            out = np.where(outside, 0, np.left_shift(a.data, amount))
        else:
            out = np.where(outside, np.where(a.data < 0, -1, 0), np.right_shift(a.data, amount))
        return _constant(out.astype(a.data.dtype))

    def __lshift__(self, other) -> "Tensor":
        return self.bitwise_left_shift(other)

    def __rshift__(self, other) -> "Tensor":
        return self.bitwise_right_shift(other)

    def __rlshift__(self, other) -> "Tensor":
        return self._lift(other).bitwise_left_shift(self)

    def __rrshift__(self, other) -> "Tensor":
        return self._lift(other).bitwise_right_shift(self)

    # ---- in place -----------------------------------------------------------------------------
    def float_power_(self, exponent) -> "Tensor":
        if self.data.dtype != np.float64:
            raise RuntimeError(f"float_power_: the base has dtype {self.dtype} but the result requires "
                               f"dtype float64 (as in PyTorch); convert first, e.g. t = t.double()")
        return self._in_place_with("float_power_", lambda old: old.float_power(exponent), exponent)

    def divide_(self, other, *, rounding_mode: str | None = None) -> "Tensor":
        return self._in_place_with("divide_", lambda old: old.divide(other, rounding_mode=rounding_mode), other)

    def subtract_(self, other, *, alpha=1) -> "Tensor":
        return self.sub_(other, alpha=alpha)

    def multiply_(self, other) -> "Tensor":
        return self.mul_(other)

    def round_(self, decimals: int = 0) -> "Tensor":
        return self._in_place("round_", lambda old: old.round(decimals=decimals))

    def polygamma_(self, n: int) -> "Tensor":
        return self._in_place("polygamma_", lambda old: old.polygamma(n))

    def mvlgamma_(self, p: int) -> "Tensor":
        return self._in_place("mvlgamma_", lambda old: old.mvlgamma(p))

    def logit_(self, eps: float | None = None) -> "Tensor":
        return self._in_place("logit_", lambda old: old.logit(eps))

    def remainder_(self, other) -> "Tensor":
        return self._in_place_with("remainder_", lambda old: old.remainder(other), other)

    def floor_divide_(self, other) -> "Tensor":
        return self._in_place_with("floor_divide_", lambda old: old.floor_divide(other), other)

    def heaviside_(self, values: "Tensor") -> "Tensor":
        return self._in_place_with("heaviside_", lambda old: old.heaviside(values), values)

    def tril_(self, diagonal: int = 0) -> "Tensor":
        return self._in_place("tril_", lambda old: old.tril(diagonal))

    def triu_(self, diagonal: int = 0) -> "Tensor":
        return self._in_place("triu_", lambda old: old.triu(diagonal))

    def cumsum_(self, dim: int, *, dtype=None) -> "Tensor":
        _same_dtype_in_place("cumsum_", self, dtype)
        return self._in_place("cumsum_", lambda old: old.cumsum(dim).to(self.data.dtype))

    def cumprod_(self, dim: int, *, dtype=None) -> "Tensor":
        _same_dtype_in_place("cumprod_", self, dtype)
        return self._in_place("cumprod_", lambda old: old.cumprod(dim).to(self.data.dtype))

    def addmv_(self, mat: "Tensor", vec: "Tensor", *, beta=1, alpha=1) -> "Tensor":
        return self._in_place_with("addmv_", lambda old: old.addmv(mat, vec, beta=beta, alpha=alpha), mat, vec)

    def addbmm_(self, batch1: "Tensor", batch2: "Tensor", *, beta=1, alpha=1) -> "Tensor":
        return self._in_place_with("addbmm_", lambda old: old.addbmm(batch1, batch2, beta=beta, alpha=alpha),
                                   batch1, batch2)

    def _in_place_compare(self, op: str, compute) -> "Tensor":
        """Write a comparison's 1/0 (True/False) into self, in self's dtype; gradient 0."""
        result = compute(self)
        if result.shape != self.shape:
            raise RuntimeError(f"{op}: the result has shape {result.shape}, which cannot be written into "
                               f"this tensor of shape {self.shape}")
        return self._overwrite(op, _constant(result.data.astype(self.data.dtype)))


def _same_dtype_in_place(op: str, x: "Tensor", dtype) -> None:
    if dtype is not None and np.dtype(dtype) != x.data.dtype:
        raise RuntimeError(f"{op}: the input has dtype {x.dtype} and the result would have dtype "
                           f"{np.dtype(dtype)}; in place they must match (as in PyTorch)")


def _in_place_binary(name: str, method: str):
    def in_place(self, other) -> "Tensor":
        return self._in_place_with(name, lambda old: getattr(old, method)(other), other)

    in_place.__name__ = in_place.__qualname__ = name
    in_place.__doc__ = f"In-place `{method}`: x.{name}(y) writes x.{method}(y) into x."
    return in_place


def _in_place_comparison(name: str, method: str):
    def in_place(self, other) -> "Tensor":
        return self._in_place_compare(name, lambda old: getattr(old, method)(other))

    in_place.__name__ = in_place.__qualname__ = name
    in_place.__doc__ = (f"In-place `{method}`: x.{name}(y) writes x.{method}(y) into x as 1/0 "
                        f"(True/False) in x's dtype.")
    return in_place


for _name in ("ceil", "floor", "trunc", "frac", "exp2", "log2", "log10", "rsqrt", "fix", "sgn", "negative",
              "absolute", "lgamma", "digamma", "i0", "bitwise_not"):
    setattr(MoreMethods, f"{_name}_", _in_place_unary(f"{_name}_", _name))
for _name in ("copysign", "ldexp", "nextafter", "gcd", "lcm", "bitwise_and", "bitwise_or", "bitwise_xor",
              "bitwise_left_shift", "bitwise_right_shift"):
    setattr(MoreMethods, f"{_name}_", _in_place_binary(f"{_name}_", _name))
for _name in ("eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
              "not_equal", "logical_and", "logical_or", "logical_xor"):
    setattr(MoreMethods, f"{_name}_", _in_place_comparison(f"{_name}_", _name))


def _logical_not_(self) -> "Tensor":
    """In-place `logical_not`: writes 1/0 (True/False) into x, in x's dtype."""
    return self._in_place_compare("logical_not_", lambda old: old.logical_not())


_logical_not_.__name__ = _logical_not_.__qualname__ = "logical_not_"
MoreMethods.logical_not_ = _logical_not_
MoreMethods.__ilshift__ = MoreMethods.bitwise_left_shift_
MoreMethods.__irshift__ = MoreMethods.bitwise_right_shift_
del _name
