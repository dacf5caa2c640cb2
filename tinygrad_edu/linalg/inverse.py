"""Inverse, determinant and linear solves: inv, det, slogdet, logdet, solve, solve_triangular.

The derivatives follow from d(A⁻¹) = -A⁻¹ dA A⁻¹ and Jacobi's formula d(det A) = det A·tr(A⁻¹ dA)
(M. Giles, "An extended collection of matrix derivative results for forward and reverse mode
algorithmic differentiation", 2008, sections 2.2 and 2.3). Every backward is written over
`ctx.xp`, whose `inv`/`solve`/`solve_triangular` are these same ops when the backward is
recorded, so second derivatives need no extra formula.
"""
from __future__ import annotations

import numpy as np

from ..ops.op import Op
from ..tensor import Tensor
from . import arrays
from .checks import as_tensor, check_float, check_matrix, check_no_out, check_square
from .return_types import linalg_slogdet


class Inv(Op):
    """B = A⁻¹;  ∂L/∂A = -Bᵀ G Bᵀ  (from dB = -B dA B)"""

    @staticmethod
    def forward(ctx, A):
        return ctx.save_output(arrays.column_major(arrays.inv(A.data)))  # (PyTorch's layout)

    @staticmethod
    def backward(ctx, grad):
        xp = ctx.xp
        inverse_t = xp.matrix_transpose(ctx.saved_output)
        return -(inverse_t @ grad @ inverse_t)


class Det(Op):
    """det A;  ∂L/∂A = g·adj(A)ᵀ  (= g·det(A)·A⁻ᵀ for an invertible A: Jacobi's formula). The
    adjugate, computed from an SVD, keeps the gradient exact at a singular A; recorded for a
    second derivative it is det(A)·A⁻¹ as ops, which needs an invertible A."""

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return np.asarray(np.linalg.det(A.data), dtype=A.data.dtype)

    @staticmethod
    def backward(ctx, grad):
        A, = ctx.saved_tensors
        xp = ctx.xp
        return grad[..., None, None] * xp.matrix_transpose(xp.adjugate(A))


class LogAbsDet(Op):
    """log|det A|;  ∂L/∂A = g·A⁻ᵀ  (d log|det A| = tr(A⁻¹ dA))"""

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return np.asarray(np.linalg.slogdet(A.data)[1], dtype=A.data.dtype)

    @staticmethod
    def backward(ctx, grad):
        A, = ctx.saved_tensors
        xp = ctx.xp
        return grad[..., None, None] * xp.matrix_transpose(xp.inv(A))


class SignOfDet(Op):
    """sign(det A) of a real matrix: piecewise constant, so it passes no gradient back; it is still
    attached to A (requires_grad follows A's, as PyTorch's slogdet sign does)."""

    @staticmethod
    def forward(ctx, A):
        return np.asarray(np.linalg.slogdet(A.data)[0], dtype=A.data.dtype)

    @staticmethod
    def backward(ctx, grad):
        return None


class Solve(Op):
    """X = A⁻¹B (B a batch of n×k matrices);  ∂L/∂B = A⁻ᵀG,  ∂L/∂A = -(A⁻ᵀG)Xᵀ"""

    @staticmethod
    def forward(ctx, A, B):
        ctx.save_for_backward(A)
        return ctx.save_output(arrays.column_major(arrays.solve(A.data, B.data)))

    @staticmethod
    def backward(ctx, grad):
        A, = ctx.saved_tensors
        xp = ctx.xp
        grad_b = xp.solve(xp.matrix_transpose(A), grad)
        grad_a = -(grad_b @ xp.matrix_transpose(ctx.saved_output)) if ctx.needs_input_grad[0] else None
        return grad_a, grad_b


class SolveTriangular(Op):
    """X = T⁻¹B with T the upper or lower triangle of A (unit diagonal if `unitriangular`);
    ∂L/∂B = T⁻ᵀG,  ∂L/∂A = -(T⁻ᵀG)Xᵀ kept on T's triangle (the only entries of A that are read)"""

    @staticmethod
    def forward(ctx, A, B, upper, unitriangular):
        ctx.upper, ctx.unitriangular = upper, unitriangular
        ctx.save_for_backward(A)
        return ctx.save_output(arrays.column_major(arrays.solve_triangular(A.data, B.data, upper, unitriangular)))

    @staticmethod
    def backward(ctx, grad):
        A, = ctx.saved_tensors
        xp = ctx.xp
        grad_b = xp.solve_triangular(xp.matrix_transpose(A), grad, not ctx.upper, ctx.unitriangular)
        grad_a = None
        if ctx.needs_input_grad[0]:
            n = A.shape[-1]
            read = np.triu(np.ones((n, n), bool), 1 if ctx.unitriangular else 0)
            read = read if ctx.upper else read.T
            grad_a = xp.where(read, -(grad_b @ xp.matrix_transpose(ctx.saved_output)), 0.0)
        return grad_a, grad_b


def inv(A, *, out=None) -> Tensor:
    """A⁻¹, the inverse of each square matrix of A (..., n, n); LinAlgError if one is singular.

    >>> import tinygrad_edu as tg
    >>> tg.linalg.inv(tg.tensor([[2.0, 0.0], [0.0, 4.0]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    check_no_out("linalg.inv", out)
    A = as_tensor(A)
    check_square("linalg.inv", A)
    return Inv.apply(A)


def det(A, *, out=None) -> Tensor:
    """The determinant of each square matrix of A (..., n, n); shape (...)."""
    check_no_out("linalg.det", out)
    A = as_tensor(A)
    check_square("linalg.det", A)
    return Det.apply(A)


def slogdet(A, *, out=None) -> linalg_slogdet:
    """(sign, logabsdet) with det A = sign·exp(logabsdet): the log of a determinant that would
    overflow or underflow. sign is 0 and logabsdet -inf for a singular matrix; only logabsdet
    has a gradient (A⁻ᵀ)."""
    check_no_out("linalg.slogdet", out)
    A = as_tensor(A)
    check_square("linalg.slogdet", A)
    return linalg_slogdet(SignOfDet.apply(A), LogAbsDet.apply(A))


def logdet(A) -> Tensor:
    """log det A: logabsdet where det A > 0, -inf where it is 0, nan where it is negative
    (torch.logdet)."""
    A = as_tensor(A)
    check_square("logdet", A)
    sign, logabsdet = slogdet(A)
    shift = np.where(sign.data < 0, np.nan, 0.0).astype(A.data.dtype)  # (a constant: no gradient)
    return logabsdet + Tensor._make(shift, None, False)


def solve(A, B, *, left: bool = True, out=None) -> Tensor:
    """X with AX = B (or XA = B when left=False), for A (..., n, n) and B (..., n, k), or B a
    vector (n,) / a batch of vectors (..., n); batch axes broadcast. Computed by LU, which is
    faster and more accurate than inv(A) @ B. LinAlgError if A is singular."""
    check_no_out("linalg.solve", out)
    A, B = as_tensor(A), as_tensor(B)
    check_square("linalg.solve", A)
    check_float("linalg.solve", B, "B")
    A, B = _common_dtype(A, B)
    n = A.shape[-1]
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    if not left:  # XA = B  <=>  AᵀXᵀ = Bᵀ
        if vector:
            return solve(A.mT, B, left=True)
        return solve(A.mT, B.mT, left=True).mT
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.ndim < 2 or Bm.shape[-2] != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({n}x{n} and {'x'.join(map(str, Bm.shape[-2:]))}): B needs {n} rows, "
                           f"got shape {tuple(B.shape)}")
    try:
        np.broadcast_shapes(A.shape[:-2], Bm.shape[:-2])
    except ValueError:
        raise RuntimeError(f"linalg.solve: the batch dims of A {tuple(A.shape)} and B {tuple(B.shape)} "
                           f"cannot be broadcast together") from None
    X = Solve.apply(A, Bm)
    return X.squeeze(-1) if vector else X


def solve_triangular(A, B, *, upper: bool, left: bool = True, unitriangular: bool = False, out=None) -> Tensor:
    """X with TX = B (or XT = B when left=False), T the upper or lower triangle of A (..., n, n),
    B (..., n, k); the other triangle of A is not read, nor its diagonal if `unitriangular`.
    A zero on the diagonal gives inf/nan, as in PyTorch."""
    check_no_out("linalg.solve_triangular", out)
    A, B = as_tensor(A), as_tensor(B)
    check_square("linalg.solve_triangular", A)
    check_matrix("linalg.solve_triangular", B, "B")
    check_float("linalg.solve_triangular", B, "B")
    A, B = _common_dtype(A, B)
    if not left:  # XT = B  <=>  TᵀXᵀ = Bᵀ, and Tᵀ is the other triangle
        return solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
    n = A.shape[-1]
    if B.shape[-2] != n:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B "
                           f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    return SolveTriangular.apply(A, B, bool(upper), bool(unitriangular))


def _common_dtype(A: Tensor, B: Tensor) -> tuple:
    dtype = np.result_type(A.data.dtype, B.data.dtype)
    return (A if A.data.dtype == dtype else A.to(dtype)), (B if B.data.dtype == dtype else B.to(dtype))

