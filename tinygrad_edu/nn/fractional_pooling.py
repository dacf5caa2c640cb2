"""`nn.FractionalMaxPool2d` and `nn.FractionalMaxPool3d`: the module forms of
F.fractional_max_pool2d/3d (Graham, "Fractional Max-Pooling", 2014), with PyTorch's arguments,
checks, attributes and repr. A `_random_samples` tensor given here is a buffer (in state_dict)
and fixes the windows for every call; without it each call draws new ones."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from . import functional as F
from .module import Module


def _ntuple(value, n: int) -> tuple:
    """PyTorch's _pair/_triple: a sequence as a tuple, anything else repeated n times."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _FractionalMaxPoolNd(Module):
    dims = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices: bool = False,
                 _random_samples: Tensor | None = None) -> None:
        super().__init__()
        name = type(self).__name__
        if self.dims == 3 and any(isinstance(k, (int, np.integer)) and k <= 0
                                  for k in _ntuple(kernel_size, 3)):
            raise ValueError(f"kernel_size must be greater than 0, but got {kernel_size}")
        self.kernel_size = _ntuple(kernel_size, self.dims)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _ntuple(output_size, self.dims) if output_size is not None else None
        self.output_ratio = _ntuple(output_ratio, self.dims) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio[:self.dims]):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor):
        pool = F.fractional_max_pool2d if self.dims == 2 else F.fractional_max_pool3d
        return pool(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
                    _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, H, W) or (C, H, W) to `output_size` or to
    ⌊output_ratio·(H, W)⌋ (exactly one of the two), with kernel_size windows at pseudo-random
    places (F.fractional_max_pool2d).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> pool = nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.5))
    >>> pool(tg.randn(2, 4, 50, 32)).shape
    (2, 4, 25, 16)
    """

    dims = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W) (F.fractional_max_pool3d)."""

    dims = 3
