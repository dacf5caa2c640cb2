"""The LU, LDLᵀ and Householder names of tg.linalg and their torch.* forms (tinygrad_edu/linalg/lu.py,
lu_solve.py, lu_unpack.py, ex.py, householder.py, triangular_solve.py, ldl.py).

LU's inputs are standard normal (so that the pivots are not the identity), whose pivots do not tie
and whose U is far enough from singular for the seeds the registry uses; solves use X + 2n·I."""
import numpy as np

import tinygrad_edu as tg

from . import not_differentiable, register
from .linalg import SQUARE, _shifted, _spd


def _pivots(*shape):
    """Constant pivots that swap rows: LAPACK's (1-based) pivots [n, n, ..., n] of shape (..., n)."""
    return tg.tensor(np.full(shape, shape[-1], dtype=np.int32))


LU_SHAPES = ([(3, 3)], [(2, 3, 3)], [(1, 1)], [(4, 2)], [(2, 5)], [(4, 4)])

register("tg.linalg.lu_factor", lambda x: tg.linalg.lu_factor(x).LU, *LU_SHAPES)
register("tg.linalg.lu_factor_ex", lambda x: tg.linalg.lu_factor_ex(x).LU, [(3, 3)], [(2, 4, 3)], [(3, 4)])
register("tg.linalg.lu", lambda x: tuple(tg.linalg.lu(x))[1:], *LU_SHAPES)
register("tg.lu", lambda x: tg.lu(x)[0], [(3, 3)], [(2, 3, 3)], [(3, 2)])
register("tg.lu_unpack", lambda x: tuple(tg.lu_unpack(*tg.linalg.lu_factor(x)))[1:], [(3, 3)], [(2, 4, 3)], [(2, 3)])
register("tg.lu_unpack(LU_data)", lambda x: tuple(tg.lu_unpack(x, _pivots(*x.shape[:-2], min(x.shape[-2:]))))[1:],
         [(3, 3)], [(2, 4, 3)], [(2, 3)])
register("tg.linalg.lu_solve", lambda a, b: tg.linalg.lu_solve(*tg.linalg.lu_factor(a), b),
         [(3, 3), (3, 2)], [(2, 3, 3), (3, 1)], [(1, 1), (2, 1, 4)], [(3, 3), (2, 1, 3, 2)])
register("tg.linalg.lu_solve(LU)", lambda lu, b: tg.linalg.lu_solve(_shifted(lu), _pivots(*lu.shape[:-1]), b),
         [(3, 3), (3, 2)], [(2, 3, 3), (1, 3, 1)], [(1, 1), (1, 4)])
register("tg.linalg.lu_solve(adjoint)",
         lambda lu, b: tg.linalg.lu_solve(_shifted(lu), _pivots(*lu.shape[:-1]), b, adjoint=True),
         [(3, 3), (3, 2)], [(2, 3, 3), (3, 1)], [(1, 1), (1, 4)])
register("tg.linalg.lu_solve(left=False)",
         lambda a, b: tg.linalg.lu_solve(*tg.linalg.lu_factor(a), b, left=False),
         [(3, 3), (2, 3)], [(2, 3, 3), (1, 3)], [(1, 1), (4, 1)])
register("tg.linalg.lu_solve(left=False, adjoint)",
         lambda a, b: tg.linalg.lu_solve(*tg.linalg.lu_factor(a), b, left=False, adjoint=True),
         [(3, 3), (2, 3)], [(2, 3, 3), (1, 3)], [(1, 1), (4, 1)])
register("tg.lu_solve", lambda b, a: tg.lu_solve(b, *tg.linalg.lu_factor(a)),
         [(3, 2), (3, 3)], [(2, 3, 1), (2, 3, 3)], [(1, 1), (1, 1)])
register("tg.linalg.inv_ex", lambda x: tg.linalg.inv_ex(_shifted(x)).inverse, *SQUARE)
register("tg.linalg.solve_ex", lambda a, b: tg.linalg.solve_ex(_shifted(a), b).result,
         [(3, 3), (3, 2)], [(2, 3, 3), (3,)], [(1, 1), (2, 1, 4)])
register("tg.linalg.solve_ex(left=False)", lambda a, b: tg.linalg.solve_ex(_shifted(a), b, left=False).result,
         [(3, 3), (2, 3)], [(2, 3, 3), (1, 3)], [(1, 1), (1, 1)])
register("tg.linalg.cholesky_ex", lambda x: tg.linalg.cholesky_ex(_spd(x)).L, *SQUARE)
register("tg.linalg.cholesky_ex(upper)", lambda x: tg.linalg.cholesky_ex(_spd(x), upper=True).L, *SQUARE)
register("tg.triangular_solve", lambda b, a: tuple(tg.triangular_solve(b, _shifted(a))),
         [(3, 2), (3, 3)], [(2, 1, 3, 1), (4, 3, 3)], [(1, 1), (1, 1)])
register("tg.triangular_solve(lower, transpose, unit)",
         lambda b, a: tg.triangular_solve(b, a, upper=False, transpose=True, unitriangular=True).solution,
         [(3, 2), (3, 3)], [(2, 3, 1), (2, 3, 3)], [(1, 1), (1, 1)])
HOUSEHOLDER = ([(4, 3), (3,)], [(2, 3, 3), (2, 2)], [(3, 1), (1,)], [(3, 2), (1,)])
register("tg.linalg.householder_product", lambda a, tau: tg.linalg.householder_product(a, tau), *HOUSEHOLDER)
register("tg.orgqr", lambda a, tau: tg.orgqr(a, tau), *HOUSEHOLDER)
register("tg.ormqr", lambda a, tau, c: tg.ormqr(a, tau, c),
         [(4, 3), (3,), (4, 2)], [(2, 3, 3), (2, 3), (2, 3, 1)], [(1, 1), (1,), (1, 1)])
register("tg.ormqr(left=False, transpose)", lambda a, tau, c: tg.ormqr(a, tau, c, left=False, transpose=True),
         [(4, 3), (3,), (2, 4)], [(2, 3, 3), (2, 3), (2, 1, 3)], [(2, 3), (2,), (4, 2)])

not_differentiable("no derivative in PyTorch either (backward raises, naming the op)", "tg.linalg.ldl_factor",
                   "tg.linalg.ldl_factor_ex", "tg.linalg.ldl_solve", "tg.geqrf", "Tensor.geqrf")

if hasattr(tg.Tensor, "lu"):
    register("Tensor.lu", lambda x: x.lu()[0], [(3, 3)], [(2, 3, 3)], [(1, 1)])
    register("Tensor.lu_solve", lambda b, a: b.lu_solve(*tg.linalg.lu_factor(a)),
             [(3, 2), (3, 3)], [(2, 3, 1), (2, 3, 3)], [(1, 1), (1, 1)])
    register("Tensor.triangular_solve", lambda b, a: tuple(b.triangular_solve(_shifted(a), upper=False)),
             [(3, 2), (3, 3)], [(2, 3, 1), (3, 3)], [(1, 1), (1, 1)])
    register("Tensor.orgqr", lambda a, tau: a.orgqr(tau), *HOUSEHOLDER)
    register("Tensor.ormqr", lambda a, tau, c: a.ormqr(tau, c, transpose=True),
             [(4, 3), (3,), (4, 2)], [(2, 3, 3), (2, 3), (2, 3, 1)], [(1, 1), (1,), (1, 1)])
