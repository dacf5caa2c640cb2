"""The Kumaraswamy distribution on [0, 1], as `torch.distributions.Kumaraswamy`: density
a b x^(a-1) (1 - x^a)^(b-1), like a beta density but with a cdf in closed form,
F(x) = 1 - (1 - x^a)^b (Kumaraswamy, "A generalized probability density function for
double-bounded random processes", 1980). Built as PyTorch builds it: the inverse cdf
x = (1 - u^(1/b))^(1/a) of u ~ U(0, 1), a TransformedDistribution of a Uniform through
PowerTransform(1/b), AffineTransform(1, -1) and PowerTransform(1/a), so `rsample` is
differentiable in a and b.
"""
from __future__ import annotations

import math

from ..creation import full_like
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .parameters import broadcast_all
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform
from .transforms_more import PowerTransform
from .uniform import Uniform

EULER_CONSTANT = 0.57721566490153286060  # γ, the limit of H_n - log n


def _moments(a: Tensor, b: Tensor, n: int) -> Tensor:
    """E[Xⁿ] = b B(1 + n/a, b) = b Γ(1 + n/a) Γ(b) / Γ(1 + n/a + b), through lgamma."""
    arg1 = 1 + n / a
    return b * (arg1.lgamma() + b.lgamma() - (arg1 + b).lgamma()).exp()


class Kumaraswamy(TransformedDistribution):
    """Kumaraswamy(concentration1 a, concentration0 b), numbers or tensors that broadcast.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Kumaraswamy(tg.tensor([2.0]), tg.tensor([3.0])).mean
    tensor([0.4571])
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1: Tensor | float, concentration0: Tensor | float,
                 validate_args: bool | None = None) -> None:
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        base_dist = Uniform(full_like(self.concentration0, 0), full_like(self.concentration0, 1),
                            validate_args=validate_args)
        transforms = [PowerTransform(exponent=self.concentration0.reciprocal()),
                      AffineTransform(loc=1.0, scale=-1.0),
                      PowerTransform(exponent=self.concentration1.reciprocal())]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "Kumaraswamy":
        new = self._get_checked_instance(Kumaraswamy, _instance)
        new.concentration1 = self.concentration1.expand(tuple(batch_shape))
        new.concentration0 = self.concentration0.expand(tuple(batch_shape))
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self) -> Tensor:
        """b B(1 + 1/a, b)."""
        return _moments(self.concentration1, self.concentration0, 1)

    @property
    def mode(self) -> Tensor:
        """((a - 1)/(ab - 1))^(1/a), where the density is largest; NaN unless a >= 1 and b >= 1 (then
        it is largest at an end, or everywhere for a = b = 1). (PyTorch 2.13 evaluates another
        expression, (1 - b)^(1/b)/(1 - ab), which is NaN for every a and b: this is the mode its
        own log_prob has, checked in tests/test_distributions_remaining.py.)"""
        a, b = self.concentration1, self.concentration0
        valid = (b >= 1) & (a >= 1)
        a, b = where(valid, a, 2.0), where(valid, b, 2.0)  # (numbers whose logs are finite, then discarded)
        log_mode = ((a - 1).log() - (a * b - 1).log()) / a
        return where(valid, log_mode, math.nan).exp()

    @property
    def variance(self) -> Tensor:
        """E[X²] - E[X]² = b B(1 + 2/a, b) - mean²."""
        return _moments(self.concentration1, self.concentration0, 2) - self.mean.pow(2)

    def entropy(self) -> Tensor:
        """(1 - 1/b) + (1 - 1/a) H_b - log a - log b, with the harmonic number H_b = ψ(b + 1) + γ."""
        t1 = 1 - self.concentration1.reciprocal()
        t0 = 1 - self.concentration0.reciprocal()
        harmonic = (self.concentration0 + 1).digamma() + EULER_CONSTANT
        return t0 + t1 * harmonic - self.concentration1.log() - self.concentration0.log()
