"""PyTorch's linear-algebra functions that were removed in PyTorch 1.9 but are still defined, to
raise an error that says what replaces them: `tg.lstsq`, `tg.solve`, `tg.eig`, `tg.symeig`,
`tg.matrix_rank` (the Tensor methods `lstsq`, `solve`, `eig`, `symeig` too: tensor_legacy.py).
Old code gets a RuntimeError naming the `tg.linalg` function to call instead.
"""
from __future__ import annotations

_REMOVED = "This function was deprecated since version 1.9 and is now removed. "

LSTSQ = (_REMOVED + "`tg.lstsq` is deprecated in favor of `tg.linalg.lstsq`.\n"
         "`tg.linalg.lstsq` has reversed arguments and does not return the QR decomposition in the returned "
         "tuple (although it returns other information about the problem).\n\n"
         "To get the QR decomposition consider using `tg.linalg.qr`.\n\n"
         "The returned solution in `tg.lstsq` stored the residuals of the solution in the last m - n columns of "
         "the returned value whenever m > n. In tg.linalg.lstsq, the residuals are in the field 'residuals' of the "
         "returned named tuple.\n\n"
         "The unpacking of the solution, as in\nX, _ = tg.lstsq(B, A).solution[:A.size(1)]\n"
         "should be replaced with:\nX = tg.linalg.lstsq(A, B).solution")
SOLVE = (_REMOVED + "`tg.solve` is deprecated in favor of `tg.linalg.solve`. `tg.linalg.solve` has its arguments "
         "reversed and does not return the LU factorization.\n\n"
         "To get the LU factorization see `tg.lu`, which can be used with `tg.lu_solve` or `tg.lu_unpack`.\n"
         "X = tg.solve(B, A).solution should be replaced with:\nX = tg.linalg.solve(A, B)")
EIG = (_REMOVED + "PyTorch replaced it with `torch.linalg.eig`/`torch.linalg.eigvals`, which return complex "
       "tensors; tinygrad_edu has no complex dtypes, so it has neither.\n\n"
       "For a symmetric matrix A,\nL, _ = tg.eig(A) should be replaced with:\nL = tg.linalg.eigvalsh(A)\n\nand\n\n"
       "L, V = tg.eig(A, eigenvectors=True) should be replaced with:\nL, V = tg.linalg.eigh(A)\n\n"
       "(numpy.linalg.eig gives the complex eigenvalues of any square matrix, without gradients.)")
SYMEIG = (_REMOVED + "The default behavior has changed from using the upper triangular portion of the matrix by "
          "default to using the lower triangular portion.\n\n"
          "L, _ = tg.symeig(A, upper=upper) should be replaced with:\n"
          "L = tg.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\n"
          "L, V = tg.symeig(A, eigenvectors=True) should be replaced with:\n"
          "L, V = tg.linalg.eigh(A, UPLO='U' if upper else 'L')")
MATRIX_RANK = (_REMOVED + "\nPlease use the `tg.linalg.matrix_rank` function instead. The parameter 'symmetric' was "
               "renamed in `tg.linalg.matrix_rank()` to 'hermitian'.")


def lstsq(input, A, *, out=None):
    """Removed (PyTorch 1.9): raises RuntimeError pointing to `tg.linalg.lstsq(A, B)`."""
    raise RuntimeError(LSTSQ)


def solve(input, A, *, out=None):
    """Removed (PyTorch 1.9): raises RuntimeError pointing to `tg.linalg.solve(A, B)`."""
    raise RuntimeError(SOLVE)


def eig(self, eigenvectors: bool = False, *, e=None, v=None):
    """Removed (PyTorch 1.9): raises RuntimeError pointing to `tg.linalg.eigh`/`eigvalsh`."""
    raise RuntimeError(EIG)


def symeig(input, eigenvectors: bool = False, upper: bool = True, *, out=None):
    """Removed (PyTorch 1.9): raises RuntimeError pointing to `tg.linalg.eigh`/`eigvalsh`."""
    raise RuntimeError(SYMEIG)


def matrix_rank(input, tol=None, symmetric: bool = False, *, out=None):
    """Removed (PyTorch 1.9): raises RuntimeError pointing to `tg.linalg.matrix_rank`."""
    raise RuntimeError(MATRIX_RANK)


__all__ = ["eig", "lstsq", "matrix_rank", "solve", "symeig"]
