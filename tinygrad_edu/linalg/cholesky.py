"""The Cholesky factor A = LLᵀ of a symmetric positive-definite matrix, and what is built on it:
cholesky, cholesky_ex (here: tg.linalg), cholesky_solve and cholesky_inverse (tg.)."""
from __future__ import annotations

import numpy as np

from ..ops.op import Op
from ..tensor import Tensor
from . import arrays
from .checks import LinAlgError, as_tensor, batch_prefix, check_float, check_matrix, check_no_out, check_square
from .inverse import inv, solve


class Cholesky(Op):
    """L, lower triangular with A = LLᵀ (only A's lower triangle is read);

        P = tril(Lᵀ G),   Φ = ½(P + strict_lower(P)ᵀ)   (symmetric, half the diagonal),
        ∂L/∂A = L⁻ᵀ Φ L⁻¹,

    the symmetric form of I. Murray, "Differentiation of the Cholesky decomposition", 2016
    (as PyTorch gives it), computed with two triangular solves."""

    @staticmethod
    def forward(ctx, A):
        return ctx.save_output(arrays.column_major(_cholesky_array(A.data)))  # (PyTorch's layout)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        L = ctx.saved_output
        Lt = xp.matrix_transpose(L)
        n = L.shape[-1]
        lower = np.tril(np.ones((n, n), bool))
        P = xp.where(lower, Lt @ grad, 0.0)
        phi = 0.5 * (P + xp.where(np.eye(n, dtype=bool), 0.0, xp.matrix_transpose(P)))
        half = xp.solve_triangular(Lt, phi, True)  # L⁻ᵀΦ
        return xp.matrix_transpose(xp.solve_triangular(Lt, xp.matrix_transpose(half), True))


def _cholesky_array(a: np.ndarray) -> np.ndarray:
    try:
        factor = np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        raise _not_positive_definite(a) from None
    if np.isnan(np.diagonal(factor, axis1=-2, axis2=-1)).any():  # a nan pivot: LAPACK's potrf stops there
        raise _not_positive_definite(a)  # (in PyTorch); numpy's goes on and returns the nan
    return factor


def _failing_minor(a: np.ndarray) -> int:
    """The order of the first leading minor of a that is not positive-definite (0: none); a
    minor whose factor has a nan pivot is not."""
    for k in range(1, a.shape[-1] + 1):
        try:
            factor = np.linalg.cholesky(a[:k, :k])
        except np.linalg.LinAlgError:
            return k
        if np.isnan(factor[k - 1, k - 1]):
            return k
    return 0


def _not_positive_definite(a: np.ndarray) -> LinAlgError:
    batch = a.shape[:-2]
    for index in np.ndindex(*batch):
        order = _failing_minor(a[index])
        if order:
            return LinAlgError(
                f"linalg.cholesky: {batch_prefix(index, batch)}The factorization could not be completed because the "
                f"input is not positive-definite (the leading minor of order {order} is not positive-definite).")
    return LinAlgError("linalg.cholesky: The factorization could not be completed because the input is not "
                       "positive-definite.")


def cholesky(A, *, upper: bool = False, out=None) -> Tensor:
    """L (lower triangular, positive diagonal) with A = LLᵀ, for each symmetric positive-definite
    matrix of A (..., n, n); Lᵀ when upper=True. Only A's lower triangle is read. LinAlgError if
    A is not positive-definite.

    >>> import tinygrad_edu as tg
    >>> tg.linalg.cholesky(tg.tensor([[4.0, 2.0], [2.0, 2.0]]))
    tensor([[2., 0.],
            [1., 1.]])
    """
    check_no_out("linalg.cholesky", out)
    A = as_tensor(A)
    check_square("linalg.cholesky", A)
    L = Cholesky.apply(A)
    return L.mT if upper else L


def cholesky_legacy(input, upper: bool = False, *, out=None) -> Tensor:
    """torch.cholesky(input, upper=False): the same as tg.linalg.cholesky (deprecated in PyTorch)."""
    return cholesky(input, upper=upper, out=out)


def cholesky_solve(B, L, upper: bool = False, *, out=None) -> Tensor:
    """X with AX = B, given the Cholesky factor L of A = LLᵀ (or U with A = UᵀU when upper=True):
    A⁻¹B. Differentiable in B and in L (the gradient for L is that of A = LLᵀ, as in PyTorch)."""
    check_no_out("cholesky_solve", out)
    B, L = as_tensor(B), as_tensor(L)
    check_square("cholesky_solve", L)
    check_matrix("cholesky_solve", B, "B")
    check_float("cholesky_solve", B, "B")
    A = L.mT @ L if upper else L @ L.mT
    if B.ndim < A.ndim:  # B is always a matrix here (solve would read (..., n) as a batch of vectors)
        B = B.reshape((1,) * (A.ndim - B.ndim) + tuple(B.shape))
    return solve(A, B)


def cholesky_inverse(L, upper: bool = False, *, out=None) -> Tensor:
    """A⁻¹ given the Cholesky factor L of A = LLᵀ (or U with A = UᵀU when upper=True)."""
    check_no_out("cholesky_inverse", out)
    L = as_tensor(L)
    check_square("cholesky_inverse", L)
    return inv(L.mT @ L if upper else L @ L.mT)
