"""Inverses and solves of tensors seen as linear maps between their groups of dims (tensorinv,
tensorsolve): a reshape to a square matrix, inv or solve, and a reshape back."""
from __future__ import annotations

import math

from ..tensor import Tensor
from .checks import as_tensor, check_no_out
from .inverse import inv, solve


def tensorinv(A, ind: int = 2, *, out=None) -> Tensor:
    """The inverse of A as a map from its last dims to its first `ind` dims: the X of shape
    A.shape[ind:] + A.shape[:ind] with tensordot(A, X, ind) = I (needs prod of both groups equal)."""
    check_no_out("linalg.tensorinv", out)
    A = as_tensor(A)
    if not isinstance(ind, int) or ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows} (A: {tuple(A.shape)}, ind={ind})")
    return inv(A.reshape(rows, cols)).reshape(A.shape[ind:] + A.shape[:ind])


def tensorsolve(A, B, dims=None, *, out=None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B, X of shape A.shape[B.ndim:]; `dims` are dims of A moved
    to the end first."""
    check_no_out("linalg.tensorsolve", out)
    A, B = as_tensor(A), as_tensor(B)
    if dims is not None:
        dims = (dims,) if isinstance(dims, int) else tuple(dims)
        A = A.movedim(dims, tuple(range(A.ndim - len(dims), A.ndim)))
    shape = A.shape[B.ndim:]
    rows, cols = math.prod(A.shape[:B.ndim]), math.prod(shape)
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {cols} != {rows} (A has shape {tuple(A.shape)}, "
                           f"B {tuple(B.shape)})")
    return solve(A.reshape(rows, cols), B.reshape(rows)).reshape(shape)
