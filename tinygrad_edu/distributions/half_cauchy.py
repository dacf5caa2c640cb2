"""The half-Cauchy distribution |X| for X ~ Cauchy(0, scale), as `torch.distributions.HalfCauchy`:
a TransformedDistribution of a Cauchy through `AbsTransform`."""
from __future__ import annotations

import math

from ..creation import full, full_like, zeros_like
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .cauchy import Cauchy
from .transformed_distribution import TransformedDistribution
from .transforms_more import AbsTransform


class HalfCauchy(TransformedDistribution):
    """HalfCauchy(scale): density 2 / (π scale (1 + (x/scale)²)) for x >= 0; infinite mean.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.HalfCauchy(tg.tensor([1.0])).cdf(tg.tensor([1.0]))
    tensor([0.5000])
    """

    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, scale: Tensor | float, validate_args: bool | None = None) -> None:
        super().__init__(Cauchy(0, scale, validate_args=False), AbsTransform(), validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "HalfCauchy":
        new = self._get_checked_instance(HalfCauchy, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def scale(self) -> Tensor:
        return self.base_dist.scale

    @property
    def mean(self) -> Tensor:
        """inf (the integral of x p(x) diverges)."""
        return full(self._extended_shape(), math.inf, dtype=self.scale.dtype)

    @property
    def mode(self) -> Tensor:
        return zeros_like(self.scale)

    @property
    def variance(self) -> Tensor:
        """The Cauchy's: inf."""
        return self.base_dist.variance

    def log_prob(self, value: Tensor) -> Tensor:
        """log Cauchy(x; 0, scale) + log 2 for x >= 0, -inf below."""
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return where(value >= 0, log_prob, full_like(log_prob, -math.inf))

    def cdf(self, value: Tensor) -> Tensor:
        """2 F_Cauchy(x) - 1 = (2/π) atan(x/scale)."""
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob: Tensor) -> Tensor:
        """The Cauchy's icdf at (p + 1)/2."""
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self) -> Tensor:
        """The Cauchy's entropy - log 2 = log(2π scale)."""
        return self.base_dist.entropy() - math.log(2)
