"""The half-Cauchy distribution |X| for X ~ Cauchy(0, scale), as `torch.distributions.HalfCauchy`:
a TransformedDistribution of a Cauchy through `AbsTransform`."""
from __future__ import annotations

import math

from ..creation import full, zeros_like
from ..tensor import Tensor
from . import constraints
from .cauchy import Cauchy
from .half_normal import FoldedAtZero
from .transformed_distribution import TransformedDistribution
from .transforms_more import AbsTransform


class HalfCauchy(FoldedAtZero, TransformedDistribution):
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
