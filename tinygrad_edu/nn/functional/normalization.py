"""Normalization: values rescaled to mean 0 and variance 1, then scaled and shifted by learned
weights,

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias

- layer_norm (Ba, Kiros & Hinton, "Layer normalization", 2016): E and Var over each sample's
  last len(normalized_shape) dims;
- batch_norm (Ioffe & Szegedy, "Batch normalization", 2015): E and Var per channel (dim 1) over
  the batch and every other dim while training -- and running averages of them kept for
  evaluation, when the statistics of one batch are not wanted.

Var is without Bessel's correction (divided by N), as PyTorch does; the running variance is
updated with the unbiased one. Both are written with mean, var, sqrt and arithmetic, so their
gradients (and second derivatives) come from those ops.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from .checks import check_float


def normalized_dims(normalized_shape, op: str) -> tuple:
    """normalized_shape as a tuple of positive ints (one int is accepted, as in PyTorch)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape:  # a RuntimeError, as PyTorch's
        raise RuntimeError(f"{op}: normalized_shape must name at least one dim to normalize over, got "
                           f"{normalized_shape!r} (a 0-d input has none: it cannot be normalized)")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise ValueError(f"{op}: normalized_shape must be a size (an int >= 0) or a tuple of them, "
                         f"got {normalized_shape!r}")
    return shape


def layer_norm(input: Tensor, normalized_shape: int | Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize over the last dims (`normalized_shape`, which must be input's trailing shape),
    then multiply by `weight` and add `bias` (each of shape normalized_shape, or None).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.layer_norm(tg.tensor([[1.0, 3.0], [2.0, 2.0]]), (2,))
    tensor([[-1.0000,  1.0000],
            [ 0.0000,  0.0000]])
    """
    check_float(input, "layer_norm")
    shape = normalized_dims(normalized_shape, "layer_norm")
    if input.shape[input.ndim - len(shape):] != shape or input.ndim < len(shape):
        raise RuntimeError(f"layer_norm: given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size {list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != shape:
            raise RuntimeError(f"layer_norm: {name} must have shape normalized_shape {shape}, got {t.shape}")
    if input.numel() == 0:  # nothing to normalize (PyTorch returns the empty input too)
        return input * 1
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    if not input.is_contiguous():  # (PyTorch's kernel reads a row-major copy: its result is row-major)
        input = input.contiguous()
    centered = input - input.mean(dims, keepdim=True)
    out = centered / (centered.var(dims, keepdim=True, unbiased=False) + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float | None = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel (dim 1) of `input` (N, C, ...). While `training` (or without running
    statistics) with the batch's mean and variance, and then the running ones are updated in
    place: r = (1 - momentum)·r + momentum·batch (momentum None: the cumulative average is the
    caller's, see nn.BatchNorm1d); otherwise with the running ones.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.batch_norm(tg.tensor([[1.0], [3.0]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    return batch_norm_unchecked(input, running_mean, running_var, weight, bias, training, momentum, eps,
                                size_check=True)


def batch_norm_unchecked(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                         weight: Tensor | None, bias: Tensor | None, training: bool, momentum: float | None,
                         eps: float, size_check: bool = False) -> Tensor:
    """`batch_norm`; without `size_check` one value per channel is allowed while training (its output
    is the bias; the unbiased running variance becomes nan): PyTorch's torch.batch_norm and
    native_batch_norm do not refuse it, only F.batch_norm does."""
    check_float(input, "batch_norm")
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C, ...), got shape {input.shape}")
    C = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.shape != (C,):
            raise RuntimeError(f"batch_norm: {name} should have {C} elements (one per channel), got shape {t.shape}")
    dims = (0,) + tuple(range(2, input.ndim))
    per_channel = (1, C) + (1,) * (input.ndim - 2)
    n = math.prod(input.shape[d] for d in dims)  # values per channel
    if size_check and training and n == 1:  # (as PyTorch: one value has no variance to normalize by)
        raise ValueError(f"batch_norm: expected more than 1 value per channel when training, got input "
                         f"of shape {input.shape}")
    if input.numel() == 0:  # nothing to normalize (PyTorch returns the empty input too)
        return input * 1
    if training or running_mean is None or running_var is None:
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, keepdim=True, unbiased=False)
        if training and running_mean is not None and running_var is not None and momentum is not None:
            with no_grad():  # the running averages are state, not part of the graph
                # (one value per channel, allowed by torch.batch_norm: 0/0, nan, as PyTorch's)
                unbiased = var.detach().reshape(C) * (n / (n - 1)) if n > 1 else var.detach().reshape(C) * float("nan")
                running_mean.mul_(1 - momentum).add_(mean.detach().reshape(C) * momentum)
                running_var.mul_(1 - momentum).add_(unbiased * momentum)
    else:
        mean, var = running_mean.reshape(per_channel), running_var.reshape(per_channel)
    out = (input - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(per_channel)
    if bias is not None:
        out = out + bias.reshape(per_channel)
    return out
