"""The gamma distribution and its special case the chi-squared distribution, as
`torch.distributions.Gamma` and `torch.distributions.Chi2`.

PyTorch's Gamma has `rsample`, with gradients from implicit reparameterisation (Figurnov, Mohamed
and Mnih, "Implicit Reparameterization Gradients", 2018); that is not here, so `has_rsample` is
False and `sample` draws numpy's gamma numbers without gradient. `cdf` (the regularised incomplete
gamma function) is not here either.
"""
from __future__ import annotations

from numbers import Number

import numpy as np

from .. import random
from ..autograd.grad_mode import no_grad
from ..dtype import finfo
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .parameters import broadcast_all


def standard_gamma_array(concentration: np.ndarray, shape: tuple) -> np.ndarray:
    """Gamma(concentration, 1) numbers of `shape`, clamped below to the dtype's smallest normal
    number (as PyTorch does, so that their logs are finite)."""
    dtype = concentration.dtype
    draws = random.generator().standard_gamma(np.broadcast_to(concentration, shape)).astype(dtype)
    return np.maximum(draws, finfo(dtype).tiny)


class Gamma(Distribution):
    """Gamma(concentration α, rate β): density β^α x^(α-1) e^(-βx) / Γ(α) for x >= 0.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Gamma(tg.tensor([2.0]), tg.tensor([4.0])).mean
    tensor([0.5000])
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = False
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

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """Gamma numbers of shape sample_shape + batch_shape, without gradient."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            rate = np.broadcast_to(self.rate.data, shape)
            return Tensor(standard_gamma_array(self.concentration.data, shape) / rate)

    def log_prob(self, value: Tensor) -> Tensor:
        """α log β + (α - 1) log x - βx - log Γ(α)."""
        if self._validate_args:
            self._validate_sample(value)
        if not isinstance(value, Tensor):
            value = Tensor(np.asarray(value, dtype=self.rate.dtype))
        return (self.concentration.xlogy(self.rate) + (self.concentration - 1).xlogy(value)
                - self.rate * value - self.concentration.lgamma())

    def entropy(self) -> Tensor:
        """α - log β + log Γ(α) + (1 - α) ψ(α), ψ the digamma function."""
        return (self.concentration - self.rate.log() + self.concentration.lgamma()
                + (1.0 - self.concentration) * self.concentration.digamma())


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
