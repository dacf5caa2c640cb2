"""The LU factorization with partial pivoting, A = PLU: tg.linalg.lu_factor, lu_factor_ex and lu.

`getrf` is Gaussian elimination as LAPACK's getrf does it (G. Golub and C. Van Loan, "Matrix
Computations", 4th ed., 2013, algorithm 3.4.1; E. Anderson et al., "LAPACK Users' Guide", 3rd ed.,
1999): at step j the row with the largest |a_ij| (the first such row) becomes the pivot row, the
column below the pivot is scaled by 1/pivot, and the trailing block gets the rank-1 update. The
factors are stored packed, L's multipliers below the diagonal and U on and above it, with LAPACK's
1-based int32 pivots: row j was swapped with row pivots[j]. A zero pivot does not stop the
elimination; `info` names the first one (1-based), as LAPACK does.
"""
from __future__ import annotations

import numpy as np

from ..ops.op import Op
from ..out_argument import written_to
from ..tensor import Tensor
from . import return_types
from .arrays import column_major
from .checks import as_tensor, batch_prefix, dtype_word
from .outputs import save_outputs, saved_outputs
from .permutations import permutation, take_rows


def getrf(a: np.ndarray) -> tuple:
    """(LU, pivots, info) of each matrix of a (..., m, n), computed in a's dtype; every matrix of
    the batch takes step j at once."""
    *batch, m, n = a.shape
    k = min(m, n)
    count = int(np.prod(batch, dtype=np.int64))
    flat = np.array(a, copy=True).reshape(count, m, n)
    pivots = np.empty((count, k), np.int32)
    info = np.zeros(count, np.int32)
    each = np.arange(count)
    tiny = np.finfo(a.dtype).tiny
    for j in range(k):
        p = j + np.argmax(np.abs(flat[:, j:, j]), axis=1)  # (argmax: the first largest, as idamax)
        pivots[:, j] = p + 1
        swap = each[p != j]
        rows = flat[swap, j].copy()
        flat[swap, j] = flat[swap, p[swap]]
        flat[swap, p[swap]] = rows
        pivot = flat[:, j, j, None]
        zero = pivot[:, 0] == 0
        info[zero & (info == 0)] = j + 1  # (that column is zero below too: nothing to eliminate)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            # LAPACK multiplies by 1/pivot, and divides only when 1/pivot would overflow
            below = flat[:, j + 1:, j]
            scaled = np.where(np.abs(pivot) >= tiny, below * (1 / pivot), below / pivot)
        flat[:, j + 1:, j] = np.where(zero[:, None], below, scaled)
        flat[:, j + 1:, j + 1:] -= flat[:, j + 1:, j, None] * flat[:, j, None, j + 1:]
    return flat.reshape(a.shape), pivots.reshape(*batch, k), info.reshape(batch)


class LUFactor(Op):
    """(LU, pivots, info) of A = PLU. With G the gradient of the packed LU, Ḡ_L = tril(G, -1) and
    Ḡ_U = triu(G). From dA = P(dL U + L dU): L⁻¹PᵀdA U⁻¹ = L⁻¹dL + dU U⁻¹ (strictly lower plus
    upper), so for a square A

        ∂L/∂A = P L⁻ᵀ [tril(Lᵀ Ḡ_L, -1) + triu(Ḡ_U Uᵀ)] U⁻ᵀ,

    and for a wide A = P L [U₁ | U₂] or a tall A = P [L₁; L₂] U the square case of the square
    block plus the solve that gives the rest (the formulas PyTorch's linalg_lu_backward uses).
    P only permutes rows: it has no derivative. Needs a nonzero diagonal of U."""

    @staticmethod
    def forward(ctx, A):
        lu, pivots, info = getrf(A.data)
        ctx.inverse_order = np.argsort(permutation(pivots, A.shape[-2]), axis=-1)  # P X = X[inverse_order]
        return save_outputs(ctx, column_major(lu), pivots, info)  # (PyTorch's layout)

    @staticmethod
    def backward(ctx, grad, _grad_pivots, _grad_info):
        LU = saved_outputs(ctx)[0]
        xp = ctx.xp
        m, n = LU.shape[-2:]
        if min(m, n) == 0:
            return grad
        grad_a = _wide_backward(xp, LU, grad) if m <= n else _tall_backward(xp, LU, grad)
        return take_rows(grad_a, ctx.inverse_order)


def _strict_lower(m: int, n: int) -> np.ndarray:
    return np.tril(np.ones((m, n), bool), -1)


def _upper(m: int, n: int) -> np.ndarray:
    return np.triu(np.ones((m, n), bool))


def _wide_backward(xp, LU, G):
    """m ≤ n, A = P L [U₁ | U₂]:  X = tril(LᵀḠ_L - Ḡ_U Uᵀ, -1) U₁⁻ᵀ,
    ∂L/∂A = P L⁻ᵀ [X + Ḡ_U₁ | Ḡ_U₂]  (for m = n this is the square formula)."""
    m, n = LU.shape[-2:]
    square = LU[..., :, :m]
    L = xp.where(_strict_lower(m, m), square, 0.0) + np.eye(m, dtype=G.dtype)
    U = xp.where(_upper(m, n), LU, 0.0)
    grad_l = xp.where(_strict_lower(m, m), G[..., :, :m], 0.0)
    grad_u = xp.where(_upper(m, n), G, 0.0)
    M = xp.where(_strict_lower(m, m), xp.matrix_transpose(L) @ grad_l - grad_u @ xp.matrix_transpose(U), 0.0)
    X = xp.matrix_transpose(xp.solve_triangular(square, xp.matrix_transpose(M), True))  # M U₁⁻ᵀ
    X = X + grad_u[..., :, :m]
    if n > m:
        X = xp.concatenate([X, grad_u[..., :, m:]], -1)
    return xp.solve_triangular(xp.matrix_transpose(square), X, True, True)  # L⁻ᵀ X


def _tall_backward(xp, LU, G):
    """m > n, A = P [L₁; L₂] U:  X = L₁⁻ᵀ triu(Ḡ_U Uᵀ - LᵀḠ_L),
    ∂L/∂A = P [X + Ḡ_L₁; Ḡ_L₂] U⁻ᵀ."""
    m, n = LU.shape[-2:]
    square = LU[..., :n, :]
    L = xp.where(_strict_lower(m, n), LU, 0.0) + np.eye(m, n, dtype=G.dtype)
    U = xp.where(_upper(n, n), square, 0.0)
    grad_l = xp.where(_strict_lower(m, n), G, 0.0)
    grad_u = xp.where(_upper(n, n), G[..., :n, :], 0.0)
    M = xp.where(_upper(n, n), grad_u @ xp.matrix_transpose(U) - xp.matrix_transpose(L) @ grad_l, 0.0)
    X = xp.solve_triangular(xp.matrix_transpose(square), M, True, True)  # L₁⁻ᵀ M
    X = xp.concatenate([X + grad_l[..., :n, :], grad_l[..., n:, :]], -2)
    return xp.matrix_transpose(xp.solve_triangular(square, xp.matrix_transpose(X), True))  # X U⁻ᵀ


def check_lapack_dtype(op: str, kernel: str, A: Tensor) -> None:
    """LAPACK's routines take float32 and float64 numbers only; PyTorch names its CPU kernel
    (`kernel`, e.g. "lu_cpu") in the error."""
    if A.dtype.kind != "f" or A.dtype == np.float16:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtype_word(A.dtype)}' ({op} needs float32 "
                                  f"or float64 numbers; convert it first, e.g. A.double())")


def broadcast_batch(op: str, A_name: str, A: Tensor, B_name: str, B: Tensor) -> tuple:
    """The batch shape of A (..., m, n) and B (..., k, l): their leading dims broadcast together."""
    try:
        return np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    except ValueError:
        raise RuntimeError(f"{op}: the batch dims of {A_name} {tuple(A.shape)} and {B_name} {tuple(B.shape)} "
                           f"cannot be broadcast together") from None


def check_lu_input(op: str, A: Tensor) -> None:
    """A matrix (or batch) of float32/float64 numbers, as LAPACK's getrf takes."""
    if A.ndim < 2:
        raise RuntimeError(f"{op}: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")
    check_lapack_dtype(op, "lu_cpu", A)


def check_no_pivoting(op: str, pivot: bool) -> None:
    if not pivot:
        raise RuntimeError(f"{op}: LU without pivoting is not implemented on the CPU "
                           f"(elimination without row exchanges is unstable; use pivot=True)")


def first_failure(info: np.ndarray) -> tuple[str, int]:
    """(PyTorch's '(Batch element i): ' prefix, info) of the first matrix of the batch whose
    LAPACK `info` is > 0 (the one an error message names)."""
    index = next(i for i in np.ndindex(*info.shape) if info[i] > 0)
    return batch_prefix(index, info.shape), int(info[index])


def singular_lu_error(op: str, info: np.ndarray) -> RuntimeError:
    """PyTorch's error for a zero on U's diagonal: it names the batch element and the entry."""
    prefix, k = first_failure(info)
    return RuntimeError(f"{op}: {prefix}U[{k},{k}] is zero and using it on lu_solve would "
                        f"result in a division by zero. If you still want to perform the factorization, "
                        f"consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def lu_factor_ex(A, *, pivot: bool = True, check_errors: bool = False, out=None) -> return_types.linalg_lu_factor_ex:
    """(LU, pivots, info): the packed LU factorization of each matrix of A (..., m, n), pivots
    (..., min(m, n)) int32 as LAPACK's (1-based: row j was swapped with row pivots[j]) and info
    (...) int32, the 1-based index of the first zero on U's diagonal (0: none). A singular matrix
    raises only with check_errors=True. Real dtypes only. LU has a gradient (needs U's diagonal
    nonzero).

    >>> import tinygrad_edu as tg
    >>> LU, pivots, info = tg.linalg.lu_factor_ex(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    >>> pivots.tolist(), info.item()
    ([2, 2], 0)
    """
    A = as_tensor(A)
    check_lu_input("torch.lu_factor", A)
    check_no_pivoting("linalg.lu_factor_ex", pivot)
    LU, pivots, info = LUFactor.apply(A)
    if check_errors and info.data.any():
        raise singular_lu_error("torch.linalg.lu_factor_ex", info.data)
    return written_to(out, "linalg.lu_factor_ex", return_types.linalg_lu_factor_ex(LU, pivots, info))


def lu_factor(A, *, pivot: bool = True, out=None) -> return_types.linalg_lu_factor:
    """(LU, pivots): the packed LU factorization with partial pivoting of each matrix of A
    (..., m, n), for tg.linalg.lu_solve and tg.lu_unpack. A zero on U's diagonal (a singular
    square matrix) raises RuntimeError; lu_factor_ex and linalg.lu do not.

    >>> import tinygrad_edu as tg
    >>> A = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> LU, pivots = tg.linalg.lu_factor(A)
    >>> LU
    tensor([[3.0000, 4.0000],
            [0.3333, 0.6667]])
    """
    A = as_tensor(A)
    check_lu_input("torch.lu_factor", A)
    check_no_pivoting("linalg.lu_factor", pivot)
    LU, pivots, info = LUFactor.apply(A)
    if info.data.any():
        raise singular_lu_error("torch.linalg.lu_factor", info.data)
    return written_to(out, "linalg.lu_factor", return_types.linalg_lu_factor(LU, pivots))


def lu(A, *, pivot: bool = True, out=None) -> return_types.linalg_lu:
    """(P, L, U) with A = PLU for each matrix of A (..., m, n), k = min(m, n): P (m, m) a
    permutation matrix, L (m, k) unit lower triangular, U (k, n) upper triangular. Never raises
    for a singular matrix. L and U have gradients; P has none.

    >>> import tinygrad_edu as tg
    >>> P, L, U = tg.linalg.lu(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    >>> P
    tensor([[0., 1.],
            [1., 0.]])
    """
    from .lu_unpack import lu_unpack

    A = as_tensor(A)
    check_lu_input("linalg.lu", A)
    check_no_pivoting("linalg.lu_factor", pivot)
    LU, pivots, _ = LUFactor.apply(A)
    return written_to(out, "linalg.lu", return_types.linalg_lu(*lu_unpack(LU, pivots)))
