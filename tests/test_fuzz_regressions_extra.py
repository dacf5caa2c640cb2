"""Regressions found by the third round of the differential fuzz (tests/fuzz/optable_extra.py).
Each test checks the property without PyTorch (by hand or numpy), and against PyTorch where it
is installed."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg

try:
    import torch
except ImportError:  # the hand checks still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


# ---- linalg.matrix_power(A, 0): the identity, still attached to A -------------------------------


def test_matrix_power_zero_keeps_requires_grad_and_gives_zero_gradient():
    a = tg.tensor(np.arange(8.0).reshape(2, 2, 2), requires_grad=True)
    p = tg.linalg.matrix_power(a, 0)
    np.testing.assert_array_equal(p.numpy(), np.broadcast_to(np.eye(2), (2, 2, 2)))
    assert p.requires_grad  # as PyTorch: A⁰ is computed from A (d/dA of a constant is 0)
    (p * 3.0).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.zeros((2, 2, 2)))
    # a matrix that does not require grad gives a plain identity
    assert not tg.linalg.matrix_power(tg.ones(2, 2), 0).requires_grad


@needs_torch
def test_matrix_power_zero_matches_torch():
    t = torch.linalg.matrix_power(torch.ones(2, 2, dtype=torch.float64, requires_grad=True), 0)
    ours = tg.linalg.matrix_power(tg.ones(2, 2, requires_grad=True), 0)
    assert ours.requires_grad == t.requires_grad
    np.testing.assert_array_equal(ours.numpy(), t.detach().numpy())


# ---- tensordot over an empty contracted dim -----------------------------------------------------


@pytest.mark.parametrize("a_shape, b_shape, dims, out_shape", [
    ((0, 0), (0, 2), ([-1], [0]), (0, 2)),
    ((3, 0), (0, 2), 1, (3, 2)),
    ((2, 0, 0), (0, 0), 2, (2,)),
])
def test_tensordot_over_an_empty_dim_is_zeros(a_shape, b_shape, dims, out_shape):
    a = tg.zeros(*a_shape, requires_grad=True)
    b = tg.zeros(*b_shape, requires_grad=True)
    out = tg.tensordot(a, b, dims=dims)
    # a sum over no terms is 0 (numpy agrees)
    expected = np.tensordot(np.zeros(a_shape), np.zeros(b_shape), axes=dims)
    assert out.shape == out_shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)
    out.sum().backward()
    assert a.grad.shape == a_shape and b.grad.shape == b_shape
    if torch is not None:
        ta = torch.zeros(*a_shape, dtype=torch.float64)
        tb = torch.zeros(*b_shape, dtype=torch.float64)
        assert tuple(torch.tensordot(ta, tb, dims=dims).shape) == out_shape


@pytest.mark.parametrize("a_shape, b_shape", [((2, 0, 0), (1, 0)), ((3, 0), (2, 0)), ((0,), (0,))])
def test_inner_over_an_empty_last_dim_is_zeros(a_shape, b_shape):
    out = tg.inner(tg.zeros(*a_shape), tg.zeros(*b_shape))
    expected = np.inner(np.zeros(a_shape), np.zeros(b_shape))
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)


# ---- linalg.slogdet: the sign is attached to A (with a zero gradient), as in PyTorch -------------


def test_slogdet_sign_requires_grad_and_adds_nothing_to_the_gradient():
    a = tg.tensor([[4.0, 1.0], [1.0, 4.0]], requires_grad=True)
    sign, logabsdet = tg.linalg.slogdet(a)
    assert sign.requires_grad and logabsdet.requires_grad
    assert sign.item() == 1.0
    (sign * 5.0 + logabsdet).backward()
    # d log|det A| / dA = A⁻ᵀ = [[4, -1], [-1, 4]] / 15; the sign contributes 0
    np.testing.assert_allclose(a.grad.numpy(), np.array([[4.0, -1.0], [-1.0, 4.0]]) / 15, rtol=1e-12)
    assert not tg.linalg.slogdet(tg.eye(2))[0].requires_grad
    b = tg.tensor([[4.0, 1.0], [1.0, 4.0]], requires_grad=True)
    (tg.linalg.slogdet(b)[0] * 2.0).backward()  # only the sign: no gradient reaches b, as in PyTorch
    assert b.grad is None
    if torch is not None:
        t = torch.tensor([[4.0, 1.0], [1.0, 4.0]], requires_grad=True)
        t_sign = torch.linalg.slogdet(t)[0]
        assert t_sign.requires_grad
        (t_sign * 2.0).backward()
        assert t.grad is None


# ---- index_select: the result is laid out in order, so view() works as in PyTorch ---------------


def test_index_select_result_is_contiguous_and_views():
    x = tg.tensor(np.arange(3.0).reshape(3, 1), requires_grad=True)
    picked = x.index_select(1, tg.tensor([0, 0, 0]))
    assert picked.is_contiguous()
    viewed = picked.expand(1, -1, -1).view(9, -1)  # refused before: the rows were column-major
    np.testing.assert_array_equal(viewed.numpy().reshape(-1), np.repeat(np.arange(3.0), 3))
    viewed.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((3, 1), 3.0))  # each entry picked 3 times
    if torch is not None:
        t = torch.arange(3.0).reshape(3, 1).index_select(1, torch.tensor([0, 0, 0]))
        assert t.is_contiguous() and tuple(t.expand(1, -1, -1).view(9, -1).shape) == (9, 1)


# ---- scatter_reduce amax/amin: a nan in the reduction gives nan ---------------------------------


@pytest.mark.parametrize("reduce", ["amin", "amax"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_extreme_propagates_nan(reduce, include_self):
    x = np.array([1.0, np.nan, 3.0])
    src = np.array([2.0, np.nan])
    idx = np.array([1, 2])
    out = tg.tensor(x).scatter_reduce(0, tg.tensor(idx), tg.tensor(src), reduce, include_self=include_self)
    # position 0 is untouched; 1 reduces self's nan (if included) with 2.0; 2 reduces 3.0 (if included) with nan
    expected = np.array([1.0, np.nan if include_self else 2.0, np.nan])
    np.testing.assert_array_equal(out.numpy(), expected)  # (it was 0 where the result was nan)
    if torch is not None:
        t = torch.tensor(x).scatter_reduce(0, torch.tensor(idx), torch.tensor(src), reduce, include_self=include_self)
        np.testing.assert_array_equal(t.numpy(), expected)


# ---- quantile 'lower'/'higher'/'nearest' pick a value: an inf stays inf --------------------------


@pytest.mark.parametrize("interpolation", ["lower", "higher", "nearest"])
def test_quantile_picking_interpolations_keep_inf(interpolation):
    x = np.array([[1.0, 1.0], [1.0, np.inf]])
    for fn in ("quantile", "nanquantile"):
        out = getattr(tg.tensor(x), fn)(1.0, interpolation=interpolation)
        assert out.item() == np.inf  # the largest value is inf (was nan: inf + (inf - inf)·0)
        np.testing.assert_array_equal(getattr(np, fn)(x, 1.0, method=interpolation), np.inf)
        if torch is not None:
            assert getattr(torch.tensor(x), fn)(1.0, interpolation=interpolation).item() == np.inf
    y = tg.tensor(x, requires_grad=True)
    y.quantile(1.0, dim=0, interpolation=interpolation).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [[0.0, 0.0], [1.0, 1.0]])  # the picked row gets it


# ---- cholesky_solve: B is a matrix, its batch dims broadcast with L's -----------------------------


@pytest.mark.parametrize("l_shape, b_shape, out_shape", [
    ((1, 1, 1), (1, 1), (1, 1, 1)), ((2, 3, 3), (3, 2), (2, 3, 2)), ((2, 2, 2), (2, 2), (2, 2, 2)),
])
def test_cholesky_solve_broadcasts_a_matrix_b(l_shape, b_shape, out_shape):
    L = tg.eye(l_shape[-1]).expand(*l_shape) * 2.0
    out = tg.cholesky_solve(tg.ones(*b_shape), L)
    assert out.shape == out_shape
    np.testing.assert_allclose(out.numpy(), np.full(out_shape, 0.25), rtol=1e-15)  # (2I·2I)⁻¹·1 = 1/4
    if torch is not None:
        t = torch.cholesky_solve(torch.ones(*b_shape), torch.eye(l_shape[-1]).expand(*l_shape) * 2.0)
        assert tuple(t.shape) == out_shape


# ---- error types as PyTorch's ----------------------------------------------------------------------


def test_kthvalue_of_an_empty_dim_and_diag_embed_of_0d_raise_index_error():
    with pytest.raises(IndexError, match="empty"):
        tg.zeros(0).kthvalue(1, 0)
    with pytest.raises(IndexError, match="0-d"):
        tg.diag_embed(tg.tensor(1.0))
    if torch is not None:
        with pytest.raises(IndexError):
            torch.zeros(0).kthvalue(1, 0)
        with pytest.raises(IndexError):
            torch.diag_embed(torch.tensor(1.0))


# ---- index_reduce of bool tensors: as PyTorch, with include_self=True (not 'mean') ---------------


@pytest.mark.filterwarnings("ignore:index_reduce")
def test_index_reduce_of_bools():
    x = tg.tensor([[True, False], [False, False]])
    src = tg.tensor([[True, False], [False, False]])
    idx = tg.tensor([1, 1])
    # column 1 combines self's column 1 with both source columns: amax = any, amin/prod = all
    np.testing.assert_array_equal(x.index_reduce(1, idx, src, "amax").numpy(), [[True, True], [False, False]])
    np.testing.assert_array_equal(x.index_reduce(1, idx, src, "amin").numpy(), [[True, False], [False, False]])
    np.testing.assert_array_equal(x.index_reduce(1, idx, src, "prod").numpy(), [[True, False], [False, False]])
    with pytest.raises(NotImplementedError):
        x.index_reduce(1, idx, src, "amax", include_self=False)
    with pytest.raises(NotImplementedError):
        x.index_reduce(1, idx, src, "mean")


# ---- mvlgamma lets a nan through (its result is nan), as PyTorch ----------------------------------


def test_mvlgamma_of_nan_is_nan_not_an_error():
    out = tg.tensor([float("nan"), 1.0]).mvlgamma(2)
    # log Γ₂(1) = log π / 2 + lgamma(1) + lgamma(1/2) = log π / 2 + log √π = log π
    assert np.isnan(out[0].item())
    np.testing.assert_allclose(out[1].item(), np.log(np.pi), rtol=1e-14)
    with pytest.raises(RuntimeError, match="greater than"):
        tg.tensor([0.5, 1.0]).mvlgamma(2)  # (p - 1) / 2 = 0.5 itself is outside the domain
    if torch is not None:
        t = torch.tensor([float("nan"), 1.0], dtype=torch.float64).mvlgamma(2)
        np.testing.assert_allclose(t.numpy(), out.numpy(), rtol=1e-14)


# ---- block_diag: a 1-D tensor is one row, also when empty ------------------------------------------


def test_block_diag_of_an_empty_vector_is_an_empty_row():
    x = tg.tensor([[1.0], [2.0]], requires_grad=True)
    out = tg.block_diag(tg.zeros(0), x)  # blocks 1 x 0 and 2 x 1: x sits in rows 1 and 2
    np.testing.assert_array_equal(out.numpy(), [[0.0], [1.0], [2.0]])
    (out * tg.tensor([[0.25], [-1.25], [2.25]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[-1.25], [2.25]])
    if torch is not None:
        np.testing.assert_array_equal(torch.block_diag(torch.zeros(0), torch.tensor([[1.0], [2.0]])).numpy(),
                                      out.numpy())


# ---- quantile 'linear'/'midpoint' next to an infinite value: ±inf, as PyTorch's lerp -----------------


def test_quantile_midpoint_between_minus_inf_and_a_number_is_minus_inf():
    x = tg.tensor([[1.0, 1.0, 1.0], [-np.inf, 1.0, 1.0]])
    out = x.nanquantile(0.3, dim=-1, interpolation="midpoint")
    # row 1 sorted is (-inf, 1, 1); rank 0.6 lies between -inf and 1: their midpoint is -inf (was nan)
    np.testing.assert_array_equal(out.numpy(), [1.0, -np.inf])
    if torch is not None:
        t = torch.tensor(x.numpy()).nanquantile(0.3, dim=-1, interpolation="midpoint")
        np.testing.assert_array_equal(t.numpy(), out.numpy())


# ---- logcumsumexp: the result is laid out in order, so view() works as in PyTorch ------------------


def test_logcumsumexp_result_views():
    x = tg.zeros(2, 3, 3)
    out = x.logcumsumexp(0)
    assert out.is_contiguous()
    np.testing.assert_allclose(out.view(6, 3).numpy()[3:], np.full((3, 3), np.log(2.0)), rtol=1e-15)


# ---- mode of an integer tensor with no rows: an empty result ----------------------------------------


def test_mode_of_an_integer_tensor_with_an_empty_other_dim():
    values, indices = tg.mode(tg.zeros(2, 3, 0, dtype=tg.int64), 0)  # was a numpy ValueError (max of nothing)
    assert values.shape == indices.shape == (3, 0)
    assert values.dtype == tg.int64 and indices.dtype == tg.int64
    if torch is not None:
        assert tuple(torch.mode(torch.zeros(2, 3, 0, dtype=torch.int64), 0)[0].shape) == (3, 0)


# ---- special.xlog1py: at x = 0 the gradient for x is log1p(y), as for xlogy --------------------------


def test_xlog1py_gradient_at_zero_x():
    x = tg.tensor([0.0, -0.0, 2.0, 0.0], requires_grad=True)
    y = tg.tensor([1.0, 1.0, 0.5, -2.0], requires_grad=True)
    out = tg.special.xlog1py(x, y)
    np.testing.assert_allclose(out.numpy(), [0.0, 0.0, 2.0 * np.log1p(0.5), 0.0], rtol=1e-15)
    out.sum().backward()
    # ∂/∂x = log1p(y) (was 0 at x = 0), 0 where y <= -1 (log1p is not finite); ∂/∂y = x / (1 + y)
    np.testing.assert_allclose(x.grad.numpy(), [np.log(2.0), np.log(2.0), np.log1p(0.5), 0.0], rtol=1e-15)
    np.testing.assert_allclose(y.grad.numpy(), [0.0, 0.0, 2.0 / 1.5, 0.0], rtol=1e-15)
    # second order: ∂²/∂x∂y = 1 / (1 + y), also at x = 0
    x0 = tg.tensor(0.0, requires_grad=True)
    y0 = tg.tensor(1.0, requires_grad=True)
    gx, = tg.grad(tg.special.xlog1py(x0, y0), [x0], create_graph=True)
    gxy, = tg.grad(gx, [y0])
    assert gxy.item() == 0.5
    if torch is not None:
        tx = torch.tensor([0.0, -0.0, 2.0, 0.0], dtype=torch.float64, requires_grad=True)
        torch.special.xlog1py(tx, torch.tensor([1.0, 1.0, 0.5, -2.0], dtype=torch.float64)).sum().backward()
        np.testing.assert_allclose(tx.grad.numpy(), x.grad.numpy(), rtol=1e-15)


# ---- digamma (and lgamma's gradient) at tiny negative x ---------------------------------------------


def test_digamma_at_tiny_negative_x_is_minus_one_over_x():
    # ψ(x) = -1/x - γ + O(x) near 0: 1e30 at x = -1e-30 (was 3e16, from cot π(1 - 1e-30) in float64)
    out = tg.digamma(tg.tensor([-1e-30, -1e-10]))
    np.testing.assert_allclose(out.numpy(), [1e30 - np.euler_gamma, 1e10 - np.euler_gamma], rtol=1e-12)
    x = tg.tensor([-1e-30], dtype=tg.float32, requires_grad=True)
    tg.lgamma(x).sum().backward()  # d lgamma / dx = ψ(x)
    np.testing.assert_allclose(x.grad.numpy(), [1e30], rtol=1e-6)
    if torch is not None:
        np.testing.assert_allclose(torch.digamma(torch.tensor([-1e-30, -1e-10], dtype=torch.float64)).numpy(),
                                   out.numpy(), rtol=1e-12)
