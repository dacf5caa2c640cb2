"""The numpy side of linear algebra: plain-array routines that the ops' forwards call and that
`ctx.xp` offers to backward formulas (autograd/xp.py; the Tensor side calls the ops instead).

Each takes a batch of matrices (..., m, n) and names the calling op in its errors.
"""
from __future__ import annotations

import numpy as np

from .checks import LinAlgError, singular_error


def column_major(a: np.ndarray) -> np.ndarray:
    """a's values laid out as LAPACK leaves a result and PyTorch returns it: each matrix column
    by column (strides (..., 1, rows)). Then .is_contiguous(), .stride(), view() (refused) and
    reshape() (a copy, so an in-place change of it leaves the result alone) act as on PyTorch's."""
    return np.swapaxes(np.ascontiguousarray(np.swapaxes(a, -1, -2)), -1, -2)


def inv(a: np.ndarray, op: str = "linalg.inv") -> np.ndarray:
    """A⁻¹ of each matrix; a singular one raises LinAlgError naming its batch element."""
    if a.shape[-1] == 0:
        return np.empty_like(a)
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise singular_error(op, a, "inversion") from None


def solve(a: np.ndarray, b: np.ndarray, op: str = "linalg.solve") -> np.ndarray:
    """X with AX = B, for B (..., n, k); batch axes broadcast."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    if a.shape[-1] == 0 or b.shape[-1] == 0:
        return np.zeros(batch + b.shape[-2:], dtype=np.result_type(a, b))
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        raise LinAlgError(f"{op}: The solver failed because the input matrix is singular "
                          f"(its determinant is 0: AX = B has no unique solution).") from None


def triangle(a: np.ndarray, upper: bool, unitriangular: bool = False) -> np.ndarray:
    """The upper or lower triangle of each matrix (1 on the diagonal when unitriangular)."""
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        t = np.array(t, copy=True)
        idx = np.arange(min(a.shape[-2:]))
        t[..., idx, idx] = 1
    return t


def solve_triangular(a: np.ndarray, b: np.ndarray, upper: bool, unitriangular: bool = False) -> np.ndarray:
    """X with TX = B, T the upper or lower triangle of A: substitution, one row per step, over
    the whole batch at once. A zero on the diagonal gives inf/nan, as in PyTorch (no error)."""
    t = triangle(a, upper, unitriangular)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    t = np.broadcast_to(t, batch + t.shape[-2:])
    x = np.array(np.broadcast_to(b, batch + b.shape[-2:]), dtype=np.result_type(a, b))
    n = a.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in (range(n - 1, -1, -1) if upper else range(n)):
            done = slice(i + 1, n) if upper else slice(0, i)
            x[..., i, :] -= (t[..., i:i + 1, done] @ x[..., done, :])[..., 0, :]
            x[..., i, :] /= t[..., i, i, None]
    return x


def adjugate(a: np.ndarray) -> np.ndarray:
    """adj(A), the transposed cofactor matrix (= det(A)·A⁻¹ when A is invertible), also exact
    for a singular A: with A = U diag(s) Vᵀ, adj(A) = det(U)det(V)·V diag(Π_{j≠i} sⱼ) Uᵀ."""
    from ..ops.scan import prod_others

    n = a.shape[-1]
    if n <= 1:
        return np.ones_like(a)
    finite = np.isfinite(a).all(axis=(-2, -1))
    if not finite.all():  # (no SVD of a matrix holding nan or inf: its adjugate is nan, as PyTorch's)
        out = np.full(a.shape, np.nan, dtype=a.dtype)
        out[finite] = adjugate(a[finite])
        return out
    u, s, vh = np.linalg.svd(a)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    others = prod_others(s, (s.ndim - 1,))
    return sign[..., None, None] * (np.swapaxes(vh, -1, -2) * others[..., None, :]) @ np.swapaxes(u, -1, -2)


# Padé [13/13] coefficients and the largest 1-norm for which it is exact to float64 rounding
# (N. Higham, "The scaling and squaring method for the matrix exponential revisited", 2005).
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def matrix_exp(a: np.ndarray) -> np.ndarray:
    """e^A = Σ Aᵏ/k! by scaling and squaring: e^A = (e^(A/2ˢ))^(2ˢ), with e^(A/2ˢ) from the
    Padé [13/13] approximant once ‖A/2ˢ‖₁ ≤ θ₁₃ (Higham 2005). Each matrix of a batch gets its
    own s."""
    n = a.shape[-1]
    if n == 0 or a.size == 0:
        return np.array(a, copy=True)
    norm = np.abs(a).sum(axis=-2).max(axis=-1)
    with np.errstate(divide="ignore"):
        s = np.maximum(0, np.ceil(np.log2(np.where(norm > 0, norm, 1.0) / _THETA13))).astype(np.int64)
    x = a / (2.0 ** s)[..., None, None]
    b = _PADE13
    eye = np.eye(n, dtype=a.dtype)
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * eye)
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for step in range(int(s.max(initial=0))):
        r = np.where((step < s)[..., None, None], r @ r, r)
    return r.astype(a.dtype, copy=False)
