"""The gamma distribution and its special case the chi-squared distribution, as
`torch.distributions.Gamma` and `torch.distributions.Chi2`.

`rsample` is differentiable in both parameters: x = x₁/β with x₁ ~ Gamma(α, 1) drawn by the
`StandardGamma` op, whose gradient in α is the implicit reparameterisation one (Figurnov, Mohamed
and Mnih, "Implicit Reparameterization Gradients", 2018; see standard_gamma.py). `sample` is
`rsample` without gradient, so both give the same numbers for the same seed. `cdf` is the
regularised lower incomplete gamma function P(α, βx) (`tg.special.gammainc`).
"""
from __future__ import annotations

from numbers import Number

import numpy as np

from ..special_more import gammainc
from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .parameters import broadcast_all
from .standard_gamma import standard_gamma


class Gamma(ExponentialFamily):
    """Gamma(concentration α, rate β): density β^α x^(α-1) e^(-βx) / Γ(α) for x >= 0.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Gamma(tg.tensor([2.0]), tg.tensor([4.0])).mean
    tensor([0.5000])
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _expand_params = ("concentration", "rate")

    def __init__(self, concentration: Tensor | float, rate: Tensor | float, validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        scalar = isinstance(concentration, Number) and isinstance(rate, Number)
        super().__init__(() if scalar else self.concentration.shape, validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        """α/β."""
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        """(α - 1)/β, or 0 when α < 1."""
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Tensor:
        """α/β²."""
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """Gamma numbers of shape sample_shape + batch_shape: x₁/β, x₁ ~ Gamma(α, 1), differentiable
        in α (implicitly: dx₁/dα keeps x₁'s quantile fixed) and in β (dx/dβ = -x/β)."""
        shape = self._extended_shape(sample_shape)
        return standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)

    def log_prob(self, value: Tensor) -> Tensor:
        """α log β + (α - 1) log x - βx - log Γ(α)."""
        if self._validate_args:
            self._validate_sample(value)
        if not isinstance(value, Tensor):
            value = Tensor(np.asarray(value, dtype=self.rate.dtype))
        return (self.concentration.xlogy(self.rate) + (self.concentration - 1).xlogy(value)
                - self.rate * value - self.concentration.lgamma())

    def cdf(self, value: Tensor) -> Tensor:
        """P(α, βx), the regularised lower incomplete gamma function. As in PyTorch, it is
        differentiable in x and β, not in α."""
        if self._validate_args:
            self._validate_sample(value)
        if not isinstance(value, Tensor):
            value = Tensor(np.asarray(value, dtype=self.rate.dtype))
        return gammainc(self.concentration, self.rate * value)

    def entropy(self) -> Tensor:
        """α - log β + log Γ(α) + (1 - α) ψ(α), ψ the digamma function."""
        return (self.concentration - self.rate.log() + self.concentration.lgamma()
                + (1.0 - self.concentration) * self.concentration.digamma())

    # ---- as an exponential family (ExponentialFamily): θ and F(θ), as PyTorch's ----------
    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return (x + 1).lgamma() + (x + 1) * (-y.reciprocal()).log()


class Chi2(Gamma):
    """χ²(df): the sum of df squared standard normals, Gamma(df/2, 1/2).

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Chi2(tg.tensor([3.0])).variance
    tensor([6.])
    """

    arg_constraints = {"df": constraints.positive}

    def __init__(self, df: Tensor | float, validate_args: bool | None = None) -> None:
        (df,) = broadcast_all(df) if not isinstance(df, Number) else (df,)
        super().__init__(0.5 * df, 0.5, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "Chi2":
        new = self._get_checked_instance(Chi2, _instance)
        return super().expand(batch_shape, new)

    @property
    def df(self) -> Tensor:
        """The degrees of freedom, 2α."""
        return self.concentration * 2
