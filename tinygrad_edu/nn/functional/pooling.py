"""More pooling, as PyTorch's: max_unpool1d/2d/3d (the partial inverse of max pooling),
lp_pool1d/2d/3d (power-average pooling), adaptive_max_pool3d and the `*_with_indices` forms of
adaptive max pooling. All composed from ops that already differentiate (twice):

    max_unpool   out.flat[indices[i]] = input[i], zeros elsewhere      (a scatter; ∂/∂input = grad.gather(indices))
    lp_pool      out = (Σ_window x^p)^(1/p) = (k · avg_pool(x^p))^(1/p)
"""
from __future__ import annotations

import math

import numpy as np

from ...creation import zeros
from ...tensor import Tensor
from .activation import relu
from .checks import check_float, check_tensor
from .convolution import _batched, _tuple, avg_pool1d, avg_pool2d, avg_pool3d
from .resampling import _adaptive_max_pool

# ---- max_unpool ------------------------------------------------------------------------------


def _unpool_output_size(spatial: tuple, kernel: tuple, stride: tuple, padding: tuple, output_size, op: str) -> tuple:
    """(in - 1)·stride - 2·padding + kernel per spatial dim, or output_size, which must lie
    strictly between that size - stride and + stride (PyTorch's rule)."""
    dims = len(kernel)
    default = tuple((n - 1) * s + k - 2 * p for n, s, k, p in zip(spatial, stride, kernel, padding))
    if output_size is None:
        return default
    sizes = [int(n) for n in output_size]
    if len(sizes) == dims + 2:
        sizes = sizes[2:]
    if len(sizes) != dims:
        raise ValueError(f"{op}: output_size should be a sequence containing {dims} or {dims + 2} elements, but "
                         f"it has a length of '{len(sizes)}'")
    for d, (n, m, s) in enumerate(zip(sizes, default, stride)):
        if not m - s < n < m + s:
            raise ValueError(f'{op}: invalid output_size "{tuple(sizes)}" (dim {d} must be between {m - s} and '
                             f'{m + s})')
    return tuple(sizes)


def _max_unpool(input: Tensor, indices: Tensor, kernel_size, stride, padding, output_size, dims: int,
                op: str) -> Tensor:
    check_float(input, op)
    check_tensor(indices, op, "indices")
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"{op}: expected a {dims + 1}D (unbatched) or {dims + 2}D (batched) input, got a tensor "
                           f"of shape {input.shape}")
    if indices.dtype != np.int64:
        raise RuntimeError(f"{op}: elements in indices should be type int64 but got: {indices.dtype}")
    if indices.shape != input.shape:
        raise RuntimeError(f"{op}: expected the indices to have the input's shape {input.shape}, but got indices "
                           f"of shape {indices.shape}")
    kernel = _tuple(kernel_size, dims, op, "kernel_size")
    stride = kernel if stride is None else _tuple(stride, dims, op, "stride")
    padding = _tuple(padding, dims, op, "padding")
    x, unbatched = _batched(input, dims, op)
    index = indices.data[None] if unbatched else indices.data
    out = _unpool_output_size(x.shape[2:], kernel, stride, padding, output_size, op)
    size = math.prod(out)
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = int(index.min()) if index.min() < 0 else int(index.max())
        raise RuntimeError(f"{op}: found an invalid max index: {bad} (output volumes are of size "
                           f"{'x'.join(map(str, out))})")
    N, C = x.shape[:2]
    pooled = math.prod(x.shape[2:])  # (not -1: an empty batch leaves -1 undetermined)
    flat_index = Tensor._make(index.reshape(N, C, pooled), None, False)
    y = zeros(N, C, size, dtype=x.dtype).scatter(2, flat_index, x.reshape(N, C, pooled)).reshape((N, C) + out)
    return y.squeeze(0) if unbatched else y


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Put each value of (N, C, L_in) back where max_pool1d's `indices` say it came from, zeros
    elsewhere: (N, C, L_out), L_out = (L_in - 1)·stride - 2·padding + kernel_size (or output_size)."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1, "max_unpool1d")


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """The partial inverse of max_pool2d: each value of (N, C, H_in, W_in) goes to its flat position
    `indices` (h·W + w) in an (H_out, W_out) plane of zeros. Used by SegNet-like decoders.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> values, indices = F.max_pool2d(tg.tensor([[[[1.0, 2.0], [4.0, 3.0]]]]), 2, return_indices=True)
    >>> F.max_unpool2d(values, indices, 2)
    tensor([[[[0., 0.],
              [4., 0.]]]])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2, "max_unpool2d")


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """The partial inverse of max_pool3d, on (N, C, D, H, W)."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3, "max_unpool3d")


# ---- power-average pooling -------------------------------------------------------------------


def _lp_pool(input: Tensor, norm_type: float, kernel_size, stride, ceil_mode: bool, dims: int, op: str) -> Tensor:
    check_float(input, op)
    kernel = _tuple(kernel_size, dims, op, "kernel_size")
    avg_pool = (avg_pool1d, avg_pool2d, avg_pool3d)[dims - 1]
    out = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    # (PyTorch's sign·relu(|·|) keeps the sign of a negative mean, so an odd p's root of it is NaN, as there)
    return (out.sign() * relu(out.abs())).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """(Σ_window x^p)^(1/p) over each window of (N, C, L): p = 1 is sum pooling, p → ∞ max pooling."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1, "lp_pool1d")


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """(Σ_window x^p)^(1/p) over each window of (N, C, H, W); stride defaults to kernel_size.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.lp_pool2d(tg.tensor([[[[3.0, 0.0], [0.0, 4.0]]]]), 2, 2)
    tensor([[[[5.]]]])
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2, "lp_pool2d")


def lp_pool3d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """(Σ_window x^p)^(1/p) over each window of (N, C, D, H, W)."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3, "lp_pool3d")


# ---- adaptive max pooling in 3-D, and the *_with_indices forms -------------------------------


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling of (N, C, D, H, W) to `output_size` (an int, or (D_out, H_out, W_out) where None
    keeps that size); indices (return_indices=True) are flat positions d·H·W + h·W + w (int64)."""
    return _adaptive_max_pool(input, output_size, return_indices, 3, "adaptive_max_pool3d")


def adaptive_max_pool1d_with_indices(input: Tensor, output_size, return_indices: bool = False) -> tuple:
    """adaptive_max_pool1d's (values, indices), whatever return_indices says (PyTorch's)."""
    return _adaptive_max_pool(input, output_size, True, 1, "adaptive_max_pool1d")


def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices: bool = False) -> tuple:
    """adaptive_max_pool2d's (values, indices), whatever return_indices says (PyTorch's)."""
    return _adaptive_max_pool(input, output_size, True, 2, "adaptive_max_pool2d")


def adaptive_max_pool3d_with_indices(input: Tensor, output_size, return_indices: bool = False) -> tuple:
    """adaptive_max_pool3d's (values, indices), whatever return_indices says (PyTorch's)."""
    return _adaptive_max_pool(input, output_size, True, 3, "adaptive_max_pool3d")
