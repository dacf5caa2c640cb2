"""The LU, LDLᵀ, Householder and `_ex` names of linear algebra that programs from PyTorch's
documentation use: tg.linalg.lu_factor(_ex), lu, lu_solve, inv_ex, solve_ex, cholesky_ex,
ldl_factor(_ex), ldl_solve, householder_product, and tg.lu, lu_solve, lu_unpack,
triangular_solve, geqrf, orgqr, ormqr (tinygrad_edu/linalg/).

Without torch: known small factorizations by hand, reconstructions (A = PLU, A = QR, AX = B),
errors. With torch: the same numpy inputs through both, values, pivots, gradients, error types
and messages, and PyTorch's own docstring examples. Gradients are also in the gradcheck registry
(registry/linalg_lu.py)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg

RNG = np.random.default_rng(7)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _no_deprecation_noise():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is deprecated", category=UserWarning)
        yield


def _symmetric(n, indefinite=True):
    x = RNG.standard_normal((n, n))
    s = x + x.T
    if indefinite:
        s[np.arange(n), np.arange(n)] *= 0.01  # small diagonal: 2×2 pivots
    return s


# ---- LU: by hand and by reconstruction -----------------------------------------------------------

def test_lu_factor_by_hand():
    """[[1, 2], [3, 4]]: row 2 has the larger pivot, so it is swapped up (pivots [2, 2]);
    then l₂₁ = 1/3 and u₂₂ = 2 - 4/3 = 2/3."""
    LU, pivots = tg.linalg.lu_factor(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert np.allclose(LU.numpy(), [[3.0, 4.0], [1 / 3, 2 / 3]])
    assert pivots.dtype == np.int32 and pivots.tolist() == [2, 2]
    P, L, U = tg.linalg.lu(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert P.tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert np.allclose(L.numpy(), [[1.0, 0.0], [1 / 3, 1.0]]) and np.allclose(U.numpy(), [[3.0, 4.0], [0.0, 2 / 3]])


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (5, 3), (3, 5), (2, 1, 4, 2), (1, 1)])
def test_plu_reconstructs_a(shape):
    A = RNG.standard_normal(shape)
    P, L, U = tg.linalg.lu(A)
    k = min(shape[-2:])
    assert P.shape == shape[:-2] + (shape[-2],) * 2 and L.shape == shape[:-1] + (k,) and U.shape == shape[:-2] + (
        k, shape[-1])
    assert np.allclose((P @ L @ U).numpy(), A)
    assert np.allclose(np.triu(L.numpy(), 1), 0) and np.allclose(np.diagonal(L.numpy(), 0, -2, -1), 1)
    assert np.allclose(np.tril(U.numpy(), -1), 0)
    assert np.abs(L.numpy()).max() <= 1  # partial pivoting: every multiplier is at most 1 in size
    P2, L2, U2 = tg.lu_unpack(*tg.linalg.lu_factor(A))
    assert np.array_equal(P2.numpy(), P.numpy()) and np.array_equal(L2.numpy(), L.numpy())


def test_lu_of_singular_and_empty_matrices():
    LU, pivots, info = tg.linalg.lu_factor_ex(tg.zeros(2, 2))
    assert LU.tolist() == [[0.0, 0.0], [0.0, 0.0]] and pivots.tolist() == [1, 2] and info.item() == 1
    rank_one = np.outer([1.0, 2.0, 4.0], [1.0, 1.0, 2.0])  # u₂₂ is exactly 0 after the first step
    assert tg.linalg.lu_factor_ex(rank_one).info.item() == 2
    P, L, U = tg.linalg.lu(tg.zeros(2, 2))  # linalg.lu never raises
    assert P.tolist() == [[1.0, 0.0], [0.0, 1.0]] and U.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(RuntimeError, match=r"torch.linalg.lu_factor: \(Batch element 1\): U\[2,2\] is zero"):
        tg.linalg.lu_factor(np.stack([np.eye(3), rank_one]))
    with pytest.raises(RuntimeError, match=r"lu_factor_ex: U\[1,1\] is zero and using it on lu_solve"):
        tg.linalg.lu_factor_ex(tg.zeros(2, 2), check_errors=True)
    empty = tg.linalg.lu_factor_ex(tg.zeros(3, 0))
    assert empty.LU.shape == (3, 0) and empty.pivots.shape == (0,) and empty.info.item() == 0
    P, L, U = tg.linalg.lu(tg.zeros(3, 0))
    assert P.tolist() == np.eye(3).tolist() and L.shape == (3, 0) and U.shape == (0, 0)
    batch = tg.linalg.lu_factor_ex(tg.zeros(0, 2, 2))
    assert batch.pivots.shape == (0, 2) and batch.info.shape == (0,)


def test_lu_solve_solves():
    A, B = RNG.standard_normal((2, 3, 3)), RNG.standard_normal((4, 1, 3, 2))
    LU, pivots = tg.linalg.lu_factor(A)
    X = tg.linalg.lu_solve(LU, pivots, B)  # batch dims broadcast: (2,) with (4, 1) -> (4, 2)
    assert X.shape == (4, 2, 3, 2) and np.allclose(A @ X.numpy(), B)
    X = tg.linalg.lu_solve(LU, pivots, np.swapaxes(B, -1, -2), left=False)
    assert np.allclose(X.numpy() @ A, np.swapaxes(B, -1, -2))
    X = tg.linalg.lu_solve(LU, pivots, B, adjoint=True)
    assert np.allclose(np.swapaxes(A, -1, -2) @ X.numpy(), B)
    X = tg.linalg.lu_solve(LU, pivots, np.swapaxes(B, -1, -2), left=False, adjoint=True)
    assert np.allclose(X.numpy() @ np.swapaxes(A, -1, -2), np.swapaxes(B, -1, -2))
    x = tg.lu_solve(tg.tensor(B[0, 0]), LU[0], pivots[0])  # the older argument order
    assert np.allclose(A[0] @ x.numpy(), B[0, 0])
    assert np.allclose(tg.tensor(B[0, 0]).lu_solve(LU[0], pivots[0]).numpy(), x.numpy())
    # a zero on U's diagonal: x₂ = 1/0 = inf, x₁ = (1 - 0·inf)/0 = nan, as LAPACK's getrs
    LU, pivots, _ = tg.linalg.lu_factor_ex(tg.zeros(2, 2))
    X = tg.linalg.lu_solve(LU, pivots, tg.ones(2, 1)).numpy()
    assert np.isnan(X[0, 0]) and X[1, 0] == np.inf


def test_lu_gradients_without_torch():
    """A = PLU, so Σ W∘(PLU) = Σ W∘A has gradient W, whatever the factors' own gradients are; and
    lu_solve(lu_factor(A), B) is A⁻¹B, whose gradient is tg.linalg.solve's."""
    for shape in [(3, 3), (2, 4, 4), (5, 3), (3, 5)]:
        A = tg.tensor(RNG.standard_normal(shape), requires_grad=True)
        W = RNG.standard_normal(shape)
        P, L, U = tg.linalg.lu(A)
        assert not P.requires_grad and L.requires_grad
        ((P @ L @ U) * tg.tensor(W)).sum().backward()
        assert np.allclose(A.grad.numpy(), W)
    a, b = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 2))
    grads = []
    for solver in (lambda A, B: tg.linalg.lu_solve(*tg.linalg.lu_factor(A), B), tg.linalg.solve):
        A, B = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
        (solver(A, B) ** 2).sum().backward()
        grads.append((A.grad.numpy(), B.grad.numpy()))
    assert np.allclose(grads[0][0], grads[1][0]) and np.allclose(grads[0][1], grads[1][1])


def test_lu_legacy_names_and_out():
    A = RNG.standard_normal((2, 3, 3))
    with pytest.warns(UserWarning, match="torch.lu is deprecated"):
        LU, pivots = tg.lu(A)
    assert np.array_equal(LU.numpy(), tg.linalg.lu_factor(A).LU.numpy())
    result = tg.lu(tg.zeros(2, 2), get_infos=True)  # no error for a singular matrix
    assert type(result).__name__ == "_lu_with_info" and result.info.item() == 1
    assert tg.tensor(A).lu(get_infos=True).info.tolist() == [0, 0]
    with pytest.warns(UserWarning, match="torch.lu_solve is deprecated"):
        tg.lu_solve(tg.ones(3, 1), LU[0], pivots[0])
    outs = (tg.empty(0), tg.empty(0, dtype=tg.int32))
    returned = tg.linalg.lu_factor(A, out=outs)
    assert returned.LU is outs[0] and outs[1].shape == (2, 3) and outs[1].dtype == np.int32
    assert np.array_equal(outs[0].numpy(), LU.numpy())
    with pytest.raises(RuntimeError, match="dtype"):
        tg.linalg.lu_factor(A, out=(tg.empty(0), tg.empty(0, dtype=tg.int64)))
    P, L, U = tg.lu_unpack(LU, pivots, unpack_data=False)
    assert P.shape == (2, 3, 3) and L.shape == (0,) and U.shape == (0,)
    P, L, U = tg.lu_unpack(LU, pivots, unpack_pivots=False)
    assert P.shape == (0,) and L.shape == (2, 3, 3)


def test_lu_errors():
    with pytest.raises(RuntimeError, match="LU without pivoting is not implemented on the CPU"):
        tg.linalg.lu_factor(tg.eye(3), pivot=False)
    with pytest.raises(RuntimeError, match=r"Expected tensor with 2 or more dimensions. Got size: \[3\]"):
        tg.linalg.lu_factor(tg.ones(3))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        tg.linalg.lu_factor(tg.tensor([[1, 2], [3, 4]]))
    LU, pivots = tg.linalg.lu_factor(tg.eye(3))
    with pytest.raises(RuntimeError, match="pivots should be a Tensor of scalar type torch.int32"):
        tg.linalg.lu_solve(LU, pivots.long(), tg.ones(3, 1))
    with pytest.raises(RuntimeError, match=r"Expected LU.shape\[:-1\] and pivots.shape to be the same"):
        tg.linalg.lu_solve(LU.expand(2, 3, 3), pivots, tg.ones(3, 1))
    with pytest.raises(RuntimeError, match="B must have at least 2 dimensions"):
        tg.linalg.lu_solve(LU, pivots, tg.ones(3))
    with pytest.raises(RuntimeError, match=r"Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x1\)"):
        tg.linalg.lu_solve(LU, pivots, tg.ones(4, 1))
    with pytest.raises(RuntimeError, match="Expected LU and B to have the same dtype, but found LU of type Double"):
        tg.linalg.lu_solve(LU, pivots, tg.ones(3, 1, dtype=tg.float32))
    with pytest.raises(RuntimeError, match="smaller or equal to LU.size"):
        tg.linalg.lu_solve(LU, tg.tensor(np.array([1, 5, 3], np.int32)), tg.ones(3, 1))
    with pytest.raises(RuntimeError, match="A must be batches of square matrices, but they are 3 by 4"):
        tg.linalg.lu_solve(tg.ones(3, 4), pivots, tg.ones(3, 1))
    with pytest.raises(RuntimeError, match="LU_pivots is expected to be a contiguous tensor of torch.int32"):
        tg.lu_unpack(LU, pivots.long())
    with pytest.raises(RuntimeError, match="must be between 1 and LU.size"):
        tg.lu_unpack(LU, tg.tensor(np.array([0, 2, 3], np.int32)))


# ---- the _ex forms -----------------------------------------------------------------------------

def test_inv_ex_and_solve_ex():
    A = RNG.standard_normal((2, 3, 3)) + 6 * np.eye(3)
    inverse, info = tg.linalg.inv_ex(A)
    assert np.array_equal(inverse.numpy(), tg.linalg.inv(A).numpy()) and info.tolist() == [0, 0]
    assert info.dtype == np.int32
    # [[1, 2], [2, 4]]: pivot row 2, l = 1/2, u₂₂ = 2 - 2 = 0; the LU solve gives ±inf
    inverse, info = tg.linalg.inv_ex(tg.tensor([[1.0, 2.0], [2.0, 4.0]]))
    assert info.item() == 2 and inverse.tolist() == [[-np.inf, np.inf], [np.inf, -np.inf]]
    inverse, info = tg.linalg.inv_ex(np.stack([np.eye(2), np.zeros((2, 2))]))
    assert info.tolist() == [0, 1] and inverse[0].tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert np.isnan(inverse[1, 0].numpy()).all() and inverse[1, 1, 1].item() == np.inf
    with pytest.raises(tg.linalg.LinAlgError, match=r"linalg.inv_ex: \(Batch element 1\): The diagonal element 1 "
                                                    r"is zero, the inversion could not be completed"):
        tg.linalg.inv_ex(np.stack([np.eye(2), np.zeros((2, 2))]), check_errors=True)
    B = RNG.standard_normal((3,))
    result, info = tg.linalg.solve_ex(A, B)
    assert result.shape == (2, 3) and np.allclose(np.einsum("bij,bj->bi", A, result.numpy()), B)
    assert tg.linalg.solve_ex(A, RNG.standard_normal((4, 1, 3, 1))).info.shape == (2,)
    result, info = tg.linalg.solve_ex(tg.tensor([[1.0, 2.0], [2.0, 4.0]]), tg.ones(2))
    assert info.item() == 2 and result.tolist() == [-np.inf, np.inf]
    with pytest.raises(tg.linalg.LinAlgError, match="solve_ex: The solver failed because the input matrix is"):
        tg.linalg.solve_ex(tg.zeros(2, 2), tg.ones(2), check_errors=True)
    with pytest.raises(TypeError):
        tg.linalg.solve_ex(tg.eye(2))  # (PyTorch's docstring example forgets B: it fails in torch too)
    with pytest.raises(RuntimeError, match="square matrices, but they are 2 by 3"):
        tg.linalg.inv_ex(tg.ones(2, 3))


def test_cholesky_ex_by_hand():
    """[[4, 2, 1], [2, -3, 1], [1, 1, 5]]: l₁₁ = 2, l₂₁ = 1, l₃₁ = 1/2; then a₂₂ - l₂₁² = -4 < 0:
    LAPACK's potf2 stores -4 and stops (info = 2), leaving the rest of A's lower triangle."""
    A = tg.tensor([[4.0, 2.0, 1.0], [2.0, -3.0, 1.0], [1.0, 1.0, 5.0]], requires_grad=True)
    L, info = tg.linalg.cholesky_ex(A)
    assert info.item() == 2 and L.tolist() == [[2.0, 0.0, 0.0], [1.0, -4.0, 0.0], [0.5, 1.0, 5.0]]
    assert tg.linalg.cholesky_ex(A, upper=True).L.tolist() == [[2.0, 1.0, 0.5], [0.0, -4.0, 1.0], [0.0, 0.0, 5.0]]
    with pytest.raises(NotImplementedError, match="cholesky_ex: the factorization failed"):
        L.sum().backward()
    with pytest.raises(tg.linalg.LinAlgError, match=r"cholesky_ex: \(Batch element 1\): .*leading minor of order 1"):
        tg.linalg.cholesky_ex(np.stack([np.eye(2), -np.eye(2)]), check_errors=True)
    S = np.array([[4.0, 2.0], [2.0, 3.0]])
    L, info = tg.linalg.cholesky_ex(S)
    assert info.item() == 0 and np.allclose(L.numpy(), [[2.0, 0.0], [1.0, np.sqrt(2.0)]])


# ---- LDLᵀ ----------------------------------------------------------------------------------------

def test_ldl_by_hand():
    LD, pivots = tg.linalg.ldl_factor(tg.tensor([[4.0, 2.0], [2.0, 3.0]]))  # D = diag(4, 2), l₂₁ = 1/2
    assert LD.tolist() == [[4.0, 0.0], [0.5, 2.0]] and pivots.tolist() == [1, 2] and pivots.dtype == np.int32
    # no diagonal entry can pivot (both 0): one 2×2 block after swapping rows/columns 2 and 3; then
    # L's row 3 = (1, 3) D⁻¹ = (1.5, 0.5) and d₃₃ = 0 - (1·1.5 + 3·0.5) = -3
    A = tg.tensor([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]])
    LD, pivots, info = tg.linalg.ldl_factor_ex(A)
    assert pivots.tolist() == [-3, -3, 3] and info.item() == 0
    assert np.allclose(LD.numpy(), [[0.0, 0.0, 0.0], [2.0, 0.0, 0.0], [1.5, 0.5, -3.0]])
    P = np.eye(3)[[0, 2, 1]]  # the swap of rows 2 and 3
    L = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.5, 0.5, 1.0]])
    D = np.array([[0.0, 2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, -3.0]])
    assert np.allclose(P.T @ L @ D @ L.T @ P, A.numpy())
    upper_ignored = tg.linalg.ldl_factor_ex(tg.tensor([[0.0, 9.0, 9.0], [1.0, 0.0, 9.0], [2.0, 3.0, 0.0]]))
    assert np.array_equal(upper_ignored.LD.numpy(), LD.numpy())


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_ldl_solve_solves_indefinite_systems(n):
    A = np.stack([_symmetric(n), _symmetric(n, indefinite=False)])
    LD, pivots, info = tg.linalg.ldl_factor_ex(A)
    B = RNG.standard_normal((2, n, 3))
    X = tg.linalg.ldl_solve(LD, pivots, B)
    assert info.tolist() == [0, 0] and np.allclose(A @ X.numpy(), B)
    assert np.allclose(np.triu(LD.numpy(), 1), 0)


def test_ldl_singular_errors_and_no_gradient():
    LD, pivots, info = tg.linalg.ldl_factor_ex(tg.zeros(3, 3))
    assert info.item() == 1 and pivots.tolist() == [1, 2, 3]
    with pytest.raises(tg.linalg.LinAlgError, match=r"ldl_factor: \(Batch element 0\): D\[1,1\] is exactly zero"):
        tg.linalg.ldl_factor(tg.zeros(1, 3, 3))
    with pytest.raises(RuntimeError, match="A must be batches of square matrices, but they are 3 by 4"):
        tg.linalg.ldl_factor(tg.zeros(3, 4))
    with pytest.raises(IndexError, match="Dimension out of range"):
        tg.linalg.ldl_solve(LD, pivots, tg.ones(3))
    with pytest.raises(RuntimeError, match="Incompatible matrix sizes for torch.linalg.ldl_solve"):
        tg.linalg.ldl_solve(LD, pivots, tg.ones(4, 1))
    with pytest.raises(RuntimeError, match=r"\|pivot\| <= LD.size\(-2\)"):
        tg.linalg.ldl_solve(LD, tg.tensor(np.array([1, 7, 3], np.int32)), tg.ones(3, 1))
    A = tg.tensor(_symmetric(3), requires_grad=True)
    LD, pivots = tg.linalg.ldl_factor(A)
    assert LD.requires_grad and not pivots.requires_grad
    with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_factor_ex is not implemented"):
        LD.sum().backward()
    B = tg.ones(3, 1, dtype=tg.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_solve is not implemented"):
        tg.linalg.ldl_solve(LD.detach(), pivots, B).sum().backward()


# ---- Householder QR --------------------------------------------------------------------------------

def test_geqrf_by_hand():
    """Column (3, 4): β = -5, τ = (β - α)/β = 1.6, v = (1, 4/(3 + 5)) = (1, 0.5); H = I - τvvᵀ
    takes column 2, (1, 2), to (-2.2, 0.4); the last column has nothing below: τ = 0."""
    a, tau = tg.geqrf(tg.tensor([[3.0, 1.0], [4.0, 2.0]]))
    assert np.allclose(a.numpy(), [[-5.0, -2.2], [0.5, 0.4]]) and np.allclose(tau.numpy(), [1.6, 0.0])
    a, tau = tg.geqrf(tg.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]))  # nothing to reflect: H = I
    assert a.tolist() == [[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]] and tau.tolist() == [0.0, 0.0]
    x = tg.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    a, tau = tg.geqrf(x)
    with pytest.raises(NotImplementedError, match="the derivative for 'geqrf' is not implemented"):
        a.sum().backward()


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 3), (5, 2), (2, 4)])
def test_householder_qr_reconstructs(shape):
    A = RNG.standard_normal(shape)
    a, tau = tg.geqrf(A)
    m, n = shape[-2:]
    k = min(m, n)
    R = np.triu(a.numpy())[..., :k, :]
    Q = tg.linalg.householder_product(a[..., :, :k], tau).numpy()
    assert np.allclose(Q @ R, A) and np.allclose(np.swapaxes(Q, -1, -2) @ Q, np.eye(k))
    assert np.allclose(tg.orgqr(a[..., :, :k], tau).numpy(), Q)
    # ormqr applies the full m×m Q without forming it
    C = RNG.standard_normal(shape[:-2] + (m, 2))
    full_q = tg.linalg.householder_product(
        np.concatenate([a.numpy()[..., :, :k], np.zeros(shape[:-2] + (m, m - k))], -1),
        np.concatenate([tau.numpy(), np.zeros(shape[:-2] + (m - k,))], -1)).numpy()
    qt = np.swapaxes(full_q, -1, -2)
    assert np.allclose(tg.ormqr(a, tau, C).numpy(), full_q @ C)
    assert np.allclose(tg.ormqr(a, tau, C, transpose=True).numpy(), qt @ C)
    Ct = np.swapaxes(C, -1, -2)
    assert np.allclose(tg.ormqr(a, tau, Ct, left=False).numpy(), Ct @ full_q)
    assert np.allclose(tg.tensor(a.numpy()).ormqr(tau, Ct, left=False, transpose=True).numpy(), Ct @ qt)
    assert np.allclose(tg.ormqr(a, tau, A, transpose=True).numpy()[..., :k, :], R)  # QᵀA = R


def test_householder_errors_and_no_reflectors():
    assert tg.linalg.householder_product(tg.ones(3, 2), tg.zeros(0)).tolist() == np.eye(3, 2).tolist()
    with pytest.raises(RuntimeError, match=r"input.shape\[-2\] must be greater than or equal to input.shape\[-1\]"):
        tg.linalg.householder_product(tg.ones(2, 3), tg.ones(2))
    with pytest.raises(RuntimeError, match=r"input.shape\[-1\] must be greater than or equal to tau.shape\[-1\]"):
        tg.linalg.householder_product(tg.ones(3, 2), tg.ones(3))
    with pytest.raises(RuntimeError, match="Expected tau to have one dimension less than input"):
        tg.linalg.householder_product(tg.ones(2, 3, 2), tg.ones(2))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        tg.geqrf(tg.tensor([[1, 2], [3, 4]]))
    with pytest.raises(RuntimeError, match=r"other.shape\[-2\] must be equal to input.shape\[-2\]"):
        tg.ormqr(tg.ones(4, 3), tg.ones(3), tg.ones(3, 2))
    with pytest.raises(RuntimeError, match=r"tau.shape\[-1\] must be equal to min"):
        tg.ormqr(tg.ones(4, 3), tg.ones(2), tg.ones(4, 2))
    with pytest.raises(RuntimeError, match="Expected other to have the same number of dimensions as input"):
        tg.ormqr(tg.ones(2, 4, 3), tg.ones(2, 3), tg.ones(4, 2))


# ---- triangular_solve ------------------------------------------------------------------------------

def test_triangular_solve():
    A = tg.tensor([[2.0, 1.0], [7.0, 4.0]])  # its lower part (7) is not read when upper=True
    solution, cloned = tg.triangular_solve(tg.tensor([[3.0], [4.0]]), A)
    assert solution.tolist() == [[1.0], [1.0]] and cloned.tolist() == A.tolist()
    cloned.data[0, 0] = 99.0  # a copy, not A
    assert A[0, 0].item() == 2.0
    lower = tg.triangular_solve(tg.tensor([[2.0], [11.0]]), A, upper=False).solution  # [[2, 0], [7, 4]]
    assert lower.tolist() == [[1.0], [1.0]]
    transposed = tg.triangular_solve(tg.tensor([[2.0], [5.0]]), A, transpose=True).solution  # [[2, 0], [1, 4]]
    assert transposed.tolist() == [[1.0], [1.0]]
    unit = tg.triangular_solve(tg.tensor([[3.0], [1.0]]), A, unitriangular=True).solution  # [[1, 1], [0, 1]]
    assert unit.tolist() == [[2.0], [1.0]]
    b, M = RNG.standard_normal((2, 1, 3, 2)), RNG.standard_normal((4, 3, 3))
    solution, cloned = tg.triangular_solve(b, M)
    assert solution.shape == (2, 4, 3, 2) and cloned.shape == (2, 4, 3, 3)
    assert np.allclose(np.triu(M) @ solution.numpy(), b)
    assert tg.tensor(b).triangular_solve(tg.tensor(M)).solution.tolist() == solution.tolist()
    with pytest.raises(RuntimeError, match="Expected b to have at least 2 dimensions, but it has 1"):
        tg.triangular_solve(tg.ones(3), tg.eye(3))
    with pytest.raises(RuntimeError, match="each A matrix is 3 by 3 but each b matrix is 4 by 1"):
        tg.triangular_solve(tg.ones(4, 1), tg.eye(3))
    with pytest.raises(RuntimeError, match="Expected b and A to have the same dtype, but found b of type Float"):
        tg.triangular_solve(tg.ones(3, 1, dtype=tg.float32), tg.eye(3))
    with pytest.warns(UserWarning, match="torch.triangular_solve is deprecated"):
        tg.triangular_solve(tg.ones(3, 1), tg.eye(3))


# ---- against PyTorch -----------------------------------------------------------------------------

def _t(torch, x):
    return torch.tensor(np.asarray(x))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (5, 3), (3, 5), (2, 3, 1, 2), (6, 6)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lu_against_torch(torch, shape, dtype):
    A = RNG.standard_normal(shape).astype(dtype)
    if shape == (6, 6):
        A = np.round(A)  # small integers: ties between candidate pivots, and exact zeros
    ours, theirs = tg.linalg.lu_factor_ex(A), torch.linalg.lu_factor_ex(_t(torch, A))
    assert np.array_equal(ours.pivots.numpy(), theirs.pivots.numpy())
    assert np.array_equal(ours.info.numpy(), theirs.info.numpy())
    assert ours.LU.dtype == dtype and np.allclose(ours.LU.numpy(), theirs.LU.numpy(), atol=1e-5)
    for mine, torchs in zip(tg.linalg.lu(A), torch.linalg.lu(_t(torch, A))):
        assert np.allclose(mine.numpy(), torchs.numpy(), atol=1e-5)
    for mine, torchs in zip(tg.lu_unpack(*tg.linalg.lu_factor_ex(A)[:2]),
                            torch.lu_unpack(*torch.linalg.lu_factor_ex(_t(torch, A))[:2])):
        assert np.allclose(mine.numpy(), torchs.numpy(), atol=1e-5)


def test_singular_lu_against_torch(torch):
    for A in (np.zeros((2, 2)), np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]], np.float32),
              np.stack([np.eye(3), np.outer([1.0, 2, 4], [1.0, 1, 2])])):
        ours, theirs = tg.linalg.lu_factor_ex(A), torch.linalg.lu_factor_ex(_t(torch, A))
        assert np.array_equal(ours.info.numpy(), theirs.info.numpy())
        assert np.array_equal(ours.pivots.numpy(), theirs.pivots.numpy())
        assert np.allclose(ours.LU.numpy(), theirs.LU.numpy())
        with pytest.raises(RuntimeError) as mine:
            tg.linalg.lu_factor(A)
        with pytest.raises(RuntimeError) as torchs:
            torch.linalg.lu_factor(_t(torch, A))
        assert str(torchs.value) in str(mine.value)


def _compare_gradients(torch, ours, theirs, *arrays):
    """Values and the gradient of Σ W∘outputs, for the same inputs and weights."""
    mine = [tg.tensor(a, requires_grad=True) for a in arrays]
    torchs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, out_t = ours(*mine), theirs(*torchs)
    out = out if isinstance(out, tuple) else (out,)
    out_t = out_t if isinstance(out_t, tuple) else (out_t,)
    weights = [RNG.standard_normal(o.shape) for o in out]
    sum((o * tg.tensor(w)).sum() for o, w in zip(out, weights)).backward()
    sum((o * torch.tensor(w)).sum() for o, w in zip(out_t, weights)).backward()
    for o, o_t in zip(out, out_t):
        assert np.allclose(o.detach().numpy(), o_t.detach().numpy())
    for x, x_t in zip(mine, torchs):
        assert np.allclose(x.grad.numpy(), x_t.grad.numpy())


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (5, 3), (3, 5)])
def test_lu_gradients_against_torch(torch, shape):
    A = RNG.standard_normal(shape)
    _compare_gradients(torch, lambda x: tg.linalg.lu_factor(x).LU, lambda x: torch.linalg.lu_factor(x).LU, A)
    _compare_gradients(torch, lambda x: tuple(tg.linalg.lu(x))[1:], lambda x: tuple(torch.linalg.lu(x))[1:], A)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
def test_lu_solve_gradients_against_torch(torch, left, adjoint):
    A, B = RNG.standard_normal((2, 3, 3)), RNG.standard_normal((3, 2) if left else (2, 3))
    _compare_gradients(torch, lambda a, b: tg.linalg.lu_solve(*tg.linalg.lu_factor(a), b, left=left, adjoint=adjoint),
                       lambda a, b: torch.linalg.lu_solve(*torch.linalg.lu_factor(a), b, left=left, adjoint=adjoint),
                       A, B)
    pivots = np.array([[3, 3, 3], [2, 2, 3]], np.int32)  # the gradient for LU itself
    _compare_gradients(torch, lambda lu, b: tg.linalg.lu_solve(lu, tg.tensor(pivots), b, left=left, adjoint=adjoint),
                       lambda lu, b: torch.linalg.lu_solve(lu, torch.tensor(pivots), b, left=left, adjoint=adjoint),
                       A + 4 * np.eye(3), B)


def test_ex_forms_against_torch(torch):
    S = RNG.standard_normal((2, 3, 3))
    S = S @ np.swapaxes(S, -1, -2) + np.eye(3)
    _compare_gradients(torch, lambda x: tg.linalg.cholesky_ex(x, upper=True).L,
                       lambda x: torch.linalg.cholesky_ex(x, upper=True).L, S)
    _compare_gradients(torch, lambda x: tg.linalg.inv_ex(x).inverse, lambda x: torch.linalg.inv_ex(x).inverse, S)
    _compare_gradients(torch, lambda x, y: tg.linalg.solve_ex(x, y, left=False).result,
                       lambda x, y: torch.linalg.solve_ex(x, y, left=False).result, S, RNG.standard_normal((4, 3)))
    singular = [np.zeros((2, 2)), np.array([[1.0, 2.0], [2.0, 4.0]]), np.stack([np.eye(2), np.zeros((2, 2))])]
    for A in singular:
        mine, theirs = tg.linalg.inv_ex(A), torch.linalg.inv_ex(_t(torch, A))
        assert np.array_equal(mine.info.numpy(), theirs.info.numpy())
        assert np.allclose(mine.inverse.numpy(), theirs.inverse.numpy(), equal_nan=True)
        mine, theirs = tg.linalg.solve_ex(A, np.ones(2)), torch.linalg.solve_ex(_t(torch, A), torch.ones(2,
                                                                                                     dtype=torch.float64))
        assert np.allclose(mine.result.numpy(), theirs.result.numpy(), equal_nan=True)
    for trial in range(20):  # factors that stop part way: the failing column and the rest of A
        n = 2 + trial % 7
        x = RNG.standard_normal((n, n))
        A = x @ x.T + 0.1 * np.eye(n)
        A[trial % n, trial % n] -= 3 * A[trial % n, trial % n]
        (L, info), (L_t, info_t) = tg.linalg.cholesky_ex(A), torch.linalg.cholesky_ex(_t(torch, A))
        assert info.item() == info_t.item() > 0 and np.allclose(L.numpy(), L_t.numpy(), equal_nan=True)
    for check in ((lambda m: m.linalg.inv_ex, [np.eye(2), np.zeros((2, 2))]),
                  (lambda m: m.linalg.cholesky_ex, [np.eye(2), -np.eye(2)])):
        fn, batch = check
        with pytest.raises(tg.linalg.LinAlgError) as mine:
            fn(tg)(np.stack(batch), check_errors=True)
        with pytest.raises(torch.linalg.LinAlgError) as torchs:
            fn(torch)(_t(torch, np.stack(batch)), check_errors=True)
        assert str(torchs.value) in str(mine.value)


def test_ldl_against_torch(torch):
    two_by_two = 0
    for trial in range(60):
        n = 1 + trial % 8
        A = _symmetric(n, indefinite=trial % 3 != 0)
        if trial % 5 == 0:
            A = np.round(A)
            A[np.arange(n), np.arange(n)] = 0  # an indefinite matrix with a zero diagonal
        mine, theirs = tg.linalg.ldl_factor_ex(A), torch.linalg.ldl_factor_ex(_t(torch, A))
        assert np.array_equal(mine.pivots.numpy(), theirs.pivots.numpy()), A
        assert mine.info.item() == theirs.info.item()
        assert np.allclose(mine.LD.numpy(), theirs.LD.numpy())
        two_by_two += (mine.pivots.numpy() < 0).any()
        if mine.info.item() == 0:
            B = RNG.standard_normal((n, 2))
            X, X_t = tg.linalg.ldl_solve(mine.LD, mine.pivots, B), torch.linalg.ldl_solve(theirs.LD, theirs.pivots,
                                                                                        _t(torch, B))
            assert np.allclose(X.numpy(), X_t.numpy())
    assert two_by_two > 10  # the 2×2 blocks were exercised
    # neither has a derivative
    A = torch.tensor(_symmetric(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_factor_ex is not implemented"):
        torch.linalg.ldl_factor(A).LD.sum().backward()


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 3), (2, 4), (3, 1)])
def test_householder_against_torch(torch, shape):
    A = RNG.standard_normal(shape)
    (a, tau), (a_t, tau_t) = tg.geqrf(A), torch.geqrf(_t(torch, A))
    assert np.allclose(a.numpy(), a_t.numpy()) and np.allclose(tau.numpy(), tau_t.numpy())
    m, n = shape[-2:]
    if m >= n:
        _compare_gradients(torch, tg.linalg.householder_product, torch.linalg.householder_product, a.numpy(),
                           tau.numpy())
    for left in (True, False):
        for transpose in (True, False):
            C = RNG.standard_normal(shape[:-2] + ((m, 2) if left else (2, m)))
            _compare_gradients(torch, lambda x, t, c: tg.ormqr(x, t, c, left, transpose),
                               lambda x, t, c: torch.ormqr(x, t, c, left, transpose), a.numpy(), tau.numpy(), C)
    with pytest.raises(NotImplementedError, match="the derivative for 'geqrf' is not implemented"):
        torch.geqrf(torch.tensor(A, requires_grad=True)).a.sum().backward()


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
@pytest.mark.parametrize("unitriangular", [True, False])
def test_triangular_solve_against_torch(torch, upper, transpose, unitriangular):
    A, b = RNG.standard_normal((2, 3, 3)) + 3 * np.eye(3), RNG.standard_normal((4, 1, 3, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _compare_gradients(torch, lambda x, y: tuple(tg.triangular_solve(x, y, upper, transpose, unitriangular)),
                           lambda x, y: tuple(torch.triangular_solve(x, y, upper, transpose, unitriangular)), b, A)


def test_error_messages_against_torch(torch):
    eye, piv = np.eye(3), np.array([1, 2, 3], np.int32)
    cases = [
        ("linalg.lu_solve", lambda m: m.linalg.lu_solve(m.tensor(eye), m.tensor(piv), m.tensor(np.ones((4, 1))))),
        ("linalg.lu_solve", lambda m: m.linalg.lu_solve(m.tensor(eye), m.tensor(piv[:2]), m.tensor(np.ones((3, 1))))),
        ("linalg.lu_solve", lambda m: m.linalg.lu_solve(m.tensor(eye), m.tensor(piv), m.tensor(np.ones((3, 1),
                                                                                                         np.float32)))),
        ("ldl_solve", lambda m: m.linalg.ldl_solve(m.tensor(eye), m.tensor(piv), m.tensor(np.ones((4, 1))))),
        ("householder", lambda m: m.linalg.householder_product(m.tensor(np.ones((2, 3))), m.tensor(np.ones(2)))),
        ("ormqr", lambda m: m.ormqr(m.tensor(np.ones((4, 3))), m.tensor(np.ones(2)), m.tensor(np.ones((4, 2))))),
        ("geqrf", lambda m: m.geqrf(m.tensor(np.ones(3)))),
        ("lu_factor", lambda m: m.linalg.lu_factor(m.tensor(np.ones((2, 2), np.int64)))),
        ("inv_ex", lambda m: m.linalg.inv_ex(m.tensor(np.ones((2, 3))))),
    ]
    for name, call in cases:
        with pytest.raises(Exception) as torchs:
            call(torch)
        with pytest.raises(type(torchs.value)) as mine:
            call(tg)
        words = str(torchs.value).split(" (")[0].split(".Did")[0]
        assert words.split(":")[-1].strip()[:40] in str(mine.value), (name, str(mine.value), str(torchs.value))


# ---- PyTorch's docstring examples (real dtypes), same inputs through both ---------------------------

def test_docstring_examples_against_torch(torch):
    def run(m, A, B1, B2, B3):
        LU, pivots = m.linalg.lu_factor(A)                         # linalg.lu_factor
        X1, X2 = m.linalg.lu_solve(LU, pivots, B1), m.linalg.lu_solve(LU, pivots, B2)
        assert m.allclose(A @ X1, B1) and m.allclose(A @ X2, B2)
        P, L, U = m.lu_unpack(LU, pivots)                          # lu_unpack
        assert m.allclose(A, P @ L @ U)
        x = m.lu_solve(B3, LU, pivots)                             # lu_solve (older order)
        A_LU, piv, info = m.lu(A, get_infos=True)                  # lu
        Ainv, info2 = m.linalg.inv_ex(A)                           # linalg.inv_ex
        h, tau = m.geqrf(A[0])                                     # geqrf + householder_product
        Q = m.linalg.householder_product(h, tau)
        assert m.dist(Q, m.linalg.qr(A[0]).Q) < 1e-10
        S = A @ A.mT                                               # linalg.ldl_factor(_ex) / ldl_solve
        LD, ldl_pivots, ldl_info = m.linalg.ldl_factor_ex(S)
        Y = m.linalg.ldl_solve(LD, ldl_pivots, B2)
        assert m.linalg.norm(S @ Y - B2) < 1e-10
        T = A[0].triu()                                             # triangular_solve
        solution, cloned = m.triangular_solve(B1[0], T)
        return [LU, pivots, X1, X2, P, L, U, x, A_LU, piv, info, Ainv, info2, h, tau, Q, LD, ldl_pivots, ldl_info, Y,
                solution, cloned]

    arrays = [RNG.standard_normal(s) for s in [(2, 3, 3), (2, 3, 4), (2, 3, 7), (2, 3, 1)]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine = run(tg, *[tg.tensor(a) for a in arrays])
        torchs = run(torch, *[torch.tensor(a) for a in arrays])
    for ours, theirs in zip(mine, torchs):
        assert ours.shape == tuple(theirs.shape) and np.allclose(ours.numpy(), theirs.numpy())
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    # linalg.lu's example, on a tall matrix
    A = RNG.standard_normal((3, 2))
    for ours, theirs in zip(tg.linalg.lu(A), torch.linalg.lu(_t(torch, A))):
        assert np.allclose(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("module", ["lu", "lu_solve", "lu_unpack", "ex", "ldl", "householder", "triangular_solve"])
def test_docstring_examples_of_the_modules(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"tinygrad_edu.linalg.{module}"),
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
