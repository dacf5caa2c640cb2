"""The Wishart distribution over positive-definite matrices, as `torch.distributions.Wishart`:
W = Σᵢ xᵢ xᵢᵀ for ν independent xᵢ ~ N(0, Σ) when ν is an integer (any real ν > p - 1 is allowed),
with density |W|^((ν-p-1)/2) exp(-tr(Σ⁻¹W)/2) / (2^(νp/2) |Σ|^(ν/2) Γ_p(ν/2)), Γ_p the
multivariate gamma function (Anderson, "An Introduction to Multivariate Statistical Analysis",
3rd ed., 2003).

`rsample` uses the Bartlett decomposition (Bartlett, "On the theory of statistical regression",
1933; Odell and Feiveson, "A numerical procedure to generate a sample covariance matrix", 1966):
W = (L A)(L A)ᵀ with Σ = L Lᵀ and A lower-triangular, A_ii = √c_i for c_i ~ χ²(ν - i) and
N(0, 1) entries below the diagonal. The χ² draws are Gamma ones with implicit reparameterisation
gradients, so a sample is differentiable in ν and in the scale matrix.

As in PyTorch it is an `ExponentialFamily` (θ = (-Σ⁻¹/2, (ν - p - 1)/2)), with its own entropy
formula.
"""
from __future__ import annotations

import math
import warnings
from numbers import Number

import numpy as np

from ..creation import eye
from ..dtype import finfo
from ..linalg import slogdet
from ..linalg.cholesky import cholesky_solve
from ..ops.select import where
from ..special import multigammaln
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .gamma import Chi2
from .multivariate_normal import half_log_det, precision_to_scale_tril
from .noise import standard_normal
from .parameters import lazy_property
from .triangular import cholesky

_LOG_2 = math.log(2)


def _mvdigamma(x: Tensor, p: int) -> Tensor:
    """The multivariate digamma function ψ_p(x) = Σ_{i<p} ψ(x - i/2), the derivative of log Γ_p."""
    if not bool((x > (p - 1) / 2).all()):
        raise AssertionError("Wrong domain for multivariate digamma function.")
    halves = Tensor(np.arange(p, dtype=x.dtype) / 2)
    return (x.unsqueeze(-1) - halves).digamma().sum(-1)


def _chi2_degrees(df: Tensor, p: int, batch_shape: tuple) -> Chi2:
    """χ²(ν - i) for i = 0..p-1, the squared diagonal of Bartlett's A."""
    return Chi2(df=df.unsqueeze(-1) - Tensor(np.arange(p, dtype=df.dtype)).expand(tuple(batch_shape) + (-1,)))


class Wishart(ExponentialFamily):
    """Wishart(df ν, covariance_matrix Σ=None, precision_matrix Σ⁻¹=None, scale_tril L=None): give
    exactly one matrix (..., p, p); ν > p - 1, a number or a tensor that broadcasts with the batch.

    >>> import tinygrad_edu as tg
    >>> w = tg.distributions.Wishart(tg.tensor(4.0), covariance_matrix=tg.eye(2))
    >>> w.mean
    tensor([[4., 0.],
            [0., 4.]])
    """

    support = constraints.positive_definite
    has_rsample = True

    @property
    def arg_constraints(self) -> dict:
        return {"covariance_matrix": constraints.positive_definite,
                "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky,
                "df": constraints.greater_than(self.event_shape[-1] - 1)}

    def __init__(self, df: Tensor | float, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if (covariance_matrix is not None) + (scale_tril is not None) + (precision_matrix is not None) != 1:
            raise AssertionError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        param = next(p for p in (covariance_matrix, precision_matrix, scale_tril) if p is not None)
        if param.dim() < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional leading batch dimensions")
        if isinstance(df, Number):
            batch_shape = tuple(param.shape[:-2])
            self.df = Tensor(np.array(df, dtype=param.dtype))
        else:
            try:
                batch_shape = tuple(np.broadcast_shapes(tuple(param.shape[:-2]), tuple(df.shape)))
            except ValueError:
                raise RuntimeError(f"Wishart: the shape of df {tuple(df.shape)} does not broadcast with the batch "
                                   f"shape {tuple(param.shape[:-2])} of the matrix") from None
            self.df = df.expand(batch_shape)
        event_shape = tuple(param.shape[-2:])
        p = event_shape[-1]
        if bool((self.df <= p - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        if scale_tril is not None:
            self.scale_tril = param.expand(batch_shape + (-1, -1))
        elif covariance_matrix is not None:
            self.covariance_matrix = param.expand(batch_shape + (-1, -1))
        else:
            self.precision_matrix = param.expand(batch_shape + (-1, -1))
        if bool((self.df < p).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < "
                          "ndim.", stacklevel=2)
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        self._batch_dims = [-(x + 1) for x in range(len(self._batch_shape))]
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix, "Wishart")
        else:
            self._unbroadcasted_scale_tril = precision_to_scale_tril(precision_matrix)
        self._dist_chi2 = _chi2_degrees(self.df, p, batch_shape)

    def expand(self, batch_shape: tuple, _instance=None) -> "Wishart":
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = tuple(batch_shape)
        cov_shape = batch_shape + tuple(self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(cov_shape)
        new.df = self.df.expand(batch_shape)
        new._batch_dims = [-(x + 1) for x in range(len(batch_shape))]
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(cov_shape))
        new._dist_chi2 = _chi2_degrees(new.df, self.event_shape[-1], batch_shape)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def scale_tril(self) -> Tensor:
        """L, the lower Cholesky factor of the scale matrix Σ."""
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        """Σ = L Lᵀ, the scale matrix."""
        l = self._unbroadcasted_scale_tril
        return (l @ l.mT).expand(self._batch_shape + self._event_shape)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """Σ⁻¹, solved from L."""
        identity = eye(self._event_shape[-1], dtype=self._unbroadcasted_scale_tril.dtype)
        return cholesky_solve(identity, self._unbroadcasted_scale_tril).expand(self._batch_shape + self._event_shape)

    def _df_as_matrix_factor(self, df: Tensor) -> Tensor:
        return df.reshape(self._batch_shape + (1, 1))

    @property
    def mean(self) -> Tensor:
        """ν Σ."""
        return self._df_as_matrix_factor(self.df) * self.covariance_matrix

    @property
    def mode(self) -> Tensor:
        """(ν - p - 1) Σ where ν > p + 1, NaN elsewhere (the density is then unbounded at 0)."""
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = where(factor <= 0, math.nan, factor)
        return self._df_as_matrix_factor(factor) * self.covariance_matrix

    @property
    def variance(self) -> Tensor:
        """Var W_ij = ν (Σ_ij² + Σ_ii Σ_jj)."""
        v = self.covariance_matrix
        diag_v = v.diagonal(dim1=-2, dim2=-1)
        return self._df_as_matrix_factor(self.df) * (v.pow(2) + diag_v.unsqueeze(-1) * diag_v.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape: tuple = ()) -> Tensor:
        """(L A)(L A)ᵀ with Bartlett's A: √χ²(ν - i) on the diagonal (clamped to eps, as PyTorch),
        N(0, 1) below it."""
        shape = self._extended_shape(sample_shape)
        diagonal = self._dist_chi2.rsample(sample_shape).sqrt().clamp(min=finfo(self.df.dtype).eps)
        below = standard_normal(shape, diagonal.dtype).tril(-1)
        chol = self._unbroadcasted_scale_tril @ (diagonal.diag_embed() + below)
        return chol @ chol.mT

    def rsample(self, sample_shape: tuple = (), max_try_correction: int | None = None) -> Tensor:
        """Wishart matrices of shape sample_shape + batch_shape + (p, p), differentiable in ν and the
        scale matrix. A sample that is numerically singular (likely when ν < p) is drawn again, up to
        `max_try_correction` (default 10) times, with a warning; one that stays singular is returned
        (its log_prob is -inf). (PyTorch 2.13's check is inverted: it redraws every sample once and
        warns "Singular sample detected." on every call; the samples have the same distribution.)"""
        if max_try_correction is None:
            max_try_correction = 10
        sample_shape = tuple(sample_shape)
        sample = self._bartlett_sampling(sample_shape)
        is_singular = ~self._singular_free(sample)
        if bool(is_singular.any()):
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(max_try_correction):
                # redraw every sample index that has a singular matrix somewhere in its batch
                sample = where(is_singular.reshape(is_singular.shape + (1,) * (sample.ndim - is_singular.ndim)),
                               self._bartlett_sampling(sample_shape), sample)
                is_singular = ~self._singular_free(sample)
                if not bool(is_singular.any()):
                    break
        return sample

    def _singular_free(self, sample: Tensor) -> Tensor:
        """A bool per sample index: all matrices of its batch are positive-definite."""
        ok = self.support.check(sample)
        return ok.all(tuple(self._batch_dims)) if self._batch_shape else ok

    def log_prob(self, value: Tensor) -> Tensor:
        """-ν (p log 2 / 2 + log|L|) - log Γ_p(ν/2) + (ν - p - 1)/2 log|W| - tr(Σ⁻¹ W)/2."""
        if self._validate_args:
            self._validate_sample(value)
        nu = self.df
        p = self._event_shape[-1]
        trace = cholesky_solve(value, self._unbroadcasted_scale_tril).diagonal(dim1=-2, dim2=-1).sum(-1)
        return (-nu * (p * _LOG_2 / 2 + half_log_det(self._unbroadcasted_scale_tril))
                - multigammaln(nu / 2, p) + (nu - p - 1) / 2 * slogdet(value).logabsdet - trace / 2)

    def entropy(self) -> Tensor:
        """(p + 1)(p log 2 / 2 + log|L|) + log Γ_p(ν/2) - (ν - p - 1)/2 ψ_p(ν/2) + νp/2."""
        nu = self.df
        p = self._event_shape[-1]
        return ((p + 1) * (p * _LOG_2 / 2 + half_log_det(self._unbroadcasted_scale_tril))
                + multigammaln(nu / 2, p) - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p) + nu * p / 2)

    # ---- as an exponential family (ExponentialFamily): θ and F(θ), as PyTorch's ----------
    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        p = self._event_shape[-1]
        return -self.precision_matrix / 2, (self.df - p - 1) / 2

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        return (y + (p + 1) / 2) * (-slogdet(-2 * x).logabsdet + _LOG_2 * p) + multigammaln(y + (p + 1) / 2, p)
