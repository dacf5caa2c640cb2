"""`Distribution`, the base class of every distribution, as `torch.distributions.Distribution`.

Shapes: a distribution holds a batch of independent distributions (`batch_shape`), each over
events of `event_shape`; `sample(sample_shape)` has shape sample_shape + batch_shape + event_shape,
and `log_prob(value)` one number per event. `sample` draws without gradient; `rsample` (where
`has_rsample`) draws as a differentiable function of the parameters and of parameter-free noise,
the reparameterisation trick (Kingma and Welling, "Auto-Encoding Variational Bayes", 2014).

With `validate_args` (on by default, as in PyTorch; `Distribution.set_default_validate_args(False)`
turns it off) the parameters are checked against `arg_constraints` when the distribution is made,
and the values given to `log_prob`/`cdf` against `support`; a failed check raises ValueError.
"""
from __future__ import annotations

import warnings

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from ..tensor_types import Size
from . import constraints
from .parameters import lazy_property


class Distribution:
    """The abstract base class of probability distributions."""

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for every distribution made afterwards without an
        explicit `validate_args`."""
        if value not in [True, False]:
            raise ValueError(f"set_default_validate_args: value must be True or False, got {value!r}")
        Distribution._validate_args = value

    def __init__(self, batch_shape: tuple = (), event_shape: tuple = (), validate_args: bool | None = None) -> None:
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            try:
                arg_constraints = self.arg_constraints
            except NotImplementedError:
                arg_constraints = {}
                warnings.warn(f"{self.__class__} does not define `arg_constraints`. Please set `arg_constraints = "
                              "{}` or initialize the distribution with `validate_args=False` to turn off validation.",
                              stacklevel=2)
            for param, constraint in arg_constraints.items():
                if constraints.is_dependent(constraint):
                    continue
                if param not in self.__dict__ and isinstance(getattr(type(self), param, None), lazy_property):
                    continue  # derived from another parameter, which was checked
                value = getattr(self, param)
                if not bool(constraint.check(value).all()):
                    raise ValueError(
                        f"Expected parameter {param} ({type(value).__name__} of shape {tuple(value.shape)}) of "
                        f"distribution {self!r} to satisfy the constraint {constraint!r}, but found invalid "
                        f"values:\n{value}")

    # The parameters that `expand` broadcasts to a new batch shape. A distribution whose state is
    # just parameters of shape batch_shape lists them here and inherits `expand` (PyTorch writes it
    # out in every class); one with more state (event dims, lazy parameters) overrides `expand`.
    _expand_params: tuple = ()

    def expand(self, batch_shape: tuple, _instance=None) -> "Distribution":
        """A new distribution of the same kind with its parameters expanded to `batch_shape`."""
        if not self._expand_params:
            raise NotImplementedError
        # the class that lists the parameters; a subclass with another __init__ may set more state
        owner = next(cls for cls in type(self).__mro__ if "_expand_params" in vars(cls))
        new = self._get_checked_instance(owner, _instance)
        batch_shape = tuple(batch_shape)
        for name in self._expand_params:
            setattr(new, name, getattr(self, name).expand(batch_shape))
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def batch_shape(self) -> tuple:
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self) -> tuple:
        """The shape of a single sample (without batching)."""
        return self._event_shape

    @property
    def arg_constraints(self) -> dict:
        """The constraint each parameter must satisfy, by name."""
        raise NotImplementedError

    @property
    def support(self):
        """The constraint that the values of the distribution satisfy."""
        raise NotImplementedError

    @property
    def mean(self) -> Tensor:
        """The mean of the distribution."""
        raise NotImplementedError

    @property
    def mode(self) -> Tensor:
        """The mode (most likely value) of the distribution."""
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self) -> Tensor:
        """The variance of the distribution."""
        raise NotImplementedError

    @property
    def stddev(self) -> Tensor:
        """The standard deviation: the square root of the variance."""
        return self.variance.sqrt()

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """A sample of shape sample_shape + batch_shape + event_shape, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """A reparameterised sample: differentiable with respect to the parameters."""
        raise NotImplementedError(f"{self.__class__.__name__} has no rsample (has_rsample is False): it cannot "
                                  "be sampled as a differentiable function of its parameters")

    def sample_n(self, n: int) -> Tensor:
        """n samples (deprecated in PyTorch: use sample((n,)))."""
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.", FutureWarning, stacklevel=2)
        return self.sample((n,))

    def log_prob(self, value: Tensor) -> Tensor:
        """The log of the probability density (or mass) function at `value`."""
        raise NotImplementedError

    def cdf(self, value: Tensor) -> Tensor:
        """The cumulative distribution function at `value`."""
        raise NotImplementedError

    def icdf(self, value: Tensor) -> Tensor:
        """The inverse of the cumulative distribution function at `value`."""
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """All values of a discrete distribution, along dim 0."""
        raise NotImplementedError

    def entropy(self) -> Tensor:
        """The entropy, one number per distribution of the batch."""
        raise NotImplementedError

    def perplexity(self) -> Tensor:
        """exp(entropy)."""
        return self.entropy().exp()

    def _extended_shape(self, sample_shape: tuple = ()) -> tuple:
        """sample_shape + batch_shape + event_shape."""
        if isinstance(sample_shape, int):
            raise TypeError(f"sample_shape must be a tuple of ints such as ({sample_shape},), got the int "
                            f"{sample_shape}")
        return Size(tuple(int(n) for n in sample_shape) + self._batch_shape + self._event_shape)

    def _validate_sample(self, value: Tensor, support=None) -> None:
        """Check that `value` has the event shape, broadcasts with the batch, and lies in the support
        (or in `support` when given: a cdf is also defined at the closed edge of an open support)."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        shape = tuple(value.shape)
        start = len(shape) - len(self._event_shape)
        if shape[start:] != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: {Size(shape)!r} vs "
                             f"{self._event_shape!r}.")
        expected = self._batch_shape + self._event_shape
        for i, j in zip(reversed(shape), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: {Size(shape)!r} vs "
                                 f"{Size(expected)!r}.")
        try:
            support = self.support if support is None else support
        except NotImplementedError:
            warnings.warn(f"{self.__class__} does not define `support` to enable sample validation. Please "
                          "initialize the distribution with `validate_args=False` to turn off validation.",
                          stacklevel=2)
            return
        if not bool(support.check(value).all()):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape {shape}) to be within the "
                             f"support ({support!r}) of the distribution {self!r}, but found invalid values:\n"
                             f"{value}")

    def _get_checked_instance(self, cls, _instance=None):
        """A blank instance for `expand` (a subclass with its own __init__ must define expand)."""
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom "
                                      "__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def __repr__(self) -> str:
        try:
            names = [k for k in self.arg_constraints if k in self.__dict__]
        except NotImplementedError:
            names = []
        parts = []
        for name in names:
            value = self.__dict__[name]
            shown = f"{value}" if value.numel() == 1 else repr(Size(value.shape))  # (f"{t}" of a 0-d t: its number)
            parts.append(f"{name}: {shown}")
        return self.__class__.__name__ + "(" + ", ".join(parts) + ")"
