"""tg.linalg: linear algebra as torch.linalg -- inverses and solves, determinants, the
Cholesky, QR, symmetric eigenvalue and singular value decompositions, norms, pseudo-inverse and
least squares, matrix powers and exponential -- each with first and second derivatives.

Every function takes a matrix or a batch of matrices (..., m, n). A singular matrix (inv, solve)
or one that is not positive-definite (cholesky) raises `tg.linalg.LinAlgError`, a RuntimeError.
"""
from ..numpy_names import accept_numpy_names
from .checks import LinAlgError
from .cholesky import cholesky
from .eigh import eigh, eigvalsh
from .inverse import det, inv, slogdet, solve, solve_triangular
from .matrix_exp import matrix_exp
from .norms import cond, matrix_norm, norm, vector_norm
from .pinv import lstsq, matrix_rank, pinv
from .products import cross, diagonal, matmul, matrix_power, multi_dot, vander, vecdot
from .qr import qr
from .svd import svd, svdvals
from .tensor_solve import tensorinv, tensorsolve

__all__ = ["LinAlgError", "cholesky", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "lstsq",
           "matmul", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm",
           "pinv", "qr", "slogdet", "solve", "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander",
           "vecdot", "vector_norm"]

accept_numpy_names(globals(), __all__)  # tg.linalg.norm(x, axis=1, keepdims=True), as numpy's names
