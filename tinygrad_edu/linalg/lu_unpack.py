"""tg.lu_unpack: the P, L and U of a packed LU factorization (tg.linalg.lu_factor's result)."""
from __future__ import annotations

import numpy as np

from ..out_argument import written_to
from ..tensor import Tensor
from . import return_types
from .checks import as_tensor
from .permutations import permutation, permutation_matrix


def check_pivots(op: str, LU: Tensor, pivots: Tensor) -> None:
    """pivots (..., min(m, n)) int32, each between 1 and m: what lu_factor returned for LU."""
    m, n = LU.shape[-2:]
    expected = LU.shape[:-2] + (min(m, n),)
    if tuple(pivots.shape) != expected:
        raise RuntimeError(f"{op}: pivots of shape {tuple(pivots.shape)} do not belong to LU of shape "
                           f"{tuple(LU.shape)} (expected shape {expected}: one pivot per row of U). Did you "
                           f"properly pass the result of lu_factor?")
    if pivots.data.size and (pivots.data.min() < 1 or pivots.data.max() > m):
        raise RuntimeError(f"pivots passed to {op} must be between 1 and LU.size(-2) inclusive (here 1 and {m}, "
                           f"got {pivots.data.min()} to {pivots.data.max()}). Did you properly pass the result "
                           f"of lu_factor?")


def unit_lower(A: Tensor, k: int) -> Tensor:
    """The first k columns of A (..., m, n) below the diagonal, with 1 on it: L of a packed LU
    (lu_factor's), or the Householder vectors of geqrf's compact QR, as (..., m, k)."""
    m = A.shape[-2]
    return A[..., :, :k].tril(-1) + Tensor._make(np.eye(m, k, dtype=A.dtype), None, False)


def lu_unpack(LU_data, LU_pivots, unpack_data: bool = True, unpack_pivots: bool = True, *,
              out=None) -> return_types.lu_unpack:
    """(P, L, U) from the packed LU of tg.linalg.lu_factor: for LU (..., m, n) and k = min(m, n),
    P (..., m, m) the permutation matrix of the pivots, L (..., m, k) unit lower triangular (the
    multipliers below LU's diagonal), U (..., k, n) LU's upper triangle; A = P @ L @ U. With
    unpack_data=False L and U are empty, with unpack_pivots=False P is. L and U are
    differentiable in LU_data.

    >>> import tinygrad_edu as tg
    >>> A = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> P, L, U = tg.lu_unpack(*tg.linalg.lu_factor(A))
    >>> (P @ L @ U).tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    LU, pivots = as_tensor(LU_data), as_tensor(LU_pivots)
    if LU.ndim < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(LU.shape)} instead")
    if pivots.dtype != np.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype "
                           f"(got {pivots.dtype}).\nNote: this function is intended to be used with the output "
                           "produced by torch.linalg.lu_factor")
    m, n = LU.shape[-2:]
    k = min(m, n)
    empty = Tensor._make(np.empty((0,), LU.dtype), None, False)
    P = L = U = empty
    if unpack_pivots:
        check_pivots("lu_unpack", LU, pivots)
        order = permutation(pivots.data, m)
        P = Tensor._make(permutation_matrix(order, LU.dtype), None, False)
    if unpack_data:
        L = unit_lower(LU, k)
        U = LU[..., :k, :].triu()
    return written_to(out, "lu_unpack", return_types.lu_unpack(P, L, U))
