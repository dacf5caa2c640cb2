"""The `_ex` forms of inv, solve and cholesky (tg.linalg.inv_ex, solve_ex, cholesky_ex): the
result together with LAPACK's `info` (int32, one per matrix: 0 when the matrix was fine), raising
only when check_errors=True.

For a fine matrix the result is tg.linalg.inv / solve / cholesky's, with their gradients. For a
singular one, inv_ex and solve_ex return what the LU solve gives (inf or nan, as PyTorch), and
cholesky_ex the factor as far as it got (LAPACK's potf2 stops at the failing column and leaves the
rest of A there), which has no derivative.
"""
from __future__ import annotations

import numpy as np

from ..out_argument import written_to
from ..tensor import Tensor
from . import return_types
from .checks import LinAlgError, as_tensor, check_square
from .cholesky import cholesky
from .inverse import _common_dtype, inv, solve
from .lu import LUFactor, first_failure, getrf
from .lu_solve import lu_solve
from .no_derivative import without_derivative


def _int32(info: np.ndarray) -> Tensor:
    return Tensor._make(np.asarray(info, np.int32), None, False)


def inv_ex(A, *, check_errors: bool = False, out=None) -> return_types.linalg_inv_ex:
    """(inverse, info) of each square matrix of A: info is the 1-based index of the first zero
    on U's diagonal in A = PLU (0 for an invertible matrix, whose inverse is tg.linalg.inv's).

    >>> import tinygrad_edu as tg
    >>> tg.linalg.inv_ex(tg.tensor([[2.0, 0.0], [0.0, 4.0]])).info
    tensor(0, dtype=int32)
    """
    A = as_tensor(A)
    check_square("linalg.inv", A)
    info = getrf(A.data)[2]
    if check_errors and info.any():
        prefix, k = first_failure(info)
        raise LinAlgError(f"linalg.inv_ex: {prefix}The diagonal element {k} is zero, the inversion could not be "
                          f"completed because the input matrix is singular.")
    try:
        inverse = inv(A)
    except LinAlgError:  # A⁻¹ = lu_solve(LU, pivots, I): inf or nan where U's diagonal is 0
        LU, pivots, _ = LUFactor.apply(A)
        eye = Tensor._make(np.eye(A.shape[-1], dtype=A.dtype), None, False)
        inverse = lu_solve(LU, pivots, eye)
    return written_to(out, "linalg.inv_ex", return_types.linalg_inv_ex(inverse, _int32(info)))


def solve_ex(A, B, *, left: bool = True, check_errors: bool = False, out=None) -> return_types.linalg_solve_ex:
    """(result, info): X with AX = B (XA = B when left=False), as tg.linalg.solve, and info (one
    per matrix of A) the 1-based index of the first zero on U's diagonal in A = PLU (0: none).

    >>> import tinygrad_edu as tg
    >>> tg.linalg.solve_ex(tg.tensor([[2.0, 0.0], [0.0, 4.0]]), tg.tensor([2.0, 2.0])).result
    tensor([1.0000, 0.5000])
    """
    A, B = as_tensor(A), as_tensor(B)
    check_square("linalg.solve", A)
    info = getrf(A.data)[2]
    if check_errors and info.any():
        prefix, _ = first_failure(info)
        raise LinAlgError(f"torch.linalg.solve_ex: {prefix}The solver failed because the input matrix is singular.")
    try:
        result = solve(A, B, left=left)  # (checks B's dtype and shape before it meets the singular A)
    except LinAlgError:
        A, B = _common_dtype(A, B)
        LU, pivots, _ = LUFactor.apply(A)
        vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
        Bm = B.unsqueeze(-1) if vector else B
        if left or vector:  # (a vector b: xA = b is Aᵀx = b)
            result = lu_solve(LU, pivots, Bm, adjoint=not left)
        else:
            result = lu_solve(LU, pivots, Bm, left=False)
        result = result.squeeze(-1) if vector else result
    return written_to(out, "linalg.solve_ex", return_types.linalg_solve_ex(result, _int32(info)))


def potf2(a: np.ndarray) -> tuple:
    """(L, info) of one matrix by LAPACK's potf2 (Cholesky–Crout, column by column:
    l_jj = √(a_jj - Σ_k l_jk²), l_ij = (a_ij - Σ_k l_ik l_jk) / l_jj). At the first column whose
    a_jj - Σ l_jk² is not positive (or nan) it stores that number on the diagonal and stops:
    info = j, and the columns after j are still A's."""
    a = np.tril(a)
    for j in range(a.shape[-1]):
        ajj = a[j, j] - a[j, :j] @ a[j, :j]
        if not ajj > 0:
            a[j, j] = ajj
            return a, j + 1
        a[j, j] = ajj = np.sqrt(ajj)
        a[j + 1:, j] = (a[j + 1:, j] - a[j + 1:, :j] @ a[j, :j]) * (1 / ajj)
    return a, 0


def cholesky_ex(A, *, upper: bool = False, check_errors: bool = False, out=None) -> return_types.linalg_cholesky_ex:
    """(L, info): the Cholesky factor of each symmetric positive-definite matrix of A (Lᵀ when
    upper=True), as tg.linalg.cholesky, and info the order of the first leading minor that is not
    positive-definite (0: none). Where it failed, L holds the factorization as far as it got.

    >>> import tinygrad_edu as tg
    >>> tg.linalg.cholesky_ex(tg.tensor([[4.0, 2.0], [2.0, -3.0]])).info
    tensor(2, dtype=int32)
    """
    A = as_tensor(A)
    check_square("linalg.cholesky", A)
    try:
        L = cholesky(A, upper=upper)
        info = np.zeros(A.shape[:-2], np.int32)
    except LinAlgError:
        factors = np.empty_like(A.data)
        info = np.zeros(A.shape[:-2], np.int32)
        for index in np.ndindex(*A.shape[:-2]):
            factors[index], info[index] = potf2(A.data[index])
        if check_errors:
            prefix, k = first_failure(info)
            raise LinAlgError(f"linalg.cholesky_ex: {prefix}The factorization could not be completed because the "
                              f"input is not positive-definite (the leading minor of order {k} is not "
                              f"positive-definite).") from None
        if upper:
            factors = np.swapaxes(factors, -1, -2)
        L = without_derivative(
            (factors,), (A,), NotImplementedError,
            f"linalg.cholesky_ex: the factorization failed (info = {info.tolist()}), so its L has no derivative; "
            f"make A positive-definite (e.g. add a multiple of the identity) before differentiating")
    return written_to(out, "linalg.cholesky_ex", return_types.linalg_cholesky_ex(L, _int32(info)))
