"""`LinAlgError` and the input checks that every linear-algebra function shares: a floating
point matrix (or batch of matrices), square where the math needs it, with PyTorch's messages."""
from __future__ import annotations

import numpy as np

from ..dtype import LEGACY_NAMES
from ..tensor import Tensor


class LinAlgError(RuntimeError):
    """A matrix that the operation cannot handle: singular (inv, solve) or not positive-definite
    (cholesky). A `RuntimeError`, as `torch.linalg.LinAlgError` is."""


def as_tensor(x) -> Tensor:
    """x as a Tensor (a list or an array is converted)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def dtype_word(dtype) -> str:
    """PyTorch's short name of a dtype for messages: int64 -> 'Long', bool -> 'Bool'."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return "Bool"
    name = LEGACY_NAMES.get(dtype)
    return name[:-len("Tensor")] if name else str(dtype)


def check_no_out(op: str, out) -> None:
    """`out=` (PyTorch's write-into-this-tensor argument) is not offered: results are new tensors."""
    if out is not None:
        raise TypeError(f"{op}: out= is not supported; use the returned tensor")


def check_float(op: str, A: Tensor, name: str = "input") -> None:
    """Linear algebra needs floating point numbers (an integer matrix's inverse is not integer)."""
    if A.data.dtype.kind != "f" or A.data.dtype == np.float16:
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as {name}. Got "
                           f"{dtype_word(A.data.dtype)} (convert it first, e.g. A.double())")


def check_matrix(op: str, A: Tensor, name: str = "A") -> None:
    """At least two dims: (..., m, n)."""
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions "
                           f"(a matrix or a batch of matrices), got shape {tuple(A.shape)}.")


def check_square(op: str, A: Tensor, name: str = "A") -> None:
    """A floating point batch of square matrices (..., n, n)."""
    check_matrix(op, A, name)
    check_float(op, A)
    m, n = A.shape[-2:]
    if m != n:
        raise RuntimeError(f"{op}: {name} must be batches of square matrices, but they are {m} by {n} matrices")


def batch_prefix(index: tuple, batch_shape: tuple) -> str:
    """'(Batch element 3): ' for a matrix of a batch, '' for a single matrix (PyTorch's words)."""
    if not batch_shape:
        return ""
    return f"(Batch element {int(np.ravel_multi_index(index, batch_shape))}): "


def first_zero_pivot(a: np.ndarray) -> int:
    """The 1-based index of the first zero pivot of Gaussian elimination with partial pivoting
    on one square matrix (what LAPACK's getrf reports), or 0 when there is none."""
    a = np.array(a, dtype=np.float64)
    n = a.shape[0]
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if a[p, k] == 0:
            return k + 1
        a[[k, p]] = a[[p, k]]
        a[k + 1:, k:] -= np.outer(a[k + 1:, k] / a[k, k], a[k, k:])
    return 0


def singular_error(op: str, a: np.ndarray, action: str) -> LinAlgError:
    """The error for a singular matrix in a batch: names the batch element and the zero pivot."""
    batch = a.shape[:-2]
    for index in np.ndindex(*batch):
        pivot = first_zero_pivot(a[index])
        if pivot:
            return LinAlgError(f"{op}: {batch_prefix(index, batch)}The diagonal element {pivot} is zero, "
                               f"the {action} could not be completed because the input matrix is singular.")
    return LinAlgError(f"{op}: the {action} could not be completed because the input matrix is singular.")
