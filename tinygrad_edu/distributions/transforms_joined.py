"""Transforms of `torch.distributions.transforms` that join pieces: `CatTransform` and
`StackTransform` apply one transform to each piece of a tensor (the pieces `tg.cat` or `tg.stack`
would join), and `CorrCholeskyTransform` fills a vector into the Cholesky factor of a correlation
matrix, row by row with a signed stick-breaking map. All are written with differentiable tensor
ops, so gradients flow through y = t(x) and through log |det dy/dx|.
"""
from __future__ import annotations

import math

import numpy as np

from ..creation import eye
from ..dtype import finfo
from ..functions import cat, stack
from ..nn.functional import pad, softplus
from ..tensor import Tensor
from ..tensor_types import Size
from . import constraints
from .independent import sum_rightmost
from .transforms import Transform

__all__ = ["CatTransform", "CorrCholeskyTransform", "StackTransform"]


def _tril_mask(n: int, diag: int) -> np.ndarray:
    """True at (i, j) when j <= i + diag: the part of an n x n matrix on and below diagonal `diag`."""
    rows = np.arange(n)
    return rows < rows.reshape(-1, 1) + (diag + 1)


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The entries of (..., n, n) matrices on and below diagonal `diag`, in row order, as (..., N)
    vectors (as torch.distributions.utils.tril_matrix_to_vec)."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    flat = mat.reshape(tuple(mat.shape[:-2]) + (n * n,))
    return flat[..., np.flatnonzero(_tril_mask(n, diag))]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """The inverse of `tril_matrix_to_vec`: (..., N) vectors laid out in row order on and below
    diagonal `diag` of (..., n, n) matrices, zeros elsewhere. n solves
    n² + (1 + 2 diag) n - |diag| (diag + 1) = 2N."""
    size = vec.shape[-1]
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * size + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > finfo(vec.dtype).eps:
        raise ValueError(f"The size of last dimension is {size} which cannot be expressed as the lower "
                         "triangular part of a square D x D matrix.")
    n = round(n)
    mask = _tril_mask(n, diag)
    # each matrix entry reads vec[k] (its place in row order) or the appended 0 (index `size`)
    index = np.full((n, n), size)
    index[mask] = np.arange(int(mask.sum()))
    padded = cat([vec, vec.new_zeros(tuple(vec.shape[:-1]) + (1,))], -1)
    return padded[..., index]


def _check_piece_dim(dim: int, x: Tensor, name: str, size: int, what: str) -> None:
    if not -x.ndim <= dim < x.ndim:
        raise AssertionError(f"dim {dim} out of range for {name} with {x.ndim} dimensions")
    if x.shape[dim] != size:
        raise AssertionError(f"{name}.size({dim}) = {x.shape[dim]} must equal {what} {size}")


class CatTransform(Transform):
    """tseq[k] applied to the k-th piece (of length lengths[k], default 1) of x along `dim`, the
    results joined by `tg.cat`. log |det J| is each piece's, joined along `dim` when that dim is a
    batch dim, summed when it lies inside the event.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.distributions import CatTransform, ExpTransform, identity_transform
    >>> CatTransform([ExpTransform(), identity_transform], dim=0, lengths=[1, 2])(tg.tensor([0.0, 1.0, 2.0]))
    tensor([1., 1., 2.])
    """

    def __init__(self, tseq, dim: int = 0, lengths=None, cache_size: int = 0) -> None:
        if not all(isinstance(t, Transform) for t in tseq):
            raise AssertionError("All elements of tseq must be Transform instances")
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size=cache_size)
        self.transforms = list(tseq)
        self.lengths = [1] * len(self.transforms) if lengths is None else list(lengths)
        if len(self.lengths) != len(self.transforms):
            raise AssertionError(f"lengths ({len(self.lengths)}) must match transforms ({len(self.transforms)})")
        self.dim = dim

    @property
    def event_dim(self) -> int:
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self) -> int:
        """The size of x along `dim`: the sum of the lengths."""
        return sum(self.lengths)

    def with_cache(self, cache_size: int = 1) -> "CatTransform":
        if self._cache_size == cache_size:
            return self
        return CatTransform(self.transforms, self.dim, self.lengths, cache_size)

    def _pieces(self, z: Tensor) -> list:
        pieces, start = [], 0
        for length in self.lengths:
            pieces.append(z.narrow(self.dim, start, length))
            start = start + length
        return pieces

    def _call(self, x: Tensor) -> Tensor:
        _check_piece_dim(self.dim, x, "x", self.length, "length")
        return cat([t(piece) for t, piece in zip(self.transforms, self._pieces(x))], self.dim)

    def _inverse(self, y: Tensor) -> Tensor:
        _check_piece_dim(self.dim, y, "y", self.length, "length")
        return cat([t.inv(piece) for t, piece in zip(self.transforms, self._pieces(y))], self.dim)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        _check_piece_dim(self.dim, x, "x", self.length, "length")
        _check_piece_dim(self.dim, y, "y", self.length, "length")
        terms = []
        for t, x_piece, y_piece in zip(self.transforms, self._pieces(x), self._pieces(y)):
            terms.append(sum_rightmost(t.log_abs_det_jacobian(x_piece, y_piece), self.event_dim - t.event_dim))
        # where `dim` is counted from the right of the log-det (which has event_dim fewer dims)
        dim = (self.dim - x.ndim if self.dim >= 0 else self.dim) + self.event_dim
        return cat(terms, dim) if dim < 0 else sum(terms)

    @property
    def bijective(self) -> bool:
        return all(t.bijective for t in self.transforms)

    @constraints.dependent_property
    def domain(self):
        return constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths)

    @constraints.dependent_property
    def codomain(self):
        return constraints.cat([t.codomain for t in self.transforms], self.dim, self.lengths)


class StackTransform(Transform):
    """tseq[i] applied to the slice x.select(dim, i), the results joined by `tg.stack`; log |det J|
    is each slice's, stacked along `dim`.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.distributions import ExpTransform, StackTransform, identity_transform
    >>> StackTransform([ExpTransform(), identity_transform], dim=1)(tg.tensor([[0.0, 3.0]]))
    tensor([[1., 3.]])
    """

    def __init__(self, tseq, dim: int = 0, cache_size: int = 0) -> None:
        if not all(isinstance(t, Transform) for t in tseq):
            raise AssertionError("All elements of tseq must be Transform instances")
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size=cache_size)
        self.transforms = list(tseq)
        self.dim = dim

    def with_cache(self, cache_size: int = 1) -> "StackTransform":
        if self._cache_size == cache_size:
            return self
        return StackTransform(self.transforms, self.dim, cache_size)

    def _slice(self, z: Tensor) -> list:
        return [z.select(self.dim, i) for i in range(z.shape[self.dim])]

    def _call(self, x: Tensor) -> Tensor:
        _check_piece_dim(self.dim, x, "x", len(self.transforms), "len(transforms)")
        return stack([t(piece) for piece, t in zip(self._slice(x), self.transforms)], self.dim)

    def _inverse(self, y: Tensor) -> Tensor:
        _check_piece_dim(self.dim, y, "y", len(self.transforms), "len(transforms)")
        return stack([t.inv(piece) for piece, t in zip(self._slice(y), self.transforms)], self.dim)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        _check_piece_dim(self.dim, x, "x", len(self.transforms), "len(transforms)")
        _check_piece_dim(self.dim, y, "y", len(self.transforms), "len(transforms)")
        terms = [t.log_abs_det_jacobian(xs, ys) for xs, ys, t in zip(self._slice(x), self._slice(y), self.transforms)]
        return stack(terms, self.dim)

    @property
    def bijective(self) -> bool:
        return all(t.bijective for t in self.transforms)

    @constraints.dependent_property
    def domain(self):
        return constraints.stack([t.domain for t in self.transforms], self.dim)

    @constraints.dependent_property
    def codomain(self):
        return constraints.stack([t.codomain for t in self.transforms], self.dim)


class CorrCholeskyTransform(Transform):
    """A vector x of length D(D-1)/2 onto the Cholesky factor L of a D x D correlation matrix
    (lower-triangular, positive diagonal, rows of unit length). x fills the strict lower part of
    a matrix in row order; r = tanh(x) is in (-1, 1); each row is then a signed stick-breaking:
    with z = r², L[i, j] = r[i, j] √(Π_{k<j} (1 - z[i, k])) and L[i, i] = √(Π_{k<i} (1 - z[i, k])).
    As in Stan's reference manual ("Cholesky factors of correlation matrices"),
    log |det J| = Σ_{i>j+1} ½ log(1 - Σ_{k≤j} L[i, k]²) + Σ log(1 - tanh²x), the latter in the
    stable form 2 (log 2 - x - softplus(-2x)).

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.distributions import CorrCholeskyTransform
    >>> CorrCholeskyTransform()(tg.tensor([0.0, 0.0, 0.0]))  # the identity correlation matrix
    tensor([[1., 0., 0.],
            [0., 1., 0.],
            [0., 0., 1.]])
    """

    domain = constraints.real_vector
    codomain = constraints.corr_cholesky
    bijective = True

    def _call(self, x: Tensor) -> Tensor:
        eps = finfo(x.dtype).eps
        r = vec_to_tril_matrix(x.tanh().clamp(min=-1 + eps, max=1 - eps), diag=-1)
        # y = sign(r) √(z Π(1 - z)) = r √(Π(1 - z)): the stick-breaking of z = r², signed again
        z1m_cumprod_sqrt = (1 - r.pow(2)).sqrt().cumprod(-1)
        r = r + eye(r.shape[-1], dtype=r.dtype)  # the diagonal is the stick that is left
        return r * pad(z1m_cumprod_sqrt[..., :-1], [1, 0], value=1)

    def _inverse(self, y: Tensor) -> Tensor:
        """r[i, j] = L[i, j] / √(1 - Σ_{k<j} L[i, k]²), x = atanh(r)."""
        y_cumsum = 1 - (y * y).cumsum(-1)
        y_cumsum_shifted = pad(y_cumsum[..., :-1], [1, 0], value=1)
        t = tril_matrix_to_vec(y, diag=-1) / tril_matrix_to_vec(y_cumsum_shifted, diag=-1).sqrt()
        return (t.log1p() - (-t).log1p()) / 2

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """The log-determinant of the map from x to the flattened strict lower part of y (the two
        spaces have the same dimension D(D-1)/2)."""
        y1m_cumsum = 1 - (y * y).cumsum(-1)
        # diag=-2 picks 1 - Σ_{k≤j} L[i, k]² for j < i - 1: the sticks left before each entry but the first
        stick_breaking_logdet = 0.5 * tril_matrix_to_vec(y1m_cumsum, diag=-2).log().sum(-1)
        tanh_logdet = -2 * (x + softplus(-2 * x) - math.log(2.0)).sum(-1)
        return stick_breaking_logdet + tanh_logdet

    def forward_shape(self, shape: tuple) -> tuple:
        """(..., N) to (..., D, D) with N = D(D-1)/2."""
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        n = shape[-1]
        d = round((0.25 + 2 * n) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != n:
            raise ValueError("Input is not a flattened lower-diagonal number")
        return Size(tuple(shape[:-1]) + (d, d))

    def inverse_shape(self, shape: tuple) -> tuple:
        """(..., D, D) to (..., D(D-1)/2)."""
        if len(shape) < 2:
            raise ValueError("Too few dimensions on input")
        if shape[-2] != shape[-1]:
            raise ValueError("Input is not square")
        d = shape[-1]
        return Size(tuple(shape[:-2]) + (d * (d - 1) // 2,))
