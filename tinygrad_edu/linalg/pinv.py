"""The pseudo-inverse and what it answers: pinv (tg.pinverse), lstsq (least squares) and
matrix_rank. Singular values below max(atol, rtol·σ₁) count as zero."""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import no_grad
from ..ops.op import Op
from ..tensor import Tensor
from . import return_types
from .checks import as_tensor, check_float, check_matrix, check_no_out


class Pinv(Op):
    """P = A⁺, the Moore-Penrose pseudo-inverse. From the derivative of A⁺ (G. Golub and
    V. Pereyra, "The differentiation of pseudo-inverses and nonlinear least squares problems whose
    variables separate", 1973),

        dP = -P dA P + P Pᵀ dAᵀ (I - AP) + (I - PA) dAᵀ Pᵀ P,   so
        ∂L/∂A = -Pᵀ G Pᵀ + (I - AP) Gᵀ P Pᵀ + Pᵀ P Gᵀ (I - PA),

    valid where the rank does not change (no singular value crosses the cutoff)."""

    @staticmethod
    def forward(ctx, A, atol, rtol, hermitian):
        ctx.save_for_backward(A)
        return ctx.save_output(_pinv_array(A.data, atol, rtol, hermitian))

    @staticmethod
    def backward(ctx, grad):
        A, = ctx.saved_tensors
        xp = ctx.xp
        P = ctx.saved_output
        Pt, Gt = xp.matrix_transpose(P), xp.matrix_transpose(grad)
        PPt, PtP = P @ Pt, Pt @ P
        return -(Pt @ grad @ Pt) + (Gt - A @ (P @ Gt)) @ PPt + PtP @ (Gt - (Gt @ P) @ A)


def _cutoff(s: np.ndarray, atol, rtol, m: int, n: int) -> np.ndarray:
    """max(atol, rtol·σ₁) per matrix; rtol defaults to eps·max(m, n) when atol is not given."""
    if rtol is None:
        rtol = np.finfo(s.dtype).eps * max(m, n) if atol is None or np.all(np.asarray(atol) <= 0) else 0.0
    atol = 0.0 if atol is None else atol
    largest = s.max(axis=-1, initial=0.0) if s.shape[-1] else np.zeros(s.shape[:-1], s.dtype)
    return np.maximum(np.asarray(atol, s.dtype), np.asarray(rtol, s.dtype) * largest)


def _pinv_array(a: np.ndarray, atol, rtol, hermitian: bool) -> np.ndarray:
    m, n = a.shape[-2:]
    if a.size == 0:
        return np.zeros(a.shape[:-2] + (n, m), a.dtype)
    if hermitian:
        w, q = np.linalg.eigh(a)
        cut = _cutoff(np.abs(w), atol, rtol, m, n)
        with np.errstate(divide="ignore"):
            inverse = np.where(np.abs(w) > cut[..., None], 1.0 / w, 0.0)
        return (q * inverse[..., None, :]) @ np.swapaxes(q, -1, -2)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    cut = _cutoff(s, atol, rtol, m, n)
    with np.errstate(divide="ignore"):
        inverse = np.where(s > cut[..., None], 1.0 / s, 0.0)
    return (np.swapaxes(vh, -1, -2) * inverse[..., None, :]) @ np.swapaxes(u, -1, -2)


def _tolerance(value):
    """atol/rtol may be a number or a Tensor (one per matrix of a batch)."""
    return value.data if isinstance(value, Tensor) else value


def pinv(A, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """A⁺, the Moore-Penrose pseudo-inverse of each matrix of A (..., m, n), shape (..., n, m):
    the least-squares, least-norm solver (A⁺b minimizes ‖Ax - b‖, then ‖x‖). Singular values
    below max(atol, rtol·σ₁) are treated as zero (rtol defaults to eps·max(m, n))."""
    check_no_out("linalg.pinv", out)
    A = as_tensor(A)
    check_matrix("linalg.pinv", A)
    check_float("linalg.pinv", A)
    return Pinv.apply(A, _tolerance(atol), _tolerance(rtol), bool(hermitian))


def pinverse(input, rcond: float = 1e-15) -> Tensor:
    """torch.pinverse(input, rcond=1e-15): pinv with singular values below rcond·σ₁ dropped."""
    return pinv(input, rtol=rcond)


def matrix_rank(A, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """The number of singular values above max(atol, rtol·σ₁) of each matrix (int64, no gradient)."""
    check_no_out("linalg.matrix_rank", out)
    A = as_tensor(A)
    check_matrix("linalg.matrix_rank", A)
    check_float("linalg.matrix_rank", A)
    m, n = A.shape[-2:]
    if hermitian:
        s = np.abs(np.linalg.eigvalsh(A.data)) if A.data.size else np.zeros(A.shape[:-1], A.data.dtype)
    else:
        s = np.linalg.svd(A.data, compute_uv=False) if A.data.size else np.zeros(A.shape[:-2] + (0,), A.data.dtype)
    cut = _cutoff(s, _tolerance(atol), _tolerance(rtol), m, n)
    return Tensor._make(np.asarray((s > cut[..., None]).sum(axis=-1), dtype=np.int64), None, False)


def lstsq(A, B, rcond=None, *, driver=None) -> return_types.linalg_lstsq:
    """The least-squares solution X of AX ≈ B (minimizes ‖AX - B‖ column by column, then ‖X‖),
    for A (..., m, n) and B (..., m, k) or (m,): solution = A⁺B, differentiable in A and B.
    As PyTorch on the CPU: driver 'gelsy' (the default) gives the rank and leaves residuals and
    singular_values empty; 'gelsd'/'gelss' also give the singular values, and the squared
    residuals when m > n and A has full rank; 'gels' gives residuals (full rank, m > n) only."""
    A, B = as_tensor(A), as_tensor(B)
    check_matrix("linalg.lstsq", A)
    check_float("linalg.lstsq", A)
    check_float("linalg.lstsq", B, "B")
    driver = "gelsy" if driver is None else driver
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss), "
                           f"got {driver!r}")
    m, n = A.shape[-2:]
    if not 0 <= A.ndim - B.ndim <= 1:
        raise RuntimeError(f"torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
                           f"(input.dim() - other.dim()) <= 1: A has shape {tuple(A.shape)}, B {tuple(B.shape)}")
    vector = B.ndim == A.ndim - 1
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.shape[-2] != m:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2): A is {m}x{n} but "
                           f"B has shape {tuple(B.shape)}")
    rtol = rcond if rcond is not None and rcond > 0 else None
    solution = pinv(A, rtol=rtol) @ Bm
    dtype = A.data.dtype
    s = np.linalg.svd(A.data, compute_uv=False) if A.data.size else np.zeros(A.shape[:-2] + (0,), dtype)
    rank = (s > _cutoff(s, None, rtol, m, n)[..., None]).sum(axis=-1)
    empty = Tensor._make(np.zeros((0,), dtype), None, False)
    residuals = empty
    if driver != "gelsy" and m > n and np.all(rank == n):
        with no_grad():
            residuals = ((A @ solution - Bm) ** 2).sum(-2).detach()
        residuals = residuals.squeeze(-1) if vector else residuals
    rank_t = Tensor._make(np.zeros((0,), np.int64), None, False) if driver == "gels" else \
        Tensor._make(np.asarray(rank, np.int64), None, False)
    values = Tensor._make(s, None, False) if driver in ("gelsd", "gelss") else empty
    return return_types.linalg_lstsq(solution.squeeze(-1) if vector else solution, residuals, rank_t, values)
