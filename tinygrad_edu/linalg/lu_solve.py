"""tg.linalg.lu_solve: AX = B from the packed LU factorization A = PLU of tg.linalg.lu_factor.

X = U⁻¹ L⁻¹ Pᵀ B: a row permutation and two triangular solves (G. Golub and C. Van Loan, "Matrix
Computations", 4th ed., 2013, section 3.4.5; LAPACK's getrs). It is composed of
tg.linalg.solve_triangular and indexing, so its gradients -- for B, and for LU on the triangle
each solve reads -- are theirs, as PyTorch's linalg_lu_solve gives them.
"""
from __future__ import annotations

import numpy as np

from ..out_argument import written_to
from ..tensor import Tensor
from .checks import as_tensor, check_square, dtype_word
from .inverse import solve_triangular
from .lu import broadcast_batch
from .permutations import permutation, take_rows


def lu_solve(LU, pivots, B, *, left: bool = True, adjoint: bool = False, out=None) -> Tensor:
    """X with AX = B, for A = PLU given as tg.linalg.lu_factor's (LU, pivots): LU (..., n, n),
    B (..., n, k); batch dims broadcast. left=False solves XA = B, adjoint=True uses Aᵀ instead
    of A. A zero on U's diagonal gives inf/nan, as in PyTorch. Differentiable in LU and B.

    >>> import tinygrad_edu as tg
    >>> A = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> LU, pivots = tg.linalg.lu_factor(A)
    >>> tg.linalg.lu_solve(LU, pivots, tg.tensor([[5.0], [11.0]])).tolist()
    [[1.0], [2.0]]
    """
    LU, pivots, B = as_tensor(LU), as_tensor(pivots), as_tensor(B)
    _check("linalg.lu_solve", LU, pivots, B, left)
    order = permutation(pivots.data, LU.shape[-1])
    if left:
        X = _solve(LU, order, B, adjoint)
    else:  # XA = B <=> AᵀXᵀ = Bᵀ  (and XAᵀ = B <=> AXᵀ = Bᵀ)
        X = _solve(LU, order, B.mT, not adjoint).mT
    return written_to(out, "linalg.lu_solve", X, same_dtype=True)


def _solve(LU: Tensor, order: np.ndarray, B: Tensor, adjoint: bool) -> Tensor:
    batch = np.broadcast_shapes(LU.shape[:-2], B.shape[:-2])
    B = B.expand(batch + B.shape[-2:])
    order = np.broadcast_to(order, batch + order.shape[-1:])
    if not adjoint:  # A = PLU:  X = U⁻¹ L⁻¹ (PᵀB)
        Y = solve_triangular(LU, take_rows(B, order), upper=False, unitriangular=True)
        return solve_triangular(LU, Y, upper=True)
    # Aᵀ = UᵀLᵀPᵀ:  X = P L⁻ᵀ U⁻ᵀ B
    Y = solve_triangular(LU.mT, B, upper=False)
    Y = solve_triangular(LU.mT, Y, upper=True, unitriangular=True)
    return take_rows(Y, np.argsort(order, axis=-1))


def _check(op: str, LU: Tensor, pivots: Tensor, B: Tensor, left: bool) -> None:
    check_square(f"torch.{op}", LU)
    n = LU.shape[-1]
    if B.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions (B is {tuple(B.shape)}; "
                           f"a vector b is b.unsqueeze(-1)).")
    if pivots.dtype != np.int32:
        raise RuntimeError(f"{op}: pivots should be a Tensor of scalar type torch.int32 (got {pivots.dtype}: pass "
                           f"the pivots that lu_factor returned)")
    if pivots.ndim == LU.ndim - 1 and pivots.shape[:-1] == LU.shape[:-2] and pivots.shape[-1] != n:
        raise RuntimeError(f"{op}: Number of pivots per batch should be same as the dimension of the matrix "
                           f"({pivots.shape[-1]} pivots for {n}x{n} matrices)")
    if tuple(pivots.shape) != LU.shape[:-1]:
        raise RuntimeError(f"{op}: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots with "
                           f"shape {list(pivots.shape)} instead (LU is {tuple(LU.shape)})")
    if LU.dtype != B.dtype:
        raise RuntimeError(f"{op}: Expected LU and B to have the same dtype, but found LU of type "
                           f"{dtype_word(LU.dtype)} and B of type {dtype_word(B.dtype)} instead.")
    rows = B.shape[-2] if left else B.shape[-1]
    if rows != n:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation {equation} ({n}x{n} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    broadcast_batch(op, "LU", LU, "B", B)
    if pivots.data.size and pivots.data.min() < 1:
        raise RuntimeError("Pivots given to lu_solve must all be greater or equal to 1. Did you properly pass the "
                           "result of lu_factor?")
    if pivots.data.size and pivots.data.max() > n:
        raise RuntimeError("Pivots given to lu_solve must all be smaller or equal to LU.size(-2). Did you properly "
                           "pass the result of lu_factor?")
