"""The in-place activations PyTorch lists in `torch.nn.functional`: each is its function with
`inplace=True`, so it overwrites `input` and returns it (not allowed on a leaf that requires grad).

    F.relu_(x)  is  F.relu(x, inplace=True)
"""
from __future__ import annotations

from ...tensor import Tensor
from .activation import relu
from .piecewise import celu, selu
from .pointwise import elu, leaky_relu


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """`F.celu(input, alpha, inplace=True)`."""
    return celu(input, alpha, inplace=True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """`F.elu(input, alpha, inplace=True)`."""
    return elu(input, alpha, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """`F.leaky_relu(input, negative_slope, inplace=True)`."""
    return leaky_relu(input, negative_slope, inplace=True)


def relu_(input: Tensor) -> Tensor:
    """`F.relu(input, inplace=True)`."""
    return relu(input, inplace=True)


def selu_(input: Tensor) -> Tensor:
    """`F.selu(input, inplace=True)`."""
    return selu(input, inplace=True)
