"""Student's t distribution, as `torch.distributions.StudentT`.

PyTorch's `rsample` divides a normal by the square root of a chi-squared number, whose gradient in
df needs implicit reparameterisation (see gamma.py); that is not here, so `has_rsample` is False.
"""
from __future__ import annotations

import math

import numpy as np

from .. import random
from ..autograd.grad_mode import no_grad
from ..creation import full_like
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .gamma import standard_gamma_array
from .parameters import broadcast_all


class StudentT(Distribution):
    """StudentT(df ν, loc, scale): density Γ((ν+1)/2) / (Γ(ν/2) √(νπ) scale) · (1 + y²/ν)^(-(ν+1)/2),
    y = (x - loc)/scale.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.StudentT(tg.tensor([4.0])).variance
    tensor([2.])
    """

    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = False
    _expand_params = ("df", "loc", "scale")

    def __init__(self, df: Tensor | float, loc: Tensor | float = 0.0, scale: Tensor | float = 1.0,
                 validate_args: bool | None = None) -> None:
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        super().__init__(self.df.shape, validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        """loc where ν > 1, NaN where ν <= 1 (no mean)."""
        return where(self.df > 1, self.loc, full_like(self.loc, math.nan))

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        """scale² ν/(ν - 2) where ν > 2, inf where 1 < ν <= 2, NaN where ν <= 1."""
        big = self.df > 2
        safe_df = where(big, self.df, full_like(self.df, 3.0))  # keeps the unused branch's gradient finite
        finite = self.scale.pow(2) * safe_df / (safe_df - 2)
        return where(big, finite, where(self.df > 1, full_like(self.df, math.inf), full_like(self.df, math.nan)))

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """loc + scale·X/√(Z/ν), X ~ N(0, 1), Z ~ χ²(ν); no gradient."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            df = np.broadcast_to(self.df.data, shape)
            x = random.generator().standard_normal(shape).astype(df.dtype)
            z = 2 * standard_gamma_array(0.5 * df, shape)
            y = x / np.sqrt(z / df)
            return Tensor((np.broadcast_to(self.loc.data, shape) + np.broadcast_to(self.scale.data, shape) * y)
                          .astype(df.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """-(ν+1)/2 log(1 + y²/ν) - log scale - log(νπ)/2 - log Γ(ν/2) + log Γ((ν+1)/2)."""
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        z = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi) + (0.5 * self.df).lgamma()
             - (0.5 * (self.df + 1.0)).lgamma())
        return -0.5 * (self.df + 1.0) * (y ** 2.0 / self.df).log1p() - z

    def entropy(self) -> Tensor:
        """log scale + (ν+1)/2 (ψ((ν+1)/2) - ψ(ν/2)) + log ν/2 + log B(ν/2, 1/2)."""
        lbeta = (0.5 * self.df).lgamma() + math.lgamma(0.5) - (0.5 * (self.df + 1)).lgamma()
        return (self.scale.log() + 0.5 * (self.df + 1) * ((0.5 * (self.df + 1)).digamma() - (0.5 * self.df).digamma())
                + 0.5 * self.df.log() + lbeta)
