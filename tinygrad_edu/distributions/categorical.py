"""Distributions over K categories: `Categorical` (samples are indices 0..K-1) and
`OneHotCategorical` (samples are one-hot vectors), as in `torch.distributions`."""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import no_grad
from ..creation import arange, eye, full
from ..dtype import finfo, int64
from ..functions_shaping import broadcast_tensors
from ..nn.functional import one_hot
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .noise import uniform_array
from .parameters import lazy_property, logits_to_probs, probs_to_logits


class Categorical(Distribution):
    """P(k) = probs[..., k] for k in 0..K-1; give `probs` (non-negative, normalised here to sum to
    1 along the last dim) or `logits` (unnormalised log-probabilities), not both.
    Samples are int64 indices; the dims before the last are the batch.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Categorical(probs=tg.tensor([1.0, 3.0])).probs
    tensor([0.2500, 0.7500])
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        super().__init__(self._param.shape[:-1], validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "Categorical":
        new = self._get_checked_instance(Categorical, _instance)
        batch_shape = tuple(batch_shape)
        param_shape = batch_shape + (self._num_events,)
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(param_shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(param_shape)
            new._param = new.logits
        new._num_events = self._num_events
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        """The integers 0..K-1."""
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self) -> Tensor:
        """log probs (of probs clamped to [eps, 1 - eps])."""
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        """softmax(logits)."""
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> tuple:
        return self._param.shape

    @property
    def mean(self) -> Tensor:
        """NaN: the categories have no order (as in PyTorch)."""
        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(dim=-1)

    @property
    def variance(self) -> Tensor:
        """NaN, as the mean."""
        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """int64 indices of shape sample_shape + batch_shape, drawn by inverting the CDF: the
        index is the number of cumulative probabilities at or below a uniform number."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            probs = np.asarray(self.probs.data, dtype=np.float64)
            cdf = np.cumsum(probs, axis=-1)
            u = uniform_array(shape)[..., None] * cdf[..., -1:]
            index = (cdf <= u).sum(-1)
            return Tensor(np.minimum(index, self._num_events - 1).astype(np.int64))

    def log_prob(self, value: Tensor) -> Tensor:
        """logits[..., value] (the normalised log-probability of each index)."""
        if self._validate_args:
            self._validate_sample(value)
        index = np.asarray(value.data)
        if index.size and (index.min() < 0 or index.max() >= self._num_events):
            # (also without validate_args: a negative index would otherwise silently count from the end)
            bad = index[(index < 0) | (index >= self._num_events)].flat[0]
            raise IndexError(f"Categorical.log_prob: index {bad} is out of range for {self._num_events} categories "
                             f"(valid: 0 to {self._num_events - 1})")
        value = value.long().unsqueeze(-1)
        value, log_pmf = broadcast_tensors(value, self.logits)
        value = value[..., :1]
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self) -> Tensor:
        """-Σ p log p (a category of p = 0 adds 0)."""
        logits = self.logits.clamp(min=finfo(self.logits.dtype).min)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """0..K-1 (int64) along dim 0, with the batch dims after it."""
        values = arange(self._num_events, dtype=int64).reshape((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + self._batch_shape)
        return values


class OneHotCategorical(Distribution):
    """A Categorical whose samples are one-hot vectors of length K (the event shape is (K,)).

    >>> import tinygrad_edu as tg
    >>> tg.distributions.OneHotCategorical(tg.tensor([0.0, 1.0])).sample()
    tensor([0., 1.])
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "OneHotCategorical":
        new = self._get_checked_instance(OneHotCategorical, _instance)
        batch_shape = tuple(batch_shape)
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def _param(self) -> Tensor:
        return self._categorical._param

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def mean(self) -> Tensor:
        return self._categorical.probs

    @property
    def mode(self) -> Tensor:
        """The one-hot vector of the most likely category."""
        probs = self._categorical.probs
        return one_hot(probs.argmax(dim=-1), num_classes=probs.shape[-1]).to(probs.dtype)

    @property
    def variance(self) -> Tensor:
        """p (1 - p) for each category."""
        return self._categorical.probs * (1 - self._categorical.probs)

    @property
    def param_shape(self) -> tuple:
        return self._categorical.param_shape

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """One-hot vectors (the probabilities' dtype) of shape sample_shape + batch_shape + (K,)."""
        indices = self._categorical.sample(sample_shape)
        return one_hot(indices, self._categorical._num_events).to(self._categorical.probs.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        """The Categorical's log_prob of the index of each one-hot vector."""
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.max(-1)[1])

    def entropy(self) -> Tensor:
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The K one-hot vectors along dim 0, with the batch dims after it."""
        n = self.event_shape[0]
        values = eye(n, dtype=self._param.dtype).reshape((n,) + (1,) * len(self.batch_shape) + (n,))
        if expand:
            values = values.expand((n,) + self.batch_shape + (n,))
        return values
