"""Convolution and pooling layers: `nn.Conv1d/2d/3d`, `nn.ConvTranspose1d/2d/3d`, `nn.MaxPool1d/2d/3d`,
`nn.AvgPool1d/2d/3d`, `nn.AdaptiveAvgPool1d/2d/3d` -- the module forms of functional/convolution.py, with PyTorch's
arguments, parameter names, initialisation and reprs, so a state_dict moves between the two.
"""
from __future__ import annotations

import math

from ..creation import zeros
from ..devices import check_device
from ..tensor import Tensor
from . import functional as F
from . import init
from .functional.convolution import _tuple
from .module import Module
from .parameter import Parameter


class _ConvNd(Module):
    dims = 2
    transposed = False  # ConvTranspose: weight (in_channels, out_channels / groups, *kernel)

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__()
        name = type(self).__name__
        for what, n in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
            if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
                raise ValueError(f"{name}: {what} must be a positive int, got {n!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must both "
                             f"be divisible by groups ({groups})")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {', '.join(map(repr, _PADDING_MODES))}, "
                             f"got {padding_mode!r}")
        if isinstance(padding, str) and padding not in ("same", "valid"):
            raise ValueError(f"{name}: padding must be an int, a tuple, 'valid' or 'same', got {padding!r}")
        check_device(device, name)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _tuple(kernel_size, self.dims, name, "kernel_size")
        self.stride = _tuple(stride, self.dims, name, "stride")
        self.padding = padding if isinstance(padding, str) else _tuple(padding, self.dims, name, "padding")
        self.dilation = _tuple(dilation, self.dims, name, "dilation")
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = _pad_amounts(self.padding, self.kernel_size, self.dilation)
        channels = (in_channels, out_channels // groups) if self.transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(zeros(channels + self.kernel_size, dtype=dtype))
        if bias:
            self.bias = Parameter(zeros(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight and bias from U(-1/√fan_in, 1/√fan_in), fan_in = in_channels / groups · kernel
        size, as PyTorch (its kaiming_uniform_ with a = √5 comes to this bound)."""
        bound = 1 / math.sqrt(self.weight.shape[1] * math.prod(self.kernel_size))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        conv = (F.conv1d, F.conv2d, F.conv3d)[self.dims - 1]
        if self.padding_mode != "zeros":  # pad with mirrored/repeated/wrapped values, then convolve unpadded
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        parts = [f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"]
        if self.padding != (0,) * self.dims:
            parts.append(f"padding={self.padding}")
        if self.dilation != (1,) * self.dims:
            parts.append(f"dilation={self.dilation}")
        if getattr(self, "output_padding", (0,) * self.dims) != (0,) * self.dims:
            parts.append(f"output_padding={self.output_padding}")
        if self.groups != 1:
            parts.append(f"groups={self.groups}")
        if self.bias is None:
            parts.append("bias=False")
        if self.padding_mode != "zeros":
            parts.append(f"padding_mode={self.padding_mode}")
        return ", ".join(parts)


_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _pad_amounts(padding, kernel_size: tuple, dilation: tuple) -> list:
    """F.pad's amounts for a conv's padding, last dim first ((1, 2) -> [2, 2, 1, 1]), as PyTorch's
    `_reversed_padding_repeated_twice`; 'same' puts the odd one of dilation·(k - 1) after."""
    if padding == "valid":
        return [0, 0] * len(kernel_size)
    if padding == "same":
        pairs = [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for d, k in zip(dilation, kernel_size)]
    else:
        pairs = [(p, p) for p in padding]
    return [amount for pair in reversed(pairs) for amount in pair]


class Conv1d(_ConvNd):
    """Convolution over (N, C_in, L): weight (C_out, C_in / groups, k), bias (C_out,).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.Conv1d(4, 2, 3, padding=1)(tg.ones(5, 4, 10)).shape
    (5, 2, 10)
    """

    dims = 1


class Conv2d(_ConvNd):
    """Convolution over (N, C_in, H, W): weight (C_out, C_in / groups, kh, kw), bias (C_out,);
    stride, padding (an int, a pair, 'valid' or 'same'), dilation and groups as in PyTorch.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> conv = nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1)
    >>> conv(tg.ones(8, 1, 28, 28)).shape, conv
    ((8, 16, 14, 14), Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)))
    """

    dims = 2


class Conv3d(_ConvNd):
    """Convolution over (N, C_in, D, H, W) (volumes, video clips): weight (C_out, C_in / groups, kd,
    kh, kw), bias (C_out,); arguments as Conv2d's, with triples.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.Conv3d(2, 4, kernel_size=3, padding=1)(tg.ones(1, 2, 5, 6, 7)).shape
    (1, 4, 5, 6, 7)
    """

    dims = 3


class _ConvTransposeNd(_ConvNd):
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None,
                 dtype=None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}, got '
                             f"{padding_mode!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype)
        self.output_padding = _tuple(output_padding, self.dims, type(self).__name__, "output_padding")

    def _output_padding(self, input: Tensor, output_size) -> tuple:
        """The output_padding that makes the output `output_size` (PyTorch's rule: the sizes
        that a stride-s convolution maps to the input's size are min .. min + s - 1)."""
        if output_size is None:
            return self.output_padding
        dims, name = self.dims, type(self).__name__
        non_spatial = 2 if input.ndim == dims + 2 else 1
        output_size = [int(n) for n in output_size]
        if len(output_size) == non_spatial + dims:
            output_size = output_size[non_spatial:]
        if len(output_size) != dims:
            raise ValueError(f"{name}: for {input.ndim}D input, output_size must have {dims} or "
                             f"{non_spatial + dims} elements (got {len(output_size)})")
        spatial = input.shape[non_spatial:]
        smallest = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in
                    zip(spatial, self.stride, self.padding, self.dilation, self.kernel_size)]
        largest = [m + s - 1 for m, s in zip(smallest, self.stride)]
        if any(not lo <= n <= hi for n, lo, hi in zip(output_size, smallest, largest)):
            raise ValueError(f"{name}: requested an output size of {output_size}, but valid sizes range from "
                             f"{smallest} to {largest} (for an input of {tuple(spatial)})")
        return tuple(n - lo for n, lo in zip(output_size, smallest))

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        """The transposed convolution of `input`; `output_size` picks among the output sizes a
        strided convolution could have come from (it sets output_padding)."""
        conv = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[self.dims - 1]
        return conv(input, self.weight, self.bias, self.stride, self.padding, self._output_padding(input, output_size),
                    self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed convolution over (N, C_in, L) (the adjoint of Conv1d; also called a fractionally
    strided convolution): weight (C_in, C_out / groups, k), bias (C_out,),
    L_out = (L - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1."""

    dims = 1


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed convolution over (N, C_in, H, W): weight (C_in, C_out / groups, kh, kw), bias
    (C_out,); the learnt upsampling of decoders and GAN generators.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> up = nn.ConvTranspose2d(16, 8, kernel_size=2, stride=2)
    >>> up(tg.ones(1, 16, 7, 7)).shape, up.weight.shape
    ((1, 8, 14, 14), (16, 8, 2, 2))
    """

    dims = 2


class ConvTranspose3d(_ConvTransposeNd):
    """Transposed convolution over (N, C_in, D, H, W): weight (C_in, C_out / groups, kd, kh, kw),
    bias (C_out,); each output size as ConvTranspose2d's."""

    dims = 3


class _MaxPoolNd(Module):
    dims = 2

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        pool = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[self.dims - 1]
        return pool(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                    self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """The largest value in each window of (N, C, L); stride defaults to kernel_size."""

    dims = 1


class MaxPool2d(_MaxPoolNd):
    """The largest value in each window of (N, C, H, W); stride defaults to kernel_size.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.MaxPool2d(2)(tg.ones(1, 3, 28, 28)).shape
    (1, 3, 14, 14)
    """

    dims = 2


class MaxPool3d(_MaxPoolNd):
    """The largest value in each window of (N, C, D, H, W); stride defaults to kernel_size."""

    dims = 3


class _AvgPoolNd(Module):
    dims = 2

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__()
        if self.dims == 1:  # (PyTorch keeps AvgPool1d's arguments as tuples)
            kernel_size = _tuple(kernel_size, 1, "AvgPool1d", "kernel_size")
            stride = kernel_size if stride is None else _tuple(stride, 1, "AvgPool1d", "stride")
            padding = _tuple(padding, 1, "AvgPool1d", "padding")
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        if self.dims == 1:
            return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                self.count_include_pad)
        pool = F.avg_pool2d if self.dims == 2 else F.avg_pool3d
        return pool(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                    self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """The mean of each window of (N, C, L)."""

    dims = 1


class AvgPool2d(_AvgPoolNd):
    """The mean of each window of (N, C, H, W) (padded zeros count unless count_include_pad=False)."""

    dims = 2


class AvgPool3d(_AvgPoolNd):
    """The mean of each window of (N, C, D, H, W) (padded zeros count unless count_include_pad=False)."""

    dims = 3


class _AdaptiveAvgPoolNd(Module):
    dims = 2

    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        pool = (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)[self.dims - 1]
        return pool(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average pooling of (N, C, L) to a given output length."""

    dims = 1


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average pooling of (N, C, H, W) to a given output size; `AdaptiveAvgPool2d(1)` averages each
    channel's whole H×W (the usual last step of a convolutional classifier)."""

    dims = 2


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Average pooling of (N, C, D, H, W) to a given output size."""

    dims = 3
