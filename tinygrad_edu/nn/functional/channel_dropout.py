"""Dropout that zeroes whole channels (dropout1d/2d/3d, feature_alpha_dropout) and alpha dropout,
PyTorch's variants of F.dropout.

    dropout2d(x)      = x · m / (1 - p),  m ~ Bernoulli(1 - p) of shape (N, C, 1, 1): one draw per channel
    alpha_dropout(x)  = a · (x · m + α'(1 - m)) + b,  α' = -scale·α of selu,
                        a = ((1 - p)(1 + p α'²))^(-1/2),  b = -a α' p
                        (mean 0 and variance 1 are kept, so selu nets stay normalised:
                        Klambauer et al., "Self-normalizing neural networks", 2017)

Channel dropout follows Tompson et al., "Efficient object localization using convolutional
networks", 2015: neighbouring pixels are correlated, so dropping single ones barely regularises.
The masks come from the framework's generator (`tg.manual_seed`). Each result is the input times
(and plus) constants, so it differentiates like `x * mask`.
"""
from __future__ import annotations

import warnings

import numpy as np

from ...random import generator
from ...tensor import Tensor
from .checks import ArgumentDtypeError, check_tensor

_ALPHA_PRIME = 1.7580993408473766  # scale · α of selu: selu's value at -∞ is -α'


def _check_p(p, op: str) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, got {p!r}")


def _masked(input: Tensor, p: float, training: bool, inplace: bool, mask_shape, alpha: bool, op: str) -> Tensor:
    """input · keep / (1 - p), or alpha dropout's affine version, with keep of shape mask_shape."""
    _check_p(p, op)
    check_tensor(input, op)
    if not training or p == 0 or input.numel() == 0:
        return input
    if input.data.dtype.kind != "f":
        raise ArgumentDtypeError(f"{op}: needs a floating point tensor, got dtype {input.dtype}")
    dtype = input.data.dtype
    if p == 1:  # (PyTorch: all zeros, also for alpha dropout)
        scale, shift = np.zeros(mask_shape, dtype), np.zeros((), dtype)
    else:
        keep = (generator().random(mask_shape) >= p).astype(dtype)
        if alpha:
            a = 1 / np.sqrt((_ALPHA_PRIME ** 2 * p + 1) * (1 - p))
            scale = (keep * a).astype(dtype)
            shift = ((keep - 1) * _ALPHA_PRIME * a + _ALPHA_PRIME * a * p).astype(dtype)
        else:
            scale, shift = (keep / (1 - p)).astype(dtype), None

    def compute(x: Tensor) -> Tensor:
        y = x * Tensor._make(scale, None, False)
        return y if shift is None else y + Tensor._make(shift, None, False)

    return input._in_place(op + "_", compute) if inplace else compute(input)


def _channel_mask_shape(input: Tensor, spatial: int, op: str) -> tuple:
    """The shape of the mask, one draw per channel: (N, C, 1, ...) -- or (C, 1, ...) for an input
    without a batch axis -- with PyTorch's rules and warnings for other ranks (dropout2d takes a
    3-D input as (N, C, L) and never adds a batch axis; dropout3d takes anything but 5-D as unbatched)."""
    check_tensor(input, op)
    n = input.ndim
    if spatial == 1 and n not in (2, 3):
        raise RuntimeError(f"{op}: expected a 2D (C, L) or 3D (N, C, L) input, got a {n}D input of shape "
                           f"{input.shape}")
    if spatial > 1 and n not in (spatial + 1, spatial + 2):
        warnings.warn(f"{op}: Received a {n}-D input to {op}, which is deprecated and will result in an "
                      f"error in a future release. To retain the behavior and silence this warning, please "
                      f"use dropout instead. Note that {op} exists to provide channel-wise dropout on inputs "
                      f"with {spatial} spatial dimensions, a channel dimension, and an optional batch "
                      f"dimension (i.e. {spatial + 1}D or {spatial + 2}D inputs).", UserWarning, stacklevel=4)
    if spatial == 2:
        if n == 3:
            warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                          "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
                          "dim. This behavior will change in a future release to interpret the input as one "
                          "without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise "
                          "dropout behavior, please switch to using dropout1d instead.", UserWarning, stacklevel=4)
        batched = True
    else:
        batched = n == spatial + 2
    shape = input.shape if batched else (1,) + input.shape
    if len(shape) < 2:
        raise RuntimeError(f"{op}: the input of shape {input.shape} has no channel axis (needs at least 2 dims)")
    mask = shape[:2] + (1,) * (len(shape) - 2)
    return mask if batched else mask[1:]


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) with probability p, scale the rest by 1/(1-p)."""
    _check_p(p, "dropout1d")
    return _masked(input, p, training, inplace, _channel_mask_shape(input, 1, "dropout1d"), False, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) or (C, H, W) with probability p, scale the rest by
    1/(1-p). A 3-D input is taken as (N, C, L), with PyTorch's warning.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> y = F.dropout2d(tg.ones(1, 8, 2, 2), 0.5)
    >>> sorted(set(y.sum((2, 3)).flatten().tolist())) in ([0.0, 8.0], [0.0], [8.0])
    True
    """
    _check_p(p, "dropout2d")
    return _masked(input, p, training, inplace, _channel_mask_shape(input, 2, "dropout2d"), False, "dropout2d")


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) with probability p, scale the rest by 1/(1-p)."""
    _check_p(p, "dropout3d")
    return _masked(input, p, training, inplace, _channel_mask_shape(input, 3, "dropout3d"), False, "dropout3d")


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for selu networks: dropped elements are set to selu's negative limit -α' and the
    result is rescaled so that mean 0 and variance 1 are kept. Identity unless training (note
    PyTorch's default training=False here)."""
    _check_p(p, "alpha_dropout")
    return _masked(input, p, training, inplace, input.shape if isinstance(input, Tensor) else (), True,
                   "alpha_dropout")


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """alpha_dropout with one draw per channel (dim 1), as dropout2d is to dropout."""
    _check_p(p, "feature_alpha_dropout")
    check_tensor(input, "feature_alpha_dropout")
    if input.ndim < 2 and training and p != 0 and input.numel():  # (not training: the identity, as PyTorch)
        raise RuntimeError(f"feature_alpha_dropout: the input of shape {input.shape} has no channel axis "
                           f"(needs at least 2 dims)")
    shape = input.shape[:2] + (1,) * (input.ndim - 2)
    return _masked(input, p, training, inplace, shape, True, "feature_alpha_dropout")
