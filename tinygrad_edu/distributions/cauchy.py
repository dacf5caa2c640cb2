"""The Cauchy (Lorentz) distribution, as `torch.distributions.Cauchy`."""
from __future__ import annotations

import math

import numpy as np

from .. import random
from ..creation import full
from ..tensor import Tensor
from .families import LocScale


class Cauchy(LocScale):
    """Cauchy(loc, scale): density 1 / (π scale (1 + ((x - loc)/scale)²)). It has no mean (NaN) and
    no finite variance (inf).

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Cauchy(0.0, 1.0).cdf(tg.tensor(1.0))
    tensor(0.7500)
    """

    _expand_params = ("loc", "scale")

    @property
    def mean(self) -> Tensor:
        return full(self._extended_shape(), math.nan, dtype=self.loc.dtype)

    @property
    def variance(self) -> Tensor:
        return full(self._extended_shape(), math.inf, dtype=self.loc.dtype)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """loc + eps·scale with eps standard Cauchy noise: d/dloc = 1, d/dscale = eps."""
        shape = self._extended_shape(sample_shape)
        eps = Tensor(np.asarray(random.generator().standard_cauchy(shape), dtype=self.loc.dtype))
        return self.loc + eps * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        """-log π - log scale - log(1 + ((x - loc)/scale)²)."""
        if self._validate_args:
            self._validate_sample(value)
        return -math.log(math.pi) - self.scale.log() - (((value - self.loc) / self.scale) ** 2).log1p()

    def cdf(self, value: Tensor) -> Tensor:
        """atan((x - loc)/scale)/π + 1/2."""
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value: Tensor) -> Tensor:
        """loc + scale·tan(π(p - 1/2))."""
        return (math.pi * (value - 0.5)).tan() * self.scale + self.loc

    def entropy(self) -> Tensor:
        """log(4π) + log scale."""
        return math.log(4 * math.pi) + self.scale.log()
