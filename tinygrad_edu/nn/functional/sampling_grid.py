"""The spatial transformer's two functions: affine_grid (where to sample) and grid_sample (sample
there), with PyTorch's coordinate conventions (Jaderberg et al., "Spatial Transformer Networks", 2015).

Grid coordinates are normalised: x = -1 is the left edge of the image and +1 the right edge
(align_corners=False: the outer edges of the corner pixels; True: the centres of the corner pixels).
A coordinate becomes a pixel position by

    align_corners=True:   ix = (x + 1)/2 · (W - 1)
    align_corners=False:  ix = ((x + 1)·W - 1)/2

and bilinear sampling mixes the four pixels around (ix, iy):

    out = Σ (1 - |ix - j|)(1 - |iy - i|) · input[i, j]   over i ∈ {⌊iy⌋, ⌊iy⌋+1}, j ∈ {⌊ix⌋, ⌊ix⌋+1}

The floors are constants (integer indices of a gather); the weights are built from the
coordinates with ordinary ops, so grid_sample is differentiable in input and grid, to any order.
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np

from ...errors import ShapeError
from ...tensor import Tensor
from .checks import constant
from .cubic import cubic_tap_weights

_DEFAULT_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                    "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                    "grid_sample for details.")


def _align(align_corners: bool | None) -> bool:
    if align_corners is None:
        warnings.warn(_DEFAULT_WARNING, UserWarning, stacklevel=3)
        return False
    return bool(align_corners)


def _base_coords(n: int, align_corners: bool, dtype) -> np.ndarray:
    """n evenly spaced normalised coordinates from -1 to 1 (pulled in by (n-1)/n without align_corners)."""
    if n <= 1:
        return np.zeros(max(n, 0), dtype)
    coords = np.linspace(-1.0, 1.0, n).astype(dtype)
    return coords if align_corners else coords * dtype.type((n - 1) / n)


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """The sampling grid of a batch of affine maps: theta (N, 2, 3) and size (N, C, H, W) give
    (N, H, W, 2), grid[n, h, w] = theta[n] @ (x_w, y_h, 1); theta (N, 3, 4) and size (N, C, D, H, W)
    give (N, D, H, W, 3). Feed it to grid_sample to warp an image.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.affine_grid(tg.tensor([[[1.0, 0, 0], [0, 1, 0]]]), (1, 1, 1, 2), align_corners=False)
    tensor([[[[-0.5000,  0.0000],
              [ 0.5000,  0.0000]]]])
    """
    if not isinstance(theta, Tensor):
        raise TypeError(f"affine_grid: theta must be a Tensor, got {type(theta).__name__}")
    if theta.data.dtype.kind != "f":
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype} (affine_grid)")
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    dims = len(size) - 2
    if theta.ndim != 3 or theta.shape[1:] != (dims, dims + 1):
        raise ValueError(f"affine_grid: expected a batch of {dims}D affine matrices of shape "
                         f"Nx{dims}x{dims + 1} for size {size}, got theta of shape {theta.shape}")
    if theta.shape[0] != size[0]:
        raise ShapeError(f"affine_grid: theta holds {theta.shape[0]} matrices but size asks for a batch of "
                         f"{size[0]}")
    if min(size) <= 0:
        raise ValueError(f"affine_grid: expected non-zero, positive output size, got {size}")
    align = _align(align_corners)
    if align and max(size[2:]) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", UserWarning, stacklevel=2)
    dtype = theta.data.dtype
    spatial = size[2:]  # (H, W) or (D, H, W); the grid's last axis is (x, y[, z]) = reversed order
    axes = [_base_coords(n, align, dtype) for n in reversed(spatial)]
    mesh = np.meshgrid(*axes, indexing="ij")  # each in (W, H[, D]) order
    base = np.stack([m.transpose(tuple(reversed(range(dims)))) for m in mesh] + [np.ones(spatial, dtype)], -1)
    base = constant(base.reshape(1, -1, dims + 1))  # (1, prod(spatial), dims + 1)
    grid = base @ theta.transpose(1, 2)  # (N, prod(spatial), dims)
    return grid.reshape(size[0], *spatial, dims)


# ---- grid_sample -----------------------------------------------------------------------------

def _unnormalize(coord: Tensor, n: int, align_corners: bool) -> Tensor:
    if align_corners:
        return (coord + 1) * ((n - 1) / 2)
    return ((coord + 1) * n - 1) / 2


def _clip(pos: Tensor, n: int) -> Tensor:
    """pos clamped to [0, n - 1]; the slope is 1 strictly inside and 0 on the borders themselves
    (PyTorch's clip_coordinates_set_grad counts a border as outside)."""
    data = pos.data
    inside = constant((data > 0) & (data < n - 1))
    return pos.where(inside, constant(np.clip(data, 0, n - 1).astype(data.dtype)))


def _reflect(coord: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Fold coord into [twice_low/2, twice_high/2] by reflecting at the ends (PyTorch's
    reflect_coordinates); the fold count is a constant, so the slope is ±1."""
    if twice_low == twice_high:
        return coord * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    dist = (coord - low).abs()
    flips = np.floor(dist.data / span)
    extra = dist - constant((flips * span).astype(dist.data.dtype))
    even = constant(flips % 2 == 0)
    return (extra + low).where(even, span - extra + low)


def _pad(pos: Tensor, n: int, padding_mode: str, align_corners: bool) -> Tensor:
    """A pixel position moved inside [0, n - 1] by border/reflection padding ('zeros': unchanged)."""
    if padding_mode == "border":
        return _clip(pos, n)
    if padding_mode == "reflection":
        pos = _reflect(pos, 0, 2 * (n - 1)) if align_corners else _reflect(pos, -1, 2 * n - 1)
        return _clip(pos, n)
    return pos


def _pick(input: Tensor, index: list) -> Tensor:
    """input[n, c, i_0[n], ..., i_{d-1}[n]] for integer maps i_k (N, *out), one per spatial axis of
    input (N, C, *spatial), zero where a position falls outside; the result is (N, C, *out)."""
    n_, c_, *spatial = input.shape
    extra = (1,) * index[0].ndim
    inside = np.logical_and.reduce([(i >= 0) & (i < n) for i, n in zip(index, spatial)])
    batch = np.arange(n_).reshape(-1, 1, *extra[1:])
    channel = np.arange(c_).reshape(1, -1, *extra[1:])
    clipped = [np.clip(i, 0, n - 1)[:, None] for i, n in zip(index, spatial)]
    values = input[(batch, channel, *clipped)]
    if inside.all():
        return values
    return values * constant(inside[:, None].astype(input.data.dtype))


def _check_grid_sample(input, grid, mode: str, padding_mode: str) -> None:
    if not isinstance(input, Tensor) or not isinstance(grid, Tensor):
        raise TypeError(f"grid_sample: input and grid must be Tensors, got {type(input).__name__} and "
                        f"{type(grid).__name__}")
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: {mode!r}")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: {padding_mode!r}")
    if input.ndim not in (4, 5) or grid.ndim != input.ndim:
        raise ShapeError(f"grid_sample: expected a 4D input (N, C, H, W) with a 4D grid (N, H_out, W_out, 2), or "
                         f"a 5D input (N, C, D, H, W) with a 5D grid (N, D_out, H_out, W_out, 3), but got input "
                         f"of shape {input.shape} and grid of shape {grid.shape}")
    dims = input.ndim - 2
    if grid.shape[-1] != dims:
        raise ShapeError(f"grid_sample: expected grid to have size {dims} in last dimension (x, y"
                         f"{', z' if dims == 3 else ''}) for a {input.ndim}D input of shape {input.shape}, but got "
                         f"grid of shape {grid.shape}")
    if grid.shape[0] != input.shape[0]:
        raise ShapeError(f"grid_sample: expected grid and input to have same batch size, but got input of "
                         f"shape {input.shape} and grid of shape {grid.shape}")
    if 0 in input.shape[2:]:
        raise ShapeError(f"grid_sample: expected input to have non-empty spatial dimensions, but got input of "
                         f"shape {input.shape}")
    if mode == "bicubic" and dims != 2:
        raise ShapeError(f"grid_sample: bicubic interpolation only supports 4D input, got input of shape "
                         f"{input.shape}")
    if input.data.dtype.kind != "f" or grid.data.dtype.kind != "f":
        raise TypeError(f"grid_sample: input and grid must be floating point, got {input.dtype} and {grid.dtype}")


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """Sample input (N, C, H, W) at the normalised positions grid (N, Ho, Wo, 2) (x, y in [-1, 1]),
    giving (N, C, Ho, Wo); or a volume (N, C, D, H, W) at grid (N, Do, Ho, Wo, 3) (x, y, z),
    giving (N, C, Do, Ho, Wo). mode 'bilinear' (trilinear for volumes; differentiable in input and
    grid), 'nearest' (rounds half to even, as PyTorch; the grid gets a zero gradient) or 'bicubic'
    (4-D only: cubic convolution with A = -0.75 on the 4×4 pixels around the point, each tap padded
    on its own); padding_mode 'zeros', 'border' (clamp to the edge) or 'reflection' (mirror at the
    edge).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> image = tg.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    >>> F.grid_sample(image, tg.tensor([[[[0.0, 0.0]]]]), align_corners=True)
    tensor([[[[2.5000]]]])
    """
    _check_grid_sample(input, grid, mode, padding_mode)
    align = _align(align_corners)
    spatial = input.shape[2:]
    dims = len(spatial)
    # the grid's last axis is (x, y[, z]): x indexes the last input axis (W), so the order is reversed
    coords = [grid[..., dims - 1 - k] for k in range(dims)]  # in input axis order, each (N, *out)
    if mode == "bicubic":
        return _bicubic(input, [_unnormalize(c, n, align) for c, n in zip(coords, spatial)], padding_mode, align)
    pos = [_pad(_unnormalize(c, n, align), n, padding_mode, align) for c, n in zip(coords, spatial)]
    if mode == "nearest":
        out = _pick(input, [np.rint(p.data).astype(np.int64) for p in pos])
        if grid.requires_grad:  # the grid gets a zero gradient, as in PyTorch (rounding is flat)
            out = out.where(constant(np.ones((1,) * out.ndim, bool)), sum(pos).unsqueeze(1))
        return out
    # (bi/tri)linear: Σ over the 2^dims corners of Π_k (1 - t_k or t_k) · input[corner], t_k = p_k - ⌊p_k⌋
    floors = [np.floor(p.data).astype(np.int64) for p in pos]
    fracs = [(p - constant(f.astype(p.data.dtype))).unsqueeze(1) for p, f in zip(pos, floors)]  # (N, 1, *out)
    out = None
    for corner in itertools.product((0, 1), repeat=dims):
        term = _pick(input, [f + c for f, c in zip(floors, corner)])
        for t, c in zip(fracs, corner):
            term = term * (t if c else 1 - t)
        out = term if out is None else out + term
    return out


def _bicubic(input: Tensor, pos: list, padding_mode: str, align_corners: bool) -> Tensor:
    """Σ_{i,j} w_i(t_y)·w_j(t_x)·input[pad(⌊y⌋ - 1 + i), pad(⌊x⌋ - 1 + j)], i, j = 0..3: PyTorch pads
    each integer tap (not the point), so only the weights depend on the grid."""
    floors = [np.floor(p.data) for p in pos]
    weights = [cubic_tap_weights((p - constant(f.astype(p.data.dtype))).unsqueeze(1)) for p, f in zip(pos, floors)]
    taps = [[_pad_index(f - 1 + k, n, padding_mode, align_corners) for k in range(4)]
            for f, n in zip(floors, input.shape[2:])]
    out = None
    for i, j in itertools.product(range(4), repeat=2):
        term = _pick(input, [taps[0][i], taps[1][j]]) * (weights[0][i] * weights[1][j])
        out = term if out is None else out + term
    return out


def _pad_index(index: np.ndarray, n: int, padding_mode: str, align_corners: bool) -> np.ndarray:
    """Integer positions moved by the padding (reflecting an integer about a pixel edge or centre
    gives an integer again)."""
    padded = _pad(constant(index), n, padding_mode, align_corners).data
    return np.rint(padded).astype(np.int64)
