"""The Gumbel (type-I extreme value) distribution, as `torch.distributions.Gumbel` (there a
TransformedDistribution of a uniform; here written out)."""
from __future__ import annotations

import math

from ..dtype import finfo
from ..tensor import Tensor
from .families import LocScale
from .noise import uniform

_EULER_GAMMA = 0.57721566490153286060


class Gumbel(LocScale):
    """Gumbel(loc, scale): density exp(-(z + e^(-z)))/scale, z = (x - loc)/scale; the distribution of
    the maximum of many independent draws.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Gumbel(0.0, 1.0).mode
    tensor(0.)
    """

    _expand_params = ("loc", "scale")

    @property
    def mean(self) -> Tensor:
        """loc + scale·γ (γ Euler's constant)."""
        return self.loc + self.scale * _EULER_GAMMA

    @property
    def stddev(self) -> Tensor:
        """π scale/√6."""
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """loc - scale·log(-log u), u ~ U(tiny, 1 - eps) (the inverse CDF)."""
        info = finfo(self.loc.dtype)
        u = uniform(self._extended_shape(sample_shape), self.loc.dtype, info.tiny, 1 - info.eps)
        return self.loc - self.scale * (-u.log()).log()

    def log_prob(self, value: Tensor) -> Tensor:
        """y - e^y - log scale, y = (loc - x)/scale."""
        if self._validate_args:
            self._validate_sample(value)
        y = (self.loc - value) / self.scale
        return (y - y.exp()) - self.scale.log()

    def cdf(self, value: Tensor) -> Tensor:
        """exp(-exp(-(x - loc)/scale))."""
        if self._validate_args:
            self._validate_sample(value)
        return (-(-(value - self.loc) / self.scale).exp()).exp()

    def icdf(self, value: Tensor) -> Tensor:
        """loc - scale·log(-log p)."""
        return self.loc - self.scale * (-value.log()).log()

    def entropy(self) -> Tensor:
        """log scale + 1 + γ."""
        return self.scale.log() + (1 + _EULER_GAMMA)
