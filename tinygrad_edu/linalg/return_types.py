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
