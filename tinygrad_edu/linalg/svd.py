"""The singular value decomposition A = U diag(S) Vᵀ: tg.linalg.svd, svdvals and the older
tg.svd(input, some=True, compute_uv=True), which returns V rather than Vᵀ."""
from __future__ import annotations

import numpy as np

from ..ops.op import Op
from ..tensor import Tensor
from . import return_types
from .arrays import column_major
from .checks import as_tensor, check_float, check_matrix, check_no_out
from .outputs import save_outputs, saved_outputs


class SVD(Op):
    """(U, S, Vᵀ) with A = U diag(S) Vᵀ, S descending; with k = min(m, n), only the first k
    columns of U and rows of Vᵀ have a gradient (as PyTorch, for full_matrices=True):

        J = Uᵀ Ḡ_U - Ḡ_Uᵀ U,   K = Vᵀ Ḡ_V - Ḡ_Vᵀ V,   E_ij = S_j² - S_i²,
        ∂L/∂A = U [(J S + S K) / E + diag(Ḡ_S)] Vᵀ
                + (I - UUᵀ) Ḡ_U S⁻¹ Vᵀ       (m > n)
                + U S⁻¹ Ḡ_Vᵀ (I - VVᵀ)       (m < n)

    (J. Townsend, "Differentiating the singular value decomposition", 2016). The U and V parts
    need distinct non-zero singular values; where two are equal the 1/E factor is taken as 0, so
    that functions of S alone (svdvals, norms) keep their well-defined gradient U diag(Ḡ_S) Vᵀ."""

    @staticmethod
    def forward(ctx, A, full_matrices):
        U, S, Vh = np.linalg.svd(A.data, full_matrices=full_matrices)
        return save_outputs(ctx, column_major(U), S, column_major(Vh))  # (PyTorch's layout)

    @staticmethod
    def backward(ctx, grad_u, grad_s, grad_vh):
        xp = ctx.xp
        U, S, Vh = saved_outputs(ctx)
        k = S.shape[-1]
        m, n = U.shape[-2], Vh.shape[-1]
        U, Vh, grad_u, grad_vh = U[..., :, :k], Vh[..., :k, :], grad_u[..., :, :k], grad_vh[..., :k, :]
        V, grad_v = xp.matrix_transpose(Vh), xp.matrix_transpose(grad_vh)
        Ut, UtgU, VtgV = xp.matrix_transpose(U), xp.matrix_transpose(U) @ grad_u, Vh @ grad_v
        J = UtgU - xp.matrix_transpose(UtgU)
        K = VtgV - xp.matrix_transpose(VtgV)
        s2 = S * S
        s = xp.values(S)
        tie = (s * s)[..., None, :] == (s * s)[..., :, None]  # (a constant: the diagonal and equal values)
        gap = xp.where(tie, 1.0, s2[..., None, :] - s2[..., :, None])
        middle = xp.where(tie, 0.0, (J * S[..., None, :] + S[..., :, None] * K) / gap)
        middle = middle + grad_s[..., None, :] * np.eye(k, dtype=s.dtype)
        safe_s = xp.where(s == 0, 1.0, S)  # (a zero singular value with no U/V gradient: no 0/0)
        if m > n:
            scaled = grad_u / safe_s[..., None, :]
            return (U @ middle + scaled - U @ (Ut @ scaled)) @ Vh
        if m < n:
            scaled = xp.matrix_transpose(grad_v) / safe_s[..., :, None]
            return U @ (middle @ Vh + scaled - (scaled @ V) @ Vh)
        return U @ middle @ Vh


def svd(A, full_matrices: bool = True, *, driver=None, out=None) -> return_types.linalg_svd:
    """(U, S, Vh) with A = U diag(S) Vh for each matrix of A (..., m, n), S descending; U is
    (m, m) and Vh (n, n) when full_matrices (PyTorch's default), else (m, k) and (k, n),
    k = min(m, n). Singular vectors are unique only up to sign: a loss should not depend on it
    (use U diag(S) Vh, or S alone: svdvals)."""
    check_no_out("linalg.svd", out)
    A = as_tensor(A)
    check_matrix("linalg.svd", A)
    check_float("linalg.svd", A)
    U, S, Vh = SVD.apply(A, bool(full_matrices))
    return return_types.linalg_svd(U, S, Vh)


def svdvals(A, *, driver=None, out=None) -> Tensor:
    """The singular values of each matrix of A, descending (..., min(m, n)); differentiable
    also where two are equal."""
    return svd(A, full_matrices=False, out=out).S


def svd_legacy(input, some: bool = True, compute_uv: bool = True, *, out=None) -> return_types.svd:
    """torch.svd(input, some=True, compute_uv=True) -> (U, S, V) with input = U diag(S) Vᵀ
    (V, not Vᵀ); some=False gives the full U and V. compute_uv=False returns U and V filled with
    zeros, (m, m) and (n, n), as PyTorch does."""
    input = as_tensor(input)
    if not compute_uv:
        S = svdvals(input, out=out)
        m, n = input.shape[-2:]
        zeros = np.zeros  # (U and V are zero-filled placeholders, without gradient)
        U = Tensor._make(zeros(input.shape[:-2] + (m, m), input.data.dtype), None, False)
        V = Tensor._make(zeros(input.shape[:-2] + (n, n), input.data.dtype), None, False)
        return return_types.svd(U, S, V)
    U, S, Vh = svd(input, full_matrices=not some, out=out)
    return return_types.svd(U, S, Vh.mT)
