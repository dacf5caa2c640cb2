"""The two pieces of linear algebra a multivariate normal needs, as tg.linalg gives them (each
with first and second derivatives), in the form the distributions use:

* `cholesky(A, op)`: the lower-triangular L with L Lᵀ = A, an error naming the distribution
  (`op`) when A is not positive-definite;
* `solve_lower(L, B)`: X with L X = B for lower-triangular L (forward substitution).
"""
from __future__ import annotations

import numpy as np

from .. import linalg
from ..tensor import Tensor


def cholesky(a: Tensor, op: str = "cholesky") -> Tensor:
    """The lower Cholesky factor of the symmetric positive-definite matrices in `a` (..., n, n).
    The gradient is that of (a + aᵀ)/2, symmetric like PyTorch's.
    Raises RuntimeError (as PyTorch's LinAlgError, a RuntimeError) if one is not positive-definite."""
    _check_positive_definite(a.data, op)
    return linalg.cholesky((a + a.mT) / 2)  # (the same numbers for a symmetric a; a symmetric gradient)


def _check_positive_definite(a: np.ndarray, op: str) -> None:
    try:
        np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        raise RuntimeError(f"{op}: the matrix of shape {a.shape[-2:]} is not positive-definite (its Cholesky "
                           "factorization could not be completed)") from None


def solve_lower(l: Tensor, b: Tensor) -> Tensor:
    """X with L X = B, for lower-triangular L (..., n, n) and B (..., n, m); batch dims broadcast."""
    return linalg.solve_triangular(l, b, upper=False)
