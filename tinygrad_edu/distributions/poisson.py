"""The Poisson distribution over counts 0, 1, 2, ..., as `torch.distributions.Poisson`."""
from __future__ import annotations

import numpy as np

from .. import random
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .families import RateDistribution
from .parameters import broadcast_all


def _log_factorial(value: Tensor) -> Tensor:
    """log k! = lgamma(k + 1) of the counts, as a constant (counts are data, not parameters).
    lgamma, not math.lgamma: outside the support (validate_args=False) a negative integer k gives
    lgamma(k + 1) = inf (a pole) as in PyTorch, not a Python "math domain error"."""
    return (value.detach() + 1).lgamma()


class Poisson(RateDistribution, ExponentialFamily):
    """Poisson(rate): P(k) = rate^k e^(-rate) / k!. `log_prob` is differentiable in `rate`; the log k!
    term is a constant (no gradient with respect to the value, which PyTorch would give).

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Poisson(tg.tensor([2.0])).log_prob(tg.tensor([0.0]))
    tensor([-2.])
    """

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer
    _expand_params = ("rate",)

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """Counts (in the rate's float dtype, as PyTorch) of shape sample_shape + batch_shape."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            rate = np.broadcast_to(self.rate.data, shape)
            # (np.asarray: for a 0-d rate numpy returns a Python int)
            return Tensor(np.asarray(random.generator().poisson(rate)).astype(rate.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """k log rate - rate - log k! (0·log 0 = 0, so P(0) = e^(-rate) also at rate 0)."""
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - _log_factorial(value)

    # ---- as an exponential family (ExponentialFamily): θ and F(θ), as PyTorch's ----------
    @property
    def _natural_params(self) -> tuple:
        return (self.rate.log(),)

    def _log_normalizer(self, x):
        return x.exp()
