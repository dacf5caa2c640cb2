"""Probability distributions, as `torch.distributions`: sampling (with the reparameterisation
trick where it applies), log-probabilities, entropies, moments and KL divergences, all
differentiable with respect to parameters given as tensors that require grad.

Samples are drawn from the framework's generator (`tg.manual_seed`), so they repeat under a seed
but are numpy's numbers, not PyTorch's.
"""
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .log_normal import LogNormal
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .poisson import Poisson
from .uniform import Uniform

__all__ = ["Bernoulli", "Categorical", "Distribution", "Exponential", "Independent", "Laplace", "LogNormal",
           "MultivariateNormal", "Normal", "OneHotCategorical", "Poisson", "Uniform", "constraints", "kl_divergence",
           "register_kl"]
