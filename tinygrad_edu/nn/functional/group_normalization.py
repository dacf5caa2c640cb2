"""Normalization over other groups of values than layer_norm's and batch_norm's:

    group_norm     (Wu & He, "Group normalization", 2018): the channels of each sample split into
                   num_groups groups; E and Var over each group (its channels and positions).
    instance_norm  (Ulyanov, Vedaldi & Lempitsky, "Instance normalization", 2016): E and Var over
                   the positions of each channel of each sample (group_norm with one channel a
                   group), optionally with running averages as batch_norm keeps them.
    rms_norm       (Zhang & Sennrich, "Root mean square layer normalization", 2019):
                   x / sqrt(mean(x²) + eps) over the last dims, no centering.
    local_response_norm  (Krizhevsky, Sutskever & Hinton, "ImageNet classification with deep
                   convolutional neural networks", 2012): x / (k + alpha · mean of x² over `size`
                   neighbouring channels)^beta.

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias      (weight, bias per channel)

Var is without Bessel's correction, as PyTorch's. All are written with differentiable ops.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ...autograd.grad_mode import no_grad
from ...errors import ShapeError
from ...tensor import Tensor
from .checks import ArgumentValueError, check_float
from .normalization import normalized_dims


def _per_channel(t: Tensor | None, channels: int, name: str, op: str) -> None:
    if t is not None and t.numel() != channels:
        raise ShapeError(f"{op}: {name} must have one entry per channel ({channels}), got shape {t.shape}")


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None) -> Tensor:
    """out * weight + bias, the per-channel (dim 1) scale and shift."""
    per_channel = (1, out.shape[1]) + (1,) * (out.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(per_channel)
    if bias is not None:
        out = out + bias.reshape(per_channel)
    return out


def _standardize(x: Tensor, dims: tuple, eps: float) -> Tensor:
    centered = x - x.mean(dims, keepdim=True)
    return centered / (centered.var(dims, keepdim=True, unbiased=False) + eps).sqrt()


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalize `input` (N, C, ...) over groups of C / num_groups channels (and all positions)
    of each sample, then scale and shift each channel by `weight` and `bias` (shape (C,)).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.group_norm(tg.tensor([[1.0, 3.0, 5.0, 5.0]]), 2)
    tensor([[-1.0000,  1.0000,  0.0000,  0.0000]])
    """
    return group_norm_unchecked(input, num_groups, weight, bias, eps, size_check=True)


def group_norm_unchecked(input: Tensor, num_groups: int, weight: Tensor | None, bias: Tensor | None, eps: float,
                         size_check: bool = False) -> Tensor:
    """`group_norm`; without `size_check` a group of one value is allowed (its output is the bias):
    PyTorch's torch.group_norm and native_group_norm do not refuse it, only F.group_norm does."""
    op = "group_norm"
    check_float(input, op)
    if input.ndim < 2:
        raise ShapeError(f"{op}: expected input of shape (N, C, ...) with at least 2 dims, got shape {input.shape}")
    n, channels = input.shape[:2]
    if not isinstance(num_groups, int) or num_groups <= 0 or channels % num_groups:
        raise ShapeError(f"{op}: the number of channels ({channels}) must be divisible by num_groups "
                         f"({num_groups}), got input of shape {input.shape}")
    if size_check and (n * channels // num_groups) * math.prod(input.shape[2:]) == 1:  # (PyTorch's check)
        raise ValueError(f"{op}: expected more than 1 value per group, got input of shape {input.shape} "
                         f"and num_groups={num_groups}")
    _per_channel(weight, channels, "weight", op)
    _per_channel(bias, channels, "bias", op)
    if input.numel() == 0:
        return input * 1
    grouped = input.reshape(n, num_groups, -1)
    out = _standardize(grouped, (2,), eps).reshape(input.shape)
    return _affine(out, weight, bias)


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel of each sample of `input` (N, C, ...) over its positions. With
    `use_input_stats` (the default) those statistics are used, and running_mean/running_var, if
    given, move towards their averages over the batch: r = (1 - momentum)·r + momentum·mean_n(stat),
    the variance unbiased. Without, the running ones are used.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.instance_norm(tg.tensor([[[1.0, 3.0], [2.0, 6.0]]]))
    tensor([[[-1.0000,  1.0000],
             [-1.0000,  1.0000]]])
    """
    return instance_norm_unchecked(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps,
                                   size_check=True)


def instance_norm_unchecked(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                            weight: Tensor | None, bias: Tensor | None, use_input_stats: bool, momentum: float,
                            eps: float, size_check: bool = False) -> Tensor:
    """`instance_norm`; without `size_check` one position per channel is allowed (its output is
    the bias): PyTorch's torch.instance_norm does not refuse it, only F.instance_norm does."""
    op = "instance_norm"
    check_float(input, op)
    if input.ndim < 2:
        raise ShapeError(f"{op}: expected input of shape (N, C, ...) with at least 2 dims, got shape {input.shape}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        _per_channel(t, channels, name, op)
    dims = tuple(range(2, input.ndim))
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ArgumentValueError(f"{op}: use_input_stats=False needs running_mean and running_var")
        per_channel = (1, channels) + (1,) * len(dims)
        out = (input - running_mean.reshape(per_channel)) / (running_var.reshape(per_channel) + eps).sqrt()
        return _affine(out, weight, bias)
    positions = math.prod(input.shape[2:])
    if size_check and positions == 1:
        raise ValueError(f"{op}: expected more than 1 position per channel when using the input's statistics, "
                         f"got input of shape {input.shape}")
    if input.numel() == 0:
        return input * 1
    if running_mean is not None or running_var is not None:
        with no_grad():  # the running averages are state, not part of the graph
            x = input.detach()
            if running_mean is not None:
                running_mean.mul_(1 - momentum).add_(x.mean(dims).mean(0) * momentum)
            if running_var is not None:
                running_var.mul_(1 - momentum).add_(x.var(dims, unbiased=True).mean(0) * momentum)
    return _affine(_standardize(input, dims, eps), weight, bias)


def rms_norm(input: Tensor, normalized_shape: int | Sequence[int], weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x²) + eps) over the last dims `normalized_shape`, times `weight` (shape
    normalized_shape) if given; eps None is the machine epsilon of input's dtype.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.rms_norm(tg.tensor([[3.0, 4.0]]), (2,), eps=0.0)     # rms = sqrt((9 + 16) / 2)
    tensor([[0.8485, 1.1314]])
    """
    op = "rms_norm"
    check_float(input, op)
    shape = normalized_dims(normalized_shape, op)
    if input.ndim < len(shape) or input.shape[input.ndim - len(shape):] != shape:
        raise ShapeError(f"{op}: normalized_shape={list(shape)} must be the input's last dims, got input of shape "
                         f"{input.shape}")
    if weight is not None and weight.shape != shape:
        raise ShapeError(f"{op}: weight must have shape normalized_shape {shape}, got {weight.shape}")
    eps = float(np.finfo(input.data.dtype).eps) if eps is None else eps
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    out = input / ((input * input).mean(dims, keepdim=True) + eps).sqrt() if input.numel() else input * 1
    return out if weight is None else out * weight


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """x / (k + alpha · mean(x²))^beta, the mean over `size` neighbouring channels (dim 1) of
    each position: size // 2 before and (size - 1) // 2 after, zeros beyond the edges.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.local_response_norm(tg.tensor([[[2.0], [0.0]]]), 2, alpha=1.0, beta=1.0)  # 2 / (1 + 4/2)
    tensor([[[0.6667],
             [0.0000]]])
    """
    op = "local_response_norm"
    check_float(input, op)
    if input.ndim < 3:
        raise ValueError(f"{op}: expected an input with 3 or more dims (N, C, ...), got shape {input.shape}")
    if input.numel() == 0:
        return input
    from .shaping import pad

    channels = input.shape[1]
    squares = (input * input).transpose(1, -1)  # channels last, where pad starts
    padded = pad(squares, (size // 2, (size - 1) // 2)).transpose(1, -1)
    window = padded[:, 0:channels]
    for i in range(1, size):
        window = window + padded[:, i:i + channels]
    return input / (window * (alpha / size) + k) ** beta
