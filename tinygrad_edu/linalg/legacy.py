"""The older top-level names of PyTorch's linear algebra (torch.inverse, torch.det, torch.svd,
...), each the tg.linalg function under its torch.* name and arguments."""
from __future__ import annotations

import warnings

from ..out_argument import written_to
from ..tensor import Tensor
from . import return_types
from .checks import as_tensor
from .cholesky import cholesky_inverse, cholesky_legacy, cholesky_solve
from .householder import geqrf, orgqr, ormqr
from .inverse import det as _det
from .inverse import inv as _inv
from .inverse import logdet
from .inverse import slogdet as _slogdet
from .lu import LUFactor, check_lu_input, check_no_pivoting
from .lu_solve import lu_solve as _lu_solve
from .lu_unpack import lu_unpack
from .matrix_exp import matrix_exp
from .pinv import pinverse
from .products import matrix_power as _matrix_power
from .qr import qr_legacy
from .svd import svd_legacy
from .triangular_solve import triangular_solve

__all__ = ["inverse", "det", "logdet", "slogdet", "pinverse", "cholesky", "cholesky_solve", "cholesky_inverse",
           "qr", "svd", "matrix_power", "matrix_exp", "lu", "lu_solve", "lu_unpack", "triangular_solve", "geqrf",
           "orgqr", "ormqr"]


def inverse(input, *, out=None) -> Tensor:
    """torch.inverse: the inverse of each square matrix (tg.linalg.inv)."""
    return _inv(input, out=out)


def det(input) -> Tensor:
    """torch.det: the determinant of each square matrix (tg.linalg.det)."""
    return _det(input)


def slogdet(input) -> return_types.slogdet:
    """torch.slogdet: (sign, logabsdet) of each square matrix (tg.linalg.slogdet)."""
    return return_types.slogdet(*_slogdet(input))


def matrix_power(input, n: int, *, out=None) -> Tensor:
    """torch.matrix_power: the n-th power of each square matrix (tg.linalg.matrix_power)."""
    return _matrix_power(input, n, out=out)


def cholesky(input, upper: bool = False, *, out=None) -> Tensor:
    """torch.cholesky: L with input = LLᵀ (Lᵀ when upper); tg.linalg.cholesky."""
    return cholesky_legacy(input, upper, out=out)


def qr(input, some: bool = True, *, out=None) -> return_types.qr:
    """torch.qr: (Q, R), reduced when some=True, else complete (tg.linalg.qr's mode)."""
    return qr_legacy(input, some, out=out)


def svd(input, some: bool = True, compute_uv: bool = True, *, out=None) -> return_types.svd:
    """torch.svd: (U, S, V) with input = U diag(S) Vᵀ -- V, not Vᵀ (see tg.linalg.svd)."""
    return svd_legacy(input, some, compute_uv, out=out)


def lu(A, pivot: bool = True, get_infos: bool = False, out=None):
    """torch.lu: (LU, pivots) of tg.linalg.lu_factor -- without its error for a singular
    matrix -- or, with get_infos=True, (LU, pivots, info) as tg.linalg.lu_factor_ex."""
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will "
                  "be removed in a future PyTorch release: LU, pivots = tg.lu(A) is LU, pivots = "
                  "tg.linalg.lu_factor(A), and LU, pivots, info = tg.lu(A, get_infos=True) is "
                  "tg.linalg.lu_factor_ex(A).", UserWarning, stacklevel=2)
    A = as_tensor(A)
    check_lu_input("torch.lu_factor", A)
    check_no_pivoting("linalg.lu_factor", pivot)
    LU, pivots, info = LUFactor.apply(A)
    result = return_types._lu_with_info(LU, pivots, info) if get_infos else (LU, pivots)
    return written_to(out, "lu", result)


def lu_solve(b, LU_data, LU_pivots, *, out=None) -> Tensor:
    """torch.lu_solve(b, LU_data, LU_pivots): tg.linalg.lu_solve(LU_data, LU_pivots, b)."""
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will be removed in a future "
                  "PyTorch release. Note that torch.linalg.lu_solve has its arguments reversed: X = tg.lu_solve(B, "
                  "LU, pivots) is X = tg.linalg.lu_solve(LU, pivots, B).", UserWarning, stacklevel=2)
    return _lu_solve(LU_data, LU_pivots, b, out=out)
