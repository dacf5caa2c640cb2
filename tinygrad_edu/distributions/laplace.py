"""The Laplace (double exponential) distribution, as `torch.distributions.Laplace`."""
from __future__ import annotations

from ..dtype import finfo
from ..tensor import Tensor
from .families import LocScale
from .noise import uniform


class Laplace(LocScale):
    """Laplace(loc, scale): density exp(-|x - loc|/scale)/(2 scale).

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Laplace(0.0, 1.0).variance
    tensor(2.)
    """

    _expand_params = ("loc", "scale")

    @property
    def variance(self) -> Tensor:
        """2 scale²."""
        return 2 * self.scale.pow(2)

    @property
    def stddev(self) -> Tensor:
        return (2 ** 0.5) * self.scale

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """loc - scale·sign(u)·log(1 - |u|), u ~ U(eps - 1, 1) (the inverse CDF)."""
        u = uniform(self._extended_shape(sample_shape), self.loc.dtype, finfo(self.loc.dtype).eps - 1, 1)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value: Tensor) -> Tensor:
        """-log(2 scale) - |x - loc|/scale."""
        if self._validate_args:
            self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value: Tensor) -> Tensor:
        """1/2 - sign(x - loc)·(exp(-|x - loc|/scale) - 1)/2."""
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 - 0.5 * (value - self.loc).sign() * (-(value - self.loc).abs() / self.scale).expm1()

    def icdf(self, value: Tensor) -> Tensor:
        """loc - scale·sign(p - 1/2)·log(1 - 2|p - 1/2|)."""
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self) -> Tensor:
        """1 + log(2 scale)."""
        return 1 + (2 * self.scale).log()
