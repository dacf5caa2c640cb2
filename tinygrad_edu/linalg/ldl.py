"""The LDLᵀ factorization of a symmetric (possibly indefinite) matrix with Bunch–Kaufman pivoting:
tg.linalg.ldl_factor, ldl_factor_ex and ldl_solve, in the packed format of LAPACK's sytrf.

PAPᵀ = LDLᵀ with L unit lower triangular and D block diagonal with 1×1 and 2×2 blocks: a 2×2
block is taken when no diagonal entry is large enough to pivot on, which keeps the growth of the
entries bounded without destroying symmetry (J. Bunch and L. Kaufman, "Some stable methods for
calculating inertia and solving symmetric linear systems", 1977; G. Golub and C. Van Loan, "Matrix
Computations", 4th ed., 2013, section 4.4.4; E. Anderson et al., "LAPACK Users' Guide", 3rd ed.,
1999, routines sytf2 and sytrs). Only A's lower triangle is read.

The packed result LD holds D's diagonal, the subdiagonal entry of each 2×2 block, and the
multipliers of L below; pivots (1-based int32): pivots[k] = p > 0 is a 1×1 block after swapping
rows and columns k and p; pivots[k] = pivots[k+1] = -p < 0 a 2×2 block after swapping k+1 and p.
PyTorch has no derivative for these (and neither is there one here).
"""
from __future__ import annotations

import numpy as np

from ..out_argument import written_to
from ..tensor import Tensor
from . import return_types
from .checks import LinAlgError, as_tensor, check_square, dtype_word
from .lu import broadcast_batch, first_failure
from .no_derivative import without_derivative

ALPHA = (1 + np.sqrt(17)) / 8  # Bunch–Kaufman's constant: it minimizes the bound on element growth


def _largest_below(a: np.ndarray, k: int) -> tuple:
    """(row, |value|) of the largest off-diagonal entry in column k below the diagonal (the first
    largest, as LAPACK's idamax)."""
    if k + 1 >= a.shape[0]:
        return k, 0.0
    i = k + 1 + int(np.argmax(np.abs(a[k + 1:, k])))
    return i, abs(a[i, k])


def _swap(a: np.ndarray, kk: int, kp: int) -> None:
    """Swap rows and columns kk < kp of the trailing lower triangle (a[kk:, kk:])."""
    a[kp + 1:, [kk, kp]] = a[kp + 1:, [kp, kk]]
    between = slice(kk + 1, kp)
    a[between, kk], a[kp, between] = a[kp, between].copy(), a[between, kk].copy()
    a[kk, kk], a[kp, kp] = a[kp, kp], a[kk, kk]


def sytf2(a: np.ndarray) -> tuple:
    """(LD, pivots, info) of one symmetric matrix (its lower triangle), as LAPACK's sytf2 with
    uplo='L'; info is the first k with D[k, k] exactly 0 (1-based), 0 if D is nonsingular."""
    a = np.tril(a)
    n = a.shape[0]
    pivots = np.zeros(n, np.int32)
    info = 0
    k = 0
    while k < n:
        step = 1
        diagonal = abs(a[k, k])
        imax, colmax = _largest_below(a, k)
        if max(diagonal, colmax) == 0 or np.isnan(diagonal):
            info = info or k + 1  # a zero column: D[k, k] = 0, nothing to eliminate
            pivots[k] = k + 1
            k += 1
            continue
        if diagonal >= ALPHA * colmax:
            kp = k  # the diagonal is large enough: a 1×1 pivot, no swap
        else:
            # rowmax: the largest off-diagonal entry of row/column imax
            rowmax = np.max(np.abs(a[imax, k:imax]))
            if imax + 1 < n:
                rowmax = max(rowmax, np.max(np.abs(a[imax + 1:, imax])))
            if diagonal >= ALPHA * colmax * (colmax / rowmax):
                kp = k
            elif abs(a[imax, imax]) >= ALPHA * rowmax:
                kp = imax  # a 1×1 pivot on a[imax, imax]
            else:
                kp, step = imax, 2  # a 2×2 pivot on rows k, imax
        kk = k + step - 1
        if kp != kk:
            _swap(a, kk, kp)
            if step == 2:
                a[k + 1, k], a[kp, k] = a[kp, k], a[k + 1, k]
        if step == 1:
            if k + 1 < n:  # A₂₂ -= w wᵀ / d,  L's column = w / d
                d = 1 / a[k, k]
                w = a[k + 1:, k].copy()
                a[k + 1:, k + 1:] -= np.tril(np.outer(w, w * d))
                a[k + 1:, k] *= d
            pivots[k] = kp + 1
        else:
            if k + 2 < n:  # A₂₂ -= W D⁻¹ Wᵀ with W = the two columns,  L's columns = W D⁻¹
                d21 = a[k + 1, k]
                d11 = a[k + 1, k + 1] / d21
                d22 = a[k, k] / d21
                t = 1 / (d11 * d22 - 1)
                d21 = t / d21
                wk = d21 * (d11 * a[k + 2:, k] - a[k + 2:, k + 1])
                wkp1 = d21 * (d22 * a[k + 2:, k + 1] - a[k + 2:, k])
                a[k + 2:, k + 2:] -= np.tril(np.outer(a[k + 2:, k], wk))
                a[k + 2:, k + 2:] -= np.tril(np.outer(a[k + 2:, k + 1], wkp1))
                a[k + 2:, k], a[k + 2:, k + 1] = wk, wkp1
            pivots[k] = pivots[k + 1] = -(kp + 1)
        k += step
    return a, pivots, info


def sytrs(ld: np.ndarray, pivots: np.ndarray, b: np.ndarray) -> np.ndarray:
    """X with AX = B for one packed factorization (LAPACK's sytrs, uplo='L'): first L D Y = PᵀB
    forward, block by block, then Lᵀ X = Y backward, undoing the interchanges."""
    x = np.array(b, copy=True)
    n = ld.shape[0]
    k = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        while k < n:
            if pivots[k] > 0:
                kp = pivots[k] - 1
                x[[k, kp]] = x[[kp, k]]
                x[k + 1:] -= np.outer(ld[k + 1:, k], x[k])
                x[k] *= 1 / ld[k, k]
                k += 1
            else:
                kp = -pivots[k] - 1
                x[[k + 1, kp]] = x[[kp, k + 1]]
                x[k + 2:] -= np.outer(ld[k + 2:, k], x[k])
                x[k + 2:] -= np.outer(ld[k + 2:, k + 1], x[k + 1])
                akm1k = ld[k + 1, k]  # the 2×2 block [[a, c], [c, b]], solved as LAPACK does
                akm1, ak = ld[k, k] / akm1k, ld[k + 1, k + 1] / akm1k
                denom = akm1 * ak - 1
                bkm1, bk = x[k] / akm1k, x[k + 1] / akm1k
                x[k], x[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
                k += 2
        k = n - 1
        while k >= 0:
            if pivots[k] > 0:
                x[k] -= ld[k + 1:, k] @ x[k + 1:]
                kp = pivots[k] - 1
                x[[k, kp]] = x[[kp, k]]
                k -= 1
            else:
                x[k] -= ld[k + 1:, k] @ x[k + 1:]
                x[k - 1] -= ld[k + 1:, k - 1] @ x[k + 1:]
                kp = -pivots[k] - 1
                x[[k, kp]] = x[[kp, k]]
                k -= 2
    return x


def ldl_factor_ex(A, *, hermitian: bool = False, check_errors: bool = False,
                  out=None) -> return_types.linalg_ldl_factor_ex:
    """(LD, pivots, info): the Bunch–Kaufman LDLᵀ factorization of each symmetric matrix of A
    (..., n, n), reading its lower triangle, in LAPACK sytrf's packed format (see the module
    docstring); info > 0 names the first zero on D's diagonal. `hermitian` changes nothing for
    real matrices (complex ones are not supported here). No derivative, as in PyTorch.

    >>> import tinygrad_edu as tg
    >>> LD, pivots, info = tg.linalg.ldl_factor_ex(tg.tensor([[0.0, 1.0], [1.0, 0.0]]))
    >>> pivots.tolist()  # a 2×2 block: neither diagonal entry can be a pivot
    [-2, -2]
    """
    A = as_tensor(A)
    check_square("torch.linalg.ldl_factor_ex", A)
    batch, n = A.shape[:-2], A.shape[-1]
    ld = np.zeros(A.shape, A.dtype)
    pivots = np.zeros(batch + (n,), np.int32)
    info = np.zeros(batch, np.int32)
    for index in np.ndindex(*batch):
        ld[index], pivots[index], info[index] = sytf2(A.data[index])
    if check_errors and info.any():
        raise _singular_d("torch.linalg.ldl_factor_ex", info)
    LD, pivots, info = without_derivative(
        (ld, pivots, info), (A,), RuntimeError,
        "derivative for aten::linalg_ldl_factor_ex is not implemented (tg.linalg.ldl_factor has no gradient, as "
        "in PyTorch; for a positive-definite matrix tg.linalg.cholesky has one)")
    return written_to(out, "linalg.ldl_factor_ex", return_types.linalg_ldl_factor_ex(LD, pivots, info))


def ldl_factor(A, *, hermitian: bool = False, out=None) -> return_types.linalg_ldl_factor:
    """(LD, pivots): tg.linalg.ldl_factor_ex's factorization, raising tg.linalg.LinAlgError when
    D is singular (a zero 1×1 block), since solving with it would divide by zero.

    >>> import tinygrad_edu as tg
    >>> A = tg.tensor([[4.0, 2.0], [2.0, 3.0]])
    >>> LD, pivots = tg.linalg.ldl_factor(A)   # D = diag(4, 2), L = [[1, 0], [0.5, 1]]
    >>> LD.tolist(), pivots.tolist()
    ([[4.0, 0.0], [0.5, 2.0]], [1, 2])
    """
    LD, pivots, info = ldl_factor_ex(A, hermitian=hermitian)
    if info.data.any():
        raise _singular_d("torch.linalg.ldl_factor", info.data)
    return written_to(out, "linalg.ldl_factor", return_types.linalg_ldl_factor(LD, pivots))


def _singular_d(op: str, info: np.ndarray) -> LinAlgError:
    prefix, k = first_failure(info)
    return LinAlgError(f"{op}: {prefix}D[{k},{k}] is exactly zero: the factorization "
                       f"was completed, but D is singular and solving with it would divide by zero. Use "
                       f"linalg.ldl_factor_ex to get the factors anyway.")


def ldl_solve(LD, pivots, B, *, hermitian: bool = False, out=None) -> Tensor:
    """X with AX = B, given ldl_factor's (LD, pivots) of the symmetric A: LD (..., n, n),
    B (..., n, k), batch dims broadcast. A singular D gives inf/nan, as in PyTorch. No
    derivative, as in PyTorch.

    >>> import tinygrad_edu as tg
    >>> A = tg.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> LD, pivots = tg.linalg.ldl_factor(A)
    >>> tg.linalg.ldl_solve(LD, pivots, tg.tensor([[2.0], [3.0]])).tolist()
    [[3.0], [2.0]]
    """
    LD, pivots, B = as_tensor(LD), as_tensor(pivots), as_tensor(B)
    op = "torch.linalg.ldl_solve"
    check_square(op, LD)
    if B.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got -2): {op} needs B "
                         f"with at least 2 dimensions (..., n, k), got shape {tuple(B.shape)}")
    n = LD.shape[-1]
    if tuple(pivots.shape) != LD.shape[:-1]:
        raise RuntimeError(f"{op}: Expected LD.shape[:-1] and pivots.shape to be the same, but got pivots with "
                           f"shape {list(pivots.shape)} instead")
    if pivots.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: pivots must be an integer tensor (ldl_factor's int32 pivots), got {pivots.dtype}")
    if B.dtype != LD.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {dtype_word(B.dtype)} and "
                           f"A of type {dtype_word(LD.dtype)} instead.")
    if B.shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for {op}: each A matrix is {n} by {n} but each b matrix is "
                           f"{B.shape[-2]} by {B.shape[-1]}")
    if pivots.data.size and (np.abs(pivots.data).max() > n or (pivots.data == 0).any()):
        raise RuntimeError("Pivots given to ldl_solve must all satisfy |pivot| <= LD.size(-2). Did you properly "
                           "pass the result of ldl_factor?")
    batch = broadcast_batch(op, "LD", LD, "B", B)
    ld = np.broadcast_to(LD.data, batch + (n, n))
    piv = np.broadcast_to(pivots.data, batch + (n,))
    b = np.broadcast_to(B.data, batch + B.shape[-2:])
    x = np.empty(batch + B.shape[-2:], B.dtype)
    for index in np.ndindex(*batch):
        x[index] = sytrs(ld[index], piv[index], b[index])
    X = without_derivative((x,), (LD, B), RuntimeError,
                           "derivative for aten::linalg_ldl_solve is not implemented (tg.linalg.ldl_solve has no "
                           "gradient, as in PyTorch; tg.linalg.solve has one)")
    return written_to(out, "linalg.ldl_solve", X, same_dtype=True)
