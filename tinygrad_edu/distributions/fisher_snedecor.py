"""The F distribution (Fisher-Snedecor), the ratio of two scaled chi-squared numbers, as
`torch.distributions.FisherSnedecor`."""
from __future__ import annotations

import math
from numbers import Number

from ..dtype import finfo
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .parameters import broadcast_all


class FisherSnedecor(Distribution):
    """F(d1, d2) = (X1/d1)/(X2/d2) for X1 ~ χ²(d1), X2 ~ χ²(d2), drawn as the ratio of
    Gamma(d1/2, d1) and Gamma(d2/2, d2) numbers (rsample: differentiable in d1 and d2).

    >>> import tinygrad_edu as tg
    >>> tg.distributions.FisherSnedecor(tg.tensor([3.0]), tg.tensor([6.0])).mean
    tensor([1.5000])
    """

    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1: Tensor | float, df2: Tensor | float, validate_args: bool | None = None) -> None:
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        scalar = isinstance(df1, Number) and isinstance(df2, Number)
        super().__init__(() if scalar else self.df1.shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "FisherSnedecor":
        new = self._get_checked_instance(FisherSnedecor, _instance)
        batch_shape = tuple(batch_shape)
        new.df1, new.df2 = self.df1.expand(batch_shape), self.df2.expand(batch_shape)
        new._gamma1, new._gamma2 = self._gamma1.expand(batch_shape), self._gamma2.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        """d2/(d2 - 2) for d2 > 2, else NaN."""
        df2 = where(self.df2 <= 2, math.nan, self.df2)
        return df2 / (df2 - 2)

    @property
    def mode(self) -> Tensor:
        """(d1 - 2)/d1 · d2/(d2 + 2) for d1 > 2, else NaN."""
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return where(self.df1 <= 2, math.nan, mode)

    @property
    def variance(self) -> Tensor:
        """2 d2² (d1 + d2 - 2)/(d1 (d2 - 2)² (d2 - 4)) for d2 > 4, else NaN."""
        df2 = where(self.df2 <= 4, math.nan, self.df2)
        return 2 * df2.pow(2) * (self.df1 + df2 - 2) / (self.df1 * (df2 - 2).pow(2) * (df2 - 4))

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """X1/X2 with X1 ~ Gamma(d1/2, d1), X2 ~ Gamma(d2/2, d2) (both clamped to the smallest
        positive normal number, so that the ratio is finite and positive)."""
        tiny = finfo(self.df1.dtype).tiny
        x1 = self._gamma1.rsample(sample_shape)
        x2 = self._gamma2.rsample(sample_shape).clamp(min=tiny)
        return (x1 / x2).clamp(min=tiny)

    def log_prob(self, value: Tensor) -> Tensor:
        """log Γ((d1 + d2)/2) - log Γ(d1/2) - log Γ(d2/2) + (d1/2) log(d1/d2) + (d1/2 - 1) log x
        - ((d1 + d2)/2) log(1 + d1 x/d2)."""
        if self._validate_args:
            self._validate_sample(value)
        ct1, ct2, ct3 = self.df1 * 0.5, self.df2 * 0.5, self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * value.log()
        t3 = (ct1 + ct2) * (ct3 * value).log1p()
        return t1 + t2 - t3
