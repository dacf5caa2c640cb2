"""Histograms with PyTorch's bins: `tg.histogram` (1-D, also a Tensor method) and
`tg.histogramdd` (points in N dimensions). No gradient: counts are step functions of the data.

The bin rules are PyTorch's (ATen's HistogramKernel), so that counts agree with PyTorch's to the
last element:

- `bins` an int: equal bins from the data's minimum to its maximum (or `range`), their edges
  computed as PyTorch's CPU linspace computes them, to the last bit (linspace_values.py); a range of one
  value is widened by 0.5 each way, an empty input has the range [0, 1]. `bins` tensors: the
  edges as given.
- bin i holds the x with edges[i] <= x < edges[i+1]; the last bin also holds x == its right edge.
  x outside the edges (and nan) is not counted.
- the bin of x is the last edge <= x, found by `std::upper_bound` (a binary search) -- for equal
  bins started at the guess (x - left)·bins/(right - left) and searched one bin either side.

>>> import tinygrad_edu as tg
>>> tg.histogram(tg.tensor([1.0, 2.0, 1.0]), bins=4, range=(0.0, 3.0), weight=tg.tensor([1.0, 2.0, 4.0]))
histogram(hist=tensor([0., 5., 2., 0.]), bin_edges=tensor([0.0000, 0.7500, 1.5000, 2.2500, 3.0000]))
"""
from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from .errors import NotImplementedForDtype
from .linspace_values import linspace_values
from .out_argument import written_to
from .tensor import Tensor

__all__ = ["histogram", "histogramdd"]


# PyTorch's torch.return_types.histogram / histogramdd (classes named after the functions)
_HistogramResult = NamedTuple("histogram", [("hist", Tensor), ("bin_edges", Tensor)])
_HistogramddResult = NamedTuple("histogramdd", [("hist", Tensor), ("bin_edges", tuple)])


def _constant(array: np.ndarray) -> Tensor:
    return Tensor._make(array, None, False)


# ---- finding the bin of each value ------------------------------------------------------------
def _upper_bound(edges: np.ndarray, values: np.ndarray, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """C++'s std::upper_bound for each value in edges[first : first + count]: the first place
    whose edge is > value (exactly its binary search, also on edges that are not sorted)."""
    first, count = first.copy(), count.copy()
    last_place = edges.size - 1
    while (count > 0).any():
        step = count // 2
        middle = first + step
        right = (count > 0) & ~(values < edges[np.minimum(middle, last_place)])
        first = np.where(right, middle + 1, first)
        count = np.where(right, count - step - 1, np.where(count > 0, step, 0))
    return first


def _bins_of(values: np.ndarray, edges: np.ndarray, equal_bins: bool) -> tuple[np.ndarray, np.ndarray]:
    """(counted, bin): which values lie within the edges, and the bin of each value."""
    left, right = edges[0], edges[-1]
    n_edges = edges.size
    with np.errstate(invalid="ignore"):
        counted = (values >= left) & (values <= right)  # (nan is not counted)
    inside = np.where(counted, values, left)
    if equal_bins:  # the guess, in the input's dtype as PyTorch computes it, then a local search
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            guess = (inside - left) * edges.dtype.type(n_edges - 1) / (right - left)
        guess = np.nan_to_num(guess, nan=0.0, posinf=0.0, neginf=0.0).astype(np.int64)
        low = np.maximum(guess - 1, 0)
        high = np.minimum(guess + 2, n_edges)
        position = _upper_bound(edges, inside, low, np.maximum(high - low, 0)) - 1
    else:
        start = np.zeros(inside.shape, np.int64)
        position = _upper_bound(edges, inside, start, np.full(inside.shape, n_edges, np.int64)) - 1
    position = np.where(position == n_edges - 1, position - 1, position)  # the last bin holds its right edge
    return counted, position


def _count(points: np.ndarray, edges: list, weight: np.ndarray | None, density: bool, equal_bins: bool,
           dtype: np.dtype) -> np.ndarray:
    """The histogram of the (M, N) points over the N edge arrays."""
    shape = tuple(e.size - 1 for e in edges)
    hist = np.zeros(shape, dtype)
    counted = np.ones(points.shape[0], bool)
    bins = []
    for d, e in enumerate(edges):
        inside, position = _bins_of(points[:, d], e, equal_bins)
        counted &= inside
        bins.append(position)
    if bins:
        flat = np.ravel_multi_index(tuple(b[counted] for b in bins), shape) if counted.any() else \
            np.zeros(0, np.int64)
        amounts = np.ones(flat.size, dtype) if weight is None else weight[counted].astype(dtype)
        np.add.at(hist.reshape(-1), flat, amounts)
    if density:  # divided by the total, then by each bin's width along each dim: a density
        with np.errstate(invalid="ignore", divide="ignore"):
            hist = hist / hist.sum(dtype=dtype)
            for d, e in enumerate(edges):
                widths = np.diff(e).reshape(tuple(-1 if k == d else 1 for k in range(len(edges))))
                hist = hist / widths
    return hist.astype(dtype, copy=False)


# ---- checks, with PyTorch's messages ----------------------------------------------------------
def _float_input(input, op: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be a Tensor, not {type(input).__name__}")
    if input.dtype not in (np.float32, np.float64):
        raise NotImplementedForDtype(f"{op}: \"histogramdd\" not implemented for dtype {input.dtype} (float32 "
                                     f"and float64 only, as in PyTorch)")
    return input


def _bin_count(n, dim: int) -> int:
    if n <= 0:
        raise RuntimeError(f"histogram(): bins must be > 0, but got {n} for dimension {dim}")
    return int(n)


def _check_edges(input: Tensor, edges: list) -> None:
    for d, e in enumerate(edges):
        if e.dtype != input.dtype:
            raise RuntimeError(f"histogramdd: input tensor and bins tensors should have the same dtype, but got "
                               f"input with dtype {input.dtype} and bins for dimension {d} with dtype {e.dtype}")
        if e.ndim != 1:
            raise RuntimeError(f"histogramdd: bins tensor should have one dimension, but got {e.ndim} dimensions "
                               f"in the bins tensor for dimension {d}")
        if e.numel() == 0:
            raise RuntimeError(f"histogramdd: bins tensor should have at least 1 element, but got 0 elements in "
                               f"the bins tensor for dimension {d}")
    for d, e in enumerate(edges):
        _bin_count(e.numel() - 1, d)


def _check_weight(input: Tensor, weight, points_shape: tuple, weight_shape: tuple,
                  input_shape: tuple) -> np.ndarray | None:
    """weight's values, one per point; its shape (`weight_shape`, as PyTorch sees it) must be
    the points' shape (`input_shape` without its last dim)."""
    if weight is None:
        return None
    if not isinstance(weight, Tensor):
        raise TypeError(f"histogram: weight must be a Tensor, not {type(weight).__name__}")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"histogramdd: if weight tensor is provided, input tensor and weight tensor should have "
                           f"the same dtype, but got input({input.dtype}), and weight({weight.dtype})")
    if (weight_shape or (1,)) != points_shape:
        raise RuntimeError(f"histogramdd: if weight tensor is provided it should have the same shape as the input "
                           f"tensor excluding its innermost dimension, but got input with shape "
                           f"{list(input_shape)} and weight with shape {list(weight_shape or (1,))}")
    return weight.data.reshape(-1)


def _outer_edges(points: np.ndarray, bounds, n_dims: int) -> list[tuple[float, float]]:
    """(leftmost, rightmost) edge of each dim: `bounds` (the `range` argument), else the data's
    min and max ([0, 1] for no data); checked finite and in order, and widened by 0.5 each way
    when equal (as numpy does)."""
    if bounds is not None:
        if isinstance(bounds, Tensor) or not all(isinstance(v, (numbers.Real, np.generic)) for v in bounds):
            raise TypeError(f"histogram: range must be a sequence of floats, got {bounds!r}")
        bounds = [float(v) for v in bounds]
        if len(bounds) != 2 * n_dims:
            raise RuntimeError(f"histogramdd: for a {n_dims}-dimensional histogram range should have {2 * n_dims} "
                               f"elements, but got {len(bounds)}")
        outer = [(bounds[2 * d], bounds[2 * d + 1]) for d in range(n_dims)]
    elif points.shape[0]:
        outer = [(float(points[:, d].min()), float(points[:, d].max())) for d in range(n_dims)]
    else:
        outer = [(0.0, 1.0)] * n_dims
    widened = []
    for d, (low, high) in enumerate(outer):
        if not (math.isfinite(low) and math.isfinite(high)):
            raise RuntimeError(f"histogramdd: dimension {d}'s range [{low:g}, {high:g}] is not finite")
        if low > high:
            raise RuntimeError(f"histogramdd: min should not exceed max, but got min {low:g} max {high:g} for "
                               f"dimension {d}")
        widened.append((low - 0.5, high + 0.5) if low == high else (low, high))
    return widened


def _equal_edges(points: np.ndarray, counts: list, bounds, dtype: np.dtype) -> list[np.ndarray]:
    outer = _outer_edges(points, bounds, len(counts))
    return [linspace_values(low, high, n + 1, dtype) for (low, high), n in zip(outer, counts)]


# ---- the functions ----------------------------------------------------------------------------
def histogram(input: Tensor, bins=100, *, range=None, weight: Tensor | None = None, density: bool = False,
              out=None):
    """The histogram of all of input's values: a named tuple `(hist, bin_edges)` of 1-D tensors
    in input's dtype (float32 or float64). `bins`: the number of equal bins between the
    minimum and maximum (or `range=(min, max)`), or a 1-D tensor of edges, rightmost included.
    `weight` (input's shape) adds each value's weight instead of 1; `density=True` divides by
    the total and the bin widths (so the histogram integrates to 1). No gradient.
    """
    x = _float_input(input, "histogram")
    points = x.data.reshape(-1, 1)
    if isinstance(bins, Tensor):
        if range is not None:
            raise TypeError("histogram(): range= goes with a number of bins; with bin edges given as a tensor "
                            "the edges are the range")
        _check_edges(x, [bins])
        edges, equal_bins = [bins.data], False
    elif isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        edges, equal_bins = _equal_edges(points, [_bin_count(bins, 0)], range, x.dtype), True
    else:
        raise TypeError(f"histogram(): bins must be an int or a 1-D tensor of bin edges, not {type(bins).__name__}")
    values = _check_weight(x, weight, (points.shape[0],), (weight.numel(),) if isinstance(weight, Tensor) else (),
                           points.shape)
    hist = _count(points, edges, values, density, equal_bins, x.dtype)
    result = _HistogramResult(_constant(hist), _constant(edges[0].copy()))
    return written_to(out, "histogram", result)


def histogramdd(input: Tensor, bins, range=None, weight: Tensor | None = None, density: bool = False):
    """The histogram of points in N dimensions: input's last dim holds the N coordinates of a
    point (the other dims are flattened). `bins`: an int (equal bins in every dim), N ints, or N
    1-D tensors of edges (then `range` is ignored, as in PyTorch). `range`: [min₀, max₀, min₁,
    max₁, ...]. Returns the named tuple `(hist, bin_edges)`: an N-D tensor and a tuple of N edge
    tensors. `weight` has input's shape without the last dim. No gradient. (PyTorch documents
    range, weight and density as keyword-only, yet takes them by position, and has no `out=`.)

    >>> import tinygrad_edu as tg
    >>> tg.histogramdd(tg.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), bins=[2, 2]).hist
    tensor([[1., 0.],
            [0., 2.]])
    """
    x = _float_input(input, "histogramdd")
    if x.ndim < 2:
        raise RuntimeError(f"histogramdd: input tensor should have at least 2 dimensions, but got {x.ndim} "
                           f"(shape {x.shape}): the last dim holds the coordinates of each point")
    n_dims = x.shape[-1]
    points = x.data.reshape(int(np.prod(x.shape[:-1])), n_dims)
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        bins = [int(bins)] * n_dims
    if not isinstance(bins, (list, tuple)):
        raise TypeError(f"histogramdd(): bins must be an int, a sequence of ints or a sequence of tensors, "
                        f"not {type(bins).__name__}")
    if bins and all(isinstance(b, Tensor) for b in bins):
        if len(bins) != n_dims:
            raise RuntimeError(f"histogramdd: expected {n_dims} sequences of bin edges for each of the {n_dims} "
                               f"dimensions of the input, but got {len(bins)}")
        _check_edges(x, list(bins))
        edges, equal_bins = [b.data for b in bins], False
    else:
        if not all(isinstance(b, (int, np.integer)) and not isinstance(b, bool) for b in bins):
            raise TypeError(f"histogramdd(): bins must be an int, a sequence of ints or a sequence of tensors, "
                            f"got {[type(b).__name__ for b in bins]}")
        if len(bins) != n_dims:
            raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the "
                               f"input ({n_dims}), got {len(bins)} bin counts")
        counts = [_bin_count(n, d) for d, n in enumerate(bins)]
        edges, equal_bins = _equal_edges(points, counts, range, x.dtype), True
    values = _check_weight(x, weight, x.shape[:-1], weight.shape if isinstance(weight, Tensor) else (), x.shape)
    hist = _count(points, edges, values, density, equal_bins, x.dtype)
    return _HistogramddResult(_constant(hist), tuple(_constant(np.array(e)) for e in edges))
