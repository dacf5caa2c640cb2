"""The relaxed one-hot categorical (Concrete, or Gumbel-softmax) distribution, as
`torch.distributions.RelaxedOneHotCategorical`, and its logarithm `ExpRelaxedCategorical`: a
continuous stand-in for a one-hot draw among K categories, on the simplex, whose samples are
differentiable in the probabilities (Maddison, Mnih and Teh, "The Concrete Distribution: A
Continuous Relaxation of Discrete Random Variables", 2017; Jang, Gu and Poole, "Categorical
Reparameterization with Gumbel-Softmax", 2017).

With Gumbel noise G_k = -log(-log u_k), u_k ~ U(0, 1), the sample is softmax((logits + G)/λ) for
the temperature λ; as λ -> 0 it tends to the one-hot vector of argmax(logits + G), which is a
OneHotCategorical(logits) draw (the Gumbel-max trick). ExpRelaxedCategorical is its log, computed
as a log-softmax so that it stays finite at small λ.
"""
from __future__ import annotations

from ..creation import full_like
from ..tensor import Tensor
from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from .noise import uniform
from .parameters import broadcast_all, clamp_probs
from .relaxed_bernoulli import RelaxedTransformed
from .transforms import ExpTransform


class ExpRelaxedCategorical(Distribution):
    """The log of a RelaxedOneHotCategorical sample: (logits + G)/λ minus its logsumexp; give
    `probs` or `logits` (shape batch_shape + (K,)), not both. `temperature` λ is a Tensor.

    >>> import tinygrad_edu as tg
    >>> d = tg.distributions.relaxed_categorical.ExpRelaxedCategorical(tg.tensor(0.5), logits=tg.zeros(3))
    >>> bool((d.rsample().exp().sum() - 1).abs() < 1e-6)   # the exp is a point of the simplex
    True
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.real_vector  # (the values lie on a K-1 dimensional surface in it)
    has_rsample = True

    def __init__(self, temperature: Tensor, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits)
        self.temperature = temperature
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "ExpRelaxedCategorical":
        new = self._get_checked_instance(ExpRelaxedCategorical, _instance)
        batch_shape = tuple(batch_shape)
        new.temperature = self.temperature
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def param_shape(self) -> tuple:
        return self._categorical.param_shape

    @property
    def logits(self) -> Tensor:
        """The normalised log-probabilities."""
        return self._categorical.logits

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """log softmax((logits + G)/λ), G = -log(-log u) with u ~ U(0, 1) clamped to [eps, 1 - eps]."""
        shape = self._extended_shape(sample_shape)
        uniforms = clamp_probs(uniform(shape, self.logits.dtype))
        gumbels = -((-(uniforms.log())).log())
        scores = (self.logits + gumbels) / self.temperature
        return scores - scores.logsumexp(dim=-1, keepdim=True)

    def log_prob(self, value: Tensor) -> Tensor:
        """log Γ(K) + (K - 1) log λ + Σ_k s_k - K logsumexp(s), s = logits - λ·value: the Concrete
        density of Maddison et al. written for the log of the point on the simplex."""
        k = self._categorical._num_events
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_scale = full_like(self.temperature, float(k)).lgamma() - self.temperature.log() * (-(k - 1))
        score = logits - value * self.temperature
        score = (score - score.logsumexp(dim=-1, keepdim=True)).sum(-1)
        return score + log_scale


class RelaxedOneHotCategorical(RelaxedTransformed):
    """RelaxedOneHotCategorical(temperature, probs=None, logits=None): exp of an
    ExpRelaxedCategorical, a point of the simplex with reparameterised (differentiable) samples.

    >>> import tinygrad_edu as tg
    >>> d = tg.distributions.RelaxedOneHotCategorical(tg.tensor([2.2]), tg.tensor([0.1, 0.2, 0.3, 0.4]))
    >>> d.event_shape, d.sample().shape
    ((4,), (4,))
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature: Tensor, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        base_dist = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base_dist, ExpTransform(), validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "RelaxedOneHotCategorical":
        new = self._get_checked_instance(RelaxedOneHotCategorical, _instance)
        return super().expand(batch_shape, _instance=new)
