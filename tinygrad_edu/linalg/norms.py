"""Norms of vectors and matrices, and the condition number: vector_norm, matrix_norm, norm, cond.

All are compositions of differentiable ops (|x|, sums, max, the p-norm op, singular values),
so their first and second derivatives come from those."""
from __future__ import annotations

import math

from ..ops.dims import normalize_dim
from ..tensor import Tensor
from .checks import as_tensor, check_float, check_matrix, check_no_out
from .inverse import inv
from .svd import svdvals

_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


def vector_norm(x, ord=2, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """‖x‖_ord = (Σ|x|^ord)^(1/ord) over `dim` (all elements when None, as if flattened);
    ord = inf gives max|x|, -inf min|x|, 0 the number of non-zeros. Gradient 0 at x = 0."""
    check_no_out("linalg.vector_norm", out)
    x = as_tensor(x)
    check_float("linalg.vector_norm", x)
    if isinstance(ord, str) or isinstance(ord, bool) or not isinstance(ord, (int, float)):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number (a matrix order such as 'fro' needs "
                           f"linalg.matrix_norm), got {ord!r}")
    if isinstance(dim, list):
        dim = tuple(dim)
    return x.norm(ord, dim, keepdim, dtype=dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """The matrix norm of each matrix over the two dims `dim`: 'fro' (√Σa²), 'nuc' (Σσ),
    2 / -2 (largest / smallest singular value), 1 / -1 (max / min column sum of |a|),
    inf / -inf (max / min row sum of |a|)."""
    check_no_out("linalg.matrix_norm", out)
    A = as_tensor(A)
    if dtype is not None:
        A = A.to(dtype)
    check_matrix("linalg.matrix_norm", A)
    check_float("linalg.matrix_norm", A)
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported; use one of 'fro', 'nuc', "
                           f"inf, -inf, 1, -1, 2, -2")
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    rows, cols = (normalize_dim(d, A.ndim, "linalg.matrix_norm") for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return A.norm(2, (rows, cols), keepdim)
    if ord in ("nuc", 2, -2):
        singular = svdvals(A.movedim((rows, cols), (-2, -1)))
        result = singular.sum(-1) if ord == "nuc" else singular.amax(-1) if ord == 2 else singular.amin(-1)
        if keepdim:
            for d in sorted((rows, cols)):
                result = result.unsqueeze(d)
        return result
    if ord in (math.inf, -math.inf):  # row sums: sum over the columns, then max over the rows
        rows, cols = cols, rows
    sums = A.abs().sum(rows, keepdim=True)
    result = sums.amax(cols, keepdim=True) if ord > 0 else sums.amin(cols, keepdim=True)
    return result if keepdim else result.squeeze((rows, cols) if rows > cols else (cols, rows))


def norm(input, ord=None, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """A vector or matrix norm, as torch.linalg.norm: an int `dim` gives vector norms, a 2-tuple
    matrix norms; with dim=None, ord=None is the 2-norm of all elements, and any other ord needs
    a 1-D (vector norm) or 2-D (matrix norm) input."""
    check_no_out("linalg.norm", out)
    A = as_tensor(input)
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        dim = tuple(dim)
        if len(dim) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
        if len(dim) != 1:
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    elif ord is not None:
        if A.ndim == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
        if A.ndim != 1:
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                               f"Got {A.ndim}D.")
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.norm: the order {ord!r} is a matrix norm: give a 2-D input or a 2-tuple dim")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def cond(A, p=None, *, out=None) -> Tensor:
    """The condition number of each matrix: σ_max/σ_min for p = None or 2 (σ_min/σ_max for -2),
    otherwise ‖A‖_p·‖A⁻¹‖_p ('fro', 'nuc', inf, -inf, 1, -1; square invertible A)."""
    check_no_out("linalg.cond", out)
    A = as_tensor(A)
    check_matrix("linalg.cond", A)
    check_float("linalg.cond", A)
    if p in (None, 2, -2):
        singular = svdvals(A)
        largest, smallest = singular.amax(-1), singular.amin(-1)
        return smallest / largest if p == -2 else largest / smallest
    if p not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.cond: A must be batches of square matrices for p={p}, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    return matrix_norm(A, p) * matrix_norm(inv(A), p)
