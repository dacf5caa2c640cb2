"""The older top-level names of PyTorch's linear algebra (torch.inverse, torch.det, torch.svd,
...), each the tg.linalg function under its torch.* name and arguments."""
from __future__ import annotations

from ..tensor import Tensor
from . import return_types
from .cholesky import cholesky_inverse, cholesky_legacy, cholesky_solve
from .inverse import det as _det
from .inverse import inv as _inv
from .inverse import logdet
from .inverse import slogdet as _slogdet
from .matrix_exp import matrix_exp
from .pinv import pinverse
from .products import matrix_power as _matrix_power
from .qr import qr_legacy
from .svd import svd_legacy

__all__ = ["inverse", "det", "logdet", "slogdet", "pinverse", "cholesky", "cholesky_solve", "cholesky_inverse",
           "qr", "svd", "matrix_power", "matrix_exp"]


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
