"""F.channel_shuffle, as PyTorch's: the channel mixing of ShuffleNet (Zhang et al., "ShuffleNet: an
extremely efficient convolutional neural network for mobile devices", 2018) -- a reshape, a
transpose and a reshape, so its gradient is the inverse permutation."""
from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from .checks import check_tensor


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """(N, C, *) -> (N, C, *) with the channels, seen as a (groups, C / groups) grid, read column by
    column: channel g·(C / groups) + k moves to k·groups + g.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.channel_shuffle(tg.arange(6.0).reshape(1, 6, 1), 2).flatten()
    tensor([0., 3., 1., 4., 2., 5.])
    """
    return _channel_shuffle(input, groups, "channel_shuffle")


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """PyTorch's name for the kernel behind channel_shuffle: the same result, and here the same
    gradient (PyTorch's native form has none).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.native_channel_shuffle(tg.arange(4.0).reshape(1, 4, 1), 2).flatten()
    tensor([0., 2., 1., 3.])
    """
    return _channel_shuffle(input, groups, "native_channel_shuffle")


def _channel_shuffle(input: Tensor, groups: int, op: str) -> Tensor:
    check_tensor(input, op)
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"{op}: groups must be an int, got {groups!r}")
    if groups <= 0:
        raise RuntimeError(f"{op}: the number of groups to divide channels in must be positive, got "
                           f"groups={groups}")
    if input.ndim <= 2:
        raise RuntimeError(f"{op}: expects an input with more than 2 dims (N, C, *), got shape {input.shape}")
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(f"{op}: the number of channels must be divisible by groups, got {c} channels "
                           f"(shape {input.shape}) and {groups} groups")
    out = input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(input.shape)
    # a new tensor, as PyTorch's (with one group, or one channel per group, the reshapes above are
    # views of the input, and an in-place change of the result would reach it)
    return out.clone() if out._view_of is not None else out
