"""Function forms (`tg.<name>`) of PyTorch's shape and reduction functions: the method forms of
tensor_shaping.py and tensor_statistics.py, and the functions of several tensors (hstack,
meshgrid, block_diag, tensordot, cdist, broadcast_tensors, ...), each composed from existing differentiable ops.

Those that take `out=` in PyTorch take it here (out_argument.py: the result is written into out
in place; `same_dtype=True` marks the ops whose out must have exactly the result's dtype).

`tinygrad_edu/__init__.py` exports every name in `__all__`.
"""
from __future__ import annotations

import builtins
import warnings
from typing import Sequence

import numpy as np

from . import ops
from .errors import ShapeError
from .functions import _in_common_dtype, _in_dtype, _tensor, cat
from .numpy_names import accept_numpy_names
from .out_argument import dtype_for_out, written_to
from .tensor import Tensor

__all__: list[str] = [
    "narrow", "movedim", "moveaxis", "swapaxes", "swapdims", "broadcast_to", "broadcast_tensors",
    "broadcast_shapes", "unflatten", "fliplr", "flipud", "rot90", "roll", "diagonal", "diag", "diag_embed",
    "trace", "concat", "concatenate", "hstack", "vstack", "dstack", "column_stack", "row_stack",
    "tensor_split", "hsplit", "vsplit", "dsplit", "atleast_1d", "atleast_2d", "atleast_3d", "block_diag",
    "cartesian_prod", "meshgrid", "repeat_interleave", "kron", "tensordot", "cross", "cdist",
    "cumprod", "cummax", "cummin", "logcumsumexp", "diff", "var_mean", "std_mean", "median", "nanmedian",
    "mode", "quantile", "nanquantile", "nanmean", "nansum", "aminmax", "cov", "corrcoef",
]


def _tensors(tensors) -> list:
    """`f(a, b)` and `f([a, b])` both mean the tensors a and b."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    return [_tensor(t) for t in tensors]


def _sequence(tensors, op: str) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expects a list or tuple of tensors, e.g. tg.{op}([a, b])")
    if not tensors:
        raise RuntimeError(f"{op}: expects a non-empty list of tensors")
    return [_tensor(t) for t in tensors]


# ---- views and layout --------------------------------------------------------------------------
def narrow(input, dim: int, start, length: int) -> Tensor:
    """The `length` entries from `start` along `dim` (a view)."""
    return _tensor(input).narrow(dim, start, length)


def movedim(input, source, destination) -> Tensor:
    """Dims `source` moved to the places `destination` (a view)."""
    return _tensor(input).movedim(source, destination)


def moveaxis(input, source, destination) -> Tensor:
    """numpy's name for `movedim`."""
    return _tensor(input).movedim(source, destination)


def swapaxes(input, axis0: int, axis1: int) -> Tensor:
    """`transpose(input, axis0, axis1)`."""
    return _tensor(input).transpose(axis0, axis1)


def swapdims(input, dim0: int, dim1: int) -> Tensor:
    """`transpose(input, dim0, dim1)`."""
    return _tensor(input).transpose(dim0, dim1)


def broadcast_to(input, shape) -> Tensor:
    """input broadcast to `shape` (a view, `expand`)."""
    return _tensor(input).broadcast_to(shape)


def broadcast_shapes(*shapes) -> tuple:
    """The shape that tensors of these shapes broadcast to (each shape a tuple or an int)."""
    shapes = [tuple(s) if isinstance(s, (tuple, list)) else (int(s),) for s in shapes]
    try:
        return tuple(int(n) for n in np.broadcast_shapes(*shapes))
    except ValueError:
        raise ShapeError(f"broadcast_shapes: shapes {', '.join(map(str, shapes))} cannot be broadcast "
                         f"to a single shape") from None


def broadcast_tensors(*tensors) -> tuple:
    """The tensors expanded to their common broadcast shape (views)."""
    tensors = [_tensor(t) for t in tensors]
    try:
        shape = np.broadcast_shapes(*[t.shape for t in tensors])
    except ValueError:
        raise ShapeError(f"broadcast_tensors: shapes {', '.join(str(t.shape) for t in tensors)} cannot "
                         f"be broadcast together") from None
    return tuple(t.expand(tuple(shape)) for t in tensors)


def unflatten(input, dim: int, sizes) -> Tensor:
    """Dim `dim` split into dims of `sizes` (a view)."""
    return _tensor(input).unflatten(dim, sizes)


def fliplr(input) -> Tensor:
    """Columns in reverse order."""
    return _tensor(input).fliplr()


def flipud(input) -> Tensor:
    """Rows in reverse order."""
    return _tensor(input).flipud()


def rot90(input, k: int = 1, dims=(0, 1)) -> Tensor:
    """Rotated by 90° k times in the plane of `dims`."""
    return _tensor(input).rot90(k, dims)


def roll(input, shifts, dims=None) -> Tensor:
    """Entries shifted cyclically by `shifts` along `dims` (flattened when dims is None)."""
    return _tensor(input).roll(shifts, dims)


def diagonal(input, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of dims (dim1, dim2), a view."""
    return _tensor(input).diagonal(offset, dim1, dim2)


def diag(input, diagonal: int = 0, *, out=None) -> Tensor:
    """Vector -> square matrix with it on a diagonal; matrix -> that diagonal (a copy)."""
    return written_to(out, "diag", _tensor(input).diag(diagonal), same_dtype=True)


def diag_embed(input, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Each last-dim vector put on the diagonal of a new square matrix."""
    return _tensor(input).diag_embed(offset, dim1, dim2)


def trace(input) -> Tensor:
    """The sum of the main diagonal of a matrix."""
    return _tensor(input).trace()


# ---- joining and splitting -----------------------------------------------------------------------
def _joined(tensors: list, dim: int, out, op: str) -> Tensor:
    """`cat`, always a new tensor (cat of one tensor is that tensor; PyTorch's is a copy); with
    `out`, written into it (a dtype that cannot hold the result is a TypeError, as cat's)."""
    joined = cat(tensors, dim)
    joined = joined.clone() if any(joined is t for t in tensors) else joined
    return written_to(out, op, joined, cast_error=TypeError)


def concat(tensors: Sequence[Tensor], dim: int = 0, *, out=None) -> Tensor:
    """Another name for `cat`."""
    return _joined(_sequence(tensors, "concat"), dim, out, "concat")


def concatenate(tensors: Sequence[Tensor], axis: int = 0, *, dim: int | None = None, out=None) -> Tensor:
    """numpy's name for `cat` (its dim is called axis; PyTorch takes `dim=` too)."""
    return _joined(_sequence(tensors, "concatenate"), axis if dim is None else dim, out, "concatenate")


def hstack(tensors: Sequence[Tensor], *, out=None) -> Tensor:
    """Joined along dim 1 (dim 0 for 1-D tensors); 0-d tensors count as 1-D."""
    tensors = atleast_1d(_sequence(tensors, "hstack"))
    return _joined(list(tensors), 0 if tensors[0].ndim == 1 else 1, out, "hstack")


def vstack(tensors: Sequence[Tensor], *, out=None) -> Tensor:
    """Joined along dim 0 after making each at least 2-D (a vector becomes a row)."""
    return _joined(list(atleast_2d(_sequence(tensors, "vstack"))), 0, out, "vstack")


row_stack = vstack


def dstack(tensors: Sequence[Tensor], *, out=None) -> Tensor:
    """Joined along dim 2 after making each at least 3-D."""
    return _joined(list(atleast_3d(_sequence(tensors, "dstack"))), 2, out, "dstack")


def column_stack(tensors: Sequence[Tensor], *, out=None) -> Tensor:
    """Vectors (and numbers) as columns, joined with matrices along dim 1."""
    tensors = _sequence(tensors, "column_stack")
    return _joined([t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in tensors], 1, out, "column_stack")


def tensor_split(input, indices_or_sections, dim: int = 0) -> tuple:
    """Views cut along `dim` into n near-equal parts, or before the given indices."""
    return _tensor(input).tensor_split(indices_or_sections, dim)


def hsplit(input, indices_or_sections) -> tuple:
    """`tensor_split` along dim 1 (dim 0 of a vector)."""
    return _tensor(input).hsplit(indices_or_sections)


def vsplit(input, indices_or_sections) -> tuple:
    """`tensor_split` along dim 0."""
    return _tensor(input).vsplit(indices_or_sections)


def dsplit(input, indices_or_sections) -> tuple:
    """`tensor_split` along dim 2."""
    return _tensor(input).dsplit(indices_or_sections)


def _at_least(tensors: tuple, reshape):
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return reshape(tensors[0])
    return tuple(reshape(t) for t in _tensors(tensors))


def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (a 0-d one becomes shape (1,)); one tensor in, one out."""
    return _at_least(tensors, lambda t: t.reshape(1) if t.ndim == 0 else t)


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims: 0-d -> (1, 1), (n,) -> (1, n)."""
    return _at_least(tensors, lambda t: t.reshape((1,) * (2 - t.ndim) + t.shape) if t.ndim < 2 else t)


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims: 0-d -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    def three(t: Tensor) -> Tensor:
        if t.ndim == 0:
            return t.reshape(1, 1, 1)
        if t.ndim == 1:
            return t.reshape(1, t.shape[0], 1)
        return t.unsqueeze(-1) if t.ndim == 2 else t

    return _at_least(tensors, three)


def block_diag(*tensors) -> Tensor:
    """The tensors (0-d, 1-D as a row, or 2-D) as blocks on the diagonal of a matrix of zeros."""
    tensors = [_tensor(t) for t in tensors]
    if not tensors:
        return Tensor._make(np.zeros((1, 0)), None, False)
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"block_diag: the tensors must have at most 2 dims, tensor {i} has shape {t.shape}")
    # a 0-d or 1-D tensor is one row (also an empty one: (0,) is a 1 x 0 block, not 0 x 0)
    blocks = [t.reshape(1, t.numel()) if t.ndim < 2 else t for t in _in_common_dtype(tensors)]
    width = builtins.sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        zeros = np.zeros((), b.data.dtype)
        before = Tensor._make(np.broadcast_to(zeros, (b.shape[0], left)), None, False)
        after = Tensor._make(np.broadcast_to(zeros, (b.shape[0], width - left - b.shape[1])), None, False)
        rows.append(ops.Cat.apply(1, before, b, after))
        left += b.shape[1]
    return ops.Cat.apply(0, *rows) if len(rows) > 1 else rows[0]


def meshgrid(*tensors, indexing: str | None = None) -> tuple:
    """Coordinate grids of 1-D tensors: with indexing='ij' output i varies along dim i; with 'xy'
    the first two dims are swapped (as numpy's meshgrid). Views of the inputs."""
    tensors = _tensors(tensors)
    if indexing is None:
        warnings.warn("meshgrid: in an upcoming PyTorch release it will be required to pass the indexing "
                      "argument; 'ij' is used", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"meshgrid: indexing must be one of 'xy' or 'ij', got {indexing!r}")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"meshgrid: expects 0-d or 1-D tensors, got shape {t.shape}")
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"meshgrid: expects all tensors to have the same dtype, got {tensors[0].dtype} "
                               f"and {t.dtype}")
    places = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        places[0], places[1] = 1, 0
    shape = [0] * len(tensors)
    for t, place in zip(tensors, places):
        shape[place] = t.numel()
    grids = []
    for t, place in zip(tensors, places):
        alone = [1] * len(tensors)
        alone[place] = t.numel()
        grids.append(t.reshape(tuple(alone)).expand(tuple(shape)))
    return tuple(grids)


def cartesian_prod(*tensors) -> Tensor:
    """Every combination of one entry of each 1-D tensor, as the rows of a matrix (itertools.product)."""
    tensors = _tensors(tensors)
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"cartesian_prod: expects 1-D tensors, got shape {t.shape}")
    if len(tensors) == 1:
        return tensors[0]  # (itself, as PyTorch's)
    grids = meshgrid(*tensors, indexing="ij")
    from .functions import stack

    return stack([g.reshape(-1) for g in grids], 1)


def repeat_interleave(input, repeats=None, dim: int | None = None, *, output_size: int | None = None) -> Tensor:
    """Each entry repeated `repeats` times in place; `repeat_interleave(counts)` alone repeats the
    positions 0, 1, ... counts[i] times each."""
    return _tensor(input).repeat_interleave(repeats, dim, output_size=output_size)


def kron(input, other, *, out=None) -> Tensor:
    """The Kronecker product."""
    return written_to(out, "kron", _tensor(input).kron(other))


def tensordot(a, b, dims=2, out=None) -> Tensor:
    """Σ over paired dims of a and b: `dims=n` pairs the last n dims of a with the first n of b;
    `dims=([1, 0], [0, 1])` names the pairs. The result has a's free dims, then b's."""
    return written_to(out, "tensordot", _tensordot(_tensor(a), _tensor(b), dims), same_dtype=True)


def _tensordot(a: Tensor, b: Tensor, dims) -> Tensor:
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot: expects dims >= 0, got {dims}")
        if dims > builtins.min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot: dims {dims} is more than the dims of the shapes {a.shape} and {b.shape}")
        left, right = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        left, right = ([d] if isinstance(d, int) else list(d) for d in dims)
        left = [ops.normalize_dim(d, a.ndim, "tensordot") for d in left]
        right = [ops.normalize_dim(d, b.ndim, "tensordot") for d in right]
    if len(left) != len(right):
        raise RuntimeError(f"tensordot: both sides of dims must name as many dims, got {left} and {right}")
    for i, j in zip(left, right):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"tensordot: contracted dims must match, but dim {i} of a has size {a.shape[i]} "
                               f"and dim {j} of b has size {b.shape[j]}")
    free_a = [d for d in range(a.ndim) if d not in left]
    free_b = [d for d in range(b.ndim) if d not in right]
    size = int(np.prod([a.shape[d] for d in left]))
    # explicit sizes, not -1: with an empty contracted dim, -1 would be ambiguous (0 elements)
    rows, cols = int(np.prod([a.shape[d] for d in free_a])), int(np.prod([b.shape[d] for d in free_b]))
    a2 = a.permute(tuple(free_a + left)).reshape(rows, size) if a.ndim else a.reshape(1, 1)
    b2 = b.permute(tuple(right + free_b)).reshape(size, cols) if b.ndim else b.reshape(1, 1)
    return a2.matmul(b2).reshape(tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b))


def cross(input, other, dim: int | None = None, *, out=None) -> Tensor:
    """The cross product of 3-vectors along `dim`."""
    return written_to(out, "cross", _tensor(input).cross(other, dim), same_dtype=True)


def cdist(x1, x2, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The p-norm distance between each row vector of x1 (..., P, M) and of x2 (..., R, M): (..., P, R).
    The gradient at a distance 0 is 0, as in PyTorch."""
    x1, x2 = _tensor(x1), _tensor(x2)
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist: expects tensors with at least 2 dims, got shapes {x1.shape} and {x2.shape}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"cdist: x1 and x2 must have the same number of columns, got shapes {x1.shape} "
                           f"and {x2.shape}")
    if x1.data.dtype.kind != "f" or x2.data.dtype.kind != "f":
        raise RuntimeError(f"cdist: expects floating point tensors, got dtypes {x1.dtype} and {x2.dtype}")
    if p < 0:
        raise RuntimeError(f"cdist: p must be non-negative, got {p}")
    gaps = x1.unsqueeze(-2) - x2.unsqueeze(-3)  # (..., P, R, M)
    return gaps.norm(p, -1)


# ---- scans and reductions ------------------------------------------------------------------------
def cumprod(input, dim: int, *, dtype=None, out=None) -> Tensor:
    """Running product along `dim` (in `dtype`, or out's dtype, when given)."""
    dtype = dtype_for_out(dtype, out)
    return written_to(out, "cumprod", _in_dtype(_tensor(input), dtype, lambda x: x.cumprod(dim)), same_dtype=True)


def cummax(input, dim: int, *, out=None):
    """Running maximum along `dim`: (values, indices)."""
    return written_to(out, "cummax", _tensor(input).cummax(dim))


def cummin(input, dim: int, *, out=None):
    """Running minimum along `dim`: (values, indices)."""
    return written_to(out, "cummin", _tensor(input).cummin(dim))


def logcumsumexp(input, dim: int, *, out=None) -> Tensor:
    """log of the running sum of exp along `dim`, computed stably."""
    return written_to(out, "logcumsumexp", _tensor(input).logcumsumexp(dim), same_dtype=True)


def diff(input, n: int = 1, dim: int = -1, prepend=None, append=None, *, out=None) -> Tensor:
    """The n-th forward difference along `dim`."""
    return written_to(out, "diff", _tensor(input).diff(n, dim, prepend, append))


def var_mean(input, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None) -> tuple:
    """(var, mean) over `dim`, as `var` and `mean`: a plain tuple."""
    input = _tensor(input)
    if isinstance(dim, bool):  # var_mean(x, False): PyTorch's older (input, unbiased) form
        dim, unbiased = None, dim
    return input.var(dim, unbiased, keepdim, correction=correction), input.mean(dim, keepdim)


def std_mean(input, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None) -> tuple:
    """(std, mean) over `dim`: a plain tuple."""
    input = _tensor(input)
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return input.std(dim, unbiased, keepdim, correction=correction), input.mean(dim, keepdim)


def median(input, dim: int | None = None, keepdim: bool = False, *, out=None):
    """The lower median (no dim), or (values, indices) along `dim` (out= a tuple of two)."""
    return written_to(out, "median", _tensor(input).median(dim, keepdim), same_dtype=True)


def nanmedian(input, dim: int | None = None, keepdim: bool = False, *, out=None):
    """`median` ignoring NaN."""
    return written_to(out, "nanmedian", _tensor(input).nanmedian(dim, keepdim), same_dtype=True)


def mode(input, dim: int = -1, keepdim: bool = False, *, out=None):
    """The most frequent value along `dim` and an index of it: (values, indices)."""
    return written_to(out, "mode", _tensor(input).mode(dim, keepdim))


def quantile(input, q, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear",
             out=None) -> Tensor:
    """The q-th quantiles along `dim`."""
    result = _tensor(input).quantile(q, dim, keepdim, interpolation=interpolation)
    return written_to(out, "quantile", result, same_dtype=True)


def nanquantile(input, q, dim: int | None = None, keepdim: bool = False, *,
                interpolation: str = "linear", out=None) -> Tensor:
    """`quantile` ignoring NaN."""
    result = _tensor(input).nanquantile(q, dim, keepdim, interpolation=interpolation)
    return written_to(out, "nanquantile", result, same_dtype=True)


def nanmean(input, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """The mean of the values that are not NaN."""
    return written_to(out, "nanmean", _tensor(input).nanmean(dim, keepdim, dtype=dtype))


def nansum(input, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """The sum of the values that are not NaN (in `dtype`, or out's dtype, when given)."""
    dtype = dtype_for_out(dtype, out)
    return written_to(out, "nansum", _tensor(input).nansum(dim, keepdim, dtype=dtype), same_dtype=True)


def aminmax(input, *, dim: int | None = None, keepdim: bool = False, out=None):
    """(min, max) over `dim` (all values when None)."""
    return written_to(out, "aminmax", _tensor(input).aminmax(dim=dim, keepdim=keepdim))


def cov(input, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """The covariance matrix of the variables in the rows of input."""
    return _tensor(input).cov(correction=correction, fweights=fweights, aweights=aweights)


def corrcoef(input) -> Tensor:
    """Pearson's correlation coefficients of the variables in the rows of input."""
    return _tensor(input).corrcoef()


__all__ += ["as_strided"]


def as_strided(input, size, stride, storage_offset: int | None = None) -> Tensor:
    """A view of input's memory with the given sizes and strides, in elements (Tensor.as_strided)."""
    return _tensor(input).as_strided(size, stride, storage_offset)


# ---- the long tail (tensor_more_layout.py) -------------------------------------------------------
__all__ += ["ravel", "tile", "msort", "split_with_sizes", "narrow_copy", "select", "select_scatter", "slice_scatter",
            "diagonal_scatter", "diagflat", "dist", "renorm", "kthvalue", "inner", "vdot", "ger", "addr"]


def ravel(input) -> Tensor:
    """All elements in one dim."""
    return _tensor(input).ravel()


def tile(input, dims) -> Tensor:
    """input repeated dims[i] times along each dim (1s put in front of a short dims)."""
    return _tensor(input).tile(dims)


def msort(input, *, out=None) -> Tensor:
    """input sorted along dim 0."""
    return written_to(out, "msort", _tensor(input).msort(), same_dtype=True)


def split_with_sizes(input, split_sizes, dim: int = 0) -> tuple:
    """Pieces of the given sizes along dim."""
    return _tensor(input).split_with_sizes(split_sizes, dim)


def narrow_copy(input, dim: int, start: int, length: int, *, out=None) -> Tensor:
    """A copy of input.narrow(dim, start, length)."""
    return written_to(out, "narrow_copy", _tensor(input).narrow_copy(dim, start, length), same_dtype=True)


def select(input, dim: int, index: int) -> Tensor:
    """input at position index of dim, that dim removed (a view)."""
    return _tensor(input).select(dim, index)


def select_scatter(input, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of input with input.select(dim, index) replaced by src."""
    return _tensor(input).select_scatter(src, dim, index)


def slice_scatter(input, src: Tensor, dim: int = 0, start: int | None = None, end: int | None = None,
                  step: int = 1) -> Tensor:
    """A copy of input with the slice start:end:step of dim replaced by src."""
    return _tensor(input).slice_scatter(src, dim, start, end, step)


def diagonal_scatter(input, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A copy of input with input.diagonal(offset, dim1, dim2) replaced by src."""
    return _tensor(input).diagonal_scatter(src, offset, dim1, dim2)


def diagflat(input, offset: int = 0) -> Tensor:
    """The flattened input on diagonal `offset` of a square matrix."""
    return _tensor(input).diagflat(offset)


def dist(input, other: Tensor, p=2) -> Tensor:
    """The p-norm of input - other."""
    return _tensor(input).dist(other, p)


def renorm(input, p, dim: int, maxnorm, *, out=None) -> Tensor:
    """Sub-tensors along dim with p-norm above maxnorm scaled down to maxnorm."""
    return written_to(out, "renorm", _tensor(input).renorm(p, dim, maxnorm), same_dtype=True)


def kthvalue(input, k: int, dim: int = -1, keepdim: bool = False, *, out=None):
    """(values, indices) of the k-th smallest element along dim."""
    return written_to(out, "kthvalue", _tensor(input).kthvalue(k, dim, keepdim))


def inner(input, other: Tensor, *, out=None) -> Tensor:
    """The inner product over the last dims."""
    return written_to(out, "inner", _tensor(input).inner(other), same_dtype=True)


def vdot(input, other: Tensor, *, out=None) -> Tensor:
    """The dot product of two 1-D tensors."""
    return written_to(out, "vdot", _tensor(input).vdot(other), same_dtype=True)


def ger(input, vec2: Tensor, *, out=None) -> Tensor:
    """The outer product (outer)."""
    return written_to(out, "ger", _tensor(input).outer(vec2))


def addr(input, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta·input + alpha·outer(vec1, vec2)."""
    return written_to(out, "addr", _tensor(input).addr(vec1, vec2, beta=beta, alpha=alpha))


accept_numpy_names(globals(), list(__all__))  # tg.median(t, axis=0), as PyTorch accepts
