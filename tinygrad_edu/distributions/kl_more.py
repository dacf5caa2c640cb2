"""The rest of the KL divergences PyTorch registers among our distributions (registered on import,
with `register_kl`, as `torch.distributions.kl` does): same-family pairs without a formula in kl.py
and pairs of different families.

Each KL(p ‖ q) = -H(p) - E_p[log q(x)], written out; it is inf where p gives probability to a set
where q has none (p's support is not inside q's). Most closed forms follow Gil, "On Rényi
divergence measures for continuous distributions", 2011, and PyTorch's `kl.py`; the Cauchy one is
from Chyzak and Nielsen, "A closed-form formula for the Kullback-Leibler divergence between
Cauchy distributions", 2019. ψ is the digamma function, γ Euler's constant, xlx(x) = x log x.
"""
from __future__ import annotations

import math

from ..ops.select import where
from ..tensor import Tensor
from .bernoulli import Bernoulli
from .binomial import Binomial
from .cauchy import Cauchy
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Beta
from .exponential import Exponential
from .gamma import Gamma
from .gumbel import _EULER_GAMMA, Gumbel
from .half_normal import HalfNormal
from .inverse_gamma import InverseGamma
from .kl import _kl_normal_normal, kl_divergence, register_kl
from .kl_extra import _infinite_like
from .laplace import Laplace
from .log_normal import LogNormal
from .normal import Normal
from .pareto import Pareto
from .poisson import Poisson
from .transformed_distribution import TransformedDistribution
from .uniform import Uniform


def _x_log_x(x: Tensor) -> Tensor:
    """x log x, 0 at x = 0."""
    return x.xlogy(x)


def _mean_log_on(low: Tensor, high: Tensor) -> Tensor:
    """E[log x] for x ~ U[low, high]: (xlx(high) - xlx(low))/(high - low) - 1."""
    width = high - low
    return (_x_log_x(high) - _x_log_x(low) - width) / width


def _mean_log_gamma_density(x_mean: Tensor, x_mean_log: Tensor, q: Gamma) -> Tensor:
    """E_p[log q(x)] for q = Gamma(k, β): k log β - log Γ(k) + (k - 1) E[log x] - β E[x]."""
    k, rate = q.concentration, q.rate
    return k * rate.log() - k.lgamma() + (k - 1) * x_mean_log - rate * x_mean


# ---- same family -------------------------------------------------------------------------------

@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(p: Gumbel, q: Gumbel) -> Tensor:
    """log(βq/βp) + (μp - μq)/βq + γ βp/βq + exp((μq - μp)/βq) Γ(1 + βp/βq) - 1 - γ."""
    ct1 = p.scale / q.scale
    ct2 = q.loc / q.scale
    ct3 = p.loc / q.scale
    t1 = -ct1.log() - ct2 + ct3
    t2 = ct1 * _EULER_GAMMA
    t3 = (ct2 + (1 + ct1).lgamma() - ct3).exp()
    return t1 + t2 + t3 - (1 + _EULER_GAMMA)


@register_kl(HalfNormal, HalfNormal)
def _kl_halfnormal_halfnormal(p: HalfNormal, q: HalfNormal) -> Tensor:
    """Folding at 0 keeps the density ratio, so the KL of the normals: log(σq/σp) + σp²/(2σq²) - 1/2."""
    return _kl_normal_normal(p.base_dist, q.base_dist)


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p: Pareto, q: Pareto) -> Tensor:
    """αq log(sp/sq) - log(αq/αp) + αq/αp - 1; inf where sp < sq (p reaches below q's support)."""
    alpha_ratio = q.alpha / p.alpha
    result = q.alpha * (p.scale / q.scale).log() - alpha_ratio.log() + alpha_ratio - 1
    return where(p.support.lower_bound < q.support.lower_bound, math.inf, result)


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p: TransformedDistribution, q: TransformedDistribution) -> Tensor:
    """KL(f(X) ‖ f(Y)) = KL(X ‖ Y) for one invertible f: the base distributions' KL. Only for equal
    transforms and equal event shapes."""
    if p.transforms != q.transforms:
        raise NotImplementedError("KL between TransformedDistributions is only implemented for equal transforms "
                                  f"(p has {p.transforms}, q {q.transforms})")
    if p.event_shape != q.event_shape:
        raise NotImplementedError("KL between TransformedDistributions is only implemented for equal event shapes "
                                  f"(p has {p.event_shape}, q {q.event_shape})")
    return kl_divergence(p.base_dist, q.base_dist)


# LogNormal, HalfNormal and InverseGamma are TransformedDistributions in PyTorch, written out here
# with the same base_dist and transforms: against a TransformedDistribution the same rule holds.
for _written_out in (LogNormal, HalfNormal, InverseGamma):
    register_kl(TransformedDistribution, _written_out)(_kl_transformed_transformed)
    register_kl(_written_out, TransformedDistribution)(_kl_transformed_transformed)


@register_kl(InverseGamma, InverseGamma)
def _kl_inversegamma_inversegamma(p: InverseGamma, q: InverseGamma) -> Tensor:
    """1/x is one-to-one, so the KL of the underlying Gammas (PyTorch reaches it through its
    InverseGamma being a TransformedDistribution of a Gamma)."""
    return kl_divergence(p.base_dist, q.base_dist)


@register_kl(Cauchy, Cauchy)
def _kl_cauchy_cauchy(p: Cauchy, q: Cauchy) -> Tensor:
    """log(((γp + γq)² + (μp - μq)²)/(4 γp γq)) (Chyzak and Nielsen, 2019)."""
    t1 = ((p.scale + q.scale).pow(2) + (p.loc - q.loc).pow(2)).log()
    return t1 - (4 * p.scale * q.scale).log()


# ---- inf: p's support is not inside q's ---------------------------------------------------------

@register_kl(Beta, Pareto)
def _kl_beta_infinity(p: Beta, q: Pareto) -> Tensor:
    """inf: p's support is not inside q's."""
    return _infinite_like(p.concentration1)


@register_kl(ContinuousBernoulli, Pareto)
def _kl_continuous_bernoulli_infinity(p: ContinuousBernoulli, q: Pareto) -> Tensor:
    """inf: p's support is not inside q's."""
    return _infinite_like(p.probs)


@register_kl(Exponential, Beta)
@register_kl(Exponential, Pareto)
@register_kl(Exponential, Uniform)
def _kl_exponential_infinity(p: Exponential, q) -> Tensor:
    """inf: p's support is not inside q's."""
    return _infinite_like(p.rate)


@register_kl(Gamma, Beta)
@register_kl(Gamma, Pareto)
@register_kl(Gamma, Uniform)
def _kl_gamma_infinity(p: Gamma, q) -> Tensor:
    """inf: p's support is not inside q's."""
    return _infinite_like(p.concentration)


@register_kl(Gumbel, Beta)
@register_kl(Gumbel, Exponential)
@register_kl(Gumbel, Gamma)
@register_kl(Gumbel, Pareto)
@register_kl(Gumbel, Uniform)
@register_kl(Laplace, Beta)
@register_kl(Laplace, Exponential)
@register_kl(Laplace, Gamma)
@register_kl(Laplace, Pareto)
@register_kl(Laplace, Uniform)
@register_kl(Normal, Beta)
@register_kl(Normal, Exponential)
@register_kl(Normal, Gamma)
@register_kl(Normal, Pareto)
@register_kl(Normal, Uniform)
def _kl_real_line_infinity(p, q) -> Tensor:
    """inf: p's support is not inside q's (p's is the whole real line)."""
    return _infinite_like(p.loc)


@register_kl(Pareto, Beta)
@register_kl(Pareto, ContinuousBernoulli)
@register_kl(Pareto, Uniform)
def _kl_pareto_infinity(p: Pareto, q) -> Tensor:
    """inf: p's support is not inside q's."""
    return _infinite_like(p.scale)


@register_kl(Poisson, Bernoulli)
@register_kl(Poisson, Binomial)
def _kl_poisson_infinity(p: Poisson, q) -> Tensor:
    """inf: p's support is not inside q's."""
    return _infinite_like(p.rate)


# ---- p discrete or on [0, 1] --------------------------------------------------------------------

@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p: Bernoulli, q: Poisson) -> Tensor:
    """-H(p) - (π log λ - λ): log q(x) = x log λ - λ on x ∈ {0, 1}."""
    return -p.entropy() - (p.probs * q.rate.log() - q.rate)


def _beta_mean(p: Beta) -> Tensor:
    """a/(a + b)."""
    return p.concentration1 / (p.concentration1 + p.concentration0)


@register_kl(Beta, Exponential)
def _kl_beta_exponential(p: Beta, q: Exponential) -> Tensor:
    """-H(p) - log λ + λ a/(a + b)."""
    return -p.entropy() - q.rate.log() + q.rate * _beta_mean(p)


@register_kl(Beta, Gamma)
def _kl_beta_gamma(p: Beta, q: Gamma) -> Tensor:
    """-H(p) + log Γ(k) - k log β - (k - 1)(ψ(a) - ψ(a + b)) + β a/(a + b)."""
    mean_log = p.concentration1.digamma() - (p.concentration1 + p.concentration0).digamma()
    return -p.entropy() - _mean_log_gamma_density(_beta_mean(p), mean_log, q)


@register_kl(Beta, Normal)
def _kl_beta_normal(p: Beta, q: Normal) -> Tensor:
    """-H(p) + ½ log(2πσ²) + (Var + E² - 2μE + μ²)/(2σ²), E = a/(a + b), Var = E(1 - E)/(a + b + 1)."""
    mean = _beta_mean(p)
    var_normal = q.scale.pow(2)
    t2 = 0.5 * (var_normal * 2 * math.pi).log()
    t3 = (mean * (1 - mean) / (p.concentration1 + p.concentration0 + 1) + mean.pow(2)) * 0.5
    return -p.entropy() + t2 + (t3 - q.loc * mean + q.loc.pow(2) * 0.5) / var_normal


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p: Beta, q: Uniform) -> Tensor:
    """-H(p) + log(high - low); inf unless [low, high] contains [0, 1]."""
    result = -p.entropy() + (q.high - q.low).log()
    outside = (q.low > p.support.lower_bound) | (q.high < p.support.upper_bound)
    return where(outside, math.inf, result)


# ---- p on [0, inf) ------------------------------------------------------------------------------

@register_kl(Exponential, Gamma)
def _kl_exponential_gamma(p: Exponential, q: Gamma) -> Tensor:
    """-k log(β/λ) + β/λ + log Γ(k) + kγ - 1 - γ (E[log x] = -γ - log λ)."""
    ratio = q.rate / p.rate
    t1 = -q.concentration * ratio.log()
    return t1 + ratio + q.concentration.lgamma() + q.concentration * _EULER_GAMMA - (1 + _EULER_GAMMA)


@register_kl(Exponential, Gumbel)
def _kl_exponential_gumbel(p: Exponential, q: Gumbel) -> Tensor:
    """log(λβ) - 1 - μ/β + e^(μ/β) λβ/(λβ + 1) + 1/(λβ)."""
    scale_rate_prod = p.rate * q.scale
    loc_scale_ratio = q.loc / q.scale
    t1 = scale_rate_prod.log() - 1
    t2 = loc_scale_ratio.exp() * scale_rate_prod / (scale_rate_prod + 1)
    return t1 - loc_scale_ratio + t2 + scale_rate_prod.reciprocal()


@register_kl(Exponential, Normal)
def _kl_exponential_normal(p: Exponential, q: Normal) -> Tensor:
    """½ log(2π λ²σ²) - 1 + (1/λ² - μ/λ + μ²/2)/σ² (E[x] = 1/λ, E[x²] = 2/λ²)."""
    var_normal = q.scale.pow(2)
    rate_sqr = p.rate.pow(2)
    t1 = 0.5 * (rate_sqr * var_normal * 2 * math.pi).log()
    return t1 - 1 + (rate_sqr.reciprocal() - q.loc / p.rate + q.loc.pow(2) * 0.5) / var_normal


@register_kl(Gamma, Exponential)
def _kl_gamma_exponential(p: Gamma, q: Exponential) -> Tensor:
    """-H(p) - log λ + λ α/β."""
    return -p.entropy() - q.rate.log() + q.rate * p.concentration / p.rate


@register_kl(Gamma, Gumbel)
def _kl_gamma_gumbel(p: Gamma, q: Gumbel) -> Tensor:
    """(α - 1)ψ(α) - log Γ(α) - α + log(β s) + α/(β s) + e^(μ/s) (1 + 1/(β s))^(-α) - μ/s, for
    p = Gamma(α, β), q = Gumbel(μ, s)."""
    beta_scale_prod = p.rate * q.scale
    loc_scale_ratio = q.loc / q.scale
    t1 = (p.concentration - 1) * p.concentration.digamma() - p.concentration.lgamma() - p.concentration
    t2 = beta_scale_prod.log() + p.concentration / beta_scale_prod
    t3 = loc_scale_ratio.exp() * (1 + beta_scale_prod.reciprocal()).pow(-p.concentration) - loc_scale_ratio
    return t1 + t2 + t3


@register_kl(Gamma, Normal)
def _kl_gamma_normal(p: Gamma, q: Normal) -> Tensor:
    """½ log(2π β²σ²) - α - log Γ(α) + (α - 1)ψ(α) + ((α² + α)/(2β²) - μα/β + μ²/2)/σ²."""
    var_normal = q.scale.pow(2)
    beta_sqr = p.rate.pow(2)
    t1 = 0.5 * (beta_sqr * var_normal * 2 * math.pi).log() - p.concentration - p.concentration.lgamma()
    t2 = 0.5 * (p.concentration.pow(2) + p.concentration) / beta_sqr
    t3 = q.loc * p.concentration / p.rate
    t4 = 0.5 * q.loc.pow(2)
    return t1 + (p.concentration - 1) * p.concentration.digamma() + (t2 - t3 + t4) / var_normal


# ---- p on the real line -------------------------------------------------------------------------

@register_kl(Gumbel, Normal)
def _kl_gumbel_normal(p: Gumbel, q: Normal) -> Tensor:
    """-log(βp/(σ√2π)) + (π βp/σ)²/12 + ((μp + βp γ - μq)/σ)²/2 - 1 - γ."""
    param_ratio = p.scale / q.scale
    t1 = (param_ratio / math.sqrt(2 * math.pi)).log()
    t2 = (math.pi * param_ratio * 0.5).pow(2) / 3
    t3 = ((p.loc + p.scale * _EULER_GAMMA - q.loc) / q.scale).pow(2) * 0.5
    return -t1 + t2 + t3 - (_EULER_GAMMA + 1)


@register_kl(Laplace, Normal)
def _kl_laplace_normal(p: Laplace, q: Normal) -> Tensor:
    """-½ log(2b²/(πσ²)) + b²/σ² + (μp - μq)²/(2σ²) - 1."""
    var_normal = q.scale.pow(2)
    scale_sqr_var_ratio = p.scale.pow(2) / var_normal
    t1 = 0.5 * (2 * scale_sqr_var_ratio / math.pi).log()
    t2 = 0.5 * p.loc.pow(2)
    t3 = p.loc * q.loc
    t4 = 0.5 * q.loc.pow(2)
    return -t1 + scale_sqr_var_ratio + (t2 - t3 + t4) / var_normal - 1


@register_kl(Normal, Gumbel)
def _kl_normal_gumbel(p: Normal, q: Gumbel) -> Tensor:
    """-log(σ/β) + (μp - μq)/β + exp(-(μp - μq)/β + σ²/(2β²)) - ½(1 + log 2π)."""
    mean_scale_ratio = p.loc / q.scale
    var_scale_sqr_ratio = (p.scale / q.scale).pow(2)
    loc_scale_ratio = q.loc / q.scale
    t1 = var_scale_sqr_ratio.log() * 0.5
    t2 = mean_scale_ratio - loc_scale_ratio
    t3 = (-mean_scale_ratio + 0.5 * var_scale_sqr_ratio + loc_scale_ratio).exp()
    return -t1 + t2 + t3 - (0.5 * (1 + math.log(2 * math.pi)))


@register_kl(Normal, Laplace)
def _kl_normal_laplace(p: Normal, q: Laplace) -> Tensor:
    """-log(σ/b) + (σ √(2/π) e^(-δ²/(2σ²)) + δ erf(δ/(σ√2)))/b - ½(1 + log(π/2)), δ = μp - μq
    (the bracket is E|x - μq|)."""
    loc_diff = p.loc - q.loc
    loc_diff_scale_ratio = loc_diff / p.scale
    t1 = (p.scale / q.scale).log()
    t2 = math.sqrt(2 / math.pi) * p.scale * (-0.5 * loc_diff_scale_ratio.pow(2)).exp()
    t3 = loc_diff * (math.sqrt(0.5) * loc_diff_scale_ratio).erf()
    return -t1 + (t2 + t3) / q.scale - (0.5 * (1 + math.log(0.5 * math.pi)))


# ---- p = Pareto: E[x] is finite only for α > 1, E[x²] only for α > 2 ----------------------------

@register_kl(Pareto, Exponential)
def _kl_pareto_exponential(p: Pareto, q: Exponential) -> Tensor:
    """log(α/(sλ)) - 1/α + α s λ/(α - 1) - 1; inf for α <= 1."""
    scale_rate_prod = p.scale * q.rate
    t1 = (p.alpha / scale_rate_prod).log()
    t3 = p.alpha * scale_rate_prod / (p.alpha - 1)
    result = t1 - p.alpha.reciprocal() + t3 - 1
    return where(p.alpha <= 1, math.inf, result)


@register_kl(Pareto, Gamma)
def _kl_pareto_gamma(p: Pareto, q: Gamma) -> Tensor:
    """-H(p) - E_p[log q], H(p) = log(s/α) + 1 + 1/α, E[log x] = log s + 1/α, E[x] = α s/(α - 1);
    inf for α <= 1."""
    mean_log = p.scale.log() + p.alpha.reciprocal()
    result = p.alpha.log() - mean_log - 1 - _mean_log_gamma_density(p.alpha * p.scale / (p.alpha - 1), mean_log, q)
    return where(p.alpha <= 1, math.inf, result)


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p: Pareto, q: Normal) -> Tensor:
    """log(√(2π) σ α/s) - 1/α + (Var + (E - μ)²)/(2σ²) - 1, E = α c, Var = α c²/(α - 2),
    c = s/(α - 1); inf for α <= 2."""
    var_normal = 2 * q.scale.pow(2)
    common_term = p.scale / (p.alpha - 1)
    t1 = (math.sqrt(2 * math.pi) * q.scale * p.alpha / p.scale).log()
    t3 = p.alpha * common_term.pow(2) / (p.alpha - 2)
    t4 = (p.alpha * common_term - q.loc).pow(2)
    result = t1 - p.alpha.reciprocal() + (t3 + t4) / var_normal - 1
    return where(p.alpha <= 2, math.inf, result)


# ---- p = Uniform[l, h] --------------------------------------------------------------------------

@register_kl(Uniform, Beta)
def _kl_uniform_beta(p: Uniform, q: Beta) -> Tensor:
    """-log(h - l) - (a - 1) E[log x] - (b - 1) E[log(1 - x)] + log B(a, b); inf unless [l, h] lies
    in [0, 1]."""
    a, b = q.concentration1, q.concentration0
    log_beta = a.lgamma() + b.lgamma() - (a + b).lgamma()
    mean_log_1m = _mean_log_on(1 - p.high, 1 - p.low)
    result = -(p.high - p.low).log() - (a - 1) * _mean_log_on(p.low, p.high) - (b - 1) * mean_log_1m + log_beta
    outside = (p.high > q.support.upper_bound) | (p.low < q.support.lower_bound)
    return where(outside, math.inf, result)


@register_kl(Uniform, Exponential)
def _kl_uniform_exponential(p: Uniform, q: Exponential) -> Tensor:
    """λ (h + l)/2 - log((h - l) λ); inf where l < 0."""
    result = q.rate * (p.high + p.low) / 2 - ((p.high - p.low) * q.rate).log()
    return where(p.low < q.support.lower_bound, math.inf, result)


@register_kl(Uniform, Gamma)
def _kl_uniform_gamma(p: Uniform, q: Gamma) -> Tensor:
    """-log(h - l) + log Γ(k) - k log β - (k - 1) E[log x] + β (h + l)/2; inf where l < 0."""
    result = -(p.high - p.low).log() - _mean_log_gamma_density(p.mean, _mean_log_on(p.low, p.high), q)
    return where(p.low < q.support.lower_bound, math.inf, result)


@register_kl(Uniform, Gumbel)
def _kl_uniform_gumbel(p: Uniform, q: Gumbel) -> Tensor:
    """log(β/(h - l)) + (zh + zl)/2 - β/(h - l) (e^(-zh) - e^(-zl)), z = (x - μ)/β."""
    common_term = q.scale / (p.high - p.low)
    high_loc_diff = (p.high - q.loc) / q.scale
    low_loc_diff = (p.low - q.loc) / q.scale
    t1 = common_term.log() + 0.5 * (high_loc_diff + low_loc_diff)
    return t1 - common_term * ((-high_loc_diff).exp() - (-low_loc_diff).exp())


@register_kl(Uniform, Normal)
def _kl_uniform_normal(p: Uniform, q: Normal) -> Tensor:
    """log(√(2π) σ/(h - l)) + ((h - l)²/12 + ((h + l)/2 - μ)²)/(2σ²)."""
    width = p.high - p.low
    t1 = (math.sqrt(math.pi * 2) * q.scale / width).log()
    t2 = width.pow(2) / 12
    t3 = ((p.high + p.low - 2 * q.loc) / 2).pow(2)
    return t1 + 0.5 * (t2 + t3) / q.scale.pow(2)


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p: Uniform, q: Pareto) -> Tensor:
    """(α + 1) E[log x] - log(α s^α (h - l)); inf where l < s."""
    t1 = (q.alpha * q.scale.pow(q.alpha) * (p.high - p.low)).log()
    result = (q.alpha + 1) * _mean_log_on(p.low, p.high) - t1
    return where(p.low < q.support.lower_bound, math.inf, result)
