"""`ExponentialFamily`: the base class of distributions whose density has the form

    p(x; θ) = exp(⟨t(x), θ⟩ - F(θ) + k(x))

with natural parameters θ, sufficient statistic t(x), log normalizer F and carrier measure k, as
`torch.distributions.ExponentialFamily`. Normal, Bernoulli, Beta, Gamma (and Chi2), Exponential,
Poisson, Dirichlet, ContinuousBernoulli and Wishart derive from it, as in PyTorch, and say what
θ and F are.

Knowing F is enough for two things, by automatic differentiation (Nielsen and Nock, "Entropies
and cross-entropies of exponential families", 2010): E[t(x)] = ∇F(θ), so

    entropy  H = F(θ) - ⟨θ, ∇F(θ)⟩ - E[k(x)]
    KL(p‖q)   = F(θ_q) - F(θ_p) - ⟨θ_q - θ_p, ∇F(θ_p)⟩      (a Bregman divergence of F)

A subclass that writes its entropy out (all of the above do) uses its own; the KL here is the
fallback `kl_divergence` uses for two distributions of one exponential family without a
formula of their own.
"""
from __future__ import annotations

from ..autograd.differentiate import grad
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor
from .distribution import Distribution
from .independent import sum_rightmost


class ExponentialFamily(Distribution):
    """The base class of exponential-family distributions: a subclass defines `_natural_params`
    (a tuple of tensors θ), `_log_normalizer(*θ)` (F) and `_mean_carrier_measure` (E[k(x)]).

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.distributions import ExponentialFamily, Normal
    >>> d = Normal(tg.tensor(0.0), tg.tensor(2.0))
    >>> isinstance(d, ExponentialFamily), bool((ExponentialFamily.entropy(d) - d.entropy()).abs() < 1e-12)
    (True, True)
    """

    @property
    def _natural_params(self) -> tuple:
        """The natural parameters θ, a tuple of tensors."""
        raise NotImplementedError

    def _log_normalizer(self, *natural_params) -> Tensor:
        """F(θ), the log of the normalising constant, from the natural parameters."""
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> float:
        """E[k(x)], the expected carrier measure."""
        raise NotImplementedError

    def entropy(self) -> Tensor:
        """F(θ) - ⟨θ, ∇F(θ)⟩ - E[k(x)], with ∇F by automatic differentiation (differentiable in θ)."""
        result = -self._mean_carrier_measure
        theta = [p.detach().requires_grad_() for p in self._natural_params]
        with enable_grad():
            log_normalizer = self._log_normalizer(*theta)
            gradients = grad(log_normalizer.sum(), theta, create_graph=True)
        result = result + log_normalizer
        for p, g in zip(theta, gradients):
            result = result - (p * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result


def kl_exponential_family(p: ExponentialFamily, q: ExponentialFamily) -> Tensor:
    """KL(p‖q) for two members of one exponential family: the Bregman divergence of its log
    normalizer, F(θ_q) - F(θ_p) - ⟨θ_q - θ_p, ∇F(θ_p)⟩."""
    if type(p) is not type(q):
        raise NotImplementedError("The cross KL-divergence between different exponential families cannot be "
                                  "computed using Bregman divergences")
    p_theta = [t.detach().requires_grad_() for t in p._natural_params]
    q_theta = q._natural_params
    with enable_grad():
        log_normalizer = p._log_normalizer(*p_theta)
        gradients = grad(log_normalizer.sum(), p_theta, create_graph=True)
    result = q._log_normalizer(*q_theta) - log_normalizer
    for pt, qt, g in zip(p_theta, q_theta, gradients):
        result = result - sum_rightmost((qt - pt) * g, len(q.event_shape))
    return result
