"""The von Mises distribution, the normal distribution of the circle, as
`torch.distributions.VonMises`: density exp(κ cos(x - loc)) / (2π I₀(κ)) for angles x (any real
number, read modulo 2π).

log I₀ and log I₁ are PyTorch's polynomial approximations (Abramowitz and Stegun, "Handbook of
Mathematical Functions", 1964, 9.8.1-9.8.4; relative error below about 2e-7), so that log_prob and
variance are PyTorch's to rounding; `tg.special.i0e` gives I₀ to full precision. Samples are drawn
by Best and Fisher's rejection method ("Efficient Simulation of the von Mises Distribution", 1979),
in float64, as PyTorch.
"""
from __future__ import annotations

import math

import numpy as np

from .. import random
from ..autograd.grad_mode import no_grad
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .families import SymmetricAboutLoc
from .parameters import broadcast_all

_I0_COEF_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2]
_I0_COEF_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1,
                  -0.1647633e-1, 0.392377e-2]
_I1_COEF_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3]
_I1_COEF_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1,
                  0.1787654e-1, -0.420059e-2]
_COEF_SMALL = [_I0_COEF_SMALL, _I1_COEF_SMALL]
_COEF_LARGE = [_I0_COEF_LARGE, _I1_COEF_LARGE]


def _eval_poly(y: Tensor, coef: list) -> Tensor:
    """Σ coef[i] yⁱ by Horner's rule."""
    result = coef[-1]
    for c in reversed(coef[:-1]):
        result = c + y * result
    return result


def _log_modified_bessel_fn(x: Tensor, order: int = 0) -> Tensor:
    """log I_order(x) for x > 0, order 0 or 1: a polynomial in (x/3.75)² for x < 3.75, else
    x - log √x + log(a polynomial in 3.75/x)."""
    if order not in (0, 1):
        raise AssertionError(f"order must be 0 or 1, got {order}")
    y = (x / 3.75) * (x / 3.75)
    small = _eval_poly(y, _COEF_SMALL[order])
    if order == 1:
        small = x.abs() * small
    small = small.log()
    large = x - 0.5 * x.log() + _eval_poly(3.75 / x, _COEF_LARGE[order]).log()
    return where(x < 3.75, small, large)


def _rejection_sample(loc: np.ndarray, concentration: np.ndarray, proposal_r: np.ndarray, shape: tuple) -> np.ndarray:
    """Best and Fisher's method: propose f = cos θ from a wrapped Cauchy envelope, accept by a
    cheap squeeze test or the exact test, give it a random sign; angles are wrapped to [-π, π)."""
    gen = random.generator()
    x = np.zeros(shape)
    done = np.zeros(shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        while not done.all():
            u1, u2, u3 = gen.random((3,) + tuple(shape))
            z = np.cos(math.pi * u1)
            f = (1 + proposal_r * z) / (proposal_r + z)
            c = concentration * (proposal_r - f)
            accept = ((c * (2 - c) - u2) > 0) | (np.log(c / u2) + 1 - c >= 0)
            accept &= ~done
            x = np.where(accept, np.sign(u3 - 0.5) * np.arccos(f), x)
            done |= accept
    return np.mod(x + math.pi + loc, 2 * math.pi) - math.pi


class VonMises(SymmetricAboutLoc):
    """VonMises(loc, concentration κ): density exp(κ cos(x - loc)) / (2π I₀(κ)). The mean and
    variance are circular: loc and 1 - I₁(κ)/I₀(κ). No rsample (as PyTorch).

    >>> import tinygrad_edu as tg
    >>> tg.distributions.VonMises(tg.tensor([0.0]), tg.tensor([1.0])).log_prob(tg.tensor([0.0]))
    tensor([-1.0738])
    """

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False
    _expand_params = ("loc", "concentration")

    def __init__(self, loc: Tensor | float, concentration: Tensor | float, validate_args: bool | None = None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, (), validate_args)

    def log_prob(self, value: Tensor) -> Tensor:
        """κ cos(x - loc) - log 2π - log I₀(κ)."""
        if self._validate_args:
            self._validate_sample(value)
        return (self.concentration * (value - self.loc).cos() - math.log(2 * math.pi)
                - _log_modified_bessel_fn(self.concentration, order=0))

    @property
    def variance(self) -> Tensor:
        """The circular variance 1 - I₁(κ)/I₀(κ)."""
        return 1 - (_log_modified_bessel_fn(self.concentration, order=1)
                    - _log_modified_bessel_fn(self.concentration, order=0)).exp()

    def _proposal_r(self, kappa: np.ndarray) -> np.ndarray:
        """The envelope's r = (1 + ρ²)/(2ρ), ρ = (τ - √(2τ))/(2κ), τ = 1 + √(1 + 4κ²) (1/κ + κ for tiny κ)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = 1 + np.sqrt(1 + 4 * kappa ** 2)
            rho = (tau - np.sqrt(2 * tau)) / (2 * kappa)
            return np.where(kappa < 1e-5, 1 / kappa + kappa, (1 + rho ** 2) / (2 * rho))

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """Angles in [-π, π) of shape sample_shape + batch_shape (computed in float64)."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            loc = np.asarray(self.loc.data, dtype=np.float64)
            kappa = np.asarray(self.concentration.data, dtype=np.float64)
            x = _rejection_sample(loc, kappa, self._proposal_r(kappa), shape)
            return Tensor(x.astype(self.loc.dtype))
