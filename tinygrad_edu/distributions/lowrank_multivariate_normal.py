"""The multivariate normal with a low-rank-plus-diagonal covariance Σ = W Wᵀ + D, as
`torch.distributions.LowRankMultivariateNormal`: W (n, m) with m << n, D = diag(cov_diag).

Nothing n × n is factored: with the m × m capacitance matrix C = I + Wᵀ D⁻¹ W,
  the Woodbury identity     Σ⁻¹ = D⁻¹ - D⁻¹ W C⁻¹ Wᵀ D⁻¹,
  the determinant lemma     log det Σ = log det C + log det D
(Woodbury, "Inverting Modified Matrices", 1950; Harville, "Matrix Algebra From a Statistician's
Perspective", 1997, Theorem 18.1.1).
"""
from __future__ import annotations

import math

from ..creation import eye
from ..functions_shaping import broadcast_tensors, diag_embed
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .families import SymmetricAboutLoc
from .multivariate_normal import batch_mahalanobis, half_log_det
from .noise import standard_normal
from .parameters import lazy_property
from .triangular import cholesky, solve_lower


def _capacitance_tril(w: Tensor, d: Tensor) -> Tensor:
    """The Cholesky factor of C = I + Wᵀ D⁻¹ W."""
    m = w.shape[-1]
    return cholesky((w.mT / d.unsqueeze(-2)) @ w + eye(m, dtype=w.dtype), "LowRankMultivariateNormal")


def _lowrank_logdet(w: Tensor, d: Tensor, capacitance_tril: Tensor) -> Tensor:
    """log det(W Wᵀ + D) = log det C + Σ log D_i."""
    return 2 * half_log_det(capacitance_tril) + d.log().sum(-1)


def _lowrank_mahalanobis(w: Tensor, d: Tensor, x: Tensor, capacitance_tril: Tensor) -> Tensor:
    """xᵀ (W Wᵀ + D)⁻¹ x = Σ x_i²/D_i - |L_C⁻¹ Wᵀ D⁻¹ x|² (Woodbury)."""
    wt_dinv_x = ((w.mT / d.unsqueeze(-2)) @ x.unsqueeze(-1)).squeeze(-1)
    return (x.pow(2) / d).sum(-1) - batch_mahalanobis(capacitance_tril, wt_dinv_x)


class LowRankMultivariateNormal(SymmetricAboutLoc):
    """N(loc, W Wᵀ + diag(cov_diag)) over vectors of length n = loc.shape[-1], with
    cov_factor W of shape (..., n, m) and cov_diag (..., n) positive.

    >>> import tinygrad_edu as tg
    >>> d = tg.distributions.LowRankMultivariateNormal(tg.zeros(2), tg.tensor([[1.0], [0.0]]), tg.ones(2))
    >>> d.variance
    tensor([2., 1.])
    """

    arg_constraints = {"loc": constraints.real_vector, "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, cov_factor: Tensor, cov_diag: Tensor, validate_args: bool | None = None) -> None:
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event_shape = tuple(loc.shape[-1:])
        if cov_factor.dim() < 2:
            raise ValueError("cov_factor must be at least two-dimensional, with optional leading batch dimensions")
        if tuple(cov_factor.shape[-2:-1]) != event_shape:
            raise ValueError(f"cov_factor must be a batch of matrices with shape {event_shape[0]} x m "
                             f"(got shape {tuple(cov_factor.shape)})")
        if tuple(cov_diag.shape[-1:]) != event_shape:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {event_shape} "
                             f"(got shape {tuple(cov_diag.shape)})")
        try:
            loc_, self.cov_factor, cov_diag_ = broadcast_tensors(loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1))
        except (RuntimeError, ValueError) as e:
            raise ValueError(f"Incompatible batch shapes: loc {tuple(loc.shape)}, cov_factor "
                             f"{tuple(cov_factor.shape)}, cov_diag {tuple(cov_diag.shape)}") from e
        self.loc = loc_[..., 0]
        self.cov_diag = cov_diag_[..., 0]
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        self._capacitance_tril = _capacitance_tril(cov_factor, cov_diag)
        super().__init__(self.loc.shape[:-1], event_shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "LowRankMultivariateNormal":
        new = self._get_checked_instance(LowRankMultivariateNormal, _instance)
        batch_shape = tuple(batch_shape)
        loc_shape = batch_shape + tuple(self.event_shape)
        new.loc = self.loc.expand(loc_shape)
        new.cov_diag = self.cov_diag.expand(loc_shape)
        new.cov_factor = self.cov_factor.expand(loc_shape + tuple(self.cov_factor.shape[-1:]))
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self) -> tuple:
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    @lazy_property
    def variance(self) -> Tensor:
        """diag Σ = Σ_j W_ij² + D_i."""
        return (self._unbroadcasted_cov_factor.pow(2).sum(-1) + self._unbroadcasted_cov_diag).expand(
            tuple(self._batch_shape) + tuple(self._event_shape))

    @lazy_property
    def scale_tril(self) -> Tensor:
        """The Cholesky factor of Σ, as D^½ chol(I + D^-½ W Wᵀ D^-½) (a matrix with eigenvalues >= 1,
        well conditioned; Rasmussen and Williams, "Gaussian Processes for Machine Learning", 2006, 3.4.3)."""
        n = self._event_shape[0]
        d_sqrt = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        dinvsqrt_w = self._unbroadcasted_cov_factor / d_sqrt
        k = dinvsqrt_w @ dinvsqrt_w.mT + eye(n, dtype=self.loc.dtype)
        return (d_sqrt * cholesky(k, "LowRankMultivariateNormal")).expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        """W Wᵀ + diag(D)."""
        w = self._unbroadcasted_cov_factor
        return (w @ w.mT + diag_embed(self._unbroadcasted_cov_diag)).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """D⁻¹ - Aᵀ A with A = L_C⁻¹ Wᵀ D⁻¹ (Woodbury)."""
        wt_dinv = self._unbroadcasted_cov_factor.mT / self._unbroadcasted_cov_diag.unsqueeze(-2)
        a = solve_lower(self._capacitance_tril, wt_dinv)
        return (diag_embed(self._unbroadcasted_cov_diag.reciprocal()) - a.mT @ a).expand(self._matrix_shape())

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """loc + W eps_W + √D eps_D, eps_W ~ N(0, I_m), eps_D ~ N(0, I_n)."""
        shape = self._extended_shape(sample_shape)
        eps_w = standard_normal(tuple(shape[:-1]) + tuple(self.cov_factor.shape[-1:]), self.loc.dtype)
        eps_d = standard_normal(shape, self.loc.dtype)
        return (self.loc + (self._unbroadcasted_cov_factor @ eps_w.unsqueeze(-1)).squeeze(-1)
                + self._unbroadcasted_cov_diag.sqrt() * eps_d)

    def _log_det(self) -> Tensor:
        return _lowrank_logdet(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag, self._capacitance_tril)

    def log_prob(self, value: Tensor) -> Tensor:
        """-(n log 2π + log det Σ + (x - loc)ᵀ Σ⁻¹ (x - loc))/2."""
        if self._validate_args:
            self._validate_sample(value)
        m = _lowrank_mahalanobis(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag, value - self.loc,
                                 self._capacitance_tril)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + self._log_det() + m)

    def entropy(self) -> Tensor:
        """(n (1 + log 2π) + log det Σ)/2."""
        h = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._log_det())
        return h if len(self._batch_shape) == 0 else h.expand(self._batch_shape)
