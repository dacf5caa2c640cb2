"""Randomized low-rank SVD and PCA (tg.svd_lowrank, tg.pca_lowrank), as torch's: a random
Gaussian sketch finds an orthonormal basis Q of A's dominant column space, and the small matrix
QᵀA gets an exact SVD (N. Halko, P.-G. Martinsson and J. Tropp, "Finding structure with
randomness: probabilistic algorithms for constructing approximate matrix decompositions", SIAM
Review, 2011: Algorithm 4.4, the randomized subspace iteration, and Algorithm 5.1).

Everything is composed of differentiable ops (matmul, linalg.qr, linalg.svd), so gradients flow
through the whole computation with no backward of its own; the random matrix is a constant.
"""
from __future__ import annotations

from ..creation import randn
from ..tensor import Tensor
from .checks import as_tensor
from .lu import check_lapack_dtype
from .qr import qr
from .svd import svd


def _check_input(op: str, A: Tensor) -> None:
    if A.ndim < 2:
        raise ValueError(f"{op}: A must be a matrix or a batch of matrices (..., m, n), got shape {tuple(A.shape)}")
    if A.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating point matrix, got {A.dtype} (convert it first, e.g. A.double())")
    check_lapack_dtype(op, "geqrf_cpu", A)


def _minus_mean(X: Tensor, M: Tensor | None, R: Tensor, transposed: bool) -> Tensor:
    """X - M R (or X - Mᵀ R): the product with A - M without forming A - M."""
    if M is None:
        return X
    return X - (M.mT if transposed else M) @ R


def get_approximate_basis(A: Tensor, q: int, niter: int | None = 2, M: Tensor | None = None) -> Tensor:
    """Q (..., m, q) with orthonormal columns such that Q Qᵀ (A - M) ≈ A - M: Y = (A - M) Ω for a
    Gaussian Ω (n, q), then `niter` power iterations Y ← (A - M)(A - M)ᵀ Y, each step
    re-orthonormalized by QR so that the small singular values do not drown in rounding
    (Halko, Martinsson & Tropp 2011, Algorithm 4.4). Power iterations sharpen the basis when
    A's singular values decay slowly: the error shrinks like (σ_{q+1}/σ_q)^(2·niter+1)."""
    niter = 2 if niter is None else niter
    omega = randn(A.shape[-1], q, dtype=A.dtype)  # (the same Ω for every matrix of a batch, as torch)
    Q = qr(_minus_mean(A @ omega, M, omega, False)).Q
    for _ in range(niter):
        Q = qr(_minus_mean(A.mT @ Q, M, Q, True)).Q
        Q = qr(_minus_mean(A @ Q, M, Q, False)).Q
    return Q


def _svd_lowrank(A: Tensor, q: int | None = 6, niter: int | None = 2, M=None) -> tuple:
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    if M is not None:
        M = as_tensor(M).broadcast_to(A.shape)
    if m < n:  # work with the tall matrix Aᵀ = V S Uᵀ, then swap U and V
        A = A.mT
        M = None if M is None else M.mT
    Q = get_approximate_basis(A, q, niter=niter, M=M)
    B = Q.mT @ A  # (q, n): A ≈ Q B, and B's SVD is cheap
    if M is not None:
        B = B - Q.mT @ M
    U, S, Vh = svd(B, full_matrices=False)
    U, V = Q @ U, Vh.mT
    return (V, S, U) if m < n else (U, S, V)


def svd_lowrank(A, q: int | None = 6, niter: int | None = 2, M=None) -> tuple:
    """(U, S, V) with A - M ≈ U diag(S) Vᵀ (V, not Vᵀ), the q largest singular triplets of each
    matrix of A (..., m, n) found by the randomized SVD of Halko, Martinsson & Tropp (2011),
    Algorithm 5.1, with `niter` power iterations; M (broadcast to A's shape) is subtracted
    without forming A - M. U is (..., m, k), S (..., k), V (..., n, k), k = min(q, m, n).
    Exact when A - M has rank ≤ q; random otherwise (tg.manual_seed makes it repeatable).
    Differentiable (composed of matmul, qr and svd).

    >>> import tinygrad_edu as tg
    >>> _ = tg.manual_seed(0)
    >>> A = tg.randn(8, 2, dtype=tg.float64) @ tg.randn(2, 5, dtype=tg.float64)  # rank 2
    >>> U, S, V = tg.svd_lowrank(A, q=3)
    >>> bool(((U @ tg.diag(S) @ V.mT - A).abs().max() < 1e-10).item())
    True
    """
    A = as_tensor(A)
    _check_input("svd_lowrank", A)
    if q is not None and q < 0:
        raise RuntimeError(f"svd_lowrank: q(={q}) must be a non-negative integer (the number of singular "
                           f"values wanted)")
    return _svd_lowrank(A, q, niter=niter, M=M)


def pca_lowrank(A, q: int | None = None, center: bool = True, niter: int = 2) -> tuple:
    """Principal component analysis of the data matrix A (..., m samples, n features) by
    svd_lowrank of the centered A (column means subtracted when `center`, else A is taken as
    centered): (U, S, V) with V's columns the principal directions, S²/(m - 1) the variances
    along them, and A @ V[:, :k] the data projected on the first k. q defaults to min(6, m, n).

    >>> import tinygrad_edu as tg
    >>> _ = tg.manual_seed(0)
    >>> U, S, V = tg.pca_lowrank(tg.randn(20, 4, dtype=tg.float64), q=2)
    >>> tuple(U.shape), tuple(S.shape), tuple(V.shape)
    ((20, 2), (2,), (4, 2))
    """
    A = as_tensor(A)
    _check_input("pca_lowrank", A)
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)} "
                         f"(pca_lowrank of a {m} by {n} matrix)")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer (pca_lowrank's number of power iterations)")
    if not center:
        return _svd_lowrank(A, q, niter=niter)
    return _svd_lowrank(A - A.mean(dim=(-2,), keepdim=True), q, niter=niter)


__all__ = ["svd_lowrank", "pca_lowrank"]
