"""The standard random numbers that samplers transform (x = loc + scale·eps and the like), drawn
from the framework's generator, so `tg.manual_seed` makes them repeatable. They are numpy's
numbers, not PyTorch's, for the same seed."""
from __future__ import annotations

import numpy as np

from .. import random
from ..tensor import Tensor


def standard_normal(shape: tuple, dtype) -> Tensor:
    """N(0, 1) noise of the given shape and dtype."""
    return Tensor(np.asarray(random.generator().standard_normal(shape), dtype=dtype))


def uniform(shape: tuple, dtype, low: float = 0.0, high: float = 1.0) -> Tensor:
    """U[low, high) noise of the given shape and dtype."""
    return Tensor(np.asarray(random.generator().uniform(low, high, shape), dtype=dtype))


def standard_exponential(shape: tuple, dtype) -> Tensor:
    """Exp(1) noise of the given shape and dtype."""
    return Tensor(np.asarray(random.generator().standard_exponential(shape), dtype=dtype))


def uniform_array(shape: tuple) -> np.ndarray:
    """U[0, 1) float64 numbers, for samplers that compare them with probabilities."""
    return random.generator().random(shape)
