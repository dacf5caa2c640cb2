"""Legacy modules that PyTorch keeps for old programs: `nn.NLLLoss2d` and `nn.Container`
(deprecated: they warn, as in PyTorch) and `nn.CrossMapLRN2d` (Lua Torch's cross-channel
local response normalization, with PyTorch's numbers)."""
from __future__ import annotations

import warnings

import numpy as np

from ..tensor import Tensor
from . import functional as F
from .loss import NLLLoss
from .module import Module

_NLLLOSS2D_DEPRECATED = ("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in "
                         "replacement (it takes (N, C, H, W) inputs too).")
_CONTAINER_DEPRECATED = ("`nn.Container` is deprecated. All of its functionality is now implemented in "
                         "`nn.Module`. Subclass that instead.")


class NLLLoss2d(NLLLoss):
    """`nn.NLLLoss` under its old name; creating (or subclassing) it gives PyTorch's FutureWarning."""

    def __init_subclass__(cls, **kwargs) -> None:
        warnings.warn(_NLLLOSS2D_DEPRECATED, FutureWarning, stacklevel=2)
        super().__init_subclass__(**kwargs)

    def __init__(self, weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
                 reduce=None, reduction: str = "mean") -> None:
        warnings.warn(_NLLLOSS2D_DEPRECATED, FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class Container(Module):
    """A `Module` holding the modules given as keyword arguments; deprecated in PyTorch (subclass
    `nn.Module` instead), so creating or subclassing it warns."""

    def __init_subclass__(cls, **kwargs) -> None:
        warnings.warn(_CONTAINER_DEPRECATED, FutureWarning, stacklevel=2)
        super().__init_subclass__(**kwargs)

    def __init__(self, **kwargs: Module) -> None:
        warnings.warn(_CONTAINER_DEPRECATED, FutureWarning, stacklevel=2)
        super().__init__()
        for name, module in kwargs.items():
            self.add_module(name, module)


class CrossMapLRN2d(Module):
    """Cross-channel local response normalization of 4-D (N, C, H, W) input, the legacy form
    of `nn.LocalResponseNorm` (Krizhevsky, Sutskever and Hinton, "ImageNet classification with
    deep convolutional neural networks", 2012):

        y_c = x_c · (k + alpha/size · S_c)^(-beta),  S_c = Σ x_j² over j = c-p+1 .. c+p-1
                                                      (p = (size-1)//2 + 1, clipped to the channels)

    PyTorch 2.13's implementation (a port of Lua Torch's) also keeps channel 0's square in S_c for
    every c >= p, so for C > p its numbers differ from `nn.LocalResponseNorm`'s; this module
    reproduces PyTorch's forward numbers exactly. Its gradient is the exact derivative of that
    forward; PyTorch's hand-written backward is not (it fails torch.autograd.gradcheck unless
    size >= 2 · channels, and raises for size=1), so gradients agree with PyTorch's only where
    PyTorch's pass its own gradcheck.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.CrossMapLRN2d(3, alpha=3.0, beta=1.0)(tg.ones(1, 2, 1, 1)).flatten()  # 1 / (1 + 3/3 · 2)
    tensor([0.3333, 0.3333])
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D instead "
                             f"(shape {input.shape}; it takes (N, C, H, W))")
        channels = input.shape[1]
        reach = (self.size - 1) // 2  # channels on each side of c: p - 1
        squares = input * input
        padded = F.pad(squares.transpose(1, -1), (reach, reach)).transpose(1, -1)  # zeros beyond the edges
        window = padded[:, 0:channels]
        for i in range(1, 2 * reach + 1):
            window = window + padded[:, i:i + channels]
        if channels > reach + 1:  # PyTorch's running sum never drops channel 0 (see the docstring)
            beyond_reach = (np.arange(channels) > reach).astype(input.dtype).reshape(1, channels, 1, 1)
            window = window + squares[:, 0:1] * Tensor(beyond_reach)
        return input * (window * (self.alpha / self.size) + self.k) ** -self.beta

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
