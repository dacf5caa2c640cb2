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

import warnings

import numpy as np

from ...errors import ShapeError
from ...tensor import Tensor
from .checks import constant

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


def _source(coord: Tensor, n: int, padding_mode: str, align_corners: bool) -> Tensor:
    """The pixel position of a normalised coordinate, with border/reflection padding applied."""
    pos = _unnormalize(coord, n, align_corners)
    if padding_mode == "border":
        pos = pos.clamp(0, n - 1)
    elif padding_mode == "reflection":
        pos = _reflect(pos, 0, 2 * (n - 1)) if align_corners else _reflect(pos, -1, 2 * n - 1)
        pos = pos.clamp(0, n - 1)
    return pos


def _pick(input: Tensor, iy: np.ndarray, ix: np.ndarray) -> Tensor:
    """input[n, c, iy[n], ix[n]] for integer maps iy, ix (N, Ho, Wo), zero where they fall outside;
    the result is (N, C, Ho, Wo)."""
    n_, c_, h, w = input.shape
    inside = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < w)
    batch = np.arange(n_).reshape(-1, 1, 1, 1)
    channel = np.arange(c_).reshape(1, -1, 1, 1)
    rows = np.clip(iy, 0, max(h - 1, 0))[:, None]
    cols = np.clip(ix, 0, max(w - 1, 0))[:, None]
    values = input[batch, channel, rows, cols]
    if inside.all():
        return values
    return values * constant(inside[:, None].astype(input.data.dtype))


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """Sample input (N, C, H, W) at the normalised positions grid (N, Ho, Wo, 2) (x, y in [-1, 1]),
    giving (N, C, Ho, Wo). mode 'bilinear' (differentiable in input and grid) or 'nearest' (rounds
    half to even, as PyTorch; differentiable in input only); padding_mode 'zeros', 'border' (clamp
    to the edge) or 'reflection' (mirror at the edge). 5-D inputs and mode 'bicubic' are not
    implemented.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> image = tg.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    >>> F.grid_sample(image, tg.tensor([[[[0.0, 0.0]]]]), align_corners=True)
    tensor([[[[2.5000]]]])
    """
    if not isinstance(input, Tensor) or not isinstance(grid, Tensor):
        raise TypeError(f"grid_sample: input and grid must be Tensors, got {type(input).__name__} and "
                        f"{type(grid).__name__}")
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: {mode!r}")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: {padding_mode!r}")
    if mode == "bicubic":
        raise NotImplementedError("grid_sample: mode 'bicubic' is not implemented here ('bilinear' and 'nearest' are)")
    if input.ndim == 5:
        raise NotImplementedError(f"grid_sample: 5-D (volumetric) inputs are not implemented here, got an input of "
                                  f"shape {input.shape}")
    if input.ndim != 4 or grid.ndim != 4:
        raise ShapeError(f"grid_sampler(): expected a 4D input (N, C, H, W) and a 4D grid (N, H_out, W_out, 2), "
                         f"but got input of shape {input.shape} and grid of shape {grid.shape}")
    if grid.shape[-1] != 2:
        raise ShapeError(f"grid_sampler(): expected grid to have size 2 in last dimension, but got grid of shape "
                         f"{grid.shape}")
    if grid.shape[0] != input.shape[0]:
        raise ShapeError(f"grid_sampler(): expected grid and input to have same batch size, but got input of "
                         f"shape {input.shape} and grid of shape {grid.shape}")
    if 0 in input.shape[2:]:
        raise ShapeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but got input of "
                         f"shape {input.shape}")
    if input.data.dtype.kind != "f" or grid.data.dtype.kind != "f":
        raise TypeError(f"grid_sample: input and grid must be floating point, got {input.dtype} and {grid.dtype}")
    align = _align(align_corners)
    h, w = input.shape[2:]
    ix = _source(grid[..., 0], w, padding_mode, align)  # (N, Ho, Wo)
    iy = _source(grid[..., 1], h, padding_mode, align)
    if mode == "nearest":
        out = _pick(input, np.rint(iy.data).astype(np.int64), np.rint(ix.data).astype(np.int64))
        if grid.requires_grad:  # the grid gets a zero gradient, as in PyTorch (rounding is flat)
            out = out.where(constant(np.ones((1,) * out.ndim, bool)), (ix + iy).unsqueeze(1))
        return out
    x0, y0 = np.floor(ix.data).astype(np.int64), np.floor(iy.data).astype(np.int64)
    dx = ix - constant(x0.astype(ix.data.dtype))  # in [0, 1): the weight of the right neighbour
    dy = iy - constant(y0.astype(iy.data.dtype))
    dx, dy = dx.unsqueeze(1), dy.unsqueeze(1)  # (N, 1, Ho, Wo), broadcast over channels
    top = _pick(input, y0, x0) * (1 - dx) + _pick(input, y0, x0 + 1) * dx
    bottom = _pick(input, y0 + 1, x0) * (1 - dx) + _pick(input, y0 + 1, x0 + 1) * dx
    return top * (1 - dy) + bottom * dy
