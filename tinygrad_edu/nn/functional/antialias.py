"""interpolate(..., antialias=True) for 'bilinear' and 'bicubic': PyTorch's separable antialiased
resampling, the algorithm of Pillow's Resample.c (Clark and contributors, Pillow, 2010-).

Along each axis, output i reads the inputs around its centre c = s·(i + ½), where
s = n_in/n_out (1/scale_factor if given; (n_in - 1)/(n_out - 1) with align_corners), with weights

    w_ij = K((j - c + ½)/σ) / Σ_j K((j - c + ½)/σ),   σ = max(s, 1)

for the inputs j in [⌊c - r + ½⌋, ⌊c + r + ½⌋), r = σ·(kernel radius), where K is the triangle
1 - |x| (bilinear, radius 1) or the cubic convolution kernel with a = -0.5 (bicubic, radius 2).
When downsampling (s > 1) the kernel is stretched by s, so each output averages every input it
covers instead of skipping some (which is what aliases); when upsampling it is the plain kernel,
renormalised at the borders.

The weights form an (n_out, n_in) matrix per axis, applied with a matmul: that is linear in the
input, so the gradient (the transposed matrix) needs no formula of its own.
"""
from __future__ import annotations

import math

import numpy as np

from ...tensor import Tensor
from .checks import constant
from .cubic import ANTIALIAS_A, cubic_filter

_RADIUS = {"bilinear": 1, "bicubic": 2}


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(1 - np.abs(x), 0)


def antialias_matrix(n_in: int, n_out: int, scale, align_corners: bool, mode: str) -> np.ndarray:
    """The (n_out, n_in) float64 weights of one axis (scale: the scale_factor given, or None)."""
    if align_corners:
        s = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        s = 1.0 / scale if scale is not None and scale > 0 else n_in / n_out
    stretch = max(s, 1.0)
    support = _RADIUS[mode] * stretch
    width = math.ceil(support) * 2 + 1  # at most this many taps (PyTorch clips rare rounding overflows)
    centre = s * (np.arange(n_out) + 0.5)
    start = np.maximum(np.trunc(centre - support + 0.5), 0).astype(np.int64)
    count = np.clip(np.minimum(np.trunc(centre + support + 0.5).astype(np.int64), n_in) - start, 0, width)
    offsets = np.arange(width)
    taps = start[:, None] + offsets  # (n_out, width)
    used = offsets < count[:, None]
    distance = (taps - centre[:, None] + 0.5) / stretch
    kernel = _triangle(distance) if mode == "bilinear" else cubic_filter(distance, ANTIALIAS_A)
    weights = np.where(used, kernel, 0.0)
    total = weights.sum(1, keepdims=True)
    weights = np.divide(weights, total, out=weights, where=total != 0)
    matrix = np.zeros((n_out, n_in))
    rows = np.broadcast_to(np.arange(n_out)[:, None], taps.shape)
    matrix[rows[used], taps[used]] = weights[used]
    return matrix


def interpolate_antialias(input: Tensor, sizes: tuple, scales: tuple, mode: str, align_corners: bool) -> Tensor:
    """Resize the last two axes of (N, C, H, W) to sizes = (H_out, W_out): W first, then H."""
    dtype = input.data.dtype
    (h, w), (h_out, w_out) = input.shape[2:], sizes
    columns = antialias_matrix(w, w_out, scales[1], align_corners, mode).astype(dtype)
    rows = antialias_matrix(h, h_out, scales[0], align_corners, mode).astype(dtype)
    return constant(rows) @ (input @ constant(columns.T))
