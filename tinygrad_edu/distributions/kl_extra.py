"""The KL divergences PyTorch registers for ContinuousBernoulli and LowRankMultivariateNormal
(registered on import, with `register_kl`, as `torch.distributions.kl` does for them)."""
from __future__ import annotations

import math

from ..creation import full
from ..functions_shaping import diag_embed
from ..ops.select import where
from ..tensor import Tensor
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Beta
from .exp_family import ExponentialFamily, kl_exponential_family
from .exponential import Exponential
from .gamma import Gamma
from .gumbel import Gumbel
from .kl import register_kl
from .laplace import Laplace
from .lowrank_multivariate_normal import LowRankMultivariateNormal, _lowrank_logdet, _lowrank_mahalanobis
from .multivariate_normal import MultivariateNormal, batch_mahalanobis, half_log_det
from .normal import Normal
from .triangular import solve_lower
from .uniform import Uniform


def _infinite_like(tensor: Tensor) -> Tensor:
    return full(tuple(tensor.shape), math.inf, dtype=tensor.dtype)


def _batch_trace_xxt(x: Tensor) -> Tensor:
    """tr(X Xᵀ) = Σ X_ij², for a batch of matrices."""
    return x.pow(2).sum((-2, -1))


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_continuous_bernoulli_continuous_bernoulli(p: ContinuousBernoulli, q: ContinuousBernoulli) -> Tensor:
    """E_p[x](logit p - logit q) + log C(p) + log(1 - p) - log C(q) - log(1 - q)."""
    t1 = p.mean * (p.logits - q.logits)
    t2 = p._cont_bern_log_norm() + (-p.probs).log1p()
    t3 = -q._cont_bern_log_norm() - (-q.probs).log1p()
    return t1 + t2 + t3


def _kl_to_continuous_bernoulli(p, q: ContinuousBernoulli) -> Tensor:
    """-H(p) - E_p[x] logit q - log(1 - q) - log C(q), for p on [0, 1]."""
    return -p.entropy() - p.mean * q.logits - (-q.probs).log1p() - q._cont_bern_log_norm()


@register_kl(Beta, ContinuousBernoulli)
def _kl_beta_continuous_bernoulli(p: Beta, q: ContinuousBernoulli) -> Tensor:
    return _kl_to_continuous_bernoulli(p, q)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_continuous_bernoulli(p: Uniform, q: ContinuousBernoulli) -> Tensor:
    """As for Beta, or inf when [low, high] reaches 0 or 1 (PyTorch's test, which also counts the
    closed ends)."""
    result = _kl_to_continuous_bernoulli(p, q)
    outside = (p.high >= q.support.upper_bound) | (p.low <= q.support.lower_bound)
    return where(outside, math.inf, result)


@register_kl(ContinuousBernoulli, Exponential)
def _kl_continuous_bernoulli_exponential(p: ContinuousBernoulli, q: Exponential) -> Tensor:
    """-H(p) - log rate + rate E_p[x]."""
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(ContinuousBernoulli, Normal)
def _kl_continuous_bernoulli_normal(p: ContinuousBernoulli, q: Normal) -> Tensor:
    """-H(p) + log(σ √2π) + E_p[(x - μ)²]/(2σ²)."""
    t1 = -p.entropy()
    t2 = 0.5 * (math.log(2.0 * math.pi) + (q.loc / q.scale).square()) + q.scale.log()
    t3 = (p.variance + p.mean.square() - 2.0 * q.loc * p.mean) / (2.0 * q.scale.square())
    return t1 + t2 + t3


@register_kl(ContinuousBernoulli, Uniform)
def _kl_continuous_bernoulli_uniform(p: ContinuousBernoulli, q: Uniform) -> Tensor:
    """-H(p) + log(high - low), or inf unless [low, high] strictly contains [0, 1] (PyTorch's test)."""
    result = -p.entropy() + (q.high - q.low).log()
    outside = (q.low >= p.support.lower_bound) | (q.high <= p.support.upper_bound)
    return where(outside, math.inf, result)


@register_kl(Exponential, ContinuousBernoulli)
def _kl_exponential_continuous_bernoulli(p: Exponential, q: ContinuousBernoulli) -> Tensor:
    """inf: p gives probability to x > 1, where q has none."""
    return _infinite_like(p.rate)


@register_kl(Gamma, ContinuousBernoulli)
def _kl_gamma_continuous_bernoulli(p: Gamma, q: ContinuousBernoulli) -> Tensor:
    return _infinite_like(p.concentration)


@register_kl(Gumbel, ContinuousBernoulli)
@register_kl(Laplace, ContinuousBernoulli)
@register_kl(Normal, ContinuousBernoulli)
def _kl_real_line_continuous_bernoulli(p, q: ContinuousBernoulli) -> Tensor:
    """inf: p gives probability to the whole real line."""
    return _infinite_like(p.loc)


def _check_event_shapes(p, q) -> None:
    if p.event_shape != q.event_shape:
        raise ValueError("KL-divergence between two (Low Rank) Multivariate Normals with different event shapes "
                         f"cannot be computed (p has event shape {p.event_shape}, q {q.event_shape})")


def _woodbury_a(q: LowRankMultivariateNormal) -> Tensor:
    """A = L_C⁻¹ Wᵀ D⁻¹, so that Σq⁻¹ = D⁻¹ - Aᵀ A."""
    return solve_lower(q._capacitance_tril, q._unbroadcasted_cov_factor.mT / q._unbroadcasted_cov_diag.unsqueeze(-2))


def _q_mahalanobis(q: LowRankMultivariateNormal, p) -> Tensor:
    return _lowrank_mahalanobis(q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, q.loc - p.loc,
                                q._capacitance_tril)


def _logdet(d: LowRankMultivariateNormal) -> Tensor:
    return _lowrank_logdet(d._unbroadcasted_cov_factor, d._unbroadcasted_cov_diag, d._capacitance_tril)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_lowrank(p: LowRankMultivariateNormal, q: LowRankMultivariateNormal) -> Tensor:
    """(log det Σq - log det Σp + tr(Σq⁻¹ Σp) + (μq - μp)ᵀ Σq⁻¹ (μq - μp) - n)/2, the trace expanded
    as tr((Dq⁻¹ - AᵀA)(Dp + Wp Wpᵀ))."""
    _check_event_shapes(p, q)
    term1 = _logdet(q) - _logdet(p)
    term3 = _q_mahalanobis(q, p)
    a = _woodbury_a(q)
    term21 = (p._unbroadcasted_cov_diag / q._unbroadcasted_cov_diag).sum(-1)
    term22 = _batch_trace_xxt(p._unbroadcasted_cov_factor * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1))
    term23 = _batch_trace_xxt(a * p._unbroadcasted_cov_diag.sqrt().unsqueeze(-2))
    term24 = _batch_trace_xxt(a @ p._unbroadcasted_cov_factor)
    return 0.5 * (term1 + term21 + term22 - term23 - term24 + term3 - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_multivariatenormal_lowrank(p: MultivariateNormal, q: LowRankMultivariateNormal) -> Tensor:
    """As above with Σp = Lp Lpᵀ: tr(Σq⁻¹ Σp) = |Dq^-½ Lp|² - |A Lp|²."""
    _check_event_shapes(p, q)
    term1 = _logdet(q) - 2 * half_log_det(p._unbroadcasted_scale_tril)
    term3 = _q_mahalanobis(q, p)
    a = _woodbury_a(q)
    term21 = _batch_trace_xxt(p._unbroadcasted_scale_tril * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1))
    term22 = _batch_trace_xxt(a @ p._unbroadcasted_scale_tril)
    return 0.5 * (term1 + term21 - term22 + term3 - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrank_multivariatenormal(p: LowRankMultivariateNormal, q: MultivariateNormal) -> Tensor:
    """tr(Σq⁻¹ Σp) = |Lq⁻¹ Wp|² + |Lq⁻¹ Dp^½|²."""
    _check_event_shapes(p, q)
    term1 = 2 * half_log_det(q._unbroadcasted_scale_tril) - _logdet(p)
    term3 = batch_mahalanobis(q._unbroadcasted_scale_tril, q.loc - p.loc)
    term21 = _batch_trace_xxt(solve_lower(q._unbroadcasted_scale_tril, p._unbroadcasted_cov_factor))
    term22 = _batch_trace_xxt(solve_lower(q._unbroadcasted_scale_tril, diag_embed(p._unbroadcasted_cov_diag.sqrt())))
    return 0.5 * (term1 + term21 + term22 + term3 - p.event_shape[0])


# Two members of one exponential family with no formula of their own: the Bregman divergence of
# the family's log normalizer (exp_family.py), as PyTorch's fallback for them.
register_kl(ExponentialFamily, ExponentialFamily)(kl_exponential_family)
