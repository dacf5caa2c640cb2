"""`WeightedRandomSampler`: indices drawn with probabilities proportional to given weights, the
usual remedy for an unbalanced data set (weight each example by 1 / the size of its class)."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ...creation import as_tensor
from ...sampling import multinomial
from .sampler import Sampler


class WeightedRandomSampler(Sampler):
    """`num_samples` indices of `0 .. len(weights) - 1`, index i drawn with probability
    weights[i] / sum(weights) (the weights need not sum to 1). With `replacement=False` an index is
    drawn at most once; once every index of non-zero weight is drawn, the zero-weight ones follow
    (as `tg.multinomial` and PyTorch do). A new draw on every pass, from `generator` (default: the
    framework's generator). The draws are numpy's, so not PyTorch's for the same seed.

    >>> import tinygrad_edu as tg
    >>> sampler = WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 6, generator=tg.Generator().manual_seed(0))
    >>> len(sampler), set(sampler) <= {1, 3}
    (6, True)
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator=None) -> None:
        # PyTorch accepts only a Python int here (not a bool, not a numpy integer)
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"WeightedRandomSampler: num_samples should be a positive integer value, "
                             f"but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"WeightedRandomSampler: replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        weights_tensor = as_tensor(weights, dtype=np.float64)
        if weights_tensor.ndim != 1:
            raise ValueError(f"WeightedRandomSampler: weights should be a 1d sequence but given weights "
                             f"have shape {tuple(weights_tensor.shape)}")
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        drawn = multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator)
        yield from drawn.tolist()

    def __len__(self) -> int:
        return self.num_samples
