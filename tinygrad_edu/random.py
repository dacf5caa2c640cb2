"""The framework's one random generator.

Everything random in tinygrad_edu -- `rand`, `randn`, `nn.init`, `F.dropout`, dataset shuffling --
draws from this single `np.random.Generator`, so one `tg.manual_seed(n)` makes a whole run repeatable.
"""
from __future__ import annotations

import numpy as np

_generator: np.random.Generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the framework's random generator and return it.

    >>> import tinygrad_edu as tg
    >>> _ = tg.manual_seed(0)
    """
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"manual_seed: the seed must be an int, got {type(seed).__name__}")
    _generator = np.random.default_rng(int(seed))
    return _generator


def generator() -> np.random.Generator:
    """The generator currently in use (changes when `manual_seed` is called)."""
    return _generator
