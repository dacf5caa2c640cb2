"""The geometric distribution (the number of failures before the first success), as
`torch.distributions.Geometric`, given by `probs` or by `logits` of one trial."""
from __future__ import annotations

from numbers import Number

import numpy as np

from ..autograd.grad_mode import no_grad
from ..creation import zeros_like
from ..dtype import finfo
from ..nn.functional import binary_cross_entropy_with_logits
from ..ops.select import where
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .families import BinaryEvent, expand_probs_or_logits
from .noise import uniform_array
from .parameters import broadcast_all


class Geometric(BinaryEvent, Distribution):
    """Geometric(p): P(k) = (1 - p)^k p for k = 0, 1, 2, ... Give either `probs` (in (0, 1]) or
    `logits`, not both.

    >>> import tinygrad_edu as tg
    >>> tg.distributions.Geometric(tg.tensor([0.25])).mean
    tensor([3.])
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs: Tensor | float | None = None, logits: Tensor | float | None = None,
                 validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        given = probs if probs is not None else logits
        super().__init__(() if isinstance(given, Number) else given.shape, validate_args=validate_args)
        if self._validate_args and probs is not None:
            valid = self.probs > 0
            if not bool(valid.all()):
                raise ValueError(f"Expected parameter probs ({type(self.probs).__name__} of shape "
                                 f"{tuple(self.probs.shape)}) of distribution {self!r} to be positive but found "
                                 f"invalid values:\n{self.probs.data[~valid.data]}")

    def expand(self, batch_shape: tuple, _instance=None) -> "Geometric":
        return expand_probs_or_logits(self, self._get_checked_instance(Geometric, _instance), batch_shape)

    @property
    def mean(self) -> Tensor:
        """1/p - 1."""
        return 1.0 / self.probs - 1.0

    @property
    def mode(self) -> Tensor:
        return zeros_like(self.probs)

    @property
    def variance(self) -> Tensor:
        """(1/p - 1)/p."""
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """floor(log u / log(1 - p)), u ~ U(tiny, 1) (the inverse CDF), in the parameter's float dtype."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            probs = np.broadcast_to(self.probs.data, shape)
            u = np.maximum(uniform_array(shape).astype(probs.dtype), finfo(probs.dtype).tiny)
            with np.errstate(divide="ignore"):
                return Tensor(np.floor(np.log(u) / np.log1p(-probs)).astype(probs.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """k log(1 - p) + log p, with 0·log 0 = 0 where p = 1 and k = 0."""
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        probs = where((probs == 1) & (value == 0), zeros_like(probs), probs)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self) -> Tensor:
        """(-p log p - (1 - p) log(1 - p)) / p."""
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none") / self.probs
