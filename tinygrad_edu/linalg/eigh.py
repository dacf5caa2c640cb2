"""Eigenvalues and eigenvectors of symmetric matrices: A = Q diag(λ) Qᵀ (eigh, eigvalsh)."""
from __future__ import annotations

import numpy as np

from ..ops.op import Op
from ..tensor import Tensor
from . import return_types
from .arrays import column_major
from .checks import as_tensor, check_no_out, check_square
from .outputs import save_outputs, saved_outputs


class Eigh(Op):
    """(λ, Q) with A = Q diag(λ) Qᵀ, λ ascending (one triangle of A is read, `UPLO`);

        ∂L/∂A = Q (diag(Ḡ_λ) + skew(Qᵀ Ḡ_Q) ∘ F) Qᵀ,   skew(X) = ½(X - Xᵀ),  F_ij = 1/(λ_j - λ_i),

    symmetric, as PyTorch gives it (M. Giles, "An extended collection of matrix derivative results
    for forward and reverse mode algorithmic differentiation", 2008, §3.1). The eigenvector part
    needs distinct eigenvalues; where two are equal, F is taken as 0 (then only functions of the
    eigenvalues, and of the eigenspaces, have a well-defined gradient)."""

    @staticmethod
    def forward(ctx, A, UPLO):
        values, vectors = np.linalg.eigh(A.data, UPLO=UPLO)
        return save_outputs(ctx, values, column_major(vectors))  # (PyTorch's layout)

    @staticmethod
    def backward(ctx, grad_values, grad_vectors):
        xp = ctx.xp
        values, Q = saved_outputs(ctx)
        n = values.shape[-1]
        Qt = xp.matrix_transpose(Q)
        inner = Qt @ grad_vectors
        skew = 0.5 * (inner - xp.matrix_transpose(inner))
        gap = values[..., None, :] - values[..., :, None]  # λ_j - λ_i
        v = xp.values(values)
        tie = v[..., None, :] == v[..., :, None]  # (a constant: the diagonal and equal eigenvalues)
        middle = xp.where(tie, 0.0, skew / xp.where(tie, 1.0, gap))
        middle = middle + grad_values[..., None, :] * np.eye(n, dtype=v.dtype)
        return Q @ middle @ Qt


def eigh(A, UPLO: str = "L", *, out=None) -> return_types.linalg_eigh:
    """(eigenvalues, eigenvectors) of each symmetric matrix of A (..., n, n): eigenvalues
    ascending, eigenvectors the orthonormal columns Q with A = Q diag(λ) Qᵀ. Only the lower
    (UPLO='L') or upper ('U') triangle is read. An eigenvector's sign is arbitrary: a loss should
    not depend on it (use e.g. Q diag(λ) Qᵀ or |Q|); with repeated eigenvalues the eigenvectors
    are not unique and their gradient is not defined."""
    check_no_out("linalg.eigh", out)
    A = as_tensor(A)
    check_square("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    values, vectors = Eigh.apply(A, UPLO)
    return return_types.linalg_eigh(values, vectors)


def eigvalsh(A, UPLO: str = "L", *, out=None) -> Tensor:
    """The eigenvalues of each symmetric matrix of A, ascending; gradient Q diag(Ḡ) Qᵀ, defined
    also for repeated eigenvalues."""
    check_no_out("linalg.eigvalsh", out)
    return eigh(A, UPLO).eigenvalues
