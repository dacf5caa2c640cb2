"""torch.triangular_solve(b, A): the older form of tg.linalg.solve_triangular, with its arguments
reversed and a copy of A among its results."""
from __future__ import annotations

import warnings

from ..out_argument import written_to
from . import return_types
from .checks import as_tensor, dtype_word
from .inverse import solve_triangular
from .lu import broadcast_batch, check_lapack_dtype


def triangular_solve(b, A, upper: bool = True, transpose: bool = False, unitriangular: bool = False, *,
                     out=None) -> return_types.triangular_solve:
    """(solution, cloned_coefficient): X with op(T)X = b, T the upper (or, upper=False, lower)
    triangle of A (..., n, n), op(T) = Tᵀ when transpose=True, unit diagonal when unitriangular;
    b (..., n, k), batch dims broadcast. cloned_coefficient is A (broadcast to the batch) copied.
    Deprecated in PyTorch: X = tg.linalg.solve_triangular(A, b, upper=upper) is the same X.

    >>> import tinygrad_edu as tg
    >>> A = tg.tensor([[2.0, 1.0], [0.0, 4.0]])
    >>> tg.triangular_solve(tg.tensor([[3.0], [4.0]]), A).solution.tolist()
    [[1.0], [1.0]]
    """
    warnings.warn("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular and will be "
                  "removed in a future PyTorch release: X = tg.triangular_solve(B, A).solution should be replaced "
                  "with X = tg.linalg.solve_triangular(A, B, upper=True).", UserWarning, stacklevel=2)
    b, A = as_tensor(b), as_tensor(A)
    for name, t in (("b", b), ("A", A)):
        if t.ndim < 2:
            raise RuntimeError(f"torch.triangular_solve: Expected {name} to have at least 2 dimensions, but it has "
                               f"{t.ndim} dimensions instead")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} "
                           f"matrices")
    n = A.shape[-1]
    if b.shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for triangular_solve: each A matrix is {n} by {n} but each b "
                           f"matrix is {b.shape[-2]} by {b.shape[-1]}")
    if b.dtype != A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {dtype_word(b.dtype)} and "
                           f"A of type {dtype_word(A.dtype)} instead.")
    check_lapack_dtype("triangular_solve", "triangular_solve_cpu", A)
    batch = broadcast_batch("triangular_solve", "b", b, "A", A)
    # Tᵀ of the upper triangle is the lower triangle of Aᵀ (and the other way round)
    T, upper = (A.mT, not upper) if transpose else (A, upper)
    solution = solve_triangular(T, b, upper=bool(upper), unitriangular=unitriangular)
    cloned = A.expand(batch + (n, n)).clone()
    return written_to(out, "triangular_solve", return_types.triangular_solve(solution, cloned))
