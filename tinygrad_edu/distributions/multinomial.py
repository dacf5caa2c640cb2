"""The multinomial distribution (the counts of each of K categories in total_count independent
draws), as `torch.distributions.Multinomial`, given by `probs` or `logits` of one draw."""
from __future__ import annotations

import numpy as np

from ..creation import tensor
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution
from .parameters import broadcast_all


class Multinomial(Distribution):
    """Multinomial(n = total_count, p): P(x) = n!/(x_1!...x_K!) Π p_k^{x_k} for counts x summing to n.
    total_count is one int for the whole batch (as PyTorch); samples are float counts of shape
    sample_shape + batch_shape + (K,). `log_prob` scores any counts by their own sum.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Multinomial(4, tg.tensor([0.25, 0.75])).mean
    tensor([1., 3.])
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count: int = 1, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "Multinomial":
        new = self._get_checked_instance(Multinomial, _instance)
        batch_shape = tuple(batch_shape)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        new._binomial = Binomial(total_count=self.total_count, probs=new.probs, validate_args=False)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def param_shape(self) -> tuple:
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        """n p."""
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        """n p (1 - p) for each category."""
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """total_count Categorical draws per sample, counted per category."""
        shape = self._extended_shape(sample_shape)
        draws = self._categorical.sample((self.total_count,) + tuple(sample_shape)).data  # (n, S, B)
        k = np.arange(shape[-1])
        counts = (draws[..., None] == k).sum(0) if self.total_count else np.zeros(shape)
        return Tensor(counts.astype(self.probs.dtype))

    def entropy(self) -> Tensor:
        """n H(Categorical) - log n! + Σ_k E[log x_k!], with x_k ~ Binomial(n, p_k) (PyTorch's formula)."""
        n = tensor(float(self.total_count), dtype=self.probs.dtype)
        term1 = n * self._categorical.entropy() - (n + 1).lgamma()
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = self._binomial.log_prob(support).exp()
        weights = (support + 1).lgamma()
        return term1 + (binomial_probs * weights).sum((0, -1))

    def log_prob(self, value: Tensor) -> Tensor:
        """log (Σx)! - Σ log x_k! + Σ x_k log p_k (a term with x_k = 0 and p_k = 0 counts 0)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = (value.sum(-1) + 1).lgamma()
        log_factorial_xs = (value + 1).lgamma().sum(-1)
        logits = where((value == 0) & (logits == -float("inf")), tensor(0.0, dtype=logits.dtype), logits)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)
