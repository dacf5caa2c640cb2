"""More of PyTorch's `torch.special` names, exported by `tg.special` (special.py):

    differentiable:       erfcx, i0e, i1e, zeta (in q), gammainc and gammaincc (in x)
    not differentiable    airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, modified_bessel_i0/i1/k0/k1,
    (as in PyTorch: the   scaled_modified_bessel_k0/k1, spherical_bessel_j0, and the polynomials
    result has no         chebyshev_polynomial_t/u/v/w, shifted_chebyshev_polynomial_t/u/v/w,
    grad_fn)              hermite_polynomial_h/he, laguerre_polynomial_l, legendre_polynomial_p

The numerics are in ops/special_more.py, ops/incomplete_gamma.py, ops/bessel_more.py and
ops/orthogonal_polynomials.py and ops/airy.py (each names its formulas and sources). Integer and bool inputs compute
in the default float dtype, float16 and float32 in float64 rounded at the end. Every function takes
`out=` as PyTorch does.
"""
from __future__ import annotations

import numpy as np

from .functions import _tensor
from .ops.airy import airy_ai_array
from .ops.bessel_more import bessel_j_array, bessel_k_array, bessel_y_array, scaled_bessel_k_array
from .ops.incomplete_gamma import IncompleteGamma
from .ops.orthogonal_polynomials import polynomial_array
from .ops.special_functions import _narrow, bessel_i_array
from .ops.special_more import BesselIScaled, Erfcx, Zeta, scaled_bessel_i_array
from .out_argument import written_to
from .tensor import Tensor
from .tensor_pointwise import _constant  # (PyTorch defines no gradient for most of these)

__all__ = ["erfcx", "i0e", "i1e", "zeta", "gammainc", "gammaincc", "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0",
           "bessel_y1", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
           "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "spherical_bessel_j0",
           "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
           "laguerre_polynomial_l", "legendre_polynomial_p"]


def _float(input) -> Tensor:
    return _tensor(input)._as_float()


def _pair(input, other, op: str) -> tuple[Tensor, Tensor]:
    """Two arguments, at least one a Tensor, in their common float dtype (a number takes the
    tensor's dtype, as in PyTorch's promotion)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{op}(): at least one of input and other must be a Tensor, got "
                        f"{type(input).__name__} and {type(other).__name__}")
    if not isinstance(input, Tensor):
        input = other._lift(input)
    x, y = input._promoted_with(other)
    return x._as_float(), y._as_float()


# ---- differentiable -----------------------------------------------------------------------------
def erfcx(input, *, out=None) -> Tensor:
    """The scaled complementary error function e^(x²)·erfc(x), which stays finite where erfc
    underflows (erfcx(x) ≈ 1/(x√π) for large x); d/dx = 2x·erfcx(x) - 2/√π.

    >>> import tinygrad_edu as tg
    >>> tg.special.erfcx(tg.tensor([0.0, -1.0, 10.0]))
    tensor([1.0000, 5.0090, 0.0561])
    """
    return written_to(out, "special.erfcx", Erfcx.apply(_float(input)))


def i0e(input, *, out=None) -> Tensor:
    """The exponentially scaled modified Bessel function e^(-|x|) I₀(x) (finite where I₀ overflows).

    >>> import tinygrad_edu as tg
    >>> tg.special.i0e(tg.arange(5.0))
    tensor([1.0000, 0.4658, 0.3085, 0.2430, 0.2070])
    """
    return written_to(out, "special.i0e", BesselIScaled.apply(_float(input), 0))


def i1e(input, *, out=None) -> Tensor:
    """The exponentially scaled modified Bessel function e^(-|x|) I₁(x).

    >>> import tinygrad_edu as tg
    >>> tg.special.i1e(tg.arange(5.0))
    tensor([0.0000, 0.2079, 0.2153, 0.1968, 0.1788])
    """
    return written_to(out, "special.i1e", BesselIScaled.apply(_float(input), 1))


def zeta(input, other, *, out=None) -> Tensor:
    """The Hurwitz zeta function ζ(x, q) = Σₖ₌₀^∞ (k + q)^(-x) of x = input and q = other
    (broadcast; either may be a number). ζ(x, 1) is Riemann's zeta function. Differentiable in q
    (∂/∂q = -x·ζ(x + 1, q)); the derivative in x is not implemented (as in PyTorch: backward raises).

    >>> import tinygrad_edu as tg
    >>> tg.special.zeta(tg.tensor([2.0, 4.0]), 1.0)
    tensor([1.6449, 1.0823])
    """
    x, q = _pair(input, other, "special.zeta")
    return written_to(out, "special.zeta", Zeta.apply(x, q))


def _incomplete_gamma(input, other, out, upper: bool) -> Tensor:
    op = "special.gammaincc" if upper else "special.gammainc"
    for name, value in (("input", input), ("other", other)):
        if not isinstance(value, Tensor):
            raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")
        if value.dtype.kind != "f":
            raise NotImplementedError(f"{op}: not implemented for {value.dtype} tensors, as in PyTorch "
                                      f"(convert with .double() or .float())")
    a, x = input._promoted_with(other)
    return written_to(out, op, IncompleteGamma.apply(a, x, upper))


def gammainc(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """The regularized lower incomplete gamma function P(a, x) = 1/Γ(a) ∫₀ˣ t^(a-1) e^(-t) dt of
    a = input ≥ 0 and x = other ≥ 0 (broadcast; both float tensors). Differentiable in x
    (∂P/∂x = x^(a-1) e^(-x)/Γ(a)); the derivative in a is not implemented (as in PyTorch).

    >>> import tinygrad_edu as tg
    >>> tg.special.gammainc(tg.tensor([1.0]), tg.tensor([2.0]))  # 1 - e⁻²
    tensor([0.8647])
    """
    return _incomplete_gamma(input, other, out, upper=False)


def gammaincc(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), computed without
    that subtraction (so it keeps its digits when it is tiny).

    >>> import tinygrad_edu as tg
    >>> tg.special.gammaincc(tg.tensor([1.0]), tg.tensor([40.0]))  # e⁻⁴⁰
    tensor([4.2484e-18])
    """
    return _incomplete_gamma(input, other, out, upper=True)


# ---- not differentiable: Bessel functions -------------------------------------------------------
def _unary(input, out, op: str, array_function) -> Tensor:
    return written_to(out, f"special.{op}", _constant(array_function(_float(input).data)))


def bessel_j0(input, *, out=None) -> Tensor:
    """J₀(x), the Bessel function of the first kind of order 0.

    >>> import tinygrad_edu as tg
    >>> tg.special.bessel_j0(tg.tensor([0.0, 1.0]))
    tensor([1.0000, 0.7652])
    """
    return _unary(input, out, "bessel_j0", lambda x: bessel_j_array(0, x))


def bessel_j1(input, *, out=None) -> Tensor:
    """J₁(x), the Bessel function of the first kind of order 1."""
    return _unary(input, out, "bessel_j1", lambda x: bessel_j_array(1, x))


def bessel_y0(input, *, out=None) -> Tensor:
    """Y₀(x), the Bessel function of the second kind of order 0 (-inf at 0, nan for x < 0)."""
    return _unary(input, out, "bessel_y0", lambda x: bessel_y_array(0, x))


def bessel_y1(input, *, out=None) -> Tensor:
    """Y₁(x), the Bessel function of the second kind of order 1 (-inf at 0, nan for x < 0)."""
    return _unary(input, out, "bessel_y1", lambda x: bessel_y_array(1, x))


def _bessel_i_array(order: int, x: np.ndarray) -> np.ndarray:
    """Iᵥ(x) as the series for |x| ≤ 20 and e^|x| times e^(-|x|) Iᵥ(x) beyond: e^|x| itself is exact
    to rounding, where exp(|x| - ½ log(2π|x|)) rounds its argument first (3e-14 at |x| = 300)."""
    v = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # (inf beyond |x| ≈ 713)
        far = np.exp(np.abs(v)) * scaled_bessel_i_array(order, v)
        return _narrow(np.where(np.abs(v) <= 20, bessel_i_array(order, v), far), x)


def modified_bessel_i0(input, *, out=None) -> Tensor:
    """I₀(x), the modified Bessel function of the first kind of order 0 (as tg.special.i0, but
    without a gradient, as in PyTorch)."""
    return _unary(input, out, "modified_bessel_i0", lambda x: _bessel_i_array(0, x))


def modified_bessel_i1(input, *, out=None) -> Tensor:
    """I₁(x), the modified Bessel function of the first kind of order 1 (no gradient)."""
    return _unary(input, out, "modified_bessel_i1", lambda x: _bessel_i_array(1, x))


def modified_bessel_k0(input, *, out=None) -> Tensor:
    """K₀(x), the modified Bessel function of the second kind of order 0 (inf at 0, nan for x < 0).

    >>> import tinygrad_edu as tg
    >>> tg.special.modified_bessel_k0(tg.tensor([1.0]))
    tensor([0.4210])
    """
    return _unary(input, out, "modified_bessel_k0", lambda x: bessel_k_array(0, x))


def modified_bessel_k1(input, *, out=None) -> Tensor:
    """K₁(x), the modified Bessel function of the second kind of order 1."""
    return _unary(input, out, "modified_bessel_k1", lambda x: bessel_k_array(1, x))


def scaled_modified_bessel_k0(input, *, out=None) -> Tensor:
    """e^x K₀(x), finite where K₀ underflows (≈ √(π/(2x)) for large x)."""
    return _unary(input, out, "scaled_modified_bessel_k0", lambda x: scaled_bessel_k_array(0, x))


def scaled_modified_bessel_k1(input, *, out=None) -> Tensor:
    """e^x K₁(x)."""
    return _unary(input, out, "scaled_modified_bessel_k1", lambda x: scaled_bessel_k_array(1, x))


def _spherical_j0_array(x: np.ndarray) -> np.ndarray:
    """sin(x)/x: 1 at 0, 0 at ±inf."""
    v = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(v == 0, 1.0, np.sin(v) / np.where(v == 0, 1.0, v))
    return _narrow(np.where(np.isinf(v), 0.0, out), x)


def spherical_bessel_j0(input, *, out=None) -> Tensor:
    """j₀(x) = sin(x)/x, the spherical Bessel function of the first kind of order 0.

    >>> import tinygrad_edu as tg
    >>> tg.special.spherical_bessel_j0(tg.tensor([0.0, 3.141592653589793]))
    tensor([1.0000e+00, 3.8982e-17])
    """
    return _unary(input, out, "spherical_bessel_j0", _spherical_j0_array)


def airy_ai(input, *, out=None) -> Tensor:
    """Ai(x), the Airy function of the first kind: the solution of y'' = x·y that decays as x → +∞
    (oscillating for x < 0).

    >>> import tinygrad_edu as tg
    >>> tg.special.airy_ai(tg.tensor([0.0, 1.0, -1.0]))
    tensor([0.3550, 0.1353, 0.5356])
    """
    return _unary(input, out, "airy_ai", airy_ai_array)


# ---- not differentiable: orthogonal polynomials ------------------------------------------------
def _polynomial(name: str, torch_name: str, input, n, out) -> Tensor:
    x, degree = _pair(input, n, f"special.{torch_name}")
    value = polynomial_array(name, x.data, degree.data).astype(x.dtype, copy=False)
    return written_to(out, f"special.{torch_name}", _constant(value))


def chebyshev_polynomial_t(input, n, *, out=None) -> Tensor:
    """Tₙ(x), the Chebyshev polynomial of the first kind (Tₙ(cos θ) = cos nθ); n is truncated
    to an integer and n < 0 gives 0, as in PyTorch; x and n broadcast.

    >>> import tinygrad_edu as tg
    >>> tg.special.chebyshev_polynomial_t(tg.tensor([0.5, 2.0]), 3)  # 4x³ - 3x
    tensor([-1., 26.])
    """
    return _polynomial("chebyshev_t", "chebyshev_polynomial_t", input, n, out)


def chebyshev_polynomial_u(input, n, *, out=None) -> Tensor:
    """Uₙ(x), the Chebyshev polynomial of the second kind (Uₙ(cos θ) = sin (n+1)θ / sin θ)."""
    return _polynomial("chebyshev_u", "chebyshev_polynomial_u", input, n, out)


def chebyshev_polynomial_v(input, n, *, out=None) -> Tensor:
    """Vₙ(x), the Chebyshev polynomial of the third kind (Vₙ(cos θ) = cos (n+½)θ / cos(θ/2))."""
    return _polynomial("chebyshev_v", "chebyshev_polynomial_v", input, n, out)


def chebyshev_polynomial_w(input, n, *, out=None) -> Tensor:
    """Wₙ(x), the Chebyshev polynomial of the fourth kind (Wₙ(cos θ) = sin (n+½)θ / sin(θ/2))."""
    return _polynomial("chebyshev_w", "chebyshev_polynomial_w", input, n, out)


def shifted_chebyshev_polynomial_t(input, n, *, out=None) -> Tensor:
    """Tₙ(2x - 1), the Chebyshev polynomial of the first kind moved to [0, 1]."""
    return _polynomial("shifted_chebyshev_t", "shifted_chebyshev_polynomial_t", input, n, out)


def shifted_chebyshev_polynomial_u(input, n, *, out=None) -> Tensor:
    """Uₙ(2x - 1)."""
    return _polynomial("shifted_chebyshev_u", "shifted_chebyshev_polynomial_u", input, n, out)


def shifted_chebyshev_polynomial_v(input, n, *, out=None) -> Tensor:
    """Vₙ(2x - 1)."""
    return _polynomial("shifted_chebyshev_v", "shifted_chebyshev_polynomial_v", input, n, out)


def shifted_chebyshev_polynomial_w(input, n, *, out=None) -> Tensor:
    """Wₙ(2x - 1)."""
    return _polynomial("shifted_chebyshev_w", "shifted_chebyshev_polynomial_w", input, n, out)


def hermite_polynomial_h(input, n, *, out=None) -> Tensor:
    """Hₙ(x), the physicists' Hermite polynomial (H₂(x) = 4x² - 2).

    >>> import tinygrad_edu as tg
    >>> tg.special.hermite_polynomial_h(tg.tensor([1.0]), tg.tensor([0, 1, 2, 3]))
    tensor([ 1.,  2.,  2., -4.])
    """
    return _polynomial("hermite_h", "hermite_polynomial_h", input, n, out)


def hermite_polynomial_he(input, n, *, out=None) -> Tensor:
    """Heₙ(x), the probabilists' Hermite polynomial (He₂(x) = x² - 1)."""
    return _polynomial("hermite_he", "hermite_polynomial_he", input, n, out)


def laguerre_polynomial_l(input, n, *, out=None) -> Tensor:
    """Lₙ(x), the Laguerre polynomial (L₂(x) = (x² - 4x + 2)/2)."""
    return _polynomial("laguerre", "laguerre_polynomial_l", input, n, out)


def legendre_polynomial_p(input, n, *, out=None) -> Tensor:
    """Pₙ(x), the Legendre polynomial (P₂(x) = (3x² - 1)/2)."""
    return _polynomial("legendre", "legendre_polynomial_p", input, n, out)
