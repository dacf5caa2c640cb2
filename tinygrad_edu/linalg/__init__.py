"""tg.linalg: linear algebra as torch.linalg -- inverses and solves, determinants, the
Cholesky, QR, symmetric eigenvalue and singular value decompositions, norms, pseudo-inverse and
least squares, matrix powers and exponential -- each with first and second derivatives; and the
LU, LDLᵀ and Householder factorizations in LAPACK's compact forms (lu_factor, ldl_factor,
householder_product; the LDLᵀ ones without a derivative, as in PyTorch). Real dtypes only.

Every function takes a matrix or a batch of matrices (..., m, n). A singular matrix (inv, solve)
or one that is not positive-definite (cholesky) raises `tg.linalg.LinAlgError`, a RuntimeError.
"""
from ..numpy_names import accept_numpy_names
from .checks import LinAlgError
from .cholesky import cholesky
from .eigh import eigh, eigvalsh
from .ex import cholesky_ex, inv_ex, solve_ex
from .householder import householder_product
from .inverse import det, inv, slogdet, solve, solve_triangular
from .ldl import ldl_factor, ldl_factor_ex, ldl_solve
from .lu import lu, lu_factor, lu_factor_ex
from .lu_solve import lu_solve
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
           "vecdot", "vector_norm", "cholesky_ex", "householder_product", "inv_ex", "ldl_factor", "ldl_factor_ex",
           "ldl_solve", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "solve_ex"]

accept_numpy_names(globals(), __all__)  # tg.linalg.norm(x, axis=1, keepdims=True), as numpy's names
