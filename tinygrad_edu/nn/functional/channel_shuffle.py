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
    check_tensor(input, "channel_shuffle")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"channel_shuffle: groups must be an int, got {groups!r}")
    if groups <= 0:
        raise RuntimeError(f"channel_shuffle: the number of groups to divide channels in must be positive, got "
                           f"groups={groups}")
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle: expects an input with more than 2 dims (N, C, *), got shape "
                           f"{input.shape}")
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(f"channel_shuffle: the number of channels must be divisible by groups, got {c} channels "
                           f"(shape {input.shape}) and {groups} groups")
    return input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(input.shape)
