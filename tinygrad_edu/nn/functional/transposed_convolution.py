"""Transposed convolution (PyTorch's conv_transpose1d/2d/3d): the adjoint of conv, so
its forward is conv's backward with respect to the input. Each input element scatters a
copy of the kernel, scaled by it, into the output:

    out[n, o, i·s + j·d - p] += Σ_c input[n, c, i] · weight[c, o, j]       (per group)
    L_out = (L - 1)·s - 2p + d·(k - 1) + output_padding + 1

It is one op, `ConvolutionTranspose` (convolution_ops.py), the same that gives a convolution's
input gradient: per kernel offset j, the product of input and weight is added into the output at
the positions i·s + j·d - p (col2im; Dumoulin & Visin, "A guide to convolution arithmetic for
deep learning", 2016, section 4, for the arithmetic of the sizes).
"""
from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from .checks import check_float, check_same_dtype
from .convolution import _batched, _tuple
from .convolution_ops import ConvolutionTranspose, Geometry


def _conv_transpose(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, output_padding,
                    groups: int, dilation, dims: int, op: str) -> Tensor:
    check_float(input, op)
    x, unbatched = _batched(input, dims, op)
    if not isinstance(weight, Tensor) or weight.ndim != dims + 2:
        raise RuntimeError(f"{op}: weight must be a {dims + 2}D tensor (in_channels, out_channels / groups, "
                           f"*kernel), got {getattr(weight, 'shape', type(weight).__name__)}")
    C, O_g = weight.shape[:2]
    kernel = tuple(weight.shape[2:])
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups <= 0:
        raise RuntimeError(f"{op}: groups must be a positive int, got {groups!r}")
    if C % groups:
        raise RuntimeError(f"{op}: weight of shape {weight.shape} has {C} input channels (dim 0), which groups="
                           f"{groups} does not divide")
    if x.shape[1] != C:
        raise RuntimeError(f"{op}: input of shape {input.shape} has {x.shape[1]} channels, but weight of shape "
                           f"{weight.shape} expects {C} (dim 0 of a transposed convolution's weight is in_channels)")
    if isinstance(padding, str):
        raise TypeError(f"{op}: padding must be an int or a tuple of {dims} ints, got {padding!r} (a transposed "
                        f"convolution takes no 'same'/'valid')")
    stride = _tuple(stride, dims, op, "stride")
    padding = _tuple(padding, dims, op, "padding")
    output_padding = _tuple(output_padding, dims, op, "output_padding")
    dilation = _tuple(dilation, dims, op, "dilation")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{op}: non-positive stride is not supported, got stride {stride}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{op}: dilation must be positive, got {dilation}")
    if any(p < 0 for p in padding) or any(p < 0 for p in output_padding):
        raise RuntimeError(f"{op}: negative padding is not supported, got padding {padding} and output_padding "
                           f"{output_padding}")
    if any(op_ >= s and op_ >= d for op_, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(f"{op}: output padding must be smaller than either stride or dilation, got "
                           f"output_padding {output_padding}, stride {stride} and dilation {dilation}")
    O = O_g * groups
    if bias is not None and (not isinstance(bias, Tensor) or bias.shape != (O,)):
        raise RuntimeError(f"{op}: bias must have shape ({O},), one per output channel (weight of shape "
                           f"{weight.shape} and groups={groups} give {O}), got {getattr(bias, 'shape', bias)}")
    check_same_dtype(op, input=x, weight=weight, bias=bias)  # (PyTorch does not promote here either)
    spatial = x.shape[2:]
    out = tuple((n - 1) * s - 2 * p + d * (k - 1) + o + 1
                for n, s, p, d, k, o in zip(spatial, stride, padding, dilation, kernel, output_padding))
    if any(n == 0 for n in spatial) or any(o <= 0 for o in out):
        raise RuntimeError(f"{op}: input of spatial size {spatial} gives an output of size {out} (stride {stride}, "
                           f"padding {padding}, dilation {dilation}, kernel {kernel}): the output is too small")
    y = ConvolutionTranspose.apply(x, weight, bias, Geometry(stride, padding, dilation, groups), out)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """Transposed convolution of (N, C_in, L) with weight (C_in, C_out / groups, k): (N, C_out, L_out),
    L_out = (L - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1 (PyTorch's).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.conv_transpose1d(tg.tensor([[[1.0, 2.0]]]), tg.tensor([[[1.0, 10.0]]]), stride=2)
    tensor([[[ 1., 10.,  2., 20.]]])
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1,
                           "conv_transpose1d")


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """Transposed convolution of (N, C_in, H, W) with weight (C_in, C_out / groups, kh, kw):
    (N, C_out, H_out, W_out), H_out = (H - 1)·stride - 2·padding + dilation·(kh - 1) + output_padding + 1.
    The usual upsampling step of a decoder: kernel 2, stride 2 doubles H and W.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.conv_transpose2d(tg.ones(1, 3, 4, 4), tg.ones(3, 5, 2, 2), stride=2).shape
    (1, 5, 8, 8)
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
                           "conv_transpose2d")


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """Transposed convolution of (N, C_in, D, H, W) with weight (C_in, C_out / groups, kd, kh, kw):
    (N, C_out, D_out, H_out, W_out), each size as conv_transpose2d's.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.conv_transpose3d(tg.ones(1, 2, 2, 3, 3), tg.ones(2, 4, 2, 2, 2), stride=2).shape
    (1, 4, 4, 6, 6)
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 3,
                           "conv_transpose3d")
