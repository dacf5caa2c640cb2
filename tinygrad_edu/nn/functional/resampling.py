"""Resampling: F.pad's reflect/replicate/circular modes, interpolate (upsampling, bicubic too), pixel_shuffle /
pixel_unshuffle and adaptive_max_pool1d/2d, with PyTorch's formulas.

Every one is an integer-index gather along each resampled axis (plus, for linear interpolation,
a weighted sum of two gathers), so gradients of any order come from indexing, whose backward
adds up repeated indices:

    pad, reflect     [0 1 2 3] -(2, 2)-> [2 1 | 0 1 2 3 | 2 1]   (the edge itself is not repeated)
    pad, replicate   [0 1 2 3] -(2, 2)-> [0 0 | 0 1 2 3 | 3 3]
    pad, circular    [0 1 2 3] -(2, 2)-> [2 3 | 0 1 2 3 | 0 1]
    nearest          out[i] = x[min(⌊i·s⌋, n - 1)],  s = n_in / n_out (or 1/scale_factor)
    nearest-exact    out[i] = x[min(⌊(i + ½)·s⌋, n - 1)]
    bicubic          out[i] = Σ_k w_k(src - ⌊src⌋)·x[clamp(⌊src⌋ - 1 + k)], k = 0..3 (cubic convolution)
    linear           src = s·(i + ½) - ½ (≥ 0), or i·(n_in - 1)/(n_out - 1) with align_corners
                     (an axis whose size is kept is copied, as PyTorch, whatever the scale);
                     out[i] = (1 - λ)·x[⌊src⌋] + λ·x[⌊src⌋ + 1],  λ = src - ⌊src⌋
    adaptive max     out[i] = max x[⌊i·n/s⌋ : ⌈(i + 1)·n/s⌉]

Scales are computed in the precision PyTorch uses (float32 for nearest, the input's for linear),
so the chosen source indices agree with PyTorch's even where i·s lands on an integer.
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ...errors import ShapeError
from ...tensor import Tensor
from .antialias import interpolate_antialias
from .checks import FloatOnlyError, check_float_only
from .convolution import (
    _batched,
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_output_sizes,
    gather_windows,
    window_max,
)
from .cubic import cubic_tap_weights

# ---- padding ---------------------------------------------------------------------------------

_SUPPORTED = ("Supported combinations for non-constant padding:\n"
              "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
              "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
              "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def _gather(x: Tensor, axis: int, index: np.ndarray) -> Tensor:
    """x with `axis` replaced by x[..., index, ...] (differentiable: repeats add up in backward)."""
    return x[(slice(None),) * axis + (index,)]


def _pad_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """Which input position each output position along one axis reads."""
    size = n + before + after
    if mode == "circular":  # cropped first, then wrapped around the cropped part (as PyTorch)
        start, stop = max(-before, 0), n - max(-after, 0)
        kept = stop - start
        return start + (np.arange(size) - max(before, 0)) % max(kept, 1)
    source = np.arange(size) - before
    if mode == "replicate":
        return np.clip(source, 0, n - 1)
    period = 2 * (n - 1)  # reflect: ... 2 1 | 0 1 2 3 | 2 1 0 ...
    if period == 0:
        return np.zeros(size, dtype=np.int64)
    folded = np.abs(source) % period
    return np.where(folded < n, folded, period - folded)


def pad_nonconstant(input: Tensor, pad: tuple, mode: str) -> Tensor:
    """F.pad with mode 'reflect', 'replicate' or 'circular' (called by F.pad after its checks of
    `pad`): the last len(pad)/2 axes (1 to 3) of a batched or unbatched input are padded."""
    dims = len(pad) // 2
    if dims not in (1, 2, 3) or input.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(f"pad: padding size {len(pad)} is not supported for a {input.ndim}D input "
                                  f"tensor (mode {mode!r}).\n{_SUPPORTED}")
    batched = input.ndim == dims + 2
    nonbatch = input.shape[1:] if batched else input.shape
    out = input
    for k in range(dims):
        axis = input.ndim - 1 - k  # pairs start from the last axis
        before, after = int(pad[2 * k]), int(pad[2 * k + 1])
        n = input.shape[axis]
        if mode == "circular":
            if before > n or after > n:
                raise ShapeError(f"pad: circular padding ({before}, {after}) of dimension {axis} (size {n}) "
                                 f"would wrap around the input more than once")
        elif 0 in nonbatch:
            raise ShapeError(f"pad: {mode} padding needs non-empty dimensions (other than the batch dimension), "
                             f"got an input of shape {input.shape}")
        if mode == "reflect" and (before >= n or after >= n):
            raise ShapeError(f"pad: reflect padding ({before}, {after}) of dimension {axis} must be less than "
                             f"its size {n} (input of shape {input.shape})")
        if n + before + after < 0:
            raise ShapeError(f"pad: padding ({before}, {after}) of dimension {axis} (size {n}) gives a negative "
                             f"size {n + before + after}")
        if before or after:
            out = _gather(out, axis, _pad_index(n, before, after, mode))
    return out


# ---- interpolate -----------------------------------------------------------------------------

_LINEAR_MODES = {"linear": 1, "bilinear": 2, "trilinear": 3}
_ALL_MODES = "nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact"


def _spatial_tuple(value, dims: int, what: str, input: Tensor) -> tuple:
    if isinstance(value, (list, tuple)):
        if len(value) != dims:
            raise ValueError(f"interpolate: the input of shape {input.shape} has {dims} spatial dimensions "
                             f"{tuple(input.shape[2:])}, but {what} has {len(value)} entries: {tuple(value)}")
        return tuple(value)
    return (value,) * dims


def _output_sizes(input: Tensor, size, scale_factor, recompute_scale_factor) -> tuple[tuple, tuple]:
    """(output sizes, scales handed to the index formulas -- None where in/out is used)."""
    dims = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("interpolate: recompute_scale_factor is not meaningful with an explicit size")
        sizes = _spatial_tuple(size, dims, "size", input)
        if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in sizes):
            raise TypeError(f"interpolate: size must be an int or a tuple of ints, got {size!r}")
        return tuple(int(s) for s in sizes), (None,) * dims
    scales = _spatial_tuple(scale_factor, dims, "scale_factor", input)
    if not all(isinstance(s, numbers.Real) and not isinstance(s, bool) for s in scales):
        raise TypeError(f"interpolate: scale_factor must be a number or a tuple of numbers, got {scale_factor!r}")
    sizes = tuple(math.floor(float(n) * float(s)) for n, s in zip(input.shape[2:], scales))
    return sizes, ((None,) * dims if recompute_scale_factor else tuple(float(s) for s in scales))


def _inverse_scale(n_in: int, n_out: int, scale, dtype) -> np.floating:
    """PyTorch's compute_scales_value: 1/scale_factor when one was given, else n_in/n_out."""
    dtype = np.dtype(dtype).type
    if scale is not None and scale > 0:
        return dtype(1.0 / scale)
    return dtype(n_in) / dtype(n_out)


def _nearest_index(n_in: int, n_out: int, scale, exact: bool, shortcuts: bool = True) -> np.ndarray:
    """The source index of each output position. With `shortcuts` (PyTorch's 2-D nearest kernel)
    an output as long as the input copies it and one twice as long repeats each element, whatever
    the scale factor that gave that size; PyTorch's 1-D and 3-D kernels always use the scale."""
    out = np.arange(n_out)
    if not exact and shortcuts and n_out == n_in:
        return out
    if not exact and shortcuts and n_out == 2 * n_in:
        return out >> 1
    s = _inverse_scale(n_in, n_out, scale, np.float32)
    if exact:  # ((i + 0.5) in double) · s, then rounded to float for floorf
        src = np.floor(((out + 0.5) * np.float64(s)).astype(np.float32))
    else:
        src = np.floor(out.astype(np.float32) * s)
    return np.minimum(src.astype(np.int64), n_in - 1)


def _linear_weights(n_in: int, n_out: int, scale, align_corners: bool, dtype) -> tuple:
    """(i0, i1, λ0, λ1): out[i] = λ0[i]·x[i0[i]] + λ1[i]·x[i1[i]]."""
    t = np.dtype(dtype).type
    out = np.arange(n_out).astype(dtype)
    if align_corners:
        s = t(n_in - 1) / t(n_out - 1) if n_out > 1 else t(0)
        src = s * out
    else:
        s = _inverse_scale(n_in, n_out, scale, dtype)
        src = np.maximum(s * (out + t(0.5)) - t(0.5), t(0))
    i0 = src.astype(np.int64)
    i1 = i0 + (i0 < n_in - 1)
    lambda1 = np.clip(src - i0, 0, 1).astype(dtype)
    return i0, i1, (t(1) - lambda1).astype(dtype), lambda1


def _cubic_weights(n_in: int, n_out: int, scale, align_corners: bool, dtype) -> tuple[list, list]:
    """The 4 taps and weights of cubic convolution (A = -0.75, see cubic.py):
    out[i] = Σ_k w_k[i]·x[clamp(⌊src⌋ - 1 + k)] with w = cubic_tap_weights(src - ⌊src⌋).
    src is not clamped at 0 (unlike linear); the taps are clamped to the border, as PyTorch."""
    t = np.dtype(dtype).type
    out = np.arange(n_out).astype(dtype)
    if align_corners:
        src = (t(n_in - 1) / t(n_out - 1) if n_out > 1 else t(0)) * out
    else:
        src = _inverse_scale(n_in, n_out, scale, dtype) * (out + t(0.5)) - t(0.5)
    base = np.floor(src)
    weights = cubic_tap_weights((src - base).astype(dtype))
    taps = [np.clip(base.astype(np.int64) - 1 + k, 0, n_in - 1) for k in range(4)]
    return taps, [np.asarray(wt, dtype) for wt in weights]


def _along(weights: np.ndarray, axis: int, ndim: int) -> Tensor:
    shape = [1] * ndim
    shape[axis] = -1
    return Tensor._make(weights.reshape(shape), None, False)


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resize the spatial dims of (N, C, L), (N, C, H, W) or (N, C, D, H, W) to `size`, or by
    `scale_factor` (output size ⌊n·scale⌋), with mode 'nearest', 'nearest-exact', 'linear' (3-D),
    'bilinear' (4-D), 'trilinear' (5-D) or 'area' (3-D to 5-D: adaptive average pooling).
    Linear modes take align_corners (default False): with True, the corner pixels of input and
    output are aligned. 'bicubic' (4-D) uses cubic convolution with A = -0.75 and clamps at the
    border, as PyTorch (so it may overshoot the input's range). antialias=True ('bilinear' and
    'bicubic' only) widens the kernel by the scale when downsampling, so that every input pixel is
    averaged in (Pillow's algorithm, as PyTorch's).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.interpolate(tg.tensor([[[1.0, 2.0]]]), scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    >>> F.interpolate(tg.tensor([[[1.0, 2.0]]]), size=3, mode="linear", align_corners=True)
    tensor([[[1.0000, 1.5000, 2.0000]]])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate: input must be a Tensor, got {type(input).__name__}")
    dims = input.ndim - 2
    known = mode in ("nearest", "nearest-exact", "area", "bicubic") or mode in _LINEAR_MODES
    if dims not in (1, 2, 3) or not known:
        raise NotImplementedError(f"interpolate: only 3D, 4D and 5D inputs (N, C, spatial...) are supported, for "
                                  f"the modes {_ALL_MODES}; got a {input.ndim}D input of shape {input.shape} "
                                  f"and mode {mode!r}")
    if align_corners is not None and mode not in _LINEAR_MODES and mode != "bicubic":
        raise ValueError("interpolate: align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if antialias and (mode not in ("bilinear", "bicubic") or dims != 2):
        raise ValueError(f"interpolate: the anti-alias option is restricted to bilinear and bicubic modes and "
                         f"requires a 4-D tensor as input; got mode {mode!r} and an input of shape {input.shape}")
    if mode in _LINEAR_MODES and _LINEAR_MODES[mode] != dims:
        raise NotImplementedError(f"interpolate: got a {input.ndim}D input of shape {input.shape}, but {mode} mode "
                                  f"needs a {_LINEAR_MODES[mode] + 2}D input")
    if mode == "bicubic" and dims != 2:
        raise NotImplementedError(f"interpolate: got a {input.ndim}D input of shape {input.shape}, but bicubic mode "
                                  f"needs a 4D input")
    sizes, scales = _output_sizes(input, size, scale_factor, recompute_scale_factor)
    if any(s < 0 or (s == 0 and mode != "area") for s in sizes) or 0 in input.shape[2:]:  # (area: adaptive pooling)
        raise ShapeError(f"interpolate: input and output sizes should be greater than 0, but got input spatial "
                         f"size {tuple(input.shape[2:])} and output size {sizes}")
    if input.data.dtype.kind != "f":
        raise FloatOnlyError(f"interpolate: not implemented for dtype {input.dtype}; convert with .float()")
    if mode == "area":  # (PyTorch's definition: adaptive average pooling to the output size)
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[dims - 1](input, sizes)
    if antialias:
        return interpolate_antialias(input, sizes, scales, mode, bool(align_corners))
    out = input
    for k in reversed(range(dims)):  # the last axis first, as PyTorch's kernels nest their sums
        axis, n_in, n_out = 2 + k, input.shape[2 + k], sizes[k]
        if mode in ("nearest", "nearest-exact"):
            index = _nearest_index(n_in, n_out, scales[k], mode == "nearest-exact", dims == 2)
            # (PyTorch's 2-D nearest kernel copies an axis whose size is kept, whatever the scale;
            # its 1-D and 3-D kernels index it with the scale)
            if n_out != n_in or mode != "nearest" or dims != 2:
                out = _gather(out, axis, index)
            continue
        if mode == "bicubic":
            taps, weights = _cubic_weights(n_in, n_out, scales[k], bool(align_corners), input.data.dtype)
            terms = [_gather(out, axis, t) * _along(wt, axis, out.ndim) for t, wt in zip(taps, weights)]
            out = terms[0] + terms[1] + terms[2] + terms[3]
            continue
        if n_out == n_in:  # (as PyTorch's linear kernels: an axis whose size is kept is copied, whatever
            continue       # the scale factor that gave that size; bicubic does interpolate it)
        i0, i1, lambda0, lambda1 = _linear_weights(n_in, n_out, scales[k], bool(align_corners), input.data.dtype)
        out = _gather(out, axis, i0) * _along(lambda0, axis, out.ndim) + \
            _gather(out, axis, i1) * _along(lambda1, axis, out.ndim)
    # laid out in order, as PyTorch's result (the gathers along inner axes leave numpy's arrays
    # strided otherwise, and as_strided reads the memory's order)
    return out.contiguous()


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.", UserWarning,
                  stacklevel=3)


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """interpolate, under its old name (with PyTorch's deprecation warning)."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """interpolate(mode='nearest'), under its old name (with PyTorch's deprecation warning)."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """interpolate(mode='bilinear', align_corners=True), under its old name (with PyTorch's
    deprecation warning)."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- pixel shuffle ---------------------------------------------------------------------------

def _check_factor(factor, op: str, what: str) -> int:
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)):
        raise TypeError(f"{op}: {what} must be an int, got {factor!r}")
    if factor <= 0:
        raise ShapeError(f"{op}: expects a positive {what}, got {factor}")
    return int(factor)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C·r², H, W) -> (*, C, H·r, W·r): each group of r² channels becomes an r×r block of
    pixels (Shi et al., "Real-time single image and video super-resolution using an efficient
    sub-pixel convolutional neural network", 2016).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.pixel_shuffle(tg.arange(4.0).reshape(1, 4, 1, 1), 2)
    tensor([[[[0., 1.],
              [2., 3.]]]])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pixel_shuffle: input must be a Tensor, got {type(input).__name__}")
    r = _check_factor(upscale_factor, "pixel_shuffle", "upscale_factor")
    if input.ndim < 3:
        raise ShapeError(f"pixel_shuffle: expects an input with at least 3 dimensions (*, C·r², H, W), got shape "
                         f"{input.shape}")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise ShapeError(f"pixel_shuffle: the channel dimension (size {c}, dim -3 of shape {input.shape}) must be "
                         f"divisible by upscale_factor² = {r * r}")
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)  # (*, C, H, r, W, r)
    return _not_a_view(x.reshape(*lead, c // (r * r), h * r, w * r), input)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H·r, W·r) -> (*, C·r², H, W), the inverse of pixel_shuffle."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pixel_unshuffle: input must be a Tensor, got {type(input).__name__}")
    r = _check_factor(downscale_factor, "pixel_unshuffle", "downscale_factor")
    if input.ndim < 3:
        raise ShapeError(f"pixel_unshuffle: expects an input with at least 3 dimensions (*, C, H·r, W·r), got "
                         f"shape {input.shape}")
    *lead, c, h, w = input.shape
    for what, size in (("height", h), ("width", w)):
        if size % r:
            raise ShapeError(f"pixel_unshuffle: the {what} ({size}, in shape {input.shape}) must be divisible by "
                             f"downscale_factor = {r}")
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)  # (*, C, r, r, H, W)
    return _not_a_view(x.reshape(*lead, c * r * r, h // r, w // r), input)


def _not_a_view(out: Tensor, input: Tensor) -> Tensor:
    """PyTorch's pixel_shuffle and pixel_unshuffle return new tensors; the reshapes here keep a
    view when nothing moves (a factor of 1), so an in-place change of it would reach `input`."""
    return out.clone() if np.may_share_memory(out.data, input.data) else out


# ---- adaptive max pooling --------------------------------------------------------------------

def _adaptive_index(n: int, s: int) -> np.ndarray:
    """(s, K): the positions of window i = [⌊i·n/s⌋, ⌈(i+1)·n/s⌉), padded to the longest window K
    by repeating its last position (a repeat never wins: max returns the first largest)."""
    i = np.arange(s)
    start, end = (i * n) // s, -(-((i + 1) * n) // s)
    k = int((end - start).max()) if s else 0
    return np.minimum(start[:, None] + np.arange(k), end[:, None] - 1)


def _adaptive_max_pool(input: Tensor, output_size, return_indices: bool, dims: int, op: str):
    check_float_only(input, op)
    x, unbatched = _batched(input, dims, op)
    spatial = x.shape[2:]
    sizes = adaptive_output_sizes(output_size, spatial, op)
    if any(s < 0 for s in sizes):
        raise ShapeError(f"{op}: output_size must not be negative, got {sizes}")
    if any(n == 0 for n in spatial) and any(s > 0 for s in sizes):
        raise ShapeError(f"{op}: cannot pool an input with an empty spatial dimension, shape {input.shape}")
    if 0 in sizes or x.shape[0] * x.shape[1] == 0:  # nothing to pool: an empty result, in x's graph
        values = x.flatten(2)[..., :0].reshape(x.shape[:2] + sizes).clone()  # (a new tensor, not a view, as PyTorch's)
        indices = Tensor._make(np.zeros(values.shape, np.int64), None, False)
    else:
        windows = [_adaptive_index(n, s) for n, s in zip(spatial, sizes)]
        gathered = gather_windows(x, windows)  # (N, C, out_0, ..., out_{D-1}, K_0, ..., K_{D-1})
        flat = gathered.reshape(gathered.shape[:2 + dims] + (-1,))
        values, best = window_max(flat)
        position = np.zeros(best.shape, dtype=np.int64)  # the flat input index of each max, for return_indices
        rest = best.data
        for d in reversed(range(dims)):
            k = windows[d].shape[1]
            offset, rest = rest % k, rest // k
            out_pos = np.arange(sizes[d]).reshape([-1 if i == d else 1 for i in range(dims)])
            stride = int(np.prod(spatial[d + 1:]))
            position = position + windows[d][out_pos, offset] * stride
        indices = Tensor._make(position, None, False)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """The largest value of each of `output_size` windows of (N, C, L) (or (C, L)): window i covers
    [⌊i·L/L_out⌋, ⌈(i+1)·L/L_out⌉). return_indices=True also returns where each max is (int64)."""
    return _adaptive_max_pool(input, output_size, return_indices, 1, "adaptive_max_pool1d")


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling of (N, C, H, W) (or (C, H, W)) to `output_size` (an int, or (H_out, W_out) where
    None keeps that size); the gradient goes to the first largest element of each window, as in
    PyTorch. return_indices=True also returns the flat index h·W + w of each max (int64).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.adaptive_max_pool2d(tg.arange(16.0).reshape(1, 1, 4, 4), 1)
    tensor([[[[15.]]]])
    """
    return _adaptive_max_pool(input, output_size, return_indices, 2, "adaptive_max_pool2d")
