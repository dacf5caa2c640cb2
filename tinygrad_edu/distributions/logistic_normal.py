"""The logistic-normal distribution over the simplex, as `torch.distributions.LogisticNormal`:
a normal vector pushed onto the simplex by the stick-breaking map, so that
X ~ LogisticNormal(loc, scale) has log(X / (1 - X.cumsum(-1)))[..., :-1] ~ Normal(loc, scale)
(up to the stick-breaking offsets; see StickBreakingTransform). A sample is differentiable in
loc and scale.
"""
from __future__ import annotations

from ..tensor import Tensor
from . import constraints
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .transforms_more import StickBreakingTransform


class LogisticNormal(TransformedDistribution):
    """LogisticNormal(loc, scale): loc and scale of length K give vectors of length K + 1 on the
    simplex (a number, or a 0-d tensor, gives K = 1).

    >>> import tinygrad_edu as tg
    >>> d = tg.distributions.LogisticNormal(tg.zeros(3), tg.ones(3))
    >>> d.event_shape, d.sample().shape
    ((4,), (4,))
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, loc: Tensor | float, scale: Tensor | float, validate_args: bool | None = None) -> None:
        base_dist = Normal(loc, scale, validate_args=validate_args)
        if not base_dist.batch_shape:
            base_dist = base_dist.expand([1])
        super().__init__(base_dist, StickBreakingTransform(), validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "LogisticNormal":
        new = self._get_checked_instance(LogisticNormal, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def loc(self) -> Tensor:
        """The mean of the underlying normal vector."""
        return self.base_dist.base_dist.loc

    @property
    def scale(self) -> Tensor:
        """The standard deviation of the underlying normal vector."""
        return self.base_dist.base_dist.scale
