"""The continuous Bernoulli distribution on [0, 1], as `torch.distributions.ContinuousBernoulli`:
density C(λ) λ^x (1 - λ)^(1-x), the Bernoulli likelihood made a proper density on the interval
(Loaiza-Ganem and Cunningham, "The continuous Bernoulli: fixing a pervasive error in variational
autoencoders", 2019). The normaliser
  C(λ) = 2 artanh(1 - 2λ)/(1 - 2λ) = |log(1 - λ) - log λ| / |1 - 2λ|
is 0/0 at λ = 1/2, so inside `lims` (around 1/2) it and the moments are Taylor polynomials in
λ - 1/2, as PyTorch computes them.
"""
from __future__ import annotations

import math
from numbers import Number

from ..nn.functional import binary_cross_entropy_with_logits
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .families import BinaryEvent, expand_probs_or_logits
from .noise import uniform
from .parameters import broadcast_all, clamp_probs, lazy_property, logits_to_probs


class ContinuousBernoulli(BinaryEvent, ExponentialFamily):
    """CB(λ): give `probs` λ in [0, 1] (clamped to [eps, 1 - eps]) or `logits` log(λ/(1 - λ)), not both.
    rsample is the icdf of uniform noise (differentiable in λ).

    >>> import tinygrad_edu as tg
    >>> tg.distributions.ContinuousBernoulli(tg.tensor([0.2])).mean
    tensor([0.3880])
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, probs: Tensor | float | None = None, logits: Tensor | float | None = None,
                 lims: tuple = (0.499, 0.501), validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            is_scalar = isinstance(probs, Number)
            (self.probs,) = broadcast_all(probs)
            # checked here when asked for, because the clamped probs below would always pass
            if validate_args is not None and not bool(self.arg_constraints["probs"].check(self.probs).all()):
                raise ValueError(f"ContinuousBernoulli: the parameter probs has invalid values (they must lie "
                                 f"in [0, 1]):\n{self.probs}")
            self.probs = clamp_probs(self.probs)
        else:
            is_scalar = isinstance(logits, Number)
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        self._lims = lims
        super().__init__(() if is_scalar else self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "ContinuousBernoulli":
        new = self._get_checked_instance(ContinuousBernoulli, _instance)
        new._lims = self._lims
        batch_shape = tuple(batch_shape)
        return expand_probs_or_logits(self, new, batch_shape)

    @lazy_property
    def probs(self) -> Tensor:
        """σ(logits), clamped to [eps, 1 - eps]."""
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    def _outside_unstable_region(self) -> Tensor:
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self) -> Tensor:
        """λ, with the entries inside lims replaced by lims[0] (whose branch is then discarded)."""
        return where(self._outside_unstable_region(), self.probs, self._lims[0])

    def _cont_bern_log_norm(self) -> Tensor:
        """log C(λ) = log|log(1 - λ) - log λ| - log|1 - 2λ|; near 1/2, log 2 + (4/3 + 104/45 x) x with
        x = (λ - 1/2)²."""
        cut = self._cut_probs()
        below_half = where(cut <= 0.5, cut, 0.0)
        above_half = where(cut >= 0.5, cut, 1.0)
        log_norm = ((-cut).log1p() - cut.log()).abs().log() - where(
            cut <= 0.5, (-2.0 * below_half).log1p(), (2.0 * above_half - 1.0).log())
        x = (self.probs - 0.5).pow(2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self) -> Tensor:
        """λ/(2λ - 1) + 1/(log(1 - λ) - log λ); near 1/2, 1/2 + (1/3 + 16/45 x²) x with x = λ - 1/2."""
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / ((-cut).log1p() - cut.log())
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x.pow(2)) * x
        return where(self._outside_unstable_region(), mus, taylor)

    @property
    def variance(self) -> Tensor:
        """λ(λ - 1)/(1 - 2λ)² + 1/(log(1 - λ) - log λ)²; near 1/2, 1/12 - (1/15 - 128/945 x) x with
        x = (λ - 1/2)²."""
        cut = self._cut_probs()
        variances = cut * (cut - 1.0) / (1.0 - 2.0 * cut).pow(2) + 1.0 / ((-cut).log1p() - cut.log()).pow(2)
        x = (self.probs - 0.5).pow(2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return where(self._outside_unstable_region(), variances, taylor)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        return self.icdf(uniform(self._extended_shape(sample_shape), self.probs.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """x log λ + (1 - x) log(1 - λ) + log C(λ) (the first two as minus the BCE with logits)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none") + self._cont_bern_log_norm()

    def cdf(self, value: Tensor) -> Tensor:
        """(λ^x (1 - λ)^(1-x) + λ - 1)/(2λ - 1); x near λ = 1/2; 0 below 0 and 1 above 1."""
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        cdfs = (cut.pow(value) * (1.0 - cut).pow(1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        unbounded = where(self._outside_unstable_region(), cdfs, value)
        return where(value <= 0.0, 0.0, where(value >= 1.0, 1.0, unbounded))

    def icdf(self, value: Tensor) -> Tensor:
        """(log(1 - λ + u(2λ - 1)) - log(1 - λ))/(log λ - log(1 - λ)); u near λ = 1/2."""
        cut = self._cut_probs()
        inverted = ((-cut + value * (2.0 * cut - 1.0)).log1p() - (-cut).log1p()) / (cut.log() - (-cut).log1p())
        return where(self._outside_unstable_region(), inverted, value)

    def entropy(self) -> Tensor:
        """E[-log p(x)] = mean (log(1 - λ) - log λ) - log C(λ) - log(1 - λ)."""
        log_probs0, log_probs1 = (-self.probs).log1p(), self.probs.log()
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    # ---- as an exponential family (ExponentialFamily): θ and F(θ), as PyTorch's ----------
    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        return (self.logits,)

    def _log_normalizer(self, x):
        """log((e^x - 1)/x), by its Taylor series x/2 + x²/24 - x⁴/2880 near x = 0."""
        outside = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut = where(outside, x, self._lims[0] - 0.5)
        log_norm = cut.expm1().abs().log() - cut.abs().log()
        taylor = 0.5 * x + x.pow(2) / 24.0 - x.pow(4) / 2880.0
        return where(outside, log_norm, taylor)
