"""Padding, upsampling, pixel-shuffle and adaptive max pooling modules: the module forms of
F.pad (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad in 1, 2 and 3 dims),
F.interpolate (Upsample, UpsamplingNearest2d, UpsamplingBilinear2d), F.pixel_shuffle /
F.pixel_unshuffle and F.adaptive_max_pool1d/2d, printed as PyTorch prints them.
"""
from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


def _padding(padding, dims: int, layer: str) -> tuple:
    """An int (the same on every side) or a tuple of 2·dims ints, as a tuple."""
    if isinstance(padding, int) and not isinstance(padding, bool):
        return (padding,) * (2 * dims)
    if isinstance(padding, (tuple, list)) and all(isinstance(p, int) and not isinstance(p, bool) for p in padding):
        return tuple(padding)
    raise TypeError(f"{layer}: padding must be an int or a tuple of {2 * dims} ints, got {padding!r}")


class _PadNd(Module):
    """Pads the last `dims` axes with F.pad(mode); `padding` is (left, right[, top, bottom[, front, back]])."""

    dims = 1
    mode = "constant"

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _padding(padding, self.dims, type(self).__name__)

    def forward(self, input: Tensor) -> Tensor:
        if self.mode == "circular" and input.ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"{type(self).__name__}: expected {self.dims + 1}D or {self.dims + 2}D input "
                             f"(got {input.ndim}D input of shape {input.shape})")
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    """Pads the last `dims` axes with `value`."""

    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last axis with `value`: padding = (left, right) or one int."""


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two axes with `value`: padding = (left, right, top, bottom) or one int."""

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three axes with `value`: padding = (left, right, top, bottom, front, back) or one int."""

    dims = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last axis with zeros: padding = (left, right) or one int."""


class ZeroPad2d(_ZeroPadNd):
    """Pad the last two axes with zeros: padding = (left, right, top, bottom) or one int.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.ZeroPad2d((1, 0, 0, 0))(tg.ones(1, 1, 1, 2))
    tensor([[[[0., 1., 1.]]]])
    """

    dims = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last three axes with zeros."""

    dims = 3


class ReflectionPad1d(_PadNd):
    """Pad (N, C, W) or (C, W) with its mirror image, the edge not repeated: [0 1 2] -(2, 2)-> [2 1 0 1 2 1 0]."""

    mode = "reflect"


class ReflectionPad2d(_PadNd):
    """Pad (N, C, H, W) or (C, H, W) with its mirror image along H and W."""

    dims, mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Pad (N, C, D, H, W) or (C, D, H, W) with its mirror image along D, H and W."""

    dims, mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Pad (N, C, W) or (C, W) by repeating the edge values: [0 1 2] -(2, 2)-> [0 0 0 1 2 2 2]."""

    mode = "replicate"


class ReplicationPad2d(_PadNd):
    """Pad (N, C, H, W) or (C, H, W) by repeating the edge values along H and W."""

    dims, mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Pad (N, C, D, H, W) or (C, D, H, W) by repeating the edge values along D, H and W."""

    dims, mode = 3, "replicate"


class CircularPad1d(_PadNd):
    """Pad (N, C, W) or (C, W) periodically: [0 1 2] -(2, 2)-> [1 2 0 1 2 0 1]."""

    mode = "circular"


class CircularPad2d(_PadNd):
    """Pad (N, C, H, W) or (C, H, W) periodically along H and W."""

    dims, mode = 2, "circular"


class CircularPad3d(_PadNd):
    """Pad (N, C, D, H, W) or (C, D, H, W) periodically along D, H and W."""

    dims, mode = 3, "circular"


class Upsample(Module):
    """F.interpolate as a module: resize to `size`, or by `scale_factor`, with `mode` 'nearest',
    'nearest-exact', 'linear', 'bilinear', 'trilinear' or 'area'.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.Upsample(scale_factor=2)(tg.ones(1, 1, 2, 2)).shape
    (1, 1, 4, 4)
    """

    def __init__(self, size=None, scale_factor=None, mode: str = "nearest", align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor = tuple(float(s) for s in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor is not None else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample with mode='nearest' (PyTorch's older name)."""

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample with mode='bilinear' and align_corners=True (PyTorch's older name)."""

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """(*, C·r², H, W) -> (*, C, H·r, W·r) (F.pixel_shuffle)."""

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H·r, W·r) -> (*, C·r², H, W) (F.pixel_unshuffle)."""

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class _AdaptiveMaxPoolNd(Module):
    function = None

    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor):
        return type(self).function(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, L) to a given length (F.adaptive_max_pool1d)."""

    function = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, H, W) to a given size (F.adaptive_max_pool2d)."""

    function = staticmethod(F.adaptive_max_pool2d)
