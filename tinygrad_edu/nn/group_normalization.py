"""`nn.GroupNorm`, `nn.InstanceNorm1d/2d/3d`, `nn.RMSNorm`, `nn.LocalResponseNorm`: the modules
of functional/group_normalization.py, with PyTorch's arguments, parameter and buffer names (so
state_dicts move between the two)."""
from __future__ import annotations

import warnings
from collections.abc import Sequence

from ..creation import ones
from ..devices import check_device
from ..tensor import Tensor
from . import functional as F
from .functional.normalization import normalized_dims
from .module import Module
from .normalization import _affine_parameters, _BatchNorm, _reset_affine_parameters
from .parameter import Parameter


class GroupNorm(Module):
    """Group normalization (Wu & He, 2018) of (N, C, ...) inputs: each sample's C channels in
    `num_groups` groups, each group normalized over its channels and positions, then a learned
    `weight` (ones) and `bias` (zeros) per channel (none with `affine=False`).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> gn = nn.GroupNorm(2, 4)
    >>> gn(tg.randn(3, 4, 5)).shape, list(gn.state_dict())
    ((3, 4, 5), ['weight', 'bias'])
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        check_device(device, "GroupNorm")
        if not isinstance(num_groups, int) or num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        _affine_parameters(self, num_channels, affine, bias, dtype)

    def reset_parameters(self) -> None:
        _reset_affine_parameters(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class _InstanceNorm(_BatchNorm):
    """Instance normalization (Ulyanov, Vedaldi & Lempitsky, 2016): each channel of each sample
    normalized over its positions. Parameters and running statistics as BatchNorm's, but by
    default no affine weights and no running statistics (then the input's statistics are used
    also in eval mode). An input without the batch dim is accepted."""

    unbatched_dims = 2  # the dims of one sample: (C, L) for InstanceNorm1d

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        name, d = type(self).__name__, self.unbatched_dims
        if input.ndim not in (d, d + 1):
            raise ValueError(f"{name}: expected {d}D or {d + 1}D input (got {input.ndim}D input of shape "
                             f"{input.shape})")
        feature_dim = input.ndim - d
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"{name}: expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {input.shape[feature_dim]}.")
            warnings.warn(f"{name}: input's size at dim={feature_dim} does not match num_features. You can silence "
                          f"this warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=2)
        batched = input if input.ndim == d + 1 else input.unsqueeze(0)
        out = F.instance_norm(batched, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              self.momentum if self.momentum is not None else 0.0, self.eps)
        return out if input.ndim == d + 1 else out.squeeze(0)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L) or (C, L) inputs.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.InstanceNorm1d(3)(tg.randn(2, 3, 5)).shape
    (2, 3, 5)
    """

    unbatched_dims = 2


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W) or (C, H, W) inputs (e.g. in style transfer)."""

    unbatched_dims = 3


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of (N, C, D, H, W) or (C, D, H, W) inputs."""

    unbatched_dims = 4


class RMSNorm(Module):
    """Root mean square normalization (Zhang & Sennrich, 2019) over the last dims
    `normalized_shape`: x / sqrt(mean(x²) + eps) · weight, weight starting at ones (none with
    `elementwise_affine=False`); eps None is the machine epsilon of the input's dtype.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.RMSNorm(4)
    RMSNorm((4,), eps=None, elementwise_affine=True)
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        check_device(device, "RMSNorm")
        self.normalized_shape = normalized_dims(normalized_shape, "RMSNorm")
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape, dtype=dtype))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        if self.weight is not None:
            self.weight.data[...] = 1

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class LocalResponseNorm(Module):
    """x / (k + alpha · mean of x² over `size` neighbouring channels)^beta: `F.local_response_norm`."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
