"""The multivariate normal distribution N(loc, Σ), as `torch.distributions.MultivariateNormal`,
given by the covariance Σ, the precision Σ⁻¹, or the lower Cholesky factor L of Σ = L Lᵀ.

Everything is computed from L (`_unbroadcasted_scale_tril`): a covariance or precision matrix is
factored once by a Cholesky decomposition (tg.linalg.cholesky, see triangular.py), so
gradients reach whichever matrix was given.
"""
from __future__ import annotations

import math

import numpy as np

from ..creation import eye
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .families import SymmetricAboutLoc
from .noise import standard_normal
from .parameters import lazy_property
from .triangular import cholesky, solve_lower


def batch_mahalanobis(scale_tril: Tensor, x: Tensor) -> Tensor:
    """xᵀ (L Lᵀ)⁻¹ x = |L⁻¹ x|², for x (..., n) and L (..., n, n) with broadcasting batch dims."""
    return solve_lower(scale_tril, x.unsqueeze(-1)).pow(2).sum((-2, -1))


def half_log_det(scale_tril: Tensor) -> Tensor:
    """log √det(L Lᵀ) = Σ log L[i, i]."""
    return scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)


def precision_to_scale_tril(precision: Tensor) -> Tensor:
    """The lower Cholesky factor of P⁻¹: with F = flip(P) = Lf Lfᵀ, P⁻¹ = L Lᵀ for
    L = (flip(Lf)ᵀ)⁻¹ (lower-triangular), computed without inverting P."""
    lf = cholesky(precision.flip((-2, -1)), "MultivariateNormal")
    l_inv = lf.flip((-2, -1)).transpose(-2, -1)
    return solve_lower(l_inv, eye(precision.shape[-1], dtype=precision.dtype))


class MultivariateNormal(SymmetricAboutLoc):
    """N(loc, Σ) over vectors of length n = loc.shape[-1]; give exactly one of
    `covariance_matrix` (Σ), `precision_matrix` (Σ⁻¹) or `scale_tril` (L, Σ = L Lᵀ).

    >>> import tinygrad_edu as tg
    >>> d = tg.distributions.MultivariateNormal(tg.zeros(2), tg.eye(2))
    >>> d.log_prob(tg.zeros(2))
    tensor(-1.8379)
    """

    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, covariance_matrix: Tensor | None = None, precision_matrix: Tensor | None = None,
                 scale_tril: Tensor | None = None, validate_args: bool | None = None) -> None:
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = (covariance_matrix is not None) + (scale_tril is not None) + (precision_matrix is not None)
        if given != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        name, matrix = next((n, m) for n, m in (("scale_tril", scale_tril), ("covariance_matrix", covariance_matrix),
                                                 ("precision_matrix", precision_matrix)) if m is not None)
        if matrix.dim() < 2:
            article = "scale_tril matrix" if name == "scale_tril" else name
            raise ValueError(f"{article} must be at least two-dimensional, with optional leading batch dimensions")
        try:
            batch_shape = tuple(np.broadcast_shapes(matrix.shape[:-2], loc.shape[:-1]))
        except ValueError:
            raise RuntimeError(f"MultivariateNormal: the batch shapes of loc {tuple(loc.shape)} and {name} "
                               f"{tuple(matrix.shape)} cannot be broadcast together") from None
        setattr(self, name, matrix.expand(batch_shape + (-1, -1)))
        self.loc = loc.expand(batch_shape + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix, "MultivariateNormal")
        else:
            self._unbroadcasted_scale_tril = precision_to_scale_tril(precision_matrix)

    def expand(self, batch_shape: tuple, _instance=None) -> "MultivariateNormal":
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch_shape = tuple(batch_shape)
        cov_shape = batch_shape + self.event_shape + self.event_shape
        new.loc = self.loc.expand(batch_shape + self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(cov_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def scale_tril(self) -> Tensor:
        """L, the lower Cholesky factor of the covariance."""
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        """Σ = L Lᵀ."""
        l = self._unbroadcasted_scale_tril
        return (l @ l.mT).expand(self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """Σ⁻¹ = L⁻ᵀ L⁻¹. (Refactored from Σ = L Lᵀ so that, as with PyTorch's cholesky_inverse, the
        gradient is that of (L Lᵀ)⁻¹ as a function of every entry of L, also those above the diagonal.)"""
        l = self._unbroadcasted_scale_tril
        l = cholesky(l @ l.mT, "MultivariateNormal")
        l_inv = solve_lower(l, eye(self._event_shape[0], dtype=self.loc.dtype))
        return (l_inv.mT @ l_inv).expand(self._batch_shape + self._event_shape + self._event_shape)

    @property
    def variance(self) -> Tensor:
        """The diagonal of Σ: the row sums of L²."""
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(self._batch_shape + self._event_shape)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """loc + L eps, eps ~ N(0, I)."""
        eps = standard_normal(self._extended_shape(sample_shape), self.loc.dtype)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        """-(n log 2π + (x - loc)ᵀ Σ⁻¹ (x - loc))/2 - Σ log L[i, i]."""
        if self._validate_args:
            self._validate_sample(value)
        m = batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + m) - half_log_det(self._unbroadcasted_scale_tril)

    def entropy(self) -> Tensor:
        """n (1 + log 2π)/2 + Σ log L[i, i]."""
        h = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + half_log_det(self._unbroadcasted_scale_tril)
        return h if len(self._batch_shape) == 0 else h.expand(self._batch_shape)
