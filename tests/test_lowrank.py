"""tg.svd_lowrank, tg.pca_lowrank and tg.lobpcg: against exact decompositions (numpy and
tg.linalg), and against PyTorch where it is installed (shapes, dtypes, results from the same
start, gradients, exception types). Their gradients are also in the registry (registry/lowrank.py)."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


RNG = np.random.default_rng(0)


def _low_rank(shape, rank):
    """A (..., m, n) matrix of exact rank `rank`."""
    *batch, m, n = shape
    return RNG.standard_normal((*batch, m, rank)) @ RNG.standard_normal((*batch, rank, n))


def _decaying(m, n, decay=0.5):
    """U diag(decay^i) Vᵀ: singular values 1, 1/2, 1/4, ..."""
    U = np.linalg.qr(RNG.standard_normal((m, m)))[0]
    V = np.linalg.qr(RNG.standard_normal((n, n)))[0]
    k = min(m, n)
    return (U[:, :k] * decay ** np.arange(k)) @ V[:, :k].T


def _spd_with_spectrum(values):
    m = len(values)
    Q = np.linalg.qr(RNG.standard_normal((m, m)))[0]
    return (Q * values) @ Q.T


def _reconstruct(U, S, V):
    return (U * S[..., None, :]) @ V.mT


# ---- svd_lowrank -------------------------------------------------------------------------------

@pytest.mark.parametrize("shape,rank,q", [((12, 7), 3, 3), ((7, 12), 3, 5), ((3, 10, 8), 2, 4), ((9, 9), 6, 6)])
def test_svd_lowrank_reconstructs_an_exact_low_rank_matrix(shape, rank, q):
    A = tg.tensor(_low_rank(shape, rank))
    tg.manual_seed(1)
    U, S, V = tg.svd_lowrank(A, q=q)
    k = min(q, *shape[-2:])
    assert U.shape == shape[:-2] + (shape[-2], k) and S.shape == shape[:-2] + (k,)
    assert V.shape == shape[:-2] + (shape[-1], k)
    np.testing.assert_allclose(_reconstruct(U, S, V).numpy(), A.numpy(), atol=1e-10)
    np.testing.assert_allclose((U.mT @ U).numpy()[..., :rank, :rank], np.broadcast_to(np.eye(rank), shape[:-2]
                                                                                       + (rank, rank)), atol=1e-10)


@pytest.mark.parametrize("m,n", [(40, 30), (30, 40)])
def test_svd_lowrank_singular_values_of_a_decaying_spectrum(m, n):
    A = tg.tensor(_decaying(m, n))
    tg.manual_seed(2)
    _, S, _ = tg.svd_lowrank(A, q=8, niter=4)
    np.testing.assert_allclose(S.numpy(), tg.linalg.svdvals(A).numpy()[:8], atol=1e-8, rtol=0)


def test_svd_lowrank_is_repeatable_with_the_seed_and_random_without():
    A = tg.tensor(_decaying(20, 15, decay=0.9))
    tg.manual_seed(3)
    first = tg.svd_lowrank(A, q=3, niter=0)[1].numpy()
    tg.manual_seed(3)
    again = tg.svd_lowrank(A, q=3, niter=0)[1].numpy()
    other = tg.svd_lowrank(A, q=3, niter=0)[1].numpy()
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)  # (slow decay, no power iterations: the sketch shows)


def test_svd_lowrank_with_a_mean_is_the_svd_of_the_difference():
    M = RNG.standard_normal((1, 9))  # a row broadcast over A's 11 rows
    A = tg.tensor(_low_rank((11, 9), 2) + M)
    U, S, V = tg.svd_lowrank(A, q=2, M=tg.tensor(M))
    np.testing.assert_allclose(_reconstruct(U, S, V).numpy(), A.numpy() - M, atol=1e-10)
    wide = tg.svd_lowrank(A.mT, q=2, M=tg.tensor(M.T))  # the m < n path transposes M too
    np.testing.assert_allclose(_reconstruct(*wide).numpy(), A.numpy().T - M.T, atol=1e-10)


def test_svd_lowrank_q_beyond_the_size_and_zero():
    A = tg.tensor(RNG.standard_normal((5, 4)))
    U, S, V = tg.svd_lowrank(A, q=6)  # (no error, as torch: k = min(q, m, n))
    assert (U.shape, S.shape, V.shape) == ((5, 4), (4,), (4, 4))
    np.testing.assert_allclose(S.numpy(), tg.linalg.svdvals(A).numpy(), atol=1e-12)
    U, S, V = tg.svd_lowrank(A, q=0)
    assert (U.shape, S.shape, V.shape) == ((5, 0), (0,), (4, 0))


def test_svd_lowrank_keeps_float32_and_returns_a_tuple():
    out = tg.svd_lowrank(tg.tensor(RNG.standard_normal((6, 5)).astype(np.float32)), q=2)
    assert type(out) is tuple and all(t.dtype == np.float32 for t in out)


def test_svd_lowrank_gradient():
    x = tg.tensor(RNG.standard_normal((7, 2)), requires_grad=True)
    y = tg.tensor(RNG.standard_normal((2, 5)), requires_grad=True)

    def f(x, y):
        tg.manual_seed(0)  # (the same sketch on every call)
        return tg.svd_lowrank(x @ y, q=2)[1]

    assert tg.gradcheck(f, (x, y))
    # dS/dA = U diag(Ḡ) Vᵀ, as for the exact SVD
    A = tg.tensor(_low_rank((7, 5), 2), requires_grad=True)
    tg.manual_seed(0)
    U, S, V = tg.svd_lowrank(A, q=2)
    (S * tg.tensor([1.0, 3.0])).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), (U.numpy() * [1.0, 3.0]) @ V.numpy().T, atol=1e-10)


def test_svd_lowrank_errors():
    with pytest.raises(ValueError, match="matrix"):
        tg.svd_lowrank(tg.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="floating point"):
        tg.svd_lowrank(tg.ones(4, 3, dtype=tg.int64))
    with pytest.raises(NotImplementedError, match="Half"):
        tg.svd_lowrank(tg.ones(4, 3, dtype=tg.float16))
    with pytest.raises(RuntimeError, match="q\\(=-1\\)"):
        tg.svd_lowrank(tg.ones(4, 3, dtype=tg.float64), q=-1)


# ---- pca_lowrank -------------------------------------------------------------------------------

def test_pca_lowrank_matches_an_exact_pca():
    A = _low_rank((50, 8), 3) + 5.0 + 1e-9 * RNG.standard_normal((50, 8))  # offset: centering matters
    tg.manual_seed(4)
    U, S, V = tg.pca_lowrank(tg.tensor(A), q=3)
    centered = A - A.mean(axis=0)
    u, s, vh = np.linalg.svd(centered, full_matrices=False)
    np.testing.assert_allclose(S.numpy(), s[:3], rtol=1e-8)
    signs = np.sign(np.sum(V.numpy() * vh[:3].T, axis=0))
    np.testing.assert_allclose(V.numpy() * signs, vh[:3].T, atol=1e-8)
    np.testing.assert_allclose(U.numpy() * signs, u[:, :3], atol=1e-8)


def test_pca_lowrank_defaults_and_center_false():
    A = tg.tensor(RNG.standard_normal((2, 10, 4)))
    U, S, V = tg.pca_lowrank(A)  # q = min(6, m, n) = 4
    assert (U.shape, S.shape, V.shape) == ((2, 10, 4), (2, 4), (2, 4, 4))
    tg.manual_seed(5)
    uncentered = tg.pca_lowrank(A, q=2, center=False)
    tg.manual_seed(5)
    plain = tg.svd_lowrank(A, q=2)
    for a, b in zip(uncentered, plain):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_pca_lowrank_errors():
    A = tg.tensor(RNG.standard_normal((5, 4)))
    with pytest.raises(ValueError, match=r"q\(=5\) must be non-negative integer and not greater than min\(m, n\)=4"):
        tg.pca_lowrank(A, q=5)
    with pytest.raises(ValueError, match=r"q\(=-1\)"):
        tg.pca_lowrank(A, q=-1)
    with pytest.raises(ValueError, match=r"niter\(=-1\) must be non-negative integer"):
        tg.pca_lowrank(A, niter=-1)


# ---- against torch: shapes, dtypes and errors ---------------------------------------------------

@pytest.mark.parametrize("shape,q", [((5, 4), 6), ((4, 5), 6), ((3, 5, 4), 2), ((5, 4), 0), ((1, 2, 6, 3), None)])
def test_lowrank_shapes_and_dtypes_as_torch(torch, shape, q):
    for dtype in (np.float32, np.float64):
        A = RNG.standard_normal(shape).astype(dtype)
        ours = tg.svd_lowrank(tg.tensor(A), q=q)
        theirs = torch.svd_lowrank(torch.tensor(A), q=q)
        assert [tuple(t.shape) for t in ours] == [tuple(t.shape) for t in theirs]
        assert [t.dtype for t in ours] == [np.dtype(str(t.dtype).split(".")[1]) for t in theirs]
        if q is None or q <= min(shape[-2:]):
            ours, theirs = tg.pca_lowrank(tg.tensor(A), q=q), torch.pca_lowrank(torch.tensor(A), q=q)
            assert [tuple(t.shape) for t in ours] == [tuple(t.shape) for t in theirs]


def test_lowrank_singular_values_as_torch(torch):
    A = _decaying(30, 20)
    tg.manual_seed(0)
    torch.manual_seed(0)
    ours = tg.svd_lowrank(tg.tensor(A), q=5, niter=4)[1].numpy()
    theirs = torch.svd_lowrank(torch.tensor(A), q=5, niter=4)[1].numpy()
    np.testing.assert_allclose(ours[:3], theirs[:3], atol=1e-8)  # (the last ones carry each sketch's error)
    np.testing.assert_allclose(ours, theirs, atol=1e-4)


@pytest.mark.parametrize("args", [dict(q=-1), dict(A=[1.0, 2.0]), dict(dtype="int64"), dict(dtype="float16")])
def test_lowrank_error_types_as_torch(torch, args):
    A = np.asarray(args.pop("A", RNG.standard_normal((5, 4))), dtype=args.pop("dtype", "float64"))
    with pytest.raises(Exception) as theirs:
        torch.svd_lowrank(torch.tensor(A), **args)
    with pytest.raises(theirs.type):
        tg.svd_lowrank(tg.tensor(A), **args)


# ---- lobpcg ------------------------------------------------------------------------------------

def _ritz_check(E, X, A, B, reference_values, reference_vectors):
    """Eigenvalues to 1e-8; eigenvectors equal up to sign (B-normalized)."""
    E, X = E.numpy(), X.numpy()
    np.testing.assert_allclose(E, reference_values, atol=1e-8, rtol=0)
    signs = np.sign(np.sum(X * reference_vectors, axis=0))
    np.testing.assert_allclose(X * signs, reference_vectors, atol=1e-6)
    np.testing.assert_allclose(X.T @ (X if B is None else B @ X), np.eye(X.shape[1]), atol=1e-8)


@pytest.mark.parametrize("m", [20, 50, 100])
@pytest.mark.parametrize("k", [1, 2, 3, 4])
@pytest.mark.parametrize("largest", [True, False])
def test_lobpcg_against_eigh(m, k, largest):
    A = _spd_with_spectrum(np.linspace(1.0, 10.0, m) + RNG.uniform(0, 0.01, m))
    tg.manual_seed(m + k)
    E, X = tg.lobpcg(tg.tensor(A), k=k, largest=largest)
    w, Q = tg.linalg.eigh(tg.tensor(A))
    order = np.argsort(-w.numpy())[:k] if largest else np.arange(k)
    _ritz_check(E, X, A, None, w.numpy()[order], Q.numpy()[:, order])


@pytest.mark.parametrize("k,largest", [(1, True), (3, False), (4, True)])
def test_lobpcg_generalized_problem(k, largest):
    m = 30
    A = _spd_with_spectrum(np.linspace(1.0, 10.0, m))
    C = RNG.standard_normal((m, m))
    B = C @ C.T / m + np.eye(m)
    tg.manual_seed(k)
    E, X = tg.lobpcg(tg.tensor(A), k=k, B=tg.tensor(B), largest=largest)
    # A x = λ B x with B = L Lᵀ is the symmetric L⁻¹ A L⁻ᵀ y = λ y, x = L⁻ᵀ y
    L = np.linalg.cholesky(B)
    w, Y = tg.linalg.eigh(tg.tensor(np.linalg.solve(L, np.linalg.solve(L, A).T)))
    order = np.argsort(-w.numpy())[:k] if largest else np.arange(k)
    _ritz_check(E, X, A, B, w.numpy()[order], np.linalg.solve(L.T, Y.numpy()[:, order]))


@pytest.mark.parametrize("largest", [True, False])
def test_lobpcg_basic_method_and_preconditioner(largest):
    m = 40
    A = _spd_with_spectrum(np.linspace(1.0, 20.0, m))
    w = np.linalg.eigvalsh(A)
    tg.manual_seed(0)
    E, _ = tg.lobpcg(tg.tensor(A), k=2, largest=largest, method="basic")
    np.testing.assert_allclose(E.numpy(), w[::-1][:2] if largest else w[:2], atol=1e-8)
    # an exact inverse as preconditioner (used by method="basic"; "ortho" ignores iK, as torch's)
    X0 = tg.tensor(RNG.standard_normal((m, 2)))
    steps = {}
    for name, iK in (("none", None), ("inverse", tg.tensor(np.linalg.inv(A)))):
        steps[name] = []
        E, _ = tg.lobpcg(tg.tensor(A), X=X0, largest=False, iK=iK, method="basic",
                         tracker=lambda worker, seen=steps[name]: seen.append(worker.ivars["istep"]))
        np.testing.assert_allclose(E.numpy(), w[:2], atol=1e-8)
    assert len(steps["inverse"]) < len(steps["none"]) / 2


def test_lobpcg_batch_tracker_and_force_stop():
    A = np.stack([_spd_with_spectrum(np.arange(1.0, 16.0)), _spd_with_spectrum(np.arange(2.0, 32.0, 2.0))])
    E, X = tg.lobpcg(tg.tensor(A), k=2)
    assert E.shape == (2, 2) and X.shape == (2, 15, 2)
    np.testing.assert_allclose(E.numpy(), [[15.0, 14.0], [30.0, 28.0]], atol=1e-8)
    seen = []

    def stop_after_two(worker):
        seen.append((worker.ivars["istep"], worker.ivars["converged_count"], worker.tvars["rerr"].shape))
        if worker.ivars["istep"] == 2:
            worker.bvars["force_stop"] = True

    tg.lobpcg(tg.tensor(A[0]), k=2, tracker=stop_after_two)
    assert seen == [(1, 0, (2,)), (2, 0, (2,))]


def test_lobpcg_gradient_against_eigh():
    m = 15
    A = _spd_with_spectrum(np.arange(1.0, m + 1) + RNG.uniform(0, 0.1, m))
    W = RNG.standard_normal((m, 2))
    for largest in (True, False):
        a = tg.tensor(A, requires_grad=True)
        E, X = tg.lobpcg(a, k=2, largest=largest, tol=1e-13, niter=300)
        ((E * tg.tensor([1.0, 2.0])).sum() + ((X * tg.tensor(W)).sum(0) ** 2).sum()).backward()
        b = tg.tensor(A, requires_grad=True)
        w, Q = tg.linalg.eigh(b)
        cols = [m - 1, m - 2] if largest else [0, 1]
        E2, X2 = w[cols], Q[:, cols]
        ((E2 * tg.tensor([1.0, 2.0])).sum() + ((X2 * tg.tensor(W)).sum(0) ** 2).sum()).backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-9)
        np.testing.assert_allclose(a.grad.numpy(), a.grad.numpy().T, atol=1e-12)  # symmetric, as torch


def test_lobpcg_no_gradient_with_B():
    A = tg.tensor(_spd_with_spectrum(np.arange(1.0, 10.0)), requires_grad=True)
    E, _ = tg.lobpcg(A, k=1, B=tg.eye(9, dtype=tg.float64))
    assert E.requires_grad
    with pytest.raises(ValueError, match="B != I"):
        E.sum().backward()
    with tg.no_grad():
        assert not tg.lobpcg(A, k=1)[0].requires_grad


def test_lobpcg_errors():
    A = tg.tensor(_spd_with_spectrum(np.arange(1.0, 11.0)))
    with pytest.raises(ValueError, match=r"number of A rows \(=10\) is smaller than 3 x the number of requested "
                                         r"eigenpairs \(=4\)"):
        tg.lobpcg(A, k=4)
    with pytest.raises(ValueError, match=r"\(=4\)"):
        tg.lobpcg(A, k=1, n=4)
    with pytest.raises(AssertionError, match="square"):
        tg.lobpcg(A[:, :9])
    with pytest.raises(AssertionError, match="same shape"):
        tg.lobpcg(A, B=tg.eye(9, dtype=tg.float64))
    with pytest.raises(AssertionError, match="X shape mismatch"):
        tg.lobpcg(A, X=tg.tensor(RNG.standard_normal((9, 2))))
    with pytest.raises(RuntimeError, match="floating point"):
        tg.lobpcg(tg.ones(10, 10, dtype=tg.int64))
    with pytest.raises(ValueError, match="method"):
        tg.lobpcg(A, method="fast")


@pytest.mark.parametrize("method", ["ortho", "basic"])
@pytest.mark.parametrize("largest", [True, False])
def test_lobpcg_same_results_as_torch_from_the_same_start(torch, method, largest):
    m, k = 30, 3
    A = _spd_with_spectrum(np.linspace(1.0, 5.0, m))
    X0 = RNG.standard_normal((m, k))
    E, X = tg.lobpcg(tg.tensor(A), X=tg.tensor(X0), largest=largest, method=method)
    Et, Xt = torch.lobpcg(torch.tensor(A), X=torch.tensor(X0), largest=largest, method=method)
    np.testing.assert_allclose(E.numpy(), Et.numpy(), atol=1e-10)
    np.testing.assert_allclose(np.abs(X.numpy()), np.abs(Xt.numpy()), atol=1e-6)


def test_lobpcg_gradient_as_torch(torch):
    m = 12
    A = _spd_with_spectrum(np.arange(1.0, m + 1))
    X0 = RNG.standard_normal((m, 2))
    a = tg.tensor(A, requires_grad=True)
    E, X = tg.lobpcg(a, X=tg.tensor(X0), tol=1e-14, niter=300)
    (E.sum() + (X.sum(0) ** 2).sum()).backward()
    at = torch.tensor(A, requires_grad=True)
    Et, Xt = torch.lobpcg(at, X=torch.tensor(X0), tol=1e-14, niter=300)
    (Et.sum() + (Xt.sum(0) ** 2).sum()).backward()
    np.testing.assert_allclose(a.grad.numpy(), at.grad.numpy(), atol=1e-9)
