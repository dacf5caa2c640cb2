"""The two pieces of linear algebra a multivariate normal needs, composed from differentiable
Tensor ops (so gradients, and gradients of gradients, come for free):

* `cholesky(A)`: the lower-triangular L with L Lᵀ = A, column by column (the Cholesky–Crout
  order): c = A[:, j] - Σ_{k<j} L[:, k] L[j, k], L[j, j] = √c[j], L[i, j] = c[i]/L[j, j] for i > j;
* `solve_lower(L, B)`: X with L X = B for lower-triangular L, by forward substitution:
  X[i] = (B[i] - Σ_{k<i} L[i, k] X[k]) / L[i, i].

Each takes n steps of small Tensor ops for n×n matrices (batched over leading dims): fine for
the few dimensions of tutorial models, slow for hundreds (see G. H. Golub and C. F. Van Loan,
"Matrix Computations", 4th ed., 2013, sections 3.1 and 4.2).
"""
from __future__ import annotations

import numpy as np

from ..functions import cat, stack
from ..ops.select import where
from ..tensor import Tensor


def cholesky(a: Tensor, op: str = "cholesky") -> Tensor:
    """The lower Cholesky factor of the symmetric positive-definite matrices in `a` (..., n, n).
    The gradient is that of (a + aᵀ)/2, symmetric like PyTorch's.
    Raises RuntimeError (as PyTorch's LinAlgError, a RuntimeError) if one is not positive-definite."""
    n = a.shape[-1]
    _check_positive_definite(a.data, op)
    a = (a + a.mT) / 2  # (the same numbers for a symmetric a; its gradient is symmetric, as PyTorch's)
    rows = Tensor(np.arange(n))
    columns = []
    for j in range(n):
        c = a[..., :, j]
        if columns:
            previous = stack(columns, dim=-1)  # (..., n, j)
            c = c - (previous @ previous[..., j, :].unsqueeze(-1)).squeeze(-1)
        d = c[..., j:j + 1].sqrt()
        columns.append(where(rows >= j, c / d, 0.0))
    return stack(columns, dim=-1)


def _check_positive_definite(a: np.ndarray, op: str) -> None:
    try:
        np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        raise RuntimeError(f"{op}: the matrix of shape {a.shape[-2:]} is not positive-definite (its Cholesky "
                           "factorization could not be completed)") from None


def solve_lower(l: Tensor, b: Tensor) -> Tensor:
    """X with L X = B, for lower-triangular L (..., n, n) and B (..., n, m); batch dims broadcast."""
    n = l.shape[-1]
    batch = np.broadcast_shapes(l.shape[:-2], b.shape[:-2])
    b = b.expand(batch + b.shape[-2:])
    rows = []
    for i in range(n):
        r = b[..., i:i + 1, :]
        if rows:
            r = r - l[..., i:i + 1, :i] @ cat(rows, dim=-2)
        rows.append(r / l[..., i:i + 1, i:i + 1])
    return cat(rows, dim=-2)
