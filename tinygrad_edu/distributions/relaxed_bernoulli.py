"""The relaxed (Concrete, or binary Gumbel-softmax) Bernoulli distribution, as
`torch.distributions.RelaxedBernoulli` and its logit `LogitRelaxedBernoulli`: a continuous stand-in
for a coin flip whose samples are differentiable in the probability (Maddison, Mnih and Teh, "The
Concrete Distribution: A Continuous Relaxation of Discrete Random Variables", 2017; Jang, Gu and
Poole, "Categorical Reparameterization with Gumbel-Softmax", 2017).

With logistic noise L = log u - log(1 - u), u ~ U(0, 1), the logit sample is
Y = (logits + L)/λ for the temperature λ, and the relaxed coin is σ(Y) in (0, 1). As λ -> 0 the
coin tends to a Bernoulli(σ(logits)) one; larger λ smooths it towards 1/2.
"""
from __future__ import annotations

from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .families import BinaryEvent, expand_probs_or_logits, set_probs_or_logits
from .noise import uniform
from .parameters import broadcast_all, clamp_probs
from .transformed_distribution import TransformedDistribution
from .transforms import SigmoidTransform


class LogitRelaxedBernoulli(BinaryEvent, Distribution):
    """The logit of a RelaxedBernoulli: Y = (logits + L)/λ with L standard logistic noise, over
    the real line; give `probs` or `logits`, not both. `temperature` λ is a Tensor, used as given.
    Its density is log λ + (logits - λy) - 2 log(1 + e^(logits - λy)).

    >>> import tinygrad_edu as tg
    >>> d = tg.distributions.relaxed_bernoulli.LogitRelaxedBernoulli(tg.tensor(0.5), probs=tg.tensor([0.2, 0.9]))
    >>> d.rsample((3,)).shape
    (3, 2)
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real

    def __init__(self, temperature: Tensor, probs: Tensor | float | None = None, logits: Tensor | float | None = None,
                 validate_args: bool | None = None) -> None:
        self.temperature = temperature
        super().__init__(set_probs_or_logits(self, probs, logits), validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "LogitRelaxedBernoulli":
        new = self._get_checked_instance(LogitRelaxedBernoulli, _instance)
        new.temperature = self.temperature
        return expand_probs_or_logits(self, new, batch_shape)

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """(log u - log(1 - u) + log p - log(1 - p))/λ, with u ~ U(0, 1) and p both clamped to
        [eps, 1 - eps]; differentiable in p (or logits) and λ."""
        shape = self._extended_shape(sample_shape)
        probs = clamp_probs(self.probs.expand(shape))
        uniforms = clamp_probs(uniform(shape, probs.dtype))
        return (uniforms.log() - (-uniforms).log1p() + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value: Tensor) -> Tensor:
        """log λ + d - 2 log(1 + e^d), d = logits - λy."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value * self.temperature
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class RelaxedTransformed(TransformedDistribution):
    """What the two relaxed distributions share: a transformed base distribution (the logit or
    log form) whose `temperature`, `logits` and `probs` they show as their own."""

    @property
    def temperature(self) -> Tensor:
        return self.base_dist.temperature

    @property
    def logits(self) -> Tensor:
        return self.base_dist.logits

    @property
    def probs(self) -> Tensor:
        return self.base_dist.probs


class RelaxedBernoulli(RelaxedTransformed):
    """RelaxedBernoulli(temperature, probs=None, logits=None): σ of a LogitRelaxedBernoulli, values
    in (0, 1) with reparameterised (differentiable) samples.

    >>> import tinygrad_edu as tg
    >>> d = tg.distributions.RelaxedBernoulli(tg.tensor([2.2]), tg.tensor([0.1, 0.2, 0.3, 0.99]))
    >>> d.batch_shape, d.log_prob(tg.tensor([0.5, 0.5, 0.5, 0.5])).shape
    ((4,), (4,))
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature: Tensor, probs: Tensor | float | None = None, logits: Tensor | float | None = None,
                 validate_args: bool | None = None) -> None:
        base_dist = LogitRelaxedBernoulli(temperature, probs, logits)
        super().__init__(base_dist, SigmoidTransform(), validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "RelaxedBernoulli":
        new = self._get_checked_instance(RelaxedBernoulli, _instance)
        return super().expand(batch_shape, _instance=new)
