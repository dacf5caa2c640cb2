"""tg.svd_lowrank, tg.pca_lowrank (composed of matmul, qr and svd) and tg.lobpcg (its own
backward, for B=None). The random parts are fixed: the seed is set inside each lambda, so every
call draws the same sketch; lobpcg starts from a fixed block X and runs to a tiny residual, so
that finite differences see a smooth function. Inputs are built to be well posed: A = x y of
exact rank q (the sketch A Ω then has full column rank, as qr's gradient needs), and SPD
matrices with distinct eigenvalues for lobpcg; the outputs are sign-free (S, X f(E) Xᵀ)."""
import numpy as np

import tinygrad_edu as tg

from . import register


def _svd_lowrank_S(x, y, M=None, **kw):
    tg.manual_seed(0)
    A = x @ y if M is None else x @ y + M  # (A - M has rank q)
    return tg.svd_lowrank(A, q=x.shape[-1], M=M, **kw)[1]


def _pca_lowrank_S(x, y):
    tg.manual_seed(0)
    return tg.pca_lowrank(x @ y, q=x.shape[-1])[1]


register("tg.svd_lowrank", _svd_lowrank_S, [(6, 2), (2, 5)], [(4, 3), (3, 7)], [(2, 5, 1), (1, 4)])
register("tg.svd_lowrank(M, niter=0)", lambda x, y, M: _svd_lowrank_S(x, y, M, niter=0), [(6, 2), (2, 5), (5,)],
         [(5, 2), (2, 6), (5, 1)], [(4, 1), (1, 4), (1, 4)])
register("tg.pca_lowrank", _pca_lowrank_S, [(6, 2), (2, 5)], [(7, 3), (3, 4)], [(2, 6, 1), (1, 3)])

_STARTS = {n: np.random.default_rng(n).standard_normal((7, n)) for n in (1, 2)}


def _lobpcg(x, k: int, largest: bool = True):
    """X diag(e^E) Xᵀ of lobpcg on x xᵀ + diag(1..7) (symmetric positive definite)."""
    A = x @ x.mT + tg.diag(tg.arange(1.0, 8.0, dtype=x.dtype))
    E, X = tg.lobpcg(A, k=k, X=tg.tensor(_STARTS[k]), largest=largest, tol=1e-14, niter=60)
    return (X * E.exp()[..., None, :]) @ X.mT


register("tg.lobpcg", lambda x: _lobpcg(x, 1), [(7, 7)], [(7, 3)], [(2, 7, 7)])
register("tg.lobpcg(k=2, smallest)", lambda x: _lobpcg(x, 2, largest=False), [(7, 7)], [(7, 2)], [(7, 4)])
