"""The half-normal distribution |X| for X ~ N(0, scale²), as `torch.distributions.HalfNormal`
(there a TransformedDistribution; here written out over a Normal)."""
from __future__ import annotations

import math

from ..creation import full_like, zeros_like
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .normal import Normal


class FoldedAtZero:
    """|X| for X symmetric about 0 (`self.base_dist`): the density doubles on x >= 0, so
    log p(x) = log p_X(x) + log 2 there (-inf below), F(x) = 2 F_X(x) - 1, the quantile of p is
    X's at (p + 1)/2, and the entropy is X's - log 2. HalfNormal and HalfCauchy share it."""

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return where(value >= 0, log_prob, full_like(log_prob, -math.inf))

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob: Tensor) -> Tensor:
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self) -> Tensor:
        return self.base_dist.entropy() - math.log(2)


class HalfNormal(FoldedAtZero, Distribution):
    """HalfNormal(scale): density 2 N(x; 0, scale²) for x >= 0.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.HalfNormal(tg.tensor([1.0])).log_prob(tg.tensor([0.0]))
    tensor([-0.2258])
    """

    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, scale: Tensor | float, validate_args: bool | None = None) -> None:
        self.base_dist = Normal(0, scale, validate_args=False)
        super().__init__(self.base_dist.batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "HalfNormal":
        new = self._get_checked_instance(HalfNormal, _instance)
        new.base_dist = self.base_dist.expand(batch_shape)
        Distribution.__init__(new, tuple(batch_shape), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def scale(self) -> Tensor:
        return self.base_dist.scale

    @property
    def transforms(self) -> list:
        """[AbsTransform()]: the map from base_dist, as PyTorch's HalfNormal has it (see LogNormal)."""
        from .transforms import AbsTransform

        return [AbsTransform()]

    @property
    def mean(self) -> Tensor:
        """scale √(2/π)."""
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def mode(self) -> Tensor:
        return zeros_like(self.scale)

    @property
    def variance(self) -> Tensor:
        """scale² (1 - 2/π)."""
        return self.scale.pow(2) * (1 - 2 / math.pi)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """|eps·scale|, eps ~ N(0, 1)."""
        return self.base_dist.rsample(sample_shape).abs()

