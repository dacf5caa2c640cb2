"""The QR decomposition A = QR (Q with orthonormal columns, R upper triangular): tg.linalg.qr
and the older tg.qr(input, some=True)."""
from __future__ import annotations

import numpy as np

from ..ops.op import Op
from . import return_types
from .arrays import column_major
from .checks import as_tensor, check_float, check_matrix, check_no_out
from .outputs import save_outputs, saved_outputs


class QR(Op):
    """(Q, R) with A = QR. For A m×n with m ≥ n (reduced Q m×n, R n×n):

        M = R Ḡ_Rᵀ - Ḡ_Qᵀ Q,   copyltu(M) = tril(M) + tril(M, -1)ᵀ,
        ∂L/∂A = (Ḡ_Q + Q copyltu(M)) R⁻ᵀ,

    (M. Seeger et al., "Auto-differentiating linear algebra", 2017; H. Walter and A. Lehmann,
    "On evaluating higher-order derivatives of the QR decomposition of tall matrices with full
    column rank in forward and reverse mode algorithmic differentiation", 2018). For m < n,
    A = [X | Y] and R = [U | V] with X = QU square: the square case for X with Ḡ_Q + Y Ḡ_Vᵀ, and
    ∂L/∂Y = Q Ḡ_V. Needs full rank (R⁻¹)."""

    @staticmethod
    def forward(ctx, A, mode):
        ctx.mode = mode
        if mode == "r":
            R = np.linalg.qr(A.data, mode="r")
            return save_outputs(ctx, np.zeros((0,), A.data.dtype), column_major(R))
        return save_outputs(ctx, *[column_major(m) for m in np.linalg.qr(A.data, mode=mode)])  # (PyTorch's layout)

    @staticmethod
    def backward(ctx, grad_q, grad_r):
        if ctx.mode == "r":
            raise RuntimeError("linalg.qr_backward: The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                               "differentiate through linalg.qr.")
        Q, R = saved_outputs(ctx)
        m, n = Q.shape[-2], R.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("linalg.qr_backward: The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        xp = ctx.xp
        if m >= n:
            return _square_or_tall(xp, Q, R, grad_q, grad_r)
        U, V = R[..., :, :m], R[..., :, m:]
        grad_u, grad_v = grad_r[..., :, :m], grad_r[..., :, m:]
        Y = Q @ V  # A's last n - m columns
        grad_x = _square_or_tall(xp, Q, U, grad_q + Y @ xp.matrix_transpose(grad_v), grad_u)
        return xp.concatenate([grad_x, Q @ grad_v], -1)


def _square_or_tall(xp, Q, R, grad_q, grad_r):
    """(Ḡ_Q + Q copyltu(R Ḡ_Rᵀ - Ḡ_Qᵀ Q)) R⁻ᵀ for m ≥ n."""
    n = R.shape[-1]
    M = R @ xp.matrix_transpose(grad_r) - xp.matrix_transpose(grad_q) @ Q
    lower = np.tril(np.ones((n, n), bool))
    strict = np.tril(np.ones((n, n), bool), -1)
    copyltu = xp.where(lower, M, 0.0) + xp.matrix_transpose(xp.where(strict, M, 0.0))
    B = grad_q + Q @ copyltu
    return xp.matrix_transpose(xp.solve_triangular(R, xp.matrix_transpose(B), True))  # B R⁻ᵀ = (R⁻¹Bᵀ)ᵀ


def qr(A, mode: str = "reduced", *, out=None) -> return_types.linalg_qr:
    """(Q, R) with A = QR for each matrix of A (..., m, n), k = min(m, n):
    mode='reduced' Q (m, k), R (k, n); 'complete' Q (m, m), R (m, n); 'r' only R (Q is empty).
    The signs are LAPACK's (R's diagonal may be negative), as in PyTorch."""
    check_no_out("linalg.qr", out)
    A = as_tensor(A)
    check_matrix("linalg.qr", A)
    check_float("linalg.qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           f"'r', or 'complete'")
    Q, R = QR.apply(A, mode)
    return return_types.linalg_qr(Q, R)


def qr_legacy(input, some: bool = True, *, out=None) -> return_types.qr:
    """torch.qr(input, some=True): linalg.qr with mode 'reduced' (some=True) or 'complete'."""
    Q, R = qr(input, "reduced" if some else "complete", out=out)
    return return_types.qr(Q, R)
