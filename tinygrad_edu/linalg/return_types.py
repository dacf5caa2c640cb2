"""The named tuples that linear-algebra functions return, with PyTorch's names
(torch.return_types.linalg_qr, ...): `Q, R = tg.linalg.qr(A)` and `tg.linalg.qr(A).Q` both work."""
from __future__ import annotations

from typing import NamedTuple

from ..tensor import Tensor


class linalg_slogdet(NamedTuple):
    sign: Tensor
    logabsdet: Tensor


class slogdet(NamedTuple):
    sign: Tensor
    logabsdet: Tensor


class linalg_qr(NamedTuple):
    Q: Tensor
    R: Tensor


class qr(NamedTuple):
    Q: Tensor
    R: Tensor


class linalg_eigh(NamedTuple):
    eigenvalues: Tensor
    eigenvectors: Tensor


class linalg_svd(NamedTuple):
    U: Tensor
    S: Tensor
    Vh: Tensor


class svd(NamedTuple):
    U: Tensor
    S: Tensor
    V: Tensor


class linalg_lstsq(NamedTuple):
    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor


class linalg_lu_factor(NamedTuple):
    LU: Tensor
    pivots: Tensor


class linalg_lu_factor_ex(NamedTuple):
    LU: Tensor
    pivots: Tensor
    info: Tensor


class _lu_with_info(NamedTuple):
    LU: Tensor
    pivots: Tensor
    info: Tensor


class linalg_lu(NamedTuple):
    P: Tensor
    L: Tensor
    U: Tensor


class lu_unpack(NamedTuple):
    P: Tensor
    L: Tensor
    U: Tensor


class linalg_inv_ex(NamedTuple):
    inverse: Tensor
    info: Tensor


class linalg_solve_ex(NamedTuple):
    result: Tensor
    info: Tensor


class linalg_cholesky_ex(NamedTuple):
    L: Tensor
    info: Tensor


class linalg_ldl_factor(NamedTuple):
    LD: Tensor
    pivots: Tensor


class linalg_ldl_factor_ex(NamedTuple):
    LD: Tensor
    pivots: Tensor
    info: Tensor


class triangular_solve(NamedTuple):
    solution: Tensor
    cloned_coefficient: Tensor


class geqrf(NamedTuple):
    a: Tensor
    tau: Tensor
