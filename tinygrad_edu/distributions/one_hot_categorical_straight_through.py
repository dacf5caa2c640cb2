"""`OneHotCategoricalStraightThrough`, as in `torch.distributions`: a OneHotCategorical whose
`rsample` passes gradients straight through the one-hot sample to the probabilities (Bengio,
Léonard and Courville, "Estimating or Propagating Gradients Through Stochastic Neurons for
Conditional Computation", 2013)."""
from __future__ import annotations

from ..tensor import Tensor
from .categorical import OneHotCategorical


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """rsample = sample + probs - probs.detach(): the value is the one-hot sample, the gradient that
    of probs (a biased but useful estimator).

    >>> import tinygrad_edu as tg
    >>> p = tg.tensor([0.0, 1.0], requires_grad=True)
    >>> tg.distributions.OneHotCategoricalStraightThrough(p).rsample()
    tensor([0., 1.], grad_fn=<AddBackward0>)
    """

    has_rsample = True

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        samples = self.sample(sample_shape)
        probs = self._categorical.probs
        return samples + (probs - probs.detach())
