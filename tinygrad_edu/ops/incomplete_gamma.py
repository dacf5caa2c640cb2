"""The regularized incomplete gamma functions as ops (`tg.special.gammainc`, `gammaincc`):

    P(a, x) = 1/Γ(a) ∫₀ˣ t^(a-1) e^(-t) dt,   Q(a, x) = 1 - P(a, x),     a ≥ 0, x ≥ 0
    ∂P/∂x = x^(a-1) e^(-x) / Γ(a) = -∂Q/∂x    (∂/∂a: not implemented, as in PyTorch)

Which formula computes which value follows A. R. DiDonato and A. H. Morris, "Computation of the
incomplete gamma function ratios and their inverse", ACM Transactions on Mathematical Software 12,
1986 (as do Cephes and SciPy), minus their uniform asymptotic expansion for large a:

* the series P = x^a e^(-x)/Γ(a+1) · Σₙ xⁿ/((a+1)(a+2)...(a+n)) (A&S 6.5.29) where x < a or x ≤ 1,
* Legendre's continued fraction Q = x^a e^(-x)/Γ(a) · 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...)))
  (A&S 6.5.31, evaluated by Lentz's method: W. H. Press et al., "Numerical Recipes", 3rd ed., 2007,
  6.2 and 5.2) where x > a and x > 1.1,
* for small a and x ≤ 1.1, where Q = 1 - P would cancel, the series
  Q = 1 - x^a/Γ(a+1) - x^a/Γ(a) Σₙ≥₁ (-x)ⁿ/(n!(a+n)), its first part as -expm1(a log x - log Γ(1+a)),
* for a > 10⁴ and |x - a| < 0.3a, where the series and the fraction would need about 9√a steps,
  Temme's uniform asymptotic expansion (N. M. Temme, "The asymptotic expansion of the incomplete
  gamma functions", SIAM J. Math. Anal. 10, 1979; DLMF 8.12.3-4): with λ = x/a, μ = λ - 1 and
  η = sign(μ) √(2(μ - log(1+μ))),  Q = ½ erfc(η√(a/2)) + e^(-aη²/2)/√(2πa) · (c₀(η) + c₁(η)/a + ...),
  P = 1 - Q, c₀ = 1/μ - 1/η, c₁ = 1/η³ - 1/μ³ - 1/μ² - 1/(12μ) (their Taylor series near η = 0:
  DLMF 8.12.11-12). The next term, c₂/a², is below 10⁻¹⁰ of the result there.

The factor x^a e^(-x)/Γ(a) is where digits are lost: for a ≥ 10 it is computed as
√(a/2π) · e^(-a(t - log(1+t)) - μ(a)), t = (x - a)/a, with Stirling's remainder μ(a) = log Γ(a) -
(a - ½) log a + a - ½ log 2π = Σ B₂ₖ/(2k(2k-1)a^(2k-1)) (A&S 6.1.41), so that neither a log x nor
log Γ(a) -- both huge -- is ever formed. Near x ≈ a the series and the fraction need about 9√a
terms, hence Temme's expansion for large a; elsewhere they converge within a few hundred steps, and
every loop stops after _MAX_STEPS (as Cephes's MAXITER) whatever the input.
"""
from __future__ import annotations

import math

import numpy as np

from .op import Op
from .special_functions import lgamma_array
from .special_more import again, narrow_pair, wide_pair, zeta_array

_EPS = np.finfo(np.float64).eps
_MAX_STEPS = 5000  # no loop runs longer (near x = a, a > 10⁴ is Temme's; see the module docstring)
_TEMME_FROM = 1e4
_TINY = 1e-300
_EULER_GAMMA = 0.57721566490153286061
_LOG_TWO_PI = math.log(2 * math.pi)
# B₂ₖ/(2k(2k-1)) for k = 1..8 (Stirling's series, A&S 6.1.41)
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400)
_ZETA_INTEGERS = None  # ζ(2), ζ(3), ..., ζ(60), made when first needed


def _lgamma1p(a: np.ndarray) -> np.ndarray:
    """log Γ(1 + a), exact also for tiny a (where 1 + a would round away a's digits):
    for |a| ≤ 0.5 the series -γa + Σₖ≥₂ (-1)ᵏ ζ(k) aᵏ/k (A&S 6.1.33)."""
    global _ZETA_INTEGERS
    if _ZETA_INTEGERS is None:
        _ZETA_INTEGERS = zeta_array(np.arange(2.0, 61.0), np.ones(59))
    out = lgamma_array(1 + a)
    small = np.abs(a) <= 0.5
    if small.any():
        v = a[small]
        total = np.zeros_like(v)
        for k in range(60, 1, -1):  # Horner in a
            total = (total + (-1) ** k * _ZETA_INTEGERS[k - 2] / k) * v
        out[small] = (total - _EULER_GAMMA) * v
    return out


def _log1p_minus(t: np.ndarray) -> np.ndarray:
    """t - log(1 + t) for |t| < 0.3, without cancellation: Σₖ≥₂ (-t)ᵏ/k = t²/2 - t³/3 + ..."""
    total = np.zeros_like(t)
    for k in range(40, 1, -1):
        total = total * -t + 1 / k  # Σ (-t)^(k-2)/k, by Horner
    return total * t * t


def power_exp_over_gamma(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """x^a e^(-x)/Γ(a) for a > 0, x > 0 (see the module docstring for a ≥ 10)."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = np.exp(a * np.log(x) - x - lgamma_array(a))
        large = a >= 10
        if large.any():
            v, w = a[large], x[large]
            inverse_square = 1 / (v * v)
            remainder = np.zeros_like(v)
            for c in reversed(_STIRLING):
                remainder = remainder * inverse_square + c
            remainder = remainder / v
            ratio = w / v
            # -a(t - log(1+t)) with t = x/a - 1: by its series near x = a (x - a is exact there),
            # else as a·log(x/a) + (a - x), which does not lose x's digits when x ≪ a
            near = np.abs(ratio - 1) < 0.3
            exponent = v * np.log(ratio) + (v - w)
            exponent[near] = -v[near] * _log1p_minus((w[near] - v[near]) / v[near])
            out[large] = np.sqrt(v / (2 * math.pi)) * np.exp(exponent - remainder)
    return out


def _lower_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) by A&S 6.5.29."""
    total = np.ones_like(a)
    term = np.ones_like(a)
    active = np.ones(a.shape, dtype=bool)
    n = 0
    while active.any() and n < _MAX_STEPS:
        n += 1
        term = np.where(active, term * x / (a + n), term)
        total = np.where(active, total + term, total)
        active &= term > _EPS * total
    return power_exp_over_gamma(a, x) / a * total


def _upper_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) by Legendre's continued fraction (A&S 6.5.31), modified Lentz."""
    b = x + 1 - a
    c = np.full_like(a, 1 / _TINY)
    d = 1 / b
    h = d.copy()
    active = np.ones(a.shape, dtype=bool)
    i = 0
    while active.any() and i < _MAX_STEPS:
        i += 1
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1 / d
        delta = d * c
        h = np.where(active, h * delta, h)
        active &= np.abs(delta - 1) > _EPS
    return power_exp_over_gamma(a, x) * h


def _upper_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) for small a and x ≤ 1.1: -expm1(a log x - log Γ(1+a)) - x^a/Γ(a) Σₙ≥₁ (-x)ⁿ/(n!(a+n))."""
    total = np.zeros_like(a)
    factor = np.ones_like(a)
    active = np.ones(a.shape, dtype=bool)
    n = 0
    while active.any() and n < _MAX_STEPS:
        n += 1
        factor = factor * -x / n
        term = factor / (a + n)
        total = np.where(active, total + term, total)
        active &= np.abs(term) > _EPS * np.abs(total)
    log_x = np.log(x)
    return -np.expm1(a * log_x - _lgamma1p(a)) - np.exp(a * log_x - lgamma_array(a)) * total


def _temme(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    """Q(a, x) (upper) or P(a, x) for large a and |x/a - 1| < 0.3 by Temme's expansion (see the
    module docstring); P = ½ erfc(-η√(a/2)) - R directly, which keeps a tiny P's digits."""
    mu = (x - a) / a
    eta = np.sign(mu) * np.sqrt(2 * _log1p_minus(mu))
    with np.errstate(divide="ignore", invalid="ignore"):
        # closed forms lose about eps/η (c₀) and eps/η³ (c₁) to cancellation: Taylor series near 0
        c0 = np.where(np.abs(eta) > 1e-3, 1 / mu - 1 / eta,
                      -1 / 3 + eta * (1 / 12 + eta * (-2 / 135 + eta / 864)))
        c1 = np.where(np.abs(eta) > 0.1, 1 / eta ** 3 - 1 / mu ** 3 - 1 / mu ** 2 - 1 / (12 * mu),
                      -1 / 540 + eta * (-1 / 288 + eta / 378))
    sign = 1 if upper else -1
    half_erfc = 0.5 * np.frompyfunc(math.erfc, 1, 1)(sign * eta * np.sqrt(a / 2)).astype(np.float64)
    return half_erfc + sign * np.exp(-0.5 * a * eta * eta) / np.sqrt(2 * math.pi * a) * (c0 + c1 / a)


def _upper_by_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Where Q is better computed as 1 - P: DiDonato and Morris's choice for x ≤ 1.1."""
    with np.errstate(divide="ignore"):
        return np.where(x <= 0.5, -0.4 / np.log(x) < a, x * 1.1 < a)


def _regular(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    """P (upper=False) or Q (upper=True) for finite a > 0, x > 0."""
    out = np.empty_like(a)
    temme = (a > _TEMME_FROM) & (np.abs(x - a) < 0.3 * a)
    fraction = (x > 1.1) & (x >= a) & ~temme
    small = (x <= 1.1) & ~_upper_by_series(a, x) & ~temme
    series = ~fraction & ~small & ~temme
    if temme.any():
        out[temme] = _temme(a[temme], x[temme], upper)
    if series.any():
        p = _lower_series(a[series], x[series])
        out[series] = 1 - p if upper else p
    if fraction.any():
        q = _upper_fraction(a[fraction], x[fraction])
        out[fraction] = q if upper else 1 - q
    if small.any():
        q = _upper_series(a[small], x[small])
        out[small] = q if upper else 1 - q
    return out


def incomplete_gamma_array(a, x, upper: bool) -> np.ndarray:
    """P(a, x) (upper=False) or Q(a, x) (upper=True) of each broadcast pair, in their float dtype.
    The edge cases are decided in PyTorch's order (its calc_igamma), which also settles a nan on
    one side: nan for a < 0 or x < 0; for a = 0, P = 1 where x > 0, else nan; P(a, 0) = 0 (even
    for a nan a); for an infinite a, P = 0, or nan if x is infinite too (P(inf, nan) = 0); then
    P(a, inf) = 1 (P(nan, inf) = 1 as well). Q is 1 - P in each case."""
    av, xv = wide_pair(a, x)
    with np.errstate(invalid="ignore"):
        p = np.select([(av < 0) | (xv < 0), av == 0, xv == 0, np.isinf(av), np.isinf(xv)],
                      [np.nan, np.where(xv > 0, 1.0, np.nan), 0.0, np.where(np.isinf(xv), np.nan, 0.0), 1.0],
                      default=np.nan)
    regular = (av > 0) & (xv > 0) & np.isfinite(av) & np.isfinite(xv)
    out = 1 - p if upper else p
    out[regular] = _regular(av[regular], xv[regular], upper)
    return narrow_pair(out, a, x)


def gamma_density_array(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """x^(a-1) e^(-x)/Γ(a), the derivative of P(a, x) in x (at x = 0: 0, 1 or inf as a > 1, = 1, < 1)."""
    av, xv = wide_pair(a, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = power_exp_over_gamma(av, xv) / xv
        at_zero = xv == 0
        out[at_zero] = np.where(av[at_zero] > 1, 0.0, np.where(av[at_zero] == 1, 1.0, np.inf))
        out[(av < 0) | (xv < 0) | np.isnan(av) | np.isnan(xv)] = np.nan
    return narrow_pair(out, a, x)


class IncompleteGamma(Op):
    """P(a, x) (upper=False, gammainc) or Q(a, x) = 1 - P (upper=True, gammaincc);
    ∂P/∂x = x^(a-1) e^(-x)/Γ(a) = -∂Q/∂x.  ∂/∂a has no formula here (nor in PyTorch): raises."""

    @staticmethod
    def forward(ctx, a, x, upper):
        ctx.save_for_backward(a, x)
        ctx.upper = upper
        return incomplete_gamma_array(a.data, x.data, upper)

    @staticmethod
    def backward(ctx, grad):
        name = "gammaincc" if ctx.upper else "gammainc"
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(f"{name}: the derivative with respect to a (the first argument, input) is "
                                      f"not implemented, as in PyTorch; only the one with respect to x (other) is. "
                                      f"Detach a (a.detach()) if you need the gradient for x only")
        a, x = ctx.saved_tensors
        density = again(ctx.xp, GammaDensity, gamma_density_array, a, x)  # (an op when recorded)
        return None, grad * (-density if ctx.upper else density)


class GammaDensity(Op):
    """f(a, x) = x^(a-1) e^(-x)/Γ(a), the gamma distribution's density and ∂P/∂x of the incomplete
    gamma function. An op of its own so that gammainc's gradient differentiates again:
    ∂f/∂x = f·((a-1)/x - 1),  ∂f/∂a = f·(log x - ψ(a))."""

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        return ctx.save_output(gamma_density_array(a.data, x.data))

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        f, xp = ctx.saved_output, ctx.xp
        need_a, need_x = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):  # (at x = 0: the limits are inf or nan)
            grad_a = grad * f * (xp.log(x) - xp.polygamma(0, a)) if need_a else None
            grad_x = grad * f * ((a - 1) / x - 1) if need_x else None
        return grad_a, grad_x
