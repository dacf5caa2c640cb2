"""The negative binomial distribution (the number of successes before total_count failures), as
`torch.distributions.NegativeBinomial`, given by `probs` or `logits` of a success."""
from __future__ import annotations

import numpy as np

from .. import random
from ..autograd.grad_mode import no_grad
from ..creation import tensor
from ..nn.functional import logsigmoid
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .families import BinaryEvent, expand_probs_or_logits
from .gamma import Gamma
from .parameters import broadcast_all, lazy_property


class _HalfOpenInterval(constraints.Constraint):
    """[lower_bound, upper_bound) (PyTorch's `constraints.half_open_interval`)."""

    def __init__(self, lower_bound, upper_bound) -> None:
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (self.lower_bound <= value) & (value < self.upper_bound)

    def __repr__(self) -> str:
        return f"HalfOpenInterval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class NegativeBinomial(BinaryEvent, Distribution):
    """NB(r = total_count, p): P(k) = C(k + r - 1, k) p^k (1 - p)^r for k = 0, 1, 2, ... (r > 0 real).
    Give either `probs` (in [0, 1)) or `logits`, not both.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.NegativeBinomial(3.0, tg.tensor([0.5])).mean
    tensor([3.])
    """

    arg_constraints = {"total_count": constraints.greater_than_eq(0), "probs": _HalfOpenInterval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count: Tensor | float, probs: Tensor | float | None = None,
                 logits: Tensor | float | None = None, validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        name = "probs" if probs is not None else "logits"
        total_count, param = broadcast_all(total_count, probs if probs is not None else logits)
        self.total_count = total_count.to(param.dtype)
        setattr(self, name, param)
        self._param = param
        super().__init__(param.shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "NegativeBinomial":
        new = self._get_checked_instance(NegativeBinomial, _instance)
        batch_shape = tuple(batch_shape)
        new.total_count = self.total_count.expand(batch_shape)
        return expand_probs_or_logits(self, new, batch_shape)

    @property
    def mean(self) -> Tensor:
        """r p/(1 - p) = r exp(logits)."""
        return self.total_count * self.logits.exp()

    @property
    def mode(self) -> Tensor:
        """floor((r - 1) p/(1 - p)), at least 0."""
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self) -> Tensor:
        """r p/(1 - p)² = mean/(1 - p)."""
        return self.mean / (-self.logits).sigmoid()

    @lazy_property
    def _gamma(self) -> Gamma:
        """Gamma(r, (1 - p)/p): the Poisson rate whose mixture is NB(r, p). Not validated (r may be 0)."""
        return Gamma(concentration=self.total_count, rate=(-self.logits).exp(), validate_args=False)

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """Poisson(λ) counts with λ ~ Gamma(r, (1 - p)/p), the gamma-Poisson mixture."""
        with no_grad():
            rate = self._gamma.sample(sample_shape).data
            # (np.asarray: for a 0-d rate numpy returns a Python int)
            return Tensor(np.asarray(random.generator().poisson(rate)).astype(rate.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """r log(1 - p) + k log p - log Γ(r + k) + log k! + log Γ(r), with 0 for r + k = 0."""
        if self._validate_args:
            self._validate_sample(value)
        log_unnormalized_prob = self.total_count * logsigmoid(-self.logits) + value * logsigmoid(self.logits)
        log_normalization = (-(self.total_count + value).lgamma() + (1.0 + value).lgamma()
                             + self.total_count.lgamma())
        # r = k = 0 has probability 1, but lgamma(0) is infinite
        zero = tensor(0.0, dtype=log_normalization.dtype)
        log_normalization = where(self.total_count + value == 0.0, zero, log_normalization)
        return log_unnormalized_prob - log_normalization
