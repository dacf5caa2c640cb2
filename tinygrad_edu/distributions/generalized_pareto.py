"""The generalised Pareto distribution (the tail of a distribution above a high threshold), as
`torch.distributions.GeneralizedPareto`. With z = (x - loc)/scale and ξ the concentration, the
survival function is (1 + ξz)^(-1/ξ), or exp(-z) at ξ = 0 (Pickands, "Statistical Inference Using
Extreme Order Statistics", 1975)."""
from __future__ import annotations

import math
from numbers import Number

from ..functions_shaping import broadcast_to
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .noise import uniform
from .parameters import broadcast_all


def _safe_concentration(concentration: Tensor) -> tuple:
    """(ξ ≈ 0 as PyTorch's isclose(ξ, 0) decides, ξ with those entries replaced by 1): the ξ = 0
    branch is taken there, and the other branch must not divide by 0."""
    eq_zero = concentration.abs() <= 1e-8
    return eq_zero, where(eq_zero, 1.0, concentration)


class GeneralizedPareto(Distribution):
    """GPD(loc, scale, ξ): density (1/scale)(1 + ξz)^(-1/ξ - 1) on z >= 0 (and z <= -1/ξ when
    ξ < 0). rsample is the icdf of uniform noise.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.GeneralizedPareto(0.0, 1.0, 0.0).cdf(tg.tensor(1.0))
    tensor(0.6321)
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc: Tensor | float, scale: Tensor | float, concentration: Tensor | float,
                 validate_args: bool | None = None) -> None:
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        scalar = all(isinstance(v, Number) for v in (loc, scale, concentration))
        super().__init__(() if scalar else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "GeneralizedPareto":
        new = self._get_checked_instance(GeneralizedPareto, _instance)
        batch_shape = tuple(batch_shape)
        new.loc, new.scale = self.loc.expand(batch_shape), self.scale.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        """[loc, inf), or [loc, loc - scale/ξ] when ξ < 0."""
        upper = where(self.concentration < 0, self.loc - self.scale / self.concentration, math.inf)
        return constraints.interval(self.loc, upper)

    def _z(self, x: Tensor) -> Tensor:
        return (x - self.loc) / self.scale

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        return self.icdf(uniform(self._extended_shape(sample_shape), self.loc.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """-log scale - (1/ξ + 1) log(1 + ξz), or -log scale - z at ξ = 0."""
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe_conc = _safe_concentration(self.concentration)
        y = 1 / safe_conc + 1
        where_nonzero = where(y == 0, y, y * (safe_conc * z).log1p())
        return -self.scale.log() - where(eq_zero, z, where_nonzero)

    def log_survival_function(self, value: Tensor) -> Tensor:
        """log P(X > x) = -log(1 + ξz)/ξ, or -z at ξ = 0."""
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe_conc = _safe_concentration(self.concentration)
        return where(eq_zero, -z, -(safe_conc * z).log1p() / safe_conc)

    def log_cdf(self, value: Tensor) -> Tensor:
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value: Tensor) -> Tensor:
        return self.log_cdf(value).exp()

    def icdf(self, value: Tensor) -> Tensor:
        """loc + scale ((1 - u)^(-ξ) - 1)/ξ, or loc - scale log(1 - u) at ξ = 0."""
        eq_zero, safe_conc = _safe_concentration(self.concentration)
        logu = (-value).log1p()
        where_nonzero = self.loc + self.scale / safe_conc * (-safe_conc * logu).expm1()
        return where(eq_zero, self.loc - self.scale * logu, where_nonzero)

    @property
    def mean(self) -> Tensor:
        """loc + scale/(1 - ξ) for ξ < 1, else NaN."""
        valid = self.concentration < 1
        safe_conc = where(valid, self.concentration, 0.5)
        return where(valid, self.loc + self.scale / (1 - safe_conc), math.nan)

    @property
    def variance(self) -> Tensor:
        """scale²/((1 - ξ)²(1 - 2ξ)) for ξ < 1/2, else NaN."""
        valid = self.concentration < 0.5
        safe_conc = where(valid, self.concentration, 0.25)
        return where(valid, self.scale ** 2 / ((1 - safe_conc) ** 2 * (1 - 2 * safe_conc)), math.nan)

    @property
    def mode(self) -> Tensor:
        return self.loc

    def entropy(self) -> Tensor:
        """log scale + ξ + 1."""
        return broadcast_to(self.scale.log() + self.concentration + 1, self._batch_shape)
