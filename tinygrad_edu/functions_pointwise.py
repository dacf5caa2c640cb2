"""Function forms (`tg.<name>`) of PyTorch's elementwise math functions: `tg.atan2(y, x)` is
`y.atan2(x)` (tensor_pointwise.py), and the comparisons `tg.eq`, `tg.greater`, ... and
`tg.remainder` of tensor.py.

Those that take `out=` in PyTorch take it here (out_argument.py): the result is written into that
tensor in place. `same_dtype=True` marks the ops whose out must have exactly the result's dtype;
the others store the result in out's dtype when PyTorch allows that cast (float32 -> float64 yes,
float -> int no).

`tinygrad_edu/__init__.py` exports every name in `__all__`.
"""
from __future__ import annotations

from .functions import _elementwise, _tensor
from .out_argument import written_to
from .tensor import Tensor


def _unary(name: str, math: str, same_dtype: bool = False):
    function = _elementwise(name, same_dtype)
    function.__doc__ = f"{math}, elementwise (`input.{name}()`)."
    return function


tan = _unary("tan", "tan x")
asin = arcsin = _unary("asin", "arcsin x")
acos = arccos = _unary("acos", "arccos x")
atan = arctan = _unary("atan", "arctan x")
sinh = _unary("sinh", "sinh x")
cosh = _unary("cosh", "cosh x")
asinh = arcsinh = _unary("asinh", "arsinh x")
acosh = arccosh = _unary("acosh", "arcosh x")
atanh = arctanh = _unary("atanh", "artanh x")
erf = _unary("erf", "The error function erf x = 2/√π ∫₀ˣ e^(-t²) dt")
erfc = _unary("erfc", "The complementary error function erfc x = 1 - erf x")
erfinv = _unary("erfinv", "The inverse error function")
deg2rad = _unary("deg2rad", "Degrees to radians, x·π/180")
rad2deg = _unary("rad2deg", "Radians to degrees, x·180/π")
sinc = _unary("sinc", "The normalized sinc sin(πx)/(πx) (1 at 0)")
logical_not = _unary("logical_not", "`x == 0` as a bool tensor")
bitwise_not = _unary("bitwise_not", "~x for bool and integer tensors", same_dtype=True)


def atan2(input, other: Tensor, *, out=None) -> Tensor:
    """The angle of the point (x=other, y=input) in (-π, π], broadcasting."""
    return written_to(out, "atan2", _tensor(input).atan2(other))


arctan2 = atan2


def lerp(input, end: Tensor, weight, *, out=None) -> Tensor:
    """input + weight·(end - input); weight a number or a tensor."""
    return written_to(out, "lerp", _tensor(input).lerp(end, weight))


def addcmul(input, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """input + value·tensor1·tensor2."""
    return written_to(out, "addcmul", _tensor(input).addcmul(tensor1, tensor2, value=value))


def addcdiv(input, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """input + value·tensor1/tensor2."""
    return written_to(out, "addcdiv", _tensor(input).addcdiv(tensor1, tensor2, value=value))


def clamp_min(input, min, *, out=None) -> Tensor:
    """max(input, min), min a number or a tensor."""
    return written_to(out, "clamp_min", _tensor(input).clamp_min(min), same_dtype=True)


def clamp_max(input, max, *, out=None) -> Tensor:
    """min(input, max), max a number or a tensor."""
    return written_to(out, "clamp_max", _tensor(input).clamp_max(max), same_dtype=True)


def nan_to_num(input, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None, *,
               out=None) -> Tensor:
    """nan, +inf, -inf replaced by nan, posinf, neginf (defaults: 0 and the dtype's extremes)."""
    return written_to(out, "nan_to_num", _tensor(input).nan_to_num(nan, posinf, neginf), same_dtype=True)


def hypot(input, other: Tensor, *, out=None) -> Tensor:
    """√(input² + other²) without overflow."""
    return written_to(out, "hypot", _tensor(input).hypot(other))


def logaddexp(input, other: Tensor, *, out=None) -> Tensor:
    """log(e^input + e^other), computed stably."""
    return written_to(out, "logaddexp", _tensor(input).logaddexp(other))


def logaddexp2(input, other: Tensor, *, out=None) -> Tensor:
    """log₂(2^input + 2^other), computed stably."""
    return written_to(out, "logaddexp2", _tensor(input).logaddexp2(other))


def xlogy(input, other, *, out=None) -> Tensor:
    """input·log(other), 0 where input = 0; either (not both) may be a number."""
    if not isinstance(input, Tensor):
        if not isinstance(other, Tensor):
            raise TypeError(f"xlogy(): one of input and other must be a Tensor, got "
                            f"{type(input).__name__} and {type(other).__name__}")
        if not isinstance(input, (int, float)):
            raise TypeError(f"xlogy(): argument 'input' must be a Tensor or a number, not {type(input).__name__}")
        return written_to(out, "xlogy", _number_xlogy(input, other))
    return written_to(out, "xlogy", input.xlogy(other))


def _number_xlogy(number, other: Tensor) -> Tensor:
    """xlogy(number, tensor): the number takes the tensor's (float) dtype."""
    y = other._as_float()
    return y._lift(number).xlogy(y)


def fmod(input, other, *, out=None) -> Tensor:
    """The remainder of input/other with the sign of input (C's fmod)."""
    return written_to(out, "fmod", _tensor(input).fmod(other))


def remainder(input, other, *, out=None) -> Tensor:
    """The remainder of input/other with the sign of other (Python's %)."""
    result = input.remainder(other) if isinstance(input, Tensor) else other.__rmod__(input)
    return written_to(out, "remainder", result)


def true_divide(input, other, *, out=None) -> Tensor:
    """input / other (true division); PyTorch's own parameter names are input and other."""
    return written_to(out, "true_divide", _tensor(input) / other)


def floor_divide(input, other, *, out=None) -> Tensor:
    """input / other rounded down; no gradient."""
    return written_to(out, "floor_divide", _tensor(input).floor_divide(other))


def heaviside(input, values: Tensor, *, out=None) -> Tensor:
    """0 where input < 0, 1 where input > 0, values where input = 0; no gradient."""
    return written_to(out, "heaviside", _tensor(input).heaviside(values), same_dtype=True)


def logical_and(input, other: Tensor, *, out=None) -> Tensor:
    """input and other, elementwise (non-zero is true); a bool tensor."""
    return written_to(out, "logical_and", _tensor(input).logical_and(other))


def logical_or(input, other: Tensor, *, out=None) -> Tensor:
    """input or other, elementwise; a bool tensor."""
    return written_to(out, "logical_or", _tensor(input).logical_or(other))


def logical_xor(input, other: Tensor, *, out=None) -> Tensor:
    """Exactly one of input and other non-zero; a bool tensor."""
    return written_to(out, "logical_xor", _tensor(input).logical_xor(other))


def _comparison(name: str, symbol: str):
    def function(input, other, *, out=None) -> Tensor:
        return written_to(out, name, getattr(_tensor(input), name)(other))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"input {symbol} other, elementwise (broadcasting); a bool tensor, no gradient."
    return function


eq = _comparison("eq", "==")
ne = not_equal = _comparison("ne", "!=")
lt = less = _comparison("lt", "<")
le = less_equal = _comparison("le", "<=")
gt = greater = _comparison("gt", ">")
ge = greater_equal = _comparison("ge", ">=")


def addmm(input, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta·input + alpha·(mat1 @ mat2)."""
    return written_to(out, "addmm", _tensor(input).addmm(mat1, mat2, beta=beta, alpha=alpha), same_dtype=True)


def addmv(input, mat: Tensor, vec: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta·input + alpha·(mat @ vec)."""
    return written_to(out, "addmv", _tensor(input).addmv(mat, vec, beta=beta, alpha=alpha), same_dtype=True)


def addbmm(input, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta·input + alpha·Σ_b batch1[b] @ batch2[b]."""
    return written_to(out, "addbmm", _tensor(input).addbmm(batch1, batch2, beta=beta, alpha=alpha), same_dtype=True)


def baddbmm(input, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta·input + alpha·(batch1 @ batch2), batch by batch."""
    return written_to(out, "baddbmm", _tensor(input).baddbmm(batch1, batch2, beta=beta, alpha=alpha), same_dtype=True)


# ---- the long tail (tensor_more.py) ---------------------------------------------------------------
absolute = _unary("absolute", "|x|", same_dtype=True)
negative = _unary("negative", "-x", same_dtype=True)
fix = _unary("fix", "x rounded toward zero (trunc)", same_dtype=True)
sgn = _unary("sgn", "The sign of x, -1, 0 or 1", same_dtype=True)
lgamma = _unary("lgamma", "log |Γ(x)|")
digamma = _unary("digamma", "ψ(x) = d/dx log Γ(x)")
i0 = _unary("i0", "I₀(x), the modified Bessel function of the first kind of order 0")
signbit = _unary("signbit", "True where the sign bit is set (x < 0 or -0.0)", same_dtype=True)
isneginf = _unary("isneginf", "True where x is -inf", same_dtype=True)
isposinf = _unary("isposinf", "True where x is +inf", same_dtype=True)


def positive(input) -> Tensor:
    """x itself (`input.positive()`); PyTorch's positive takes no out=."""
    return _tensor(input).positive()


def isreal(input) -> Tensor:
    """True for every element of a real tensor (`input.isreal()`); no out=, as in PyTorch."""
    return _tensor(input).isreal()


def multiply(input, other, *, out=None) -> Tensor:
    """input * other."""
    return written_to(out, "multiply", _tensor(input).mul(other))


def subtract(input, other, *, alpha=1, out=None) -> Tensor:
    """input - alpha·other."""
    return written_to(out, "subtract", _tensor(input).sub(other, alpha=alpha))


def divide(input, other, *, rounding_mode: str | None = None, out=None) -> Tensor:
    """input / other; rounding_mode 'trunc' or 'floor' rounds the quotient."""
    return written_to(out, "divide", _tensor(input).divide(other, rounding_mode=rounding_mode))


def polygamma(n: int, input, *, out=None) -> Tensor:
    """ψ⁽ⁿ⁾(input), the n-th derivative of digamma (n ≥ 0)."""
    return written_to(out, "polygamma", _tensor(input).polygamma(n))


def mvlgamma(input, p: int, *, out=None) -> Tensor:
    """The multivariate log-gamma function of dimension p."""
    return written_to(out, "mvlgamma", _tensor(input).mvlgamma(p))


def logit(input, eps: float | None = None, *, out=None) -> Tensor:
    """log(p/(1 - p)), p clamped to [eps, 1 - eps] when eps is given."""
    return written_to(out, "logit", _tensor(input).logit(eps))


def copysign(input, other, *, out=None) -> Tensor:
    """|input| with the sign of other."""
    return written_to(out, "copysign", _tensor(input).copysign(other))


def fmax(input, other: Tensor, *, out=None) -> Tensor:
    """The elementwise maximum, a nan losing to a number."""
    return written_to(out, "fmax", _tensor(input).fmax(other))


def fmin(input, other: Tensor, *, out=None) -> Tensor:
    """The elementwise minimum, a nan losing to a number."""
    return written_to(out, "fmin", _tensor(input).fmin(other))


def float_power(input, exponent, *, out=None) -> Tensor:
    """input ** exponent in float64; either may be a number (out= must be float64)."""
    if not isinstance(input, Tensor):
        if not isinstance(exponent, Tensor):
            raise TypeError("float_power(): one of input and exponent must be a Tensor")
        result = Tensor(float(input), dtype="float64").float_power(exponent)
    else:
        result = input.float_power(exponent)
    return written_to(out, "float_power", result, same_dtype=True)


def ldexp(input, other: Tensor, *, out=None) -> Tensor:
    """input · 2^other."""
    return written_to(out, "ldexp", _tensor(input).ldexp(other))


def frexp(input: Tensor, *, out=None):
    """(mantissa, exponent) with input = mantissa · 2^exponent, 0.5 ≤ |mantissa| < 1."""
    return written_to(out, "frexp", _tensor(input).frexp())


def nextafter(input, other: Tensor, *, out=None) -> Tensor:
    """The next float after input toward other."""
    return written_to(out, "nextafter", _tensor(input).nextafter(other))


def gcd(input, other: Tensor, *, out=None) -> Tensor:
    """The greatest common divisor of integers, elementwise."""
    return written_to(out, "gcd", _tensor(input).gcd(other))


def lcm(input, other: Tensor, *, out=None) -> Tensor:
    """The least common multiple of integers, elementwise."""
    return written_to(out, "lcm", _tensor(input).lcm(other))


def _bitwise_function(name: str, symbol: str):
    def function(input, other, *, out=None) -> Tensor:
        if not isinstance(input, Tensor):  # (a number first: it takes the tensor's integer dtype)
            return written_to(out, name, getattr(_tensor(other)._lift(input), name)(other))
        return written_to(out, name, getattr(input, name)(other))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"input {symbol} other, elementwise, for integer and bool tensors; no gradient."
    return function


bitwise_and = _bitwise_function("bitwise_and", "&")
bitwise_or = _bitwise_function("bitwise_or", "|")
bitwise_xor = _bitwise_function("bitwise_xor", "^")
bitwise_left_shift = _bitwise_function("bitwise_left_shift", "<<")
bitwise_right_shift = _bitwise_function("bitwise_right_shift", ">>")


def is_nonzero(input: Tensor) -> bool:
    """Whether the one element of a one-element tensor is not zero."""
    return _tensor(input).is_nonzero()


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether both tensors have the same shape."""
    return _tensor(input).is_same_size(other)


def is_signed(input: Tensor) -> bool:
    """Whether input's dtype can hold negative numbers."""
    return _tensor(input).is_signed()


def is_complex(input: Tensor) -> bool:
    """False: there are no complex dtypes here."""
    return False


def is_inference(input: Tensor) -> bool:
    """`input.is_inference()`: True for results of ops run inside `tg.inference_mode()`."""
    return input.is_inference()


__all__ = [
    "absolute", "negative", "positive", "fix", "sgn", "lgamma", "digamma", "i0", "signbit", "isneginf",
    "isposinf", "isreal", "multiply", "subtract", "divide", "polygamma", "mvlgamma", "logit", "copysign",
    "fmax", "fmin", "float_power", "ldexp", "frexp", "nextafter", "gcd", "lcm", "bitwise_and", "bitwise_or",
    "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "is_nonzero", "is_same_size", "is_signed",
    "is_complex", "is_inference",
    "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh",
    "arcsin", "arccos", "arctan", "arctan2", "arcsinh", "arccosh", "arctanh",
    "erf", "erfc", "erfinv", "deg2rad", "rad2deg", "sinc",
    "lerp", "addcmul", "addcdiv", "clamp_min", "clamp_max", "nan_to_num", "hypot", "logaddexp", "logaddexp2",
    "xlogy", "fmod", "remainder", "true_divide", "floor_divide", "heaviside",
    "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_not",
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal", "not_equal",
    "addmm", "addmv", "addbmm", "baddbmm",
]
