"""The exponential distribution, as `torch.distributions.Exponential`."""
from __future__ import annotations

from ..creation import zeros_like
from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .families import RateDistribution
from .noise import standard_exponential


class Exponential(RateDistribution, ExponentialFamily):
    """Exp(rate): density rate·exp(-rate·x) for x >= 0.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Exponential(tg.tensor([2.0])).mean
    tensor([0.5000])
    """

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _expand_params = ("rate",)

    @property
    def mean(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def mode(self) -> Tensor:
        return zeros_like(self.rate)

    @property
    def stddev(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def variance(self) -> Tensor:
        return self.rate.pow(-2)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """e / rate, e ~ Exp(1)."""
        return standard_exponential(self._extended_shape(sample_shape), self.rate.dtype) / self.rate

    def log_prob(self, value: Tensor) -> Tensor:
        """log rate - rate·x."""
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value: Tensor) -> Tensor:
        """1 - exp(-rate·x)."""
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value: Tensor) -> Tensor:
        """-log(1 - p)/rate."""
        return -(-value).log1p() / self.rate

    def entropy(self) -> Tensor:
        """1 - log rate."""
        return 1.0 - self.rate.log()

    # ---- as an exponential family (ExponentialFamily): θ and F(θ), as PyTorch's ----------
    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        return (-self.rate,)

    def _log_normalizer(self, x):
        return -(-x).log()
