"""im2col and col2im, as PyTorch's F.unfold / F.fold (4-D (N, C, H, W) images, or 3-D unbatched):

    unfold   (N, C, H, W) -> (N, C·kh·kw, L): column l holds the block under the kernel at the
             l-th position it visits (row-major over the L = L_h·L_w positions), channel-major
    fold     (N, C·kh·kw, L) -> (N, C, H, W): each column put back at its block, overlaps summed

fold is the adjoint of unfold (⟨unfold(x), y⟩ = ⟨x, fold(y)⟩), so each one's gradient is the
other. Both are composed from ops that already differentiate (twice): unfold is the integer-index
gather that convolution uses (convolution.windows), fold an index_add into the padded image.
"""
from __future__ import annotations

import math

import numpy as np

from ...creation import zeros
from ...tensor import Tensor
from .checks import check_float
from .convolution import _out_size, windows


def _pair(value, what: str, op: str) -> tuple:
    """An int (both spatial dims) or a pair of ints."""
    values = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != 2:
        raise RuntimeError(f"{op}: it is expected {what} equals to 2, but got size {len(values)} ({value!r})")
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{op}: {what} must be an int or a pair of ints, got {value!r}")
    return tuple(int(v) for v in values)


def _geometry(kernel_size, dilation, padding, stride, op: str) -> tuple:
    kernel, dilation = _pair(kernel_size, "kernel_size", op), _pair(dilation, "dilation", op)
    padding, stride = _pair(padding, "padding", op), _pair(stride, "stride", op)
    for what, values, least in (("kernel_size", kernel, 1), ("dilation", dilation, 1), ("stride", stride, 1),
                                ("padding", padding, 0)):
        if min(values) < least:
            raise RuntimeError(f"{op}: {what} should be {'non-negative' if least == 0 else 'greater than zero'}, "
                               f"but got {what} {values}")
    return kernel, dilation, padding, stride


def _blocks(size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple) -> tuple:
    """How many positions the kernel visits along each spatial dim."""
    return tuple(_out_size(n, k, s, p, d) for n, k, d, p, s in zip(size, kernel, dilation, padding, stride))


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Extract sliding blocks: (N, C, H, W) -> (N, C·kh·kw, L), L the number of kernel positions,
    as PyTorch's F.unfold (im2col). conv2d(x, w) equals (w.view(O, -1) @ unfold(x, k)).view(N, O, L_h, L_w).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.unfold(tg.arange(9.0).reshape(1, 1, 3, 3), 2)
    tensor([[[0., 1., 3., 4.],
             [1., 2., 4., 5.],
             [3., 4., 6., 7.],
             [4., 5., 7., 8.]]])
    """
    op = "unfold"
    check_float(input, op)
    if input.ndim not in (3, 4):
        raise RuntimeError(f"{op}: expected a 3D (unbatched) or 4D (batched) input (N, C, H, W), got shape "
                           f"{input.shape}")
    kernel, dilation, padding, stride = _geometry(kernel_size, dilation, padding, stride, op)
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    blocks = _blocks(x.shape[2:], kernel, dilation, padding, stride)
    if min(blocks) < 1:
        raise RuntimeError(f"{op}: given input with spatial size {x.shape[2:]}, kernel_size={kernel}, "
                           f"dilation={dilation}, padding={padding}, the kernel fits at {blocks} positions; "
                           f"it must fit at least once along each dim")
    cols = windows(x, kernel, stride, padding, dilation, op)  # (N, C, L_h, L_w, kh, kw)
    N, C = x.shape[:2]
    out = cols.permute(0, 1, 4, 5, 2, 3).reshape(N, C * math.prod(kernel), math.prod(blocks))
    return out.squeeze(0) if unbatched else out


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Combine sliding blocks into an image, summing where they overlap: (N, C·kh·kw, L) ->
    (N, C, H, W) with (H, W) = output_size, as PyTorch's F.fold (col2im), the adjoint of unfold.
    fold(unfold(x)) multiplies each pixel by the number of blocks that cover it.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.fold(tg.ones(1, 4, 4), (3, 3), 2)
    tensor([[[[1., 2., 1.],
              [2., 4., 2.],
              [1., 2., 1.]]]])
    """
    op = "fold"
    check_float(input, op)
    output_size = _pair(output_size, "output_size", op)
    kernel, dilation, padding, stride = _geometry(kernel_size, dilation, padding, stride, op)
    if input.ndim not in (2, 3) or input.shape[-1] == 0 or input.shape[-2] == 0:
        raise RuntimeError(f"{op}: expected a 2D (unbatched) or 3D (batched) input (N, C·kh·kw, L) with non-zero "
                           f"C·kh·kw and L, got shape {input.shape}")
    unbatched = input.ndim == 2
    x = input.unsqueeze(0) if unbatched else input
    N, CK, L = x.shape
    K = math.prod(kernel)
    if CK % K:
        raise RuntimeError(f"{op}: expected size of input's dimension 1 ({CK}) to be divisible by the product of "
                           f"kernel_size {kernel} = {K}")
    blocks = _blocks(output_size, kernel, dilation, padding, stride)
    if min(blocks) < 1 or math.prod(blocks) != L:
        raise RuntimeError(f"{op}: given output_size={output_size}, kernel_size={kernel}, dilation={dilation}, "
                           f"padding={padding}, stride={stride}, expected size of input's dimension 2 to match the "
                           f"calculated number of sliding blocks {blocks[0]} * {blocks[1]} = {math.prod(blocks)}, "
                           f"but got {L}")
    C = CK // K
    H, W = (n + 2 * p for n, p in zip(output_size, padding))
    # the flat position in the padded (H, W) image of kernel offset (i, j) at block (a, b), in unfold's order
    rows = (np.arange(kernel[0]) * dilation[0])[:, None, None, None] + (np.arange(blocks[0]) * stride[0])[:, None]
    cols = (np.arange(kernel[1]) * dilation[1])[:, None, None] + np.arange(blocks[1]) * stride[1]
    position = (rows * W + cols).reshape(-1)  # (kh·kw·L_h·L_w,)
    image = zeros(N, C, H * W, dtype=x.dtype).index_add(2, Tensor._make(position, None, False), x.reshape(N, C, K * L))
    image = image.reshape(N, C, H, W)[:, :, padding[0]:H - padding[0], padding[1]:W - padding[1]]
    return image.squeeze(0) if unbatched else image
