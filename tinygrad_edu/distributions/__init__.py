"""Probability distributions, as `torch.distributions`: sampling (with the reparameterisation
trick where it applies), log-probabilities, entropies, moments and KL divergences, all
differentiable with respect to parameters given as tensors that require grad.

Samples are drawn from the framework's generator (`tg.manual_seed`), so they repeat under a seed
but are numpy's numbers, not PyTorch's.
"""
from . import constraints, kl_extra, kl_more, transforms  # noqa: F401 (kl_extra, kl_more register more KL pairs)
from .bernoulli import Bernoulli
from .binomial import Binomial
from .categorical import Categorical, OneHotCategorical
from .cauchy import Cauchy
from .constraint_registry import biject_to, transform_to
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Beta, Dirichlet
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .fisher_snedecor import FisherSnedecor
from .gamma import Chi2, Gamma
from .generalized_pareto import GeneralizedPareto
from .geometric import Geometric
from .gumbel import Gumbel
from .half_cauchy import HalfCauchy
from .half_normal import HalfNormal
from .independent import Independent
from .inverse_gamma import InverseGamma
from .kl import kl_divergence, register_kl
from .kumaraswamy import Kumaraswamy
from .laplace import Laplace
from .lkj_cholesky import LKJCholesky
from .log_normal import LogNormal
from .logistic_normal import LogisticNormal
from .lowrank_multivariate_normal import LowRankMultivariateNormal
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial
from .multivariate_normal import MultivariateNormal
from .negative_binomial import NegativeBinomial
from .normal import Normal
from .one_hot_categorical_straight_through import OneHotCategoricalStraightThrough
from .pareto import Pareto
from .poisson import Poisson
from .relaxed_bernoulli import RelaxedBernoulli
from .relaxed_categorical import RelaxedOneHotCategorical
from .student_t import StudentT
from .transformed_distribution import TransformedDistribution
from .transforms import *  # noqa: F403 (every transform at the top level, as torch.distributions)
from .uniform import Uniform
from .von_mises import VonMises
from .weibull import Weibull
from .wishart import Wishart

__all__ = ["Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2", "Dirichlet", "Distribution", "Exponential",
           "Gamma", "Geometric", "Gumbel", "HalfNormal", "Independent", "Laplace", "LogNormal", "MultivariateNormal",
           "Normal", "OneHotCategorical", "Poisson", "StudentT", "TransformedDistribution", "Uniform", "constraints",
           "kl_divergence", "register_kl", "transforms"]
__all__ += ["ContinuousBernoulli", "FisherSnedecor", "GeneralizedPareto", "InverseGamma", "LowRankMultivariateNormal",
            "MixtureSameFamily", "Multinomial", "NegativeBinomial", "OneHotCategoricalStraightThrough", "VonMises"]
__all__ += ["HalfCauchy", "Pareto", "Weibull", "biject_to", "transform_to"] + transforms.__all__
__all__ += ["Kumaraswamy", "LKJCholesky", "LogisticNormal", "RelaxedBernoulli", "RelaxedOneHotCategorical", "Wishart"]
__all__ += ["ExponentialFamily"]
