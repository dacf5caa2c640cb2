"""The Bernoulli distribution (a coin that shows 1 with probability p), as
`torch.distributions.Bernoulli`, given by `probs` or by `logits` (log-odds)."""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import no_grad
from ..creation import arange
from ..nn.functional import binary_cross_entropy_with_logits
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .families import BinaryEvent, expand_probs_or_logits, set_probs_or_logits
from .noise import uniform_array
from .parameters import broadcast_all


class Bernoulli(BinaryEvent, ExponentialFamily):
    """P(1) = p, P(0) = 1 - p; give either `probs` (p) or `logits` (log p/(1 - p)), not both.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Bernoulli(logits=tg.tensor([0.0])).probs
    tensor([0.5000])
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs: Tensor | float | None = None, logits: Tensor | float | None = None,
                 validate_args: bool | None = None) -> None:
        super().__init__(set_probs_or_logits(self, probs, logits), validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "Bernoulli":
        return expand_probs_or_logits(self, self._get_checked_instance(Bernoulli, _instance), batch_shape)

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        """1 where p > 1/2, 0 where p < 1/2, NaN at p = 1/2 (both are modes)."""
        probs = self.probs.detach()
        mode = (probs >= 0.5).to(probs.dtype)
        return where(probs == 0.5, Tensor(np.array(np.nan, dtype=probs.dtype)), mode)

    @property
    def variance(self) -> Tensor:
        """p (1 - p)."""
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """0s and 1s (in the parameters' float dtype), 1 with probability p; no gradient."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            probs = np.broadcast_to(self.probs.data, shape)
            return Tensor((uniform_array(shape) < probs).astype(probs.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """x log p + (1 - x) log(1 - p), computed from the logits as -BCEWithLogits(logits, x)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self) -> Tensor:
        """-p log p - (1 - p) log(1 - p)."""
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """[0, 1] along dim 0, with the batch dims after it."""
        values = arange(2, dtype=self._param.dtype).reshape((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + self._batch_shape)
        return values

    # ---- as an exponential family (ExponentialFamily): θ and F(θ), as PyTorch's ----------
    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        return (self.probs.logit(),)

    def _log_normalizer(self, x):
        return x.exp().log1p()
