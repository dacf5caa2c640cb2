"""The Dirichlet distribution over probability vectors and its two-outcome case the beta
distribution, as `torch.distributions.Dirichlet` and `torch.distributions.Beta`.

Both have `rsample`: x = g / Σg with gᵢ ~ Gamma(αᵢ, 1) from the `StandardGamma` op, whose gradient
in αᵢ is the implicit reparameterisation one (Figurnov, Mohamed and Mnih, "Implicit
Reparameterization Gradients", 2018); the division is ordinary differentiable ops, so
dxᵢ/dαⱼ = (δᵢⱼ - xᵢ) (dgⱼ/dαⱼ) / Σg. PyTorch's `_dirichlet_grad` uses the same direction δᵢⱼ - xᵢ
with a factor that depends on x alone -- the average of ours over Σg ~ Gamma(Σα, 1) given x --
so per sample the two gradients differ, while their expectations agree (both are unbiased).
`sample` is `rsample` without gradient: the same numbers for the same seed.
"""
from __future__ import annotations

from numbers import Number

import numpy as np

from ..dtype import finfo, get_default_dtype
from ..functions import stack
from ..nn.functional import one_hot
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .parameters import broadcast_all
from .standard_gamma import standard_gamma


class Dirichlet(ExponentialFamily):
    """Dir(α) over the simplex of k probabilities: density Γ(Σα) / ΠΓ(α_i) · Π x_i^(α_i - 1).
    `concentration` has shape batch_shape + (k,).

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Dirichlet(tg.tensor([1.0, 3.0])).mean
    tensor([0.2500, 0.7500])
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Tensor, validate_args: bool | None = None) -> None:
        if not isinstance(concentration, Tensor) or concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        shape = tuple(concentration.shape)
        super().__init__(shape[:-1], shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "Dirichlet":
        new = self._get_checked_instance(Dirichlet, _instance)
        batch_shape = tuple(batch_shape)
        new.concentration = self.concentration.expand(batch_shape + tuple(self.event_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        """α / Σα."""
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self) -> Tensor:
        """(α - 1)⁺ normalised; where every α_i < 1 (the density is largest at a corner), the one-hot
        vector of the largest α - 1 clamped at 0 -- the first coordinate, as PyTorch."""
        concentrationm1 = (self.concentration - 1).clamp(min=0.0)
        mode = concentrationm1 / concentrationm1.sum(-1, True)
        mask = (self.concentration < 1).all(-1, keepdim=True)
        corner = one_hot(mode.detach().argmax(-1), concentrationm1.shape[-1]).to(mode.dtype)
        return where(mask, corner, mode)

    @property
    def variance(self) -> Tensor:
        """α_i (α_0 - α_i) / (α_0² (α_0 + 1)), α_0 = Σα."""
        con0 = self.concentration.sum(-1, True)
        return self.concentration * (con0 - self.concentration) / (con0.pow(2) * (con0 + 1))

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """Gamma(α_i, 1) numbers divided by their sum, differentiable in α; the values are clamped
        to [tiny, 1 - eps] as PyTorch's, the gradient is that of the unclamped ratio (as PyTorch's,
        which is a formula at the clamped x)."""
        shape = self._extended_shape(sample_shape)
        gammas = standard_gamma(self.concentration.expand(shape))
        x = gammas / gammas.sum(-1, True)
        info = finfo(x.dtype)
        return x + (x.detach().clamp(info.tiny, 1 - info.eps) - x.detach())

    def log_prob(self, value: Tensor) -> Tensor:
        """Σ (α_i - 1) log x_i + log Γ(Σα) - Σ log Γ(α_i)."""
        if self._validate_args:
            self._validate_sample(value)
        return ((self.concentration - 1).xlogy(value).sum(-1) + self.concentration.sum(-1).lgamma()
                - self.concentration.lgamma().sum(-1))

    def entropy(self) -> Tensor:
        """log B(α) + (α_0 - k) ψ(α_0) - Σ (α_i - 1) ψ(α_i), with log B(α) = Σ log Γ(α_i) - log Γ(α_0)."""
        k = self.concentration.shape[-1]
        a0 = self.concentration.sum(-1)
        return (self.concentration.lgamma().sum(-1) - a0.lgamma() - (k - a0) * a0.digamma()
                - ((self.concentration - 1.0) * self.concentration.digamma()).sum(-1))

    # ---- as an exponential family (ExponentialFamily): θ and F(θ), as PyTorch's ----------
    @property
    def _natural_params(self) -> tuple:
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - x.sum(-1).lgamma()


class Beta(ExponentialFamily):
    """Beta(concentration1 a, concentration0 b) on [0, 1]: density x^(a-1) (1-x)^(b-1) / B(a, b).
    Computed as the Dirichlet over (x, 1 - x), as in PyTorch.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Beta(tg.tensor([2.0]), tg.tensor([2.0])).mean
    tensor([0.5000])
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1: Tensor | float, concentration0: Tensor | float,
                 validate_args: bool | None = None) -> None:
        if isinstance(concentration1, Number) and isinstance(concentration0, Number):
            both = Tensor(np.array([float(concentration1), float(concentration0)], dtype=get_default_dtype()))
        else:
            concentration1, concentration0 = broadcast_all(concentration1, concentration0)
            both = stack([concentration1, concentration0], -1)
        self._dirichlet = Dirichlet(both, validate_args=validate_args)
        super().__init__(self._dirichlet.batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "Beta":
        new = self._get_checked_instance(Beta, _instance)
        new._dirichlet = self._dirichlet.expand(batch_shape)
        Distribution.__init__(new, tuple(batch_shape), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def concentration1(self) -> Tensor:
        """a, the exponent of x."""
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self) -> Tensor:
        """b, the exponent of 1 - x."""
        return self._dirichlet.concentration[..., 1]

    @property
    def mean(self) -> Tensor:
        """a / (a + b)."""
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self) -> Tensor:
        """The first coordinate of the Dirichlet's mode ((a - 1)/(a + b - 2) when a, b > 1)."""
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self) -> Tensor:
        """ab / ((a + b)² (a + b + 1))."""
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """The first coordinate of a Dirichlet sample over (x, 1 - x): g₁/(g₁ + g₀) with
        gᵢ ~ Gamma(·, 1), differentiable in both concentrations."""
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value: Tensor) -> Tensor:
        """The Dirichlet's log density at (x, 1 - x)."""
        if self._validate_args:
            self._validate_sample(value)
        return self._dirichlet.log_prob(stack([value, 1.0 - value], -1))

    def entropy(self) -> Tensor:
        return self._dirichlet.entropy()

    # ---- as an exponential family (ExponentialFamily): θ and F(θ), as PyTorch's ----------
    @property
    def _natural_params(self) -> tuple:
        return (self.concentration1, self.concentration0)

    def _log_normalizer(self, x, y):
        return x.lgamma() + y.lgamma() - (x + y).lgamma()
