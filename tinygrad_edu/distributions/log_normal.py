"""The log-normal distribution: exp(X) for X ~ N(loc, scale²), as `torch.distributions.LogNormal`
(there a TransformedDistribution; here written out directly)."""
from __future__ import annotations

from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .normal import Normal


class LogNormal(Distribution):
    """Y = exp(X), X ~ N(loc, scale²): log p(y) = log N(log y; loc, scale) - log y.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.LogNormal(0.0, 1.0).mean
    tensor(1.6487)
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, loc: Tensor | float, scale: Tensor | float, validate_args: bool | None = None) -> None:
        self.base_dist = Normal(loc, scale, validate_args=validate_args)
        super().__init__(self.base_dist.batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "LogNormal":
        new = self._get_checked_instance(LogNormal, _instance)
        new.base_dist = self.base_dist.expand(batch_shape)
        Distribution.__init__(new, tuple(batch_shape), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def transforms(self) -> list:
        """[ExpTransform()]: the maps from base_dist, as PyTorch's LogNormal (a TransformedDistribution)
        has them. KL against a TransformedDistribution compares them (distributions/kl_more.py)."""
        from .transforms import ExpTransform

        return [ExpTransform()]

    @property
    def loc(self) -> Tensor:
        return self.base_dist.loc

    @property
    def scale(self) -> Tensor:
        return self.base_dist.scale

    @property
    def mean(self) -> Tensor:
        """exp(loc + scale²/2)."""
        return (self.loc + self.scale.pow(2) / 2).exp()

    @property
    def mode(self) -> Tensor:
        """exp(loc - scale²)."""
        return (self.loc - self.scale.square()).exp()

    @property
    def variance(self) -> Tensor:
        """(exp(scale²) - 1) exp(2 loc + scale²)."""
        scale_sq = self.scale.pow(2)
        return scale_sq.expm1() * (2 * self.loc + scale_sq).exp()

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        return self.base_dist.sample(sample_shape).exp()

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """exp(loc + eps·scale), eps ~ N(0, 1)."""
        return self.base_dist.rsample(sample_shape).exp()

    def log_prob(self, value: Tensor) -> Tensor:
        """log N(log y; loc, scale) - log y (the change of variables y = exp(x))."""
        if self._validate_args:
            self._validate_sample(value)
        x = value.log()
        return self.base_dist.log_prob(x) - x

    def cdf(self, value: Tensor) -> Tensor:
        """Φ((log y - loc)/scale); 0 at y = 0 (log 0 = -inf), which is accepted as in PyTorch."""
        if self._validate_args:
            self._validate_sample(value, constraints.nonnegative)
        return self.base_dist.cdf(value.log())

    def icdf(self, value: Tensor) -> Tensor:
        return self.base_dist.icdf(value).exp()

    def entropy(self) -> Tensor:
        """The normal's entropy + loc."""
        return self.base_dist.entropy() + self.loc
