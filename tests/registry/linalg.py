"""tg.linalg and the torch.* linear-algebra names (tinygrad_edu/linalg/): gradchecked on
well-conditioned inputs built inside each lambda -- X + 2n·I for inverses and solves, X Xᵀ + n·I
for Cholesky, X + Xᵀ for eigh -- and, for eigh and svd, on gauge-invariant functions of the
factors (Q f(λ) Qᵀ, U f(S) Vᵀ), since a singular vector's sign is arbitrary."""
import tinygrad_edu as tg

from . import not_differentiable, register


def _shifted(x):
    """x + 2n·I: far from singular for standard normal x."""
    return x + 2 * x.shape[-1] * tg.eye(x.shape[-1], dtype=x.dtype)


def _spd(x):
    """x xᵀ + n·I: symmetric positive-definite."""
    return x @ x.mT + x.shape[-1] * tg.eye(x.shape[-1], dtype=x.dtype)


def _sym(x):
    return x + x.mT


SQUARE = ([(3, 3)], [(2, 3, 3)], [(1, 1)])

register("tg.linalg.inv", lambda x: tg.linalg.inv(_shifted(x)), *SQUARE)
register("tg.inverse", lambda x: tg.inverse(_shifted(x)), *SQUARE)
register("tg.linalg.det", lambda x: tg.linalg.det(x), *SQUARE, [(4, 4)])
register("tg.det", lambda x: tg.det(x), *SQUARE)
register("tg.linalg.slogdet", lambda x: tg.linalg.slogdet(_shifted(x)).logabsdet, *SQUARE)
register("tg.slogdet", lambda x: tg.slogdet(-_shifted(x))[1], *SQUARE)
register("tg.logdet", lambda x: tg.logdet(_spd(x)), *SQUARE)
register("tg.linalg.solve", lambda a, b: tg.linalg.solve(_shifted(a), b),
         [(3, 3), (3, 2)], [(2, 3, 3), (3, 1)], [(3, 3), (3,)], [(1, 1), (2, 1, 4)], [(2, 3, 3), (2, 3)])
register("tg.linalg.solve(left=False)", lambda a, b: tg.linalg.solve(_shifted(a), b, left=False),
         [(3, 3), (2, 3)], [(2, 3, 3), (1, 3)], [(1, 1), (1, 1)])
register("tg.linalg.solve_triangular", lambda a, b: tg.linalg.solve_triangular(_shifted(a), b, upper=True),
         [(3, 3), (3, 2)], [(2, 3, 3), (3, 1)], [(1, 1), (2, 1, 4)])
register("tg.linalg.solve_triangular(lower, left=False, unit)",
         lambda a, b: tg.linalg.solve_triangular(a, b, upper=False, left=False, unitriangular=True),
         [(3, 3), (2, 3)], [(2, 3, 3), (1, 3)], [(1, 1), (4, 1)])
register("tg.linalg.cholesky", lambda x: tg.linalg.cholesky(_spd(x)), *SQUARE)
register("tg.linalg.cholesky(upper)", lambda x: tg.linalg.cholesky(_spd(x), upper=True), *SQUARE)
register("tg.cholesky", lambda x: tg.cholesky(_spd(x), True), *SQUARE)
register("tg.cholesky_solve", lambda b, x: tg.cholesky_solve(b, tg.linalg.cholesky(_spd(x))),
         [(3, 2), (3, 3)], [(2, 3, 1), (3, 3)], [(1, 1), (1, 1)])
register("tg.cholesky_inverse", lambda x: tg.cholesky_inverse(tg.linalg.cholesky(_spd(x)).mT, upper=True),
         *SQUARE)
register("tg.linalg.qr", lambda x: tuple(tg.linalg.qr(x)), [(4, 3)], [(2, 3, 3)], [(1, 1)], [(2, 4)])
register("tg.qr", lambda x: tuple(tg.qr(x, some=False)), [(3, 3)], [(2, 3, 5)], [(1, 1)])
register("tg.linalg.eigh", lambda x: (lambda L, Q: (Q * L.exp()[..., None, :]) @ Q.mT)(*tg.linalg.eigh(_sym(x))),
         *SQUARE)
register("tg.linalg.eigh(abs Q)", lambda x: tg.linalg.eigh(_sym(x), UPLO="U").eigenvectors.abs(), *SQUARE)
register("tg.linalg.eigvalsh", lambda x: tg.linalg.eigvalsh(_sym(x)), *SQUARE)
register("tg.linalg.svd", lambda x: (lambda U, S, Vh: (U[..., :, :S.shape[-1]] * S.exp()[..., None, :])
                                     @ Vh[..., :S.shape[-1], :])(*tg.linalg.svd(x)),
         [(3, 3)], [(2, 4, 3)], [(3, 5)], [(1, 1)])
register("tg.linalg.svd(abs U, V)", lambda x: (lambda U, S, Vh: (U.abs(), Vh.abs()))(*tg.linalg.svd(x, False)),
         [(3, 3)], [(4, 2)], [(2, 3)])
register("tg.svd", lambda x: (lambda U, S, V: (U * S[..., None, :]) @ V.mT)(*tg.svd(x)), [(3, 3)], [(2, 4, 3)],
         [(2, 5)], [(1, 1)])
register("tg.linalg.svdvals", lambda x: tg.linalg.svdvals(x), [(3, 3)], [(2, 4, 3)], [(3, 5)], [(1, 1)])
register("tg.linalg.pinv", lambda x: tg.linalg.pinv(x), [(3, 2)], [(2, 2, 3)], [(3, 3)], [(1, 1)])
register("tg.linalg.pinv(hermitian)", lambda x: tg.linalg.pinv(_spd(x), hermitian=True), *SQUARE)
register("tg.pinverse", lambda x: tg.pinverse(x), [(3, 2)], [(2, 2, 3)], [(1, 1)])
register("tg.linalg.lstsq", lambda a, b: tg.linalg.lstsq(a, b).solution,
         [(4, 2), (4, 3)], [(2, 3, 3), (1, 3, 1)], [(4, 2), (4,)], [(1, 1), (1, 1)])
register("tg.linalg.matrix_power", lambda x: tg.linalg.matrix_power(x, 3), *SQUARE)
register("tg.linalg.matrix_power(-2)", lambda x: tg.linalg.matrix_power(_shifted(x), -2), *SQUARE)
register("tg.matrix_power", lambda x: tg.matrix_power(x, 5), *SQUARE)
register("tg.linalg.matrix_exp", lambda x: tg.linalg.matrix_exp(x), *SQUARE, [(4, 4)])
register("tg.matrix_exp", lambda x: tg.matrix_exp(3 * x), *SQUARE)
register("tg.linalg.multi_dot", lambda a, b, c: tg.linalg.multi_dot([a, b, c]),
         [(3,), (3, 4), (4, 2)], [(2, 3), (3, 5), (5,)], [(1, 1), (1, 1), (1, 1)], [(3,), (3, 3), (3,)])
register("tg.linalg.vecdot", lambda x, y: tg.linalg.vecdot(x, y), [(3,), (3,)], [(2, 3), (3,)], [(), ()],
         [(2, 1), (1, 4)])
register("tg.linalg.cross", lambda x, y: tg.linalg.cross(x, y), [(3,), (3,)], [(2, 3), (1, 3)], [(1, 3), (4, 3)])
register("tg.linalg.matmul", lambda x, y: tg.linalg.matmul(x, y), [(3,), (3,)], [(2, 3), (3, 4)],
         [(2, 1, 2, 3), (4, 3, 2)])
register("tg.linalg.diagonal", lambda x: tg.linalg.diagonal(x), [(3, 3)], [(2, 3, 4)], [(1, 1)])
register("tg.linalg.vector_norm", lambda x: tg.linalg.vector_norm(x), [(3,)], [(2, 3)], [(1,)])
register("tg.linalg.vector_norm(ord, dim)", lambda x: tg.linalg.vector_norm(x, 3, dim=(0, -1), keepdim=True),
         [(3, 2)], [(2, 4, 3)], [(1, 1)])
register("tg.linalg.matrix_norm", lambda x: tg.linalg.matrix_norm(x), [(3, 3)], [(2, 4, 3)], [(1, 1)])
register("tg.linalg.matrix_norm(nuc)", lambda x: tg.linalg.matrix_norm(x, "nuc"), [(3, 3)], [(2, 4, 3)], [(1, 1)])
register("tg.linalg.matrix_norm(2, dims)", lambda x: tg.linalg.matrix_norm(x, 2, dim=(0, 2), keepdim=True),
         [(3, 2, 3)], [(4, 2, 3)], [(1, 1, 1)])
register("tg.linalg.matrix_norm(-inf)", lambda x: tg.linalg.matrix_norm(x, -float("inf")),
         [(3, 3)], [(2, 4, 3)], [(1, 1)])
register("tg.linalg.matrix_norm(1)", lambda x: tg.linalg.matrix_norm(x, 1, keepdim=True),
         [(3, 3)], [(2, 4, 3)], [(1, 1)])
register("tg.linalg.norm", lambda x: tg.linalg.norm(x), [(3,)], [(2, 3)], [(2, 3, 4)], [(1,)])
register("tg.linalg.norm(ord)", lambda x: tg.linalg.norm(x, "fro"), [(3, 3)], [(2, 3)], [(1, 1)])
register("tg.linalg.cond", lambda x: tg.linalg.cond(x), [(3, 3)], [(2, 4, 3)], [(1, 1)])
register("tg.linalg.cond(fro)", lambda x: tg.linalg.cond(_shifted(x), "fro"), [(3, 3)], [(2, 3, 3)], [(1, 1)])
register("tg.linalg.tensorinv", lambda x: tg.linalg.tensorinv(_shifted(x).reshape(2, 3, 6)),
         [(6, 6)], [(6, 6)], [(6, 6)])
register("tg.linalg.tensorinv(ind=1)", lambda x: tg.linalg.tensorinv(_shifted(x).reshape(4, 2, 2), ind=1),
         [(4, 4)], [(4, 4)], [(4, 4)])
register("tg.linalg.tensorsolve", lambda a, b: tg.linalg.tensorsolve(_shifted(a).reshape(2, 3, 6), b),
         [(6, 6), (2, 3)], [(6, 6), (2, 3)], [(6, 6), (2, 3)])
register("tg.linalg.vander", lambda x: tg.linalg.vander(x), [(3,)], [(2, 4)], [(4,)])
register("tg.linalg.vander(N)", lambda x: tg.linalg.vander(x, N=4), [(3,)], [(2, 2)], [(1,)])

not_differentiable("an integer count: the number of singular values above a tolerance", "tg.linalg.matrix_rank")
not_differentiable("an exception class", "tg.linalg.LinAlgError")

# The Tensor methods (tinygrad_edu/linalg/tensor_methods.py), once LinalgMethods is among Tensor's bases.
if hasattr(tg.Tensor, "inverse"):
    register("Tensor.inverse", lambda x: _shifted(x).inverse(), *SQUARE)
    register("Tensor.det", lambda x: x.det(), *SQUARE)
    register("Tensor.logdet", lambda x: _spd(x).logdet(), *SQUARE)
    register("Tensor.slogdet", lambda x: _shifted(x).slogdet()[1], *SQUARE)
    register("Tensor.pinverse", lambda x: x.pinverse(), [(3, 2)], [(2, 2, 3)], [(1, 1)])
    register("Tensor.cholesky", lambda x: _spd(x).cholesky(), *SQUARE)
    register("Tensor.cholesky_solve", lambda b, x: b.cholesky_solve(tg.linalg.cholesky(_spd(x))),
             [(3, 2), (3, 3)], [(2, 3, 1), (3, 3)], [(1, 1), (1, 1)])
    register("Tensor.cholesky_inverse", lambda x: tg.linalg.cholesky(_spd(x)).cholesky_inverse(), *SQUARE)
    register("Tensor.qr", lambda x: tuple(x.qr()), [(4, 3)], [(2, 3, 3)], [(1, 1)])
    register("Tensor.svd", lambda x: (lambda U, S, V: (U * S[..., None, :]) @ V.mT)(*x.svd()), [(3, 3)],
             [(2, 4, 3)], [(1, 1)])
    register("Tensor.matrix_power", lambda x: x.matrix_power(3), *SQUARE)
    register("Tensor.matrix_exp", lambda x: x.matrix_exp(), *SQUARE)
