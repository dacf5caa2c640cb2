"""Fractional max pooling (Graham, "Fractional Max-Pooling", 2014), as PyTorch's
fractional_max_pool2d/3d: max pooling whose windows step by a non-integer amount on average, so
that the output size can be any size below the input's (e.g. ×1/√2 per layer instead of ×1/2).

Along a spatial dim of input size n, output size m and window size k, one random number u in
[0, 1) per (sample, channel, dim) places the m windows: with α = (n - k) / (m - 1), window i starts at

    start(i) = ⌊(i + u)·α⌋ - ⌊u·α⌋     for i < m - 1,     start(m - 1) = n - k

(PyTorch's pseudo-random, overlapping variant, computed in the input's dtype so that the same u
gives the same windows), and covers [start, start + k). The output is the largest value in each
window: the first largest in row-major order, or the last NaN if the window holds one (PyTorch's
rule). The values are picked from the input with `gather` at the flat indices of the maxima, so the
gradient goes to each maximum as in max pooling (and sums where windows overlap). The indices are
flat positions in each input plane (h·W + w, or t·H·W + h·W + w), what max_unpool takes.
"""
from __future__ import annotations

import math

import numpy as np

from ...random import generator
from ...tensor import Tensor
from .checks import ArgumentValueError, ShapeError, check_float_only, constant

# the names of the spatial dims in PyTorch's messages, and which random number places each dim's
# windows (PyTorch's order: (W, H) in 2-D, (T, H, W) in 3-D)
_DIM_NAMES = {2: ("height", "width"), 3: ("time", "height", "width")}
_SAMPLE_OF_DIM = {2: (1, 0), 3: (0, 1, 2)}


def _ints(value, dims: int, op: str, what: str) -> tuple:
    """An int (the same for every spatial dim) or a sequence of `dims` ints, as a tuple."""
    values = (value,) * dims if isinstance(value, (int, np.integer)) else value
    if not isinstance(values, (tuple, list)) or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{op}: {what} must be an int or a tuple of {dims} ints, got {value!r}")
    if len(values) not in (1, dims):
        raise ArgumentValueError(f"{op}: {what} must either be a single int or a tuple of {dims} ints, got {value!r}")
    return tuple(int(v) for v in values) * (dims if len(values) == 1 else 1)


def _output_size(spatial: tuple, output_size, output_ratio, dims: int, op: str) -> tuple:
    """output_size if given (it wins over output_ratio, as in PyTorch's functional form), else
    ⌊input size · ratio⌋ per spatial dim."""
    if output_size is not None:
        return _ints(output_size, dims, op, "output_size")
    if output_ratio is None:
        raise ValueError(f"{op} requires specifying either an output_size or an output_ratio")
    ratios = (output_ratio,) * dims if isinstance(output_ratio, (int, float, np.number)) else tuple(output_ratio)
    if len(ratios) != dims:
        raise ValueError(f"{op}: output_ratio must be a number or a tuple of {dims} numbers, got {output_ratio!r}")
    return tuple(int(n * r) for n, r in zip(spatial, ratios))


def window_starts(u: np.ndarray, size: int, out: int, kernel: int) -> np.ndarray:
    """The first input position of each of the `out` windows, for the random numbers u (any
    shape; float, computed in u's dtype as PyTorch does): an int64 array of shape u.shape + (out,)."""
    starts = np.empty(u.shape + (out,), np.int64)
    if out > 1:
        real = u.dtype.type
        alpha = real(size - kernel) / real(out - 1)
        steps = np.arange(out - 1, dtype=u.dtype)
        # (both products rounded to u's dtype before the floor: the exact windows PyTorch takes)
        starts[..., :-1] = (((steps + u[..., None]) * alpha).astype(np.int64)
                            - (u * alpha).astype(np.int64)[..., None])
    if out > 0:
        starts[..., -1] = size - kernel
    return starts


def _check_samples(samples, x: Tensor, dims: int, op: str) -> np.ndarray:
    if not isinstance(samples, Tensor):
        raise TypeError(f"{op}: _random_samples must be a Tensor, got {type(samples).__name__}")
    N, C = x.shape[:2]
    if samples.ndim != 3:
        raise ShapeError(f"{op}: expected _random_samples to have 3 dimensions (N, C, {dims}), got shape "
                         f"{samples.shape}")
    if samples.dtype != x.dtype:
        raise ShapeError(f"{op}: expected _random_samples to have the same dtype as the input ({x.dtype}), got "
                         f"{samples.dtype}")
    if samples.shape[0] < N or samples.shape[1] != C or samples.shape[2] != dims:
        raise ShapeError(f"{op}: _random_samples of shape {samples.shape} does not fit an input with batch size {N} "
                         f"and {C} channels: expected ({N} or more, {C}, {dims})")
    return samples.data[:N]


def _fractional_max_pool(input: Tensor, kernel_size, output_size, output_ratio, return_indices: bool,
                         samples, dims: int, op: str):
    check_float_only(input, op)
    if input.ndim not in (dims + 1, dims + 2):
        raise ShapeError(f"{op}: expected a {dims + 1}D (unbatched) or {dims + 2}D (batched) input, got shape "
                         f"{input.shape}")
    unbatched = input.ndim == dims + 1
    x = input.unsqueeze(0) if unbatched else input
    kernel = _ints(kernel_size, dims, op, "kernel_size")
    if any(k <= 0 for k in kernel):
        raise ArgumentValueError(f"{op}: kernel_size must be greater than 0, got {kernel}")
    N, C, spatial = x.shape[0], x.shape[1], x.shape[2:]
    out = _output_size(spatial, output_size, output_ratio, dims, op)
    if any(m < 0 for m in out):
        raise ArgumentValueError(f"{op}: output_size must not be negative, got {out}")
    if C == 0 or 0 in spatial:
        raise ShapeError(f"{op}: expected an input with non-zero size in every dimension but the batch, got "
                         f"shape {input.shape}")
    # the windows must fit: out + kernel - 1 <= input (PyTorch's 3-D form asks for < input)
    room = 0 if dims == 2 else 1
    for name, n, m, k in zip(_DIM_NAMES[dims], spatial, out, kernel):
        if m + k - 1 > n - room:
            raise ShapeError(f"{op}: pool {name} {k} too large relative to input {name} {n} for an output "
                             f"{name} of {m} (output + kernel - 1 must be at most {n - room})")
    if samples is None:  # one u per (sample, channel, dim) from the framework's generator, in [0, 1) in x's dtype
        u = generator().random((N, C, dims)).astype(x.dtype)
        u = np.minimum(u, np.nextafter(x.dtype.type(1), x.dtype.type(0)))  # (rounding may have reached 1)
    else:
        u = _check_samples(samples, x, dims, op)
    indices = _argmax_indices(x.data, u, spatial, out, kernel)
    positions = constant(indices.reshape(N, C, math.prod(out)))
    values = x.reshape(N, C, math.prod(spatial)).gather(2, positions).reshape((N, C) + out)
    if unbatched:
        values, indices = values.squeeze(0), indices[0]
    return (values, constant(indices)) if return_indices else values


def _argmax_indices(x: np.ndarray, u: np.ndarray, spatial: tuple, out: tuple, kernel: tuple) -> np.ndarray:
    """The flat index (in each input plane) of the maximum of every window: (N, C, *out) int64.
    The kernel offsets are visited in row-major order, keeping a value when it is larger than the
    best so far or NaN -- PyTorch's loop, run for all windows at once."""
    N, C, dims = x.shape[0], x.shape[1], len(spatial)
    plane = x.reshape(N, C, math.prod(spatial))
    # per dim, the first index of every window, broadcast to (N, C, *out) and scaled to flat positions
    starts = []
    for d, (n, m, k) in enumerate(zip(spatial, out, kernel)):
        shape = (N, C) + tuple(m if e == d else 1 for e in range(dims))
        u_d = u[:, :, _SAMPLE_OF_DIM[dims][d]]
        starts.append(window_starts(u_d, n, m, k).reshape(shape) * math.prod(spatial[d + 1:]))
    first = sum(starts)
    best_index = np.broadcast_to(first, (N, C) + out).copy()
    best = np.full(best_index.shape, -np.inf, x.dtype)
    for offset in np.ndindex(*kernel):
        index = first + sum(o * math.prod(spatial[d + 1:]) for d, o in enumerate(offset))
        value = np.take_along_axis(plane, index.reshape(N, C, math.prod(out)), 2).reshape(index.shape)
        better = (value > best) | np.isnan(value)
        best = np.where(better, value, best)
        best_index = np.where(better, index, best_index)
    return best_index


def fractional_max_pool2d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples: Tensor | None = None):
    """Fractional max pooling of (N, C, H, W) or (C, H, W) to `output_size` (an int or (oH, oW)),
    or to ⌊output_ratio·(H, W)⌋, with kernel_size windows at pseudo-random places (Graham 2014).
    `_random_samples` ((N, C, 2), in [0, 1), the input's dtype; [..., 0] places the columns,
    [..., 1] the rows) fixes the places; without it they are drawn from the framework's generator.
    With return_indices=True, (values, indices): the flat position h·W + w of each maximum.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> x = tg.arange(25.0).reshape(1, 1, 5, 5)
    >>> F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=tg.tensor([[[0.5, 0.5]]]))
    tensor([[[[ 6.,  8.,  9.],
              [16., 18., 19.],
              [21., 23., 24.]]]])
    """
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 2,
                                "fractional_max_pool2d")


def fractional_max_pool3d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples: Tensor | None = None):
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W), as fractional_max_pool2d;
    `_random_samples` is (N, C, 3) ([..., 0] for T, [..., 1] for H, [..., 2] for W) and the
    indices are flat positions t·H·W + h·W + w."""
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 3,
                                "fractional_max_pool3d")


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                                       return_indices: bool = False, _random_samples: Tensor | None = None) -> tuple:
    """fractional_max_pool2d's (values, indices), whatever return_indices says (PyTorch's)."""
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, True, _random_samples, 2,
                                "fractional_max_pool2d")


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                                       return_indices: bool = False, _random_samples: Tensor | None = None) -> tuple:
    """fractional_max_pool3d's (values, indices), whatever return_indices says (PyTorch's)."""
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, True, _random_samples, 3,
                                "fractional_max_pool3d")
