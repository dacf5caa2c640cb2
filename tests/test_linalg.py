"""tg.linalg and the torch.* linear-algebra names: values against numpy and hand computations,
and against PyTorch where it is installed (values, first and second derivatives, result types,
error types and messages). Their gradients are also in the gradcheck registry (registry/linalg.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


RNG = np.random.default_rng(0)


def _shifted(shape):
    """A well-conditioned square matrix (batch): standard normal + 2n·I."""
    x = RNG.standard_normal(shape)
    return x + 2 * shape[-1] * np.eye(shape[-1])


def _spd(shape):
    x = RNG.standard_normal(shape)
    return x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])


def _sym(shape):
    x = RNG.standard_normal(shape)
    return x + np.swapaxes(x, -1, -2)


# ---- without torch: against numpy and by hand ---------------------------------------------------

def test_values_against_numpy():
    A, B = _shifted((2, 3, 3)), RNG.standard_normal((3, 2))
    assert np.allclose(tg.linalg.inv(A).numpy(), np.linalg.inv(A))
    assert np.allclose(tg.linalg.det(A).numpy(), np.linalg.det(A))
    assert np.allclose(tg.linalg.solve(A, B).numpy(), np.linalg.solve(A, B))
    S = _spd((4, 4))
    L = tg.linalg.cholesky(S).numpy()
    assert np.allclose(L @ L.T, S) and np.allclose(L, np.tril(L)) and (np.diag(L) > 0).all()
    assert np.allclose(tg.linalg.eigvalsh(S).numpy(), np.linalg.eigvalsh(S))
    M = RNG.standard_normal((4, 3))
    assert np.allclose(tg.linalg.svdvals(M).numpy(), np.linalg.svd(M, compute_uv=False))
    assert np.allclose(tg.linalg.pinv(M).numpy(), np.linalg.pinv(M))
    Q, R = tg.linalg.qr(M)
    assert Q.shape == (4, 3) and R.shape == (3, 3) and np.allclose((Q @ R).numpy(), M)
    assert np.allclose(tg.linalg.matrix_power(tg.tensor(A), 3).numpy(), A @ A @ A)
    assert tg.linalg.matrix_rank(tg.tensor(np.outer([1.0, 2, 3], [4.0, 5, 6]))).item() == 1


def test_matrix_exp_by_hand():
    d = np.array([0.5, -1.0, 2.0])
    assert np.allclose(tg.linalg.matrix_exp(tg.tensor(np.diag(d))).numpy(), np.diag(np.exp(d)))
    theta = 0.7  # exp of a skew matrix is a rotation
    rot = tg.matrix_exp(tg.tensor([[0.0, -theta], [theta, 0.0]])).numpy()
    assert np.allclose(rot, [[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    big = 40 * RNG.standard_normal((2, 3, 3))  # scaling and squaring: a large norm
    series = np.eye(3)
    for k in range(1, 400):  # the Taylor series of a scaled matrix, squared back
        term = np.linalg.matrix_power(big[1] / 2 ** 10, k) / math.factorial(k) if k < 170 else 0
        series = series + term
    assert np.allclose(tg.linalg.matrix_exp(big).numpy()[1], np.linalg.matrix_power(series, 2 ** 10), rtol=1e-8)


def test_gradients_by_hand():
    """d log det A = A⁻ᵀ, d det A = det(A)·A⁻ᵀ, d tr(A⁻¹) = -(A⁻²)ᵀ."""
    A = _shifted((3, 3))
    t = tg.tensor(A, requires_grad=True)
    tg.logdet(t).backward()
    assert np.allclose(t.grad.numpy(), np.linalg.inv(A).T)
    t = tg.tensor(A, requires_grad=True)
    tg.det(t).backward()
    assert np.allclose(t.grad.numpy(), np.linalg.det(A) * np.linalg.inv(A).T)
    t = tg.tensor(A, requires_grad=True)
    tg.inverse(t).diagonal().sum().backward()
    inverse = np.linalg.inv(A)
    assert np.allclose(t.grad.numpy(), -(inverse @ inverse).T)


def test_det_gradient_of_a_singular_matrix_is_the_adjugate():
    A = np.array([[1.0, 2.0], [2.0, 4.0]])  # rank 1: adj = [[4, -2], [-2, 1]]
    t = tg.tensor(A, requires_grad=True)
    tg.linalg.det(t).backward()
    assert np.allclose(t.grad.numpy(), [[4.0, -2.0], [-2.0, 1.0]])  # (adjᵀ)
    t = tg.tensor(np.zeros((3, 3)), requires_grad=True)
    tg.linalg.det(t).backward()
    assert np.allclose(t.grad.numpy(), 0.0)


def test_least_squares_by_hand():
    """Fitting a line y = a + bx: the normal equations give the same a, b."""
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([1.0, 2.9, 5.1, 7.0])
    A = np.stack([np.ones(4), x], 1)
    solution = tg.linalg.lstsq(tg.tensor(A), tg.tensor(y)).solution.numpy()
    assert np.allclose(solution, np.linalg.solve(A.T @ A, A.T @ y))


def test_second_derivative_of_logdet_by_hand():
    """∂/∂A log det A = A⁻ᵀ; then Σ A⁻ᵀ∘V = tr(A⁻¹V), whose gradient is -(A⁻¹ V A⁻¹)ᵀ."""
    A, V = _shifted((3, 3)), RNG.standard_normal((3, 3))
    t = tg.tensor(A, requires_grad=True)
    g, = tg.grad(tg.logdet(t), t, create_graph=True)
    (g * tg.tensor(V)).sum().backward()
    inverse = np.linalg.inv(A)
    assert np.allclose(t.grad.numpy(), -(inverse @ V @ inverse).T)


def test_errors_without_torch():
    with pytest.raises(tg.linalg.LinAlgError, match=r"linalg.inv: \(Batch element 1\): The diagonal element 2 "
                                                    r"is zero.*singular"):
        tg.linalg.inv(tg.tensor([np.eye(2), [[1.0, 2.0], [2.0, 4.0]]]))
    assert issubclass(tg.linalg.LinAlgError, RuntimeError)
    with pytest.raises(tg.linalg.LinAlgError, match="leading minor of order 1 is not positive-definite"):
        tg.linalg.cholesky(-tg.eye(3))
    with pytest.raises(RuntimeError, match="square matrices, but they are 2 by 3"):
        tg.linalg.inv(tg.ones(2, 3))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        tg.linalg.det(tg.ones(3))
    with pytest.raises(RuntimeError, match="floating point.*Got Long"):
        tg.linalg.inv(tg.tensor([[1, 0], [0, 1]]))
    with pytest.raises(tg.linalg.LinAlgError, match="singular"):
        tg.linalg.solve(tg.zeros(2, 2), tg.ones(2))
    with pytest.raises(RuntimeError, match=r"Incompatible shapes.*2x2 and 3x1"):
        tg.linalg.solve(tg.eye(2), tg.ones(3))
    with pytest.raises(RuntimeError, match="at least 2 tensors"):
        tg.linalg.multi_dot([tg.ones(2, 2)])
    with pytest.raises(RuntimeError, match="If dim is not specified but ord is"):
        tg.linalg.norm(tg.ones(2, 2, 2), ord=2)
    with pytest.raises(RuntimeError, match="mode='r'"):
        tg.linalg.qr(tg.randn(3, 2, requires_grad=True), mode="r").R.sum().backward()


def test_numpy_names_and_empty_and_dtype():
    x = tg.tensor([[3.0, 4.0], [6.0, 8.0]])
    assert tg.linalg.norm(x, axis=1, keepdims=True).tolist() == [[5.0], [10.0]]
    assert tg.linalg.vector_norm(x, dim=-1).tolist() == [5.0, 10.0]
    assert tg.linalg.det(tg.zeros(3, 0, 0)).tolist() == [1.0, 1.0, 1.0]
    assert tg.linalg.inv(tg.zeros(0, 0)).shape == (0, 0)
    a32 = tg.tensor(_shifted((3, 3)), dtype=tg.float32)
    for fn in (tg.linalg.inv, tg.linalg.det, tg.linalg.cholesky, tg.linalg.matrix_exp, tg.linalg.pinv,
               tg.linalg.svdvals, tg.linalg.eigvalsh, tg.linalg.matrix_norm):
        assert fn(a32 @ a32.mT).dtype == np.float32, fn
    assert tg.linalg.matrix_rank(a32).dtype == np.int64
    assert tg.linalg.matrix_power(tg.tensor([[1, 2], [3, 4]]), 2).tolist() == [[7, 10], [15, 22]]
    assert tg.linalg.matrix_power(tg.tensor([[1, 2], [3, 4]]), 0).tolist() == [[1, 0], [0, 1]]


# ---- against PyTorch ----------------------------------------------------------------------------------

def _numpy(t) -> np.ndarray:
    """The values of a tg or torch tensor (torch's gradient of a piecewise linear function may
    be a lazily zero tensor, which needs force=True)."""
    t = t.detach()
    return t.numpy() if isinstance(t, tg.Tensor) else t.numpy(force=True)


def _compare(torch, expression: str, *arrays, atol: float = 1e-8, second: bool = True) -> None:
    """Evaluate `expression` (with `lib` = tg or torch, `L` = lib.linalg, inputs a, b, c) in both
    libraries; compare the outputs, the gradients of Σ out·W, and (second) the gradients of
    Σ (∂/∂inputs Σ out·W)·V (second derivatives)."""
    results = {}
    for name, lib in (("tg", tg), ("torch", torch)):
        inputs = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays]
        env = dict(zip("abc", inputs), lib=lib, L=lib.linalg, math=math)
        out = eval(expression, env)
        outs = out if isinstance(out, tuple) else (out,)
        outs = [o for o in outs if o.dtype in (lib.float64, lib.float32)]
        rng_w = np.random.default_rng(7)
        weights = [lib.tensor(rng_w.standard_normal(tuple(o.shape))) for o in outs]
        total = sum((o * w).sum() for o, w in zip(outs, weights))
        grads = (tg.grad if lib is tg else torch.autograd.grad)(total, inputs, create_graph=second, allow_unused=True)
        grads = [lib.zeros_like(x) if g is None else g for g, x in zip(grads, inputs)]
        values = [_numpy(o) for o in outs] + [_numpy(g) for g in grads]
        if second:
            rng_v = np.random.default_rng(11)
            vectors = [lib.tensor(rng_v.standard_normal(tuple(g.shape))) for g in grads]
            total2 = sum((g * v).sum() for g, v in zip(grads, vectors))
            if total2.requires_grad:  # (else the first derivative is piecewise constant: 0)
                seconds = (tg.grad if lib is tg else torch.autograd.grad)(total2, inputs, allow_unused=True)
            else:
                seconds = [None] * len(inputs)
            values += [np.zeros(tuple(x.shape)) if g is None else _numpy(g) for g, x in zip(seconds, inputs)]
        results[name] = values
    for ours, theirs in zip(results["tg"], results["torch"]):
        assert ours.shape == theirs.shape, (expression, ours.shape, theirs.shape)
        assert np.allclose(ours, theirs, atol=atol, rtol=1e-6), (expression, ours, theirs)


SQUARE = _shifted((3, 3))
BATCH = _shifted((2, 3, 3))
SPD = _spd((2, 3, 3))
SYM = _sym((2, 4, 4))
TALL = RNG.standard_normal((2, 5, 3))
WIDE = RNG.standard_normal((3, 5))

CASES = [
    ("L.inv(a)", BATCH), ("lib.inverse(a)", SQUARE), ("L.det(a)", BATCH), ("lib.det(a) * 2", SQUARE),
    ("L.det(a)", RNG.standard_normal((4, 4))),
    ("L.slogdet(a).logabsdet", BATCH), ("L.slogdet(-a)[1]", SQUARE), ("lib.logdet(a)", SPD),
    ("lib.slogdet(a).logabsdet", BATCH),
    ("L.solve(a, b)", BATCH, RNG.standard_normal((3, 2))), ("L.solve(a, b)", SQUARE, RNG.standard_normal(3)),
    ("L.solve(a, b)", BATCH, RNG.standard_normal((2, 3))),
    ("L.solve(a, b, left=False)", BATCH, RNG.standard_normal((4, 3))),
    ("L.solve_triangular(a, b, upper=True)", BATCH, RNG.standard_normal((3, 2))),
    ("L.solve_triangular(a, b, upper=False, left=False)", SQUARE, RNG.standard_normal((2, 3))),
    ("L.solve_triangular(a, b, upper=False, unitriangular=True)", SQUARE, RNG.standard_normal((3, 1))),
    ("L.cholesky(a @ a.mT + 3 * lib.eye(3, dtype=lib.float64))", BATCH),
    ("L.cholesky(a @ a.mT + 3 * lib.eye(3, dtype=lib.float64), upper=True)", SQUARE),
    ("lib.cholesky(a @ a.mT + 3 * lib.eye(3, dtype=lib.float64))", SQUARE),
    ("lib.cholesky_solve(b, L.cholesky(a @ a.mT + 3 * lib.eye(3, dtype=lib.float64)))", BATCH,
     RNG.standard_normal((3, 2))),
    ("lib.cholesky_solve(b, a.tril() + 4 * lib.eye(3, dtype=lib.float64))", SQUARE, RNG.standard_normal((3, 2))),
    ("lib.cholesky_inverse(a.triu() + 4 * lib.eye(3, dtype=lib.float64), upper=True)", SQUARE),
    ("tuple(L.qr(a))", TALL), ("tuple(L.qr(a))", WIDE), ("tuple(L.qr(a, mode='complete'))", BATCH),
    ("tuple(lib.qr(a))", TALL),
    ("L.eigvalsh(a)", SYM), ("L.eigh(a).eigenvectors.abs()", SYM),
    ("(lambda l, q: (q * l.exp()[..., None, :]) @ q.mT)(*L.eigh(a, UPLO='U'))", SYM),
    ("L.eigvalsh(lib.eye(3, dtype=lib.float64) + 0 * a)", SQUARE),
    ("L.svdvals(a)", TALL), ("L.svdvals(a)", WIDE),
    ("(lambda u, s, vh: (u[..., :3] * s.exp()[..., None, :]) @ vh)(*L.svd(a))", TALL),
    ("(lambda u, s, vh: (u * s.exp()[..., None, :]) @ vh[..., :3, :])(*L.svd(a))", WIDE),
    ("(lambda u, s, vh: (u.abs(), vh.abs()))(*L.svd(a, full_matrices=False))", TALL),
    ("(lambda u, s, v: u @ v.mT)(*lib.svd(a))", WIDE),
    ("lib.svd(a, compute_uv=False)[1]", TALL),
    ("L.pinv(a)", TALL), ("L.pinv(a)", WIDE), ("lib.pinverse(a)", WIDE),
    ("L.pinv(a @ a.mT, hermitian=True)", BATCH),
    ("L.lstsq(a, b).solution", TALL, RNG.standard_normal((2, 5, 2))),
    ("L.lstsq(a, b).solution", RNG.standard_normal((5, 3)), RNG.standard_normal(5)),
    ("L.matrix_power(a, 3)", BATCH), ("L.matrix_power(a, -2)", BATCH), ("lib.matrix_power(a, 1)", SQUARE),
    ("L.matrix_exp(a / 3)", BATCH), ("lib.matrix_exp(a)", RNG.standard_normal((4, 4))),
    ("L.multi_dot([a, b, c])", RNG.standard_normal(3), RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))),
    ("L.multi_dot([a, b, c])", RNG.standard_normal((2, 3)), RNG.standard_normal((3, 5)), RNG.standard_normal(5)),
    ("L.vecdot(a, b)", RNG.standard_normal((2, 3)), RNG.standard_normal(3)),
    ("L.vecdot(a, b, dim=0)", RNG.standard_normal((3, 2)), RNG.standard_normal((3, 1))),
    ("L.cross(a, b)", RNG.standard_normal((2, 3)), RNG.standard_normal((1, 3))),
    ("L.matmul(a, b)", RNG.standard_normal((2, 3)), RNG.standard_normal(3)),
    ("L.diagonal(a, offset=1)", TALL),
    ("L.tensorinv(a.reshape(2, 3, 6))", _shifted((6, 6))), ("L.tensorinv(a.reshape(4, 2, 2), ind=1)", _shifted((4, 4))),
    ("L.tensorsolve(a.reshape(2, 3, 6), b)", _shifted((6, 6)), RNG.standard_normal((2, 3))),
    ("L.tensorsolve(a.reshape(6, 2, 3).permute(1, 2, 0), b, dims=(0, 1))", _shifted((6, 6)), RNG.standard_normal(6)),
    ("L.vander(a)", np.array([0.0, 2.0, -1.5])), ("L.vander(a, N=5)", RNG.standard_normal((2, 3))),
    ("L.vector_norm(a)", TALL), ("L.vector_norm(a, 1, dim=-1)", TALL), ("L.vector_norm(a, math.inf, dim=(0, 2))", TALL),
    ("L.vector_norm(a, -math.inf, dim=1, keepdim=True)", TALL), ("L.vector_norm(a, 3.5, dim=-1)", TALL),
    ("L.vector_norm(a, 0)", TALL),
    ("L.matrix_norm(a)", TALL), ("L.matrix_norm(a, 'nuc')", TALL), ("L.matrix_norm(a, 2)", TALL),
    ("L.matrix_norm(a, -2, keepdim=True)", TALL), ("L.matrix_norm(a, 1)", TALL), ("L.matrix_norm(a, -1)", TALL),
    ("L.matrix_norm(a, math.inf)", TALL), ("L.matrix_norm(a, -math.inf, dim=(0, 2), keepdim=True)", TALL),
    ("L.matrix_norm(a, 'nuc', dim=(2, 0))", TALL), ("L.matrix_norm(a, 1, dim=(-1, 0))", TALL),
    ("L.norm(a)", TALL), ("L.norm(a, dim=1)", TALL), ("L.norm(a, 3, dim=(1,))", TALL), ("L.norm(a, 'fro')", SQUARE),
    ("L.norm(a, 2)", SQUARE), ("L.norm(a, -math.inf)", SQUARE), ("L.norm(a, 1)", RNG.standard_normal(4)),
    ("L.norm(a, 'nuc', dim=(0, 1), keepdim=True)", TALL),
    ("L.cond(a)", TALL), ("L.cond(a, -2)", WIDE),
]


@pytest.mark.filterwarnings("ignore:torch.cholesky is deprecated", "ignore:torch.qr is deprecated")
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_values_and_first_and_second_derivatives_match_torch(torch, case):
    _compare(torch, case[0], *case[1:], second=case[0] not in FIRST_ONLY)


# PyTorch's second derivative is nan at equal eigenvalues (ours is 0: the eigenvector part is
# dropped there).
FIRST_ONLY = {"L.eigvalsh(lib.eye(3, dtype=lib.float64) + 0 * a)"}


@pytest.mark.parametrize("p", ["fro", "nuc", 1, -1, math.inf, -math.inf])
def test_cond_of_other_orders_matches_torch(torch, p):
    """Values only: PyTorch's own backward of cond(A, p != 2) fails (an in-place op of its own);
    our gradient is gradchecked in the registry."""
    assert np.allclose(tg.linalg.cond(tg.tensor(BATCH), p).numpy(), torch.linalg.cond(torch.tensor(BATCH), p).numpy())


def test_result_types_match_torch(torch):
    A = tg.tensor(SPD)
    TA = torch.tensor(SPD)
    for name in ("linalg.slogdet", "slogdet"):
        ours, theirs = eval(f"tg.{name}(A)"), eval(f"torch.{name}(TA)")
        assert type(ours).__name__ == type(theirs).__name__
        assert all(np.allclose(getattr(ours, f).numpy(), getattr(theirs, f).numpy()) for f in ours._fields)
    pairs = [(tg.linalg.qr(A), torch.linalg.qr(TA)), (tg.qr(A), torch.qr(TA)),
             (tg.linalg.eigh(A), torch.linalg.eigh(TA)),
             (tg.linalg.svd(A), torch.linalg.svd(TA)), (tg.svd(A), torch.svd(TA)),
             (tg.linalg.lstsq(A, A), torch.linalg.lstsq(TA, TA))]
    for ours, theirs in pairs:
        assert type(ours).__name__ == type(theirs).__name__
        for f in ours._fields:
            o, t = getattr(ours, f), getattr(theirs, f)
            assert o.shape == tuple(t.shape), (type(ours).__name__, o.shape, t.shape)


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (2, 4, 4)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr_shapes_and_values_match_torch(torch, shape, mode):
    A = RNG.standard_normal(shape)
    Q, R = tg.linalg.qr(tg.tensor(A), mode=mode)
    TQ, TR = torch.linalg.qr(torch.tensor(A), mode=mode)
    assert Q.shape == tuple(TQ.shape) and R.shape == tuple(TR.shape)
    assert np.allclose(R.numpy(), TR.numpy()) and np.allclose(Q.numpy(), TQ.numpy())


@pytest.mark.parametrize("driver", [None, "gelsy", "gelsd", "gelss", "gels"])
def test_lstsq_outputs_match_torch(torch, driver):
    A, B = RNG.standard_normal((2, 5, 3)), RNG.standard_normal((2, 5, 2))
    ours = tg.linalg.lstsq(tg.tensor(A), tg.tensor(B), driver=driver)
    theirs = torch.linalg.lstsq(torch.tensor(A), torch.tensor(B), driver=driver)
    for o, t in zip(ours, theirs):
        assert o.shape == tuple(t.shape) and o.dtype == t.numpy().dtype
        assert np.allclose(o.numpy(), t.numpy())


def test_matrix_rank_and_tolerances_match_torch(torch):
    A = np.diag([1.0, 1e-3, 1e-9, 0.0])
    for kwargs in ({}, {"atol": 1e-2}, {"rtol": 1e-6}, {"atol": 1e-12, "rtol": 1e-4}, {"hermitian": True}):
        assert tg.linalg.matrix_rank(tg.tensor(A), **kwargs).item() == \
            torch.linalg.matrix_rank(torch.tensor(A), **kwargs).item(), kwargs
        assert np.allclose(tg.linalg.pinv(tg.tensor(A), **kwargs).numpy(),
                           torch.linalg.pinv(torch.tensor(A), **kwargs).numpy()), kwargs


def test_errors_match_torch(torch):
    calls = ["L.inv(lib.tensor([[1.0, 2.0], [2.0, 4.0]]))", "L.cholesky(-lib.eye(2))",
             "L.cholesky(lib.stack([lib.eye(2), -lib.eye(2)]))", "L.inv(lib.ones(2, 3))", "L.det(lib.ones(3))",
             "L.inv(lib.tensor([[1, 0], [0, 1]]))", "L.solve(lib.zeros(2, 2), lib.ones(2))",
             "L.solve(lib.eye(2), lib.ones(3))", "L.multi_dot([lib.ones(2, 2)])", "L.norm(lib.ones(2, 2, 2), ord=2)",
             "L.vector_norm(lib.tensor([1, 2]))", "L.matrix_norm(lib.ones(2, 2), ord=3)",
             "L.lstsq(lib.ones(2, 4, 3), lib.ones(4))", "L.eigh(lib.ones(2, 3))", "L.qr(lib.ones(2, 2), mode='x')",
             "L.solve_triangular(lib.eye(2), lib.ones(2), upper=True)", "L.cross(lib.ones(2, 3), lib.ones(3))"]
    for call in calls:
        errors = []
        for lib in (torch, tg):
            with pytest.raises(Exception) as info:
                eval(call, {"lib": lib, "L": lib.linalg})
            errors.append(info.value)
        theirs, ours = errors
        assert isinstance(ours, RuntimeError) == isinstance(theirs, RuntimeError), (call, theirs, ours)
        assert isinstance(ours, tg.linalg.LinAlgError) == isinstance(theirs, torch.linalg.LinAlgError), (call, ours)
        if isinstance(theirs, torch.linalg.LinAlgError):
            assert str(theirs).split(":")[-1].strip()[:40] in str(ours), (call, theirs, ours)


def test_solve_triangular_zero_diagonal_gives_inf_like_torch(torch):
    ours = tg.linalg.solve_triangular(tg.zeros(2, 2), tg.ones(2, 1), upper=True).numpy()
    theirs = torch.linalg.solve_triangular(torch.zeros(2, 2), torch.ones(2, 1), upper=True).numpy()
    assert np.array_equal(np.isnan(ours), np.isnan(theirs)) and np.array_equal(np.isinf(ours), np.isinf(theirs))


def test_logdet_of_negative_determinant_is_nan_like_torch(torch):
    A = -np.eye(3)
    assert np.isnan(tg.logdet(tg.tensor(A)).item()) and np.isnan(torch.logdet(torch.tensor(A)).item())
    B = np.diag([1.0, 0.0])
    assert tg.logdet(tg.tensor(B)).item() == torch.logdet(torch.tensor(B)).item() == -math.inf


@pytest.mark.parametrize("decompose", [
    lambda A: tg.linalg.qr(A), lambda A: tg.linalg.eigh(A), lambda A: tg.linalg.svd(A, full_matrices=False)])
@pytest.mark.parametrize("which", [0, 1])
def test_a_factor_changed_in_place_stops_backward(decompose, which):
    """Backward of a decomposition uses its factors: one modified in place afterwards would give a
    wrong gradient, so backward raises instead (as PyTorch does), naming the output."""
    A = tg.tensor(_spd((3, 3)), requires_grad=True)
    factors = decompose(A)
    loss = sum(f.sum() for f in factors)
    factors[which].mul_(2)
    with pytest.raises(RuntimeError, match=f"output {which} .*modified by an in-place operation"):
        loss.backward()
    fresh = decompose(A)  # untouched factors: backward runs
    sum(f.sum() for f in fresh).backward()
    assert np.isfinite(A.grad.numpy()).all()
