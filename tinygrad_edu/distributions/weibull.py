"""The Weibull distribution, as `torch.distributions.Weibull`: scale · E^(1/concentration) for
E ~ Exponential(1), a TransformedDistribution through `PowerTransform` and `AffineTransform`."""
from __future__ import annotations

from ..creation import ones_like
from ..tensor import Tensor
from . import constraints
from .exponential import Exponential
from .gumbel import _EULER_GAMMA
from .parameters import broadcast_all
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform
from .transforms_more import PowerTransform


class Weibull(TransformedDistribution):
    """Weibull(scale λ, concentration k): density (k/λ)(x/λ)^(k-1) exp(-(x/λ)^k) for x > 0.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Weibull(tg.tensor([2.0]), tg.tensor([1.0])).mean  # k = 1: Exponential(1/λ)
    tensor([2.])
    """

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive

    def __init__(self, scale: Tensor | float, concentration: Tensor | float, validate_args: bool | None = None) -> None:
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base_dist = Exponential(ones_like(self.scale), validate_args=validate_args)
        super().__init__(base_dist, self._transforms(), validate_args=validate_args)

    def _transforms(self) -> list:
        """x = scale · e^(1/k)."""
        return [PowerTransform(exponent=self.concentration_reciprocal), AffineTransform(loc=0, scale=self.scale)]

    def expand(self, batch_shape: tuple, _instance=None) -> "Weibull":
        new = self._get_checked_instance(Weibull, _instance)
        new.scale = self.scale.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.concentration_reciprocal = new.concentration.reciprocal()
        TransformedDistribution.__init__(new, self.base_dist.expand(batch_shape), new._transforms(),
                                         validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        """λ Γ(1 + 1/k)."""
        return self.scale * (1 + self.concentration_reciprocal).lgamma().exp()

    @property
    def mode(self) -> Tensor:
        """λ ((k - 1)/k)^(1/k) (NaN for k < 1, as PyTorch)."""
        return self.scale * ((self.concentration - 1) / self.concentration) ** self.concentration.reciprocal()

    @property
    def variance(self) -> Tensor:
        """λ² (Γ(1 + 2/k) - Γ(1 + 1/k)²)."""
        return self.scale.pow(2) * ((1 + 2 * self.concentration_reciprocal).lgamma().exp()
                                    - (2 * (1 + self.concentration_reciprocal).lgamma()).exp())

    def entropy(self) -> Tensor:
        """γ (1 - 1/k) + log(λ/k) + 1 (γ Euler's constant)."""
        return (_EULER_GAMMA * (1 - self.concentration_reciprocal)
                + (self.scale * self.concentration_reciprocal).log() + 1)
