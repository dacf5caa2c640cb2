"""The inverse gamma distribution 1/X for X ~ Gamma(concentration, rate), as
`torch.distributions.InverseGamma` (there a TransformedDistribution with PowerTransform(-1); here
written out directly, as LogNormal). rsample is 1/x of the Gamma's rsample, so it is differentiable
in both parameters (see standard_gamma.py)."""
from __future__ import annotations

import math

from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .gamma import Gamma


class InverseGamma(Distribution):
    """Y = 1/X, X ~ Gamma(α, β): density β^α y^(-α-1) e^(-β/y) / Γ(α) for y > 0.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.InverseGamma(tg.tensor([3.0]), tg.tensor([4.0])).mean
    tensor([2.])
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, concentration: Tensor | float, rate: Tensor | float, validate_args: bool | None = None) -> None:
        self.base_dist = Gamma(concentration, rate, validate_args=validate_args)
        super().__init__(self.base_dist.batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "InverseGamma":
        new = self._get_checked_instance(InverseGamma, _instance)
        new.base_dist = self.base_dist.expand(batch_shape)
        Distribution.__init__(new, tuple(batch_shape), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def transforms(self) -> list:
        """[PowerTransform(-1)]: the map from base_dist, as PyTorch's InverseGamma has it (see LogNormal)."""
        from .transforms import PowerTransform

        return [PowerTransform(-self.rate.new_ones(self.rate.shape))]

    @property
    def concentration(self) -> Tensor:
        return self.base_dist.concentration

    @property
    def rate(self) -> Tensor:
        return self.base_dist.rate

    @property
    def mean(self) -> Tensor:
        """β/(α - 1) for α > 1, else inf."""
        return where(self.concentration > 1, self.rate / (self.concentration - 1), math.inf)

    @property
    def mode(self) -> Tensor:
        """β/(α + 1)."""
        return self.rate / (self.concentration + 1)

    @property
    def variance(self) -> Tensor:
        """β²/((α - 1)²(α - 2)) for α > 2, else inf."""
        result = self.rate.square() / ((self.concentration - 1).square() * (self.concentration - 2))
        return where(self.concentration > 2, result, math.inf)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """1/x, x a reparameterised Gamma(α, β) sample."""
        return self.base_dist.rsample(sample_shape).reciprocal()

    def log_prob(self, value: Tensor) -> Tensor:
        """log Gamma(1/y; α, β) - log |d(1/y)/dy| = log Gamma(1/y) - log(y²), the last written as
        PyTorch's PowerTransform(-1) does: log |-1 · y/x| at x = 1/y."""
        if self._validate_args:
            self._validate_sample(value)
        x = value.reciprocal()
        return self.base_dist.log_prob(x) - (-value / x).abs().log()

    def cdf(self, value: Tensor) -> Tensor:
        """P(Y ≤ y) = P(X ≥ 1/y) = 1 - P(α, β/y), P the regularised lower incomplete gamma
        function (PyTorch's TransformedDistribution gives the same, through PowerTransform(-1));
        0 at y = 0. Differentiable in y and β, not in α (as Gamma.cdf)."""
        if self._validate_args:
            self._validate_sample(value, constraints.nonnegative)
        return 1 - self.base_dist.cdf(value.reciprocal())

    def entropy(self) -> Tensor:
        """α + log β + log Γ(α) - (1 + α) ψ(α)."""
        a = self.concentration
        return a + self.rate.log() + a.lgamma() - (1 + a) * a.digamma()
