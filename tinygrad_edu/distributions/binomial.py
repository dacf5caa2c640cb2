"""The binomial distribution (the number of successes in total_count independent trials), as
`torch.distributions.Binomial`, given by `probs` or by `logits` (log-odds) of one trial."""
from __future__ import annotations

import numpy as np

from .. import random
from ..autograd.grad_mode import no_grad
from ..creation import arange
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .families import BinaryEvent, expand_probs_or_logits
from .parameters import broadcast_all


def _clamp_by_zero(x: Tensor) -> Tensor:
    """max(x, 0) with derivative 1/2 at 0 (as PyTorch, so the gradient at logits 0 matches)."""
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(BinaryEvent, Distribution):
    """Binomial(n = total_count, p): P(k) = C(n, k) p^k (1 - p)^(n-k), k = 0..n. Give either `probs`
    or `logits`, not both; total_count (an int or a tensor) takes the parameter's dtype.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Binomial(10, tg.tensor([0.5])).mean
    tensor([5.])
    """

    arg_constraints = {"total_count": constraints.nonnegative_integer, "probs": constraints.unit_interval,
                       "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count: Tensor | int = 1, probs: Tensor | float | None = None,
                 logits: Tensor | float | None = None, validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            self.total_count, self.probs = broadcast_all(total_count, probs)
            self.total_count = self.total_count.to(self.probs.dtype)
            self._param = self.probs
        else:
            self.total_count, self.logits = broadcast_all(total_count, logits)
            self.total_count = self.total_count.to(self.logits.dtype)
            self._param = self.logits
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "Binomial":
        new = self._get_checked_instance(Binomial, _instance)
        batch_shape = tuple(batch_shape)
        new.total_count = self.total_count.expand(batch_shape)
        return expand_probs_or_logits(self, new, batch_shape)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        """The integers 0..total_count."""
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self) -> Tensor:
        """n p."""
        return self.total_count * self.probs

    @property
    def mode(self) -> Tensor:
        """floor((n + 1) p), at most n."""
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self) -> Tensor:
        """n p (1 - p)."""
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """Counts (in the parameters' float dtype, as PyTorch) of shape sample_shape + batch_shape."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            n = np.broadcast_to(self.total_count.data, shape)
            p = np.broadcast_to(self.probs.data, shape)
            # (np.asarray: for 0-d parameters numpy returns a Python int)
            return Tensor(np.asarray(random.generator().binomial(n.astype(np.int64), p)).astype(p.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """log C(n, k) + k·logits - n log(1 + exp(logits)), the last written stably as
        n (max(logits, 0) + log(1 + exp(-|logits|)))."""
        if self._validate_args:
            self._validate_sample(value)
        log_factorial_n = (self.total_count + 1).lgamma()
        log_factorial_k = (value + 1).lgamma()
        log_factorial_nmk = (self.total_count - value + 1).lgamma()
        normalize_term = (self.total_count * _clamp_by_zero(self.logits)
                          + self.total_count * (-self.logits.abs()).exp().log1p() - log_factorial_n)
        return value * self.logits - log_factorial_k - log_factorial_nmk - normalize_term

    def _homogeneous_total_count(self, what: str) -> int:
        total_count = int(self.total_count.max())
        if not self.total_count.min() == total_count:
            raise NotImplementedError(f"Inhomogeneous total count not supported by `{what}`.")
        return total_count

    def entropy(self) -> Tensor:
        """-Σ_k P(k) log P(k) over k = 0..n (one total_count for the whole batch, as PyTorch)."""
        self._homogeneous_total_count("entropy")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """0, 1, ..., n along dim 0, with the batch dims after it (one total_count for the batch)."""
        total_count = self._homogeneous_total_count("enumerate_support")
        values = arange(1 + total_count, dtype=self._param.dtype).reshape((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values
