"""Base classes of the distributions that share a parametrisation, so that their constructor,
mean and mode are written once: a location `loc` (Normal, Laplace, MultivariateNormal), with a
scale (Normal, Laplace), a `rate` (Exponential, Poisson), or the probability of a yes/no
event as `probs` or `logits` (Bernoulli, Binomial, Geometric). PyTorch has no such classes; it
writes these lines out in each distribution.

Each concrete distribution still lists its own `_expand_params` (see `Distribution.expand`), so
that the error about a subclass with its own __init__ names that distribution, as in PyTorch.
"""
from __future__ import annotations

from numbers import Number

from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .parameters import broadcast_all, lazy_property, logits_to_probs, probs_to_logits


class SymmetricAboutLoc(Distribution):
    """A distribution symmetric about `loc` and most likely there, so that its mean and its mode
    are both loc. A subclass sets `self.loc`."""

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc


class LocScale(SymmetricAboutLoc):
    """loc + scale·Z for Z of a fixed distribution symmetric about 0 on the real line (the standard
    normal for Normal, the standard Laplace for Laplace), with loc and scale numbers or tensors that
    broadcast together. Being loc + scale·Z, a sample is differentiable in loc and scale: has_rsample."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Tensor | float, scale: Tensor | float, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        batch_shape = () if isinstance(loc, Number) and isinstance(scale, Number) else self.loc.shape
        super().__init__(batch_shape, validate_args=validate_args)


class RateDistribution(Distribution):
    """A distribution given by the `rate` of a Poisson process, a number or a tensor: Exponential
    (the time between two events) and Poisson (the number of events in unit time)."""

    def __init__(self, rate: Tensor | float, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(() if isinstance(rate, Number) else self.rate.shape, validate_args=validate_args)


class BinaryEvent:
    """The parameters of a yes/no event (Bernoulli, Binomial, Geometric): given `probs` or
    `logits`, the other is computed on first use and kept; `_param` is the one given."""

    @lazy_property
    def logits(self) -> Tensor:
        """log p - log(1 - p), of p clamped to [eps, 1 - eps]."""
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        """σ(logits)."""
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self) -> tuple:
        return self._param.shape


def set_probs_or_logits(self, probs, logits) -> tuple:
    """Keep whichever of `probs` and `logits` is given (exactly one must be) as a tensor, also as
    `_param`; the batch shape it gives: () for a Python number, else its shape."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    name, given = ("probs", probs) if probs is not None else ("logits", logits)
    (param,) = broadcast_all(given)
    setattr(self, name, param)
    self._param = param
    return () if isinstance(given, Number) else param.shape


def expand_probs_or_logits(self, new, batch_shape: tuple):
    """The end of `expand` for a distribution given `probs` or `logits`: `new` gets whichever of
    them `self` holds, expanded to `batch_shape` (the one given becomes `_param`), and the batch
    shape and validation setting. Returns `new`."""
    batch_shape = tuple(batch_shape)
    for name in ("probs", "logits"):
        if name in self.__dict__:
            setattr(new, name, self.__dict__[name].expand(batch_shape))
            new._param = new.__dict__[name]
    Distribution.__init__(new, batch_shape, validate_args=False)
    new._validate_args = self._validate_args
    return new
