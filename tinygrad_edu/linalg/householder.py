"""Householder QR in LAPACK's compact form: tg.geqrf, and the products of its reflectors,
tg.linalg.householder_product (tg.orgqr) and tg.ormqr.

geqrf makes column j of A zero below the diagonal with the reflector Hⱼ = I - τⱼ vⱼ vⱼᵀ, vⱼ = (0, ..,
0, 1, vⱼ₊₁, ..): with α = a_jj and x the entries below it (LAPACK's larfg),

    β = -sign(α)·‖(α, x)‖,   τ = (β - α)/β,   v = x/(α - β),   a_jj ← β,

and τ = 0 (Hⱼ = I) when x = 0. R stays on and above the diagonal, the vⱼ below it, so that
A = QR with Q = H₁H₂⋯H_k (G. Golub and C. Van Loan, "Matrix Computations", 4th ed., 2013,
sections 5.1.2 and 5.2.2; E. Anderson et al., "LAPACK Users' Guide", 3rd ed., 1999, routines
geqr2, larfg, org2r and orm2r). geqrf has no derivative, as in PyTorch; the products of the
reflectors are composed of Tensor ops, so they have first and higher derivatives in A, τ and C.
"""
from __future__ import annotations

import numpy as np

from ..out_argument import written_to
from ..tensor import Tensor
from . import return_types
from .checks import as_tensor, dtype_word
from .lu import check_lapack_dtype
from .lu_unpack import unit_lower
from .no_derivative import without_derivative


def geqr2(a: np.ndarray) -> tuple:
    """(a, tau) of LAPACK's geqr2 for a batch (..., m, n); every matrix takes column j at once."""
    a = np.array(a, copy=True)
    m, n = a.shape[-2:]
    tau = np.zeros(a.shape[:-2] + (min(m, n),), a.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        for j in range(min(m, n)):
            alpha, x = a[..., j, j], a[..., j + 1:, j]
            xnorm = np.sqrt(np.sum(x * x, axis=-1))
            beta = -np.copysign(np.hypot(alpha, xnorm), alpha)
            reflect = xnorm != 0
            tau[..., j] = np.where(reflect, (beta - alpha) / beta, 0)
            a[..., j + 1:, j] = np.where(reflect[..., None], x * (1 / (alpha - beta))[..., None], x)
            a[..., j, j] = np.where(reflect, beta, alpha)
            # the rest of the rows j.. : A ← Hⱼ A = A - τ v (vᵀA)
            v = np.concatenate([np.ones(a.shape[:-2] + (1,), a.dtype), a[..., j + 1:, j]], -1)
            rest = a[..., j:, j + 1:]
            w = np.einsum("...i,...ij->...j", v, rest)
            a[..., j:, j + 1:] = rest - tau[..., j, None, None] * v[..., :, None] * w[..., None, :]
    return a, tau


def _check_input(op: str, kernel: str, A: Tensor, name: str = "input") -> None:
    if A.ndim < 2:
        raise RuntimeError(f"{op}: {name} must have at least 2 dimensions.")
    check_lapack_dtype(op, kernel, A)


def geqrf(input, *, out=None) -> return_types.geqrf:
    """(a, tau): the QR decomposition of each matrix of input (..., m, n) in LAPACK's compact
    form -- R on and above a's diagonal, the Householder vectors below it, their scalars in
    tau (..., min(m, n)); see the module docstring. Q is householder_product(a, tau); ormqr
    multiplies by Q without forming it. No derivative, as in PyTorch.

    >>> import tinygrad_edu as tg
    >>> a, tau = tg.geqrf(tg.tensor([[3.0, 1.0], [4.0, 2.0]]))
    >>> a, tau
    (tensor([[-5.0000, -2.2000],
            [ 0.5000,  0.4000]]), tensor([1.6000, 0.0000]))
    """
    A = as_tensor(input)
    _check_input("torch.geqrf", "geqrf_cpu", A)
    a, tau = without_derivative(geqr2(A.data), (A,), NotImplementedError,
                                "the derivative for 'geqrf' is not implemented (as in PyTorch; tg.linalg.qr has "
                                "one)")
    return written_to(out, "geqrf", return_types.geqrf(a, tau))


def _reflect(C: Tensor, v: Tensor, tau: Tensor, left: bool) -> Tensor:
    """H C = C - τ v (vᵀC) (left), or C H = C - τ (C v) vᵀ."""
    if left:
        return C - tau * (v @ (v.mT @ C))
    return C - tau * ((C @ v) @ v.mT)


def householder_product(A, tau, *, out=None) -> Tensor:
    """The first n columns of H₁H₂⋯H_k for A (..., m, n), m ≥ n, and tau (..., k), k ≤ n, with
    Hⱼ = I - τⱼ vⱼvⱼᵀ and vⱼ column j of A below the diagonal, 1 on it: the Q of a QR
    decomposition from geqrf's (a, tau). Differentiable in A and tau.

    >>> import tinygrad_edu as tg
    >>> A = tg.tensor([[3.0, 1.0], [4.0, 2.0]])
    >>> Q = tg.linalg.householder_product(*tg.geqrf(A))
    >>> Q
    tensor([[-0.6000, -0.8000],
            [-0.8000,  0.6000]])
    """
    op = "torch.linalg.householder_product"
    A, tau = as_tensor(A), as_tensor(tau)
    _check_input(op, "orgqr_cpu", A)
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{op}: input.shape[-2] must be greater than or equal to input.shape[-1] (got {m} < {n})")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(f"{op}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {A.ndim}")
    k = tau.shape[-1]
    if n < k:
        raise RuntimeError(f"{op}: input.shape[-1] must be greater than or equal to tau.shape[-1] (got {n} < {k})")
    if tau.shape[:-1] != A.shape[:-2]:
        raise RuntimeError(f"{op}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{list(tau.shape[:-1])}")
    if tau.dtype != A.dtype:
        raise RuntimeError(f"{op}: tau dtype {dtype_word(tau.dtype)} does not match input dtype {dtype_word(A.dtype)}")
    V = unit_lower(A, k)  # the vectors vⱼ as its columns
    Q = Tensor._make(np.broadcast_to(np.eye(m, n, dtype=A.dtype), A.shape).copy(), None, False)
    for j in reversed(range(k)):  # Q = H₁(H₂(⋯(H_k I)))
        Q = _reflect(Q, V[..., :, j:j + 1], tau[..., j:j + 1, None], True)
    if k == 0 and (A.requires_grad or tau.requires_grad):
        # no reflector: Q is I, still a function of A and tau as in PyTorch (zero gradients); sums
        # over no elements are exactly 0, so an inf or nan in A cannot reach Q
        Q = Q + A[..., :0].sum(-1, keepdim=True) + tau.sum(-1)[..., None, None]
    return written_to(out, "linalg.householder_product", Q, same_dtype=True)


def orgqr(input, tau) -> Tensor:
    """torch.orgqr: the same as tg.linalg.householder_product."""
    return householder_product(input, tau)


def ormqr(input, tau, other, left: bool = True, transpose: bool = False, *, out=None) -> Tensor:
    """Q·C (left=True) or C·Q for C = other (..., m, n), Qᵀ instead of Q when transpose=True,
    where Q = H₁H₂⋯H_k is given by geqrf's reflectors: input (..., mn, k) with mn = m when left
    else n, tau (..., min(mn, k)). Q is never formed: each reflector is applied in turn.
    Differentiable in input, tau and other.

    >>> import tinygrad_edu as tg
    >>> A = tg.tensor([[3.0, 1.0], [4.0, 2.0]])
    >>> a, tau = tg.geqrf(A)
    >>> tg.ormqr(a, tau, A, transpose=True)  # Qᵀ A = R
    tensor([[-5.0000, -2.2000],
            [ 0.0000,  0.4000]])
    """
    A, tau, C = as_tensor(input), as_tensor(tau), as_tensor(other)
    _check_ormqr(A, tau, C, left)
    k = tau.shape[-1]
    V = unit_lower(A, k)  # the vectors vⱼ as its columns
    # Q C = H₁(⋯(H_k C)),  Qᵀ C = H_k(⋯(H₁ C)),  C Q = ((C H₁)⋯)H_k,  C Qᵀ = ((C H_k)⋯)H₁
    order = range(k) if left == transpose else reversed(range(k))
    for j in order:
        C = _reflect(C, V[..., :, j:j + 1], tau[..., j:j + 1, None], left)
    return written_to(out, "ormqr", C, same_dtype=True)


def _check_ormqr(A: Tensor, tau: Tensor, C: Tensor, left: bool) -> None:
    op = "torch.ormqr"
    _check_input(op, "ormqr_cpu", A)
    _check_input(op, "ormqr_cpu", C, "other")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(f"{op}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {A.ndim}")
    if C.ndim != A.ndim:
        raise RuntimeError(f"{op}: Expected other to have the same number of dimensions as input, but got "
                           f"other.ndim equal to {C.ndim} and input.ndim is equal to {A.ndim}")
    if tau.shape[:-1] != A.shape[:-2]:
        raise RuntimeError(f"{op}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{list(tau.shape[:-1])}")
    if C.shape[:-2] != A.shape[:-2]:
        raise RuntimeError(f"{op}: Expected batch dimensions of other to be equal to input.shape[:-2], but got "
                           f"{list(C.shape[:-2])}")
    side = -2 if left else -1
    if C.shape[side] != A.shape[-2]:
        raise RuntimeError(f"{op}: other.shape[{side}] must be equal to input.shape[-2] (Q is "
                           f"{A.shape[-2]}x{A.shape[-2]}, other is {C.shape[-2]}x{C.shape[-1]}, left={left})")
    if tau.shape[-1] != min(C.shape[side], A.shape[-1]):
        raise RuntimeError(f"{op}: tau.shape[-1] must be equal to min(other.shape[{side}], input.shape[-1]) "
                           f"(one scalar per reflector: expected {min(C.shape[side], A.shape[-1])}, got "
                           f"{tau.shape[-1]})")
    for name, t in (("tau", tau), ("other", C)):
        if t.dtype != A.dtype:
            raise RuntimeError(f"{op}: Expected input and {name} to have the same dtype, but input has dtype "
                               f"{dtype_word(A.dtype)} and {name} has dtype {dtype_word(t.dtype)}")
