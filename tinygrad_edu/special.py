"""`tg.special`: PyTorch's `torch.special` names, mapped to the implementations elsewhere (the
special functions themselves are in ops/special_functions.py, ops/special.py and nn/functional/erf.py;
erfcx, i0e, i1e, zeta, gammainc, gammaincc, airy_ai, the Bessel functions and the orthogonal polynomials
are in special_more.py).

    expit = sigmoid, gammaln = lgamma, psi = digamma, multigammaln = mvlgamma; and
    logit, erf, erfc, erfinv, digamma, polygamma, i0, i1, xlogy, xlog1py, log1p, expm1, exp2,
    logsumexp, softmax, log_softmax, sinc, round, entr, ndtr, ndtri, log_ndtr

ndtr, ndtri and log_ndtr keep their digits in the tails: Φ(x) = erfc(-x/√2)/2 (1 + erf cancels
for x < 0), Φ⁻¹ by Wichura's algorithm (not √2·erfinv(2p - 1), which loses p's digits), and
log Φ(x) for x < -20, where Φ underflows, from the asymptotic series of Mills' ratio,
log Φ(x) = -x²/2 - log(-x√(2π)) + log(1 - 1/x² + 3/x⁴ - 15/x⁶ + ...) (Abramowitz and Stegun,
"Handbook of Mathematical Functions", 1964, 26.2.12).
"""
from __future__ import annotations

import math

import numpy as np

from .functions import _tensor
from .functions_pointwise import xlogy
from .ops.special_functions import BesselI, Ndtri
from .out_argument import written_to
from .special_more import *  # noqa: F403  (erfcx, i0e, i1e, zeta, gammainc, Bessel functions, polynomials)
from .special_more import __all__ as _more
from .tensor import Tensor
from .tensor_pointwise import _constant

__all__ = ["expit", "logit", "erf", "erfc", "erfinv", "gammaln", "digamma", "psi", "polygamma", "multigammaln",
           "i0", "i1", "xlogy", "xlog1py", "log1p", "expm1", "exp2", "logsumexp", "softmax", "log_softmax",
           "sinc", "round", "entr", "ndtr", "ndtri", "log_ndtr"] + _more

_SQRT_HALF = math.sqrt(0.5)
_LOG_SQRT_TWO_PI = 0.5 * math.log(2 * math.pi)


def expit(input, *, out=None) -> Tensor:
    """The logistic sigmoid 1/(1 + e^-x)."""
    return written_to(out, "special.expit", _tensor(input).sigmoid())


def logit(input, eps: float | None = None, *, out=None) -> Tensor:
    """log(p/(1 - p)), the inverse of expit; p clamped to [eps, 1 - eps] when eps is given."""
    return written_to(out, "special.logit", _tensor(input).logit(eps))


def erf(input, *, out=None) -> Tensor:
    """The error function 2/√π ∫₀ˣ e^(-t²) dt."""
    return written_to(out, "special.erf", _tensor(input).erf())


def erfc(input, *, out=None) -> Tensor:
    """1 - erf(x), without cancellation."""
    return written_to(out, "special.erfc", _tensor(input).erfc())


def erfinv(input, *, out=None) -> Tensor:
    """The inverse of erf on [-1, 1]."""
    return written_to(out, "special.erfinv", _tensor(input).erfinv())


def gammaln(input, *, out=None) -> Tensor:
    """log |Γ(x)| (torch.lgamma)."""
    return written_to(out, "special.gammaln", _tensor(input).lgamma())


def digamma(input, *, out=None) -> Tensor:
    """ψ(x) = d/dx log Γ(x)."""
    return written_to(out, "special.digamma", _tensor(input).digamma())


psi = digamma


def polygamma(n: int, input, *, out=None) -> Tensor:
    """ψ⁽ⁿ⁾(x), the n-th derivative of digamma."""
    return written_to(out, "special.polygamma", _tensor(input).polygamma(n))


def multigammaln(input, p: int, *, out=None) -> Tensor:
    """The multivariate log-gamma function of dimension p (torch.mvlgamma)."""
    return written_to(out, "special.multigammaln", _tensor(input).mvlgamma(p))


def i0(input, *, out=None) -> Tensor:
    """I₀(x), the modified Bessel function of the first kind of order 0."""
    return written_to(out, "special.i0", _tensor(input).i0())


def i1(input, *, out=None) -> Tensor:
    """I₁(x), the modified Bessel function of the first kind of order 1;
    d/dx I₁ = (I₀ + I₂)/2."""
    return written_to(out, "special.i1", BesselI.apply(_tensor(input)._as_float(), 1))


def xlog1py(input, other, *, out=None) -> Tensor:
    """input·log1p(other), and 0 where input = 0 (unless other is nan); either may be a number."""
    if not isinstance(input, Tensor):
        other = _tensor(other)._as_float()
        input = other._lift(input)
    x, y = input._as_float()._promoted_with(other if isinstance(other, Tensor) else float(other))
    x, y = x._as_float(), y._as_float()
    # as xlogy: y is replaced only where x = 0 and log1p(y) is not finite (y <= -1), so that the
    # gradient for x is log1p(y) also at x = 0 (PyTorch's), and 0 where y <= -1
    zero_x = x.data == 0
    bad = zero_x & (y.data <= -1)
    safe_y = Tensor.where(y, _constant(~bad), 0.0) if bad.any() else y  # log1p(0) = 0 there
    with np.errstate(divide="ignore", invalid="ignore"):
        result = x * safe_y.log1p()
    zero_times_inf = zero_x & np.isposinf(y.data)  # 0·log1p(inf) is 0, not nan
    if zero_times_inf.any():
        result = Tensor.where(result, _constant(~zero_times_inf), 0.0)
    return written_to(out, "special.xlog1py", result)


def log1p(input, *, out=None) -> Tensor:
    """log(1 + x), accurate for small x."""
    return written_to(out, "special.log1p", _tensor(input).log1p())


def expm1(input, *, out=None) -> Tensor:
    """e^x - 1, accurate for small x."""
    return written_to(out, "special.expm1", _tensor(input).expm1())


def exp2(input, *, out=None) -> Tensor:
    """2^x."""
    return written_to(out, "special.exp2", _tensor(input).exp2())


def logsumexp(input, dim, keepdim: bool = False, *, out=None) -> Tensor:
    """log Σ e^x over dim, computed stably."""
    return written_to(out, "special.logsumexp", _tensor(input).logsumexp(dim, keepdim))


def softmax(input, dim: int, *, dtype=None) -> Tensor:
    """e^x / Σ e^x along dim."""
    return _tensor(input).softmax(dim, dtype=dtype)


def log_softmax(input, dim: int, *, dtype=None) -> Tensor:
    """x - logsumexp(x) along dim."""
    return _tensor(input).log_softmax(dim, dtype=dtype)


def sinc(input, *, out=None) -> Tensor:
    """The normalized sinc sin(πx)/(πx), 1 at 0."""
    return written_to(out, "special.sinc", _tensor(input).sinc())


def round(input, *, decimals: int = 0, out=None) -> Tensor:  # noqa: A001 (PyTorch's name)
    """x rounded to `decimals` decimal places, halves to even."""
    return written_to(out, "special.round", _tensor(input).round(decimals=decimals))


def entr(input, *, out=None) -> Tensor:
    """The entropy term -x·log x for x > 0, 0 at x = 0, -inf for x < 0; d/dx = -(1 + log x)."""
    x = _tensor(input)._as_float()
    positive = _constant(x.data > 0)
    safe = Tensor.where(x, positive, 1.0)  # (log 1 = 0 where x ≤ 0: no nan reaches the gradient)
    inside = -(safe * safe.log())
    outside = _constant(np.where(x.data < 0, -np.inf, np.where(x.data == 0, 0.0, np.nan)).astype(x.data.dtype))
    return written_to(out, "special.entr", Tensor.where(inside, positive, outside))


def ndtr(input, *, out=None) -> Tensor:
    """Φ(x), the standard normal CDF, as erfc(-x/√2)/2 (exact also far in the left tail)."""
    x = _tensor(input)._as_float()
    return written_to(out, "special.ndtr", (x * -_SQRT_HALF).erfc() * 0.5)


def ndtri(input, *, out=None) -> Tensor:
    """Φ⁻¹(p), the inverse of the standard normal CDF (-inf at 0, inf at 1, nan outside)."""
    return written_to(out, "special.ndtri", Ndtri.apply(_tensor(input)._as_float()))


def log_ndtr(input, *, out=None) -> Tensor:
    """log Φ(x): log1p(-Φ(-x)) for x ≥ 0 (keeps the tiny -Φ(-x) that log of Φ(x) ≈ 1 rounds to 0),
    log Φ(x) for -20 ≤ x < 0, and below -20, where Φ underflows, the asymptotic series 26.2.12."""
    x = _tensor(input)._as_float()
    upper, far = x.data >= 0, x.data < -20
    # each branch sees only the inputs where it is used (elsewhere a harmless 0 or -30): an inf or
    # nan in an unused branch would still turn its zero gradient into nan
    upper_x = Tensor.where(x, _constant(upper), 0.0)
    middle_x = Tensor.where(x, _constant(~upper & ~far), -1.0)
    far_x = Tensor.where(x, _constant(far), -30.0)
    near = Tensor.where((-ndtr(-upper_x)).log1p(), _constant(upper), ndtr(middle_x).log())
    if not far.any():
        return written_to(out, "special.log_ndtr", near)
    inverse_square = 1 / (far_x * far_x)
    series, term = 1.0, 1.0
    for k in range(1, 12):  # Σ (-1)ᵏ (2k-1)!! / x²ᵏ
        term = term * -(2 * k - 1) * inverse_square
        series = series + term
    tail = -0.5 * far_x * far_x - (-far_x).log() - _LOG_SQRT_TWO_PI + series.log()
    return written_to(out, "special.log_ndtr", Tensor.where(tail, _constant(far), near))
