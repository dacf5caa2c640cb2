"""The normal (Gaussian) distribution N(loc, scale²), as `torch.distributions.Normal`."""
from __future__ import annotations

import math

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from .exp_family import ExponentialFamily
from .families import LocScale
from .noise import standard_normal

_HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)


class Normal(LocScale, ExponentialFamily):
    """N(loc, scale²): density exp(-(x - loc)²/(2 scale²)) / (scale √(2π)).

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Normal(tg.tensor([0.0]), tg.tensor([1.0])).log_prob(tg.tensor([0.0]))
    tensor([-0.9189])
    """

    _expand_params = ("loc", "scale")

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """loc + eps·scale with eps ~ N(0, 1): d/dloc = 1, d/dscale = eps."""
        eps = standard_normal(self._extended_shape(sample_shape), self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        """-(x - loc)²/(2 scale²) - log scale - log √(2π)."""
        if self._validate_args:
            self._validate_sample(value)
        return -((value - self.loc) ** 2) / (2 * self.scale ** 2) - self.scale.log() - _HALF_LOG_TWO_PI

    def cdf(self, value: Tensor) -> Tensor:
        """(1 + erf((x - loc)/(scale √2)))/2."""
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + ((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)).erf())

    def icdf(self, value: Tensor) -> Tensor:
        """loc + scale √2 erfinv(2p - 1)."""
        return self.loc + self.scale * (2 * value - 1).erfinv() * math.sqrt(2)

    def entropy(self) -> Tensor:
        """1/2 + log(2π)/2 + log scale."""
        return 0.5 + _HALF_LOG_TWO_PI + self.scale.log()

    # ---- as an exponential family (ExponentialFamily): θ and F(θ), as PyTorch's ----------
    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        return (self.loc / self.scale.pow(2), -0.5 * self.scale.pow(2).reciprocal())

    def _log_normalizer(self, x, y):
        return -0.25 * x.pow(2) / y + 0.5 * (-math.pi / y).log()
