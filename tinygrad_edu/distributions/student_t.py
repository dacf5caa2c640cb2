"""Student's t distribution, as `torch.distributions.StudentT`.

`rsample` divides a normal by the square root of a chi-squared number over ν, as PyTorch's; the
chi-squared number's gradient in ν is the implicit reparameterisation one (see standard_gamma.py).
`sample` is `rsample` without gradient: the same numbers for the same seed.
"""
from __future__ import annotations

import math

from ..creation import full_like
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .noise import standard_normal
from .parameters import broadcast_all
from .standard_gamma import standard_gamma


class StudentT(Distribution):
    """StudentT(df ν, loc, scale): density Γ((ν+1)/2) / (Γ(ν/2) √(νπ) scale) · (1 + y²/ν)^(-(ν+1)/2),
    y = (x - loc)/scale.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.StudentT(tg.tensor([4.0])).variance
    tensor([2.])
    """

    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
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

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """loc + scale·X/√(Z/ν), X ~ N(0, 1), Z = 2·Gamma(ν/2, 1) ~ χ²(ν) (X drawn first, as
        PyTorch); differentiable in loc, scale and ν."""
        shape = self._extended_shape(sample_shape)
        df = self.df.expand(shape)
        x = standard_normal(shape, df.dtype)
        z = 2 * standard_gamma(0.5 * df)
        return self.loc.expand(shape) + self.scale.expand(shape) * (x / (z / df).sqrt())

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
