"""Regressions found by the fifth round of the differential fuzz (tests/fuzz/optable_rest.py, the
registry names the first four tables never drew). Each test checks the property without PyTorch
(by hand, with an independent formula, or by gradcheck), and against PyTorch where it is installed."""
from __future__ import annotations

import math
import threading
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

try:
    import torch
except ImportError:  # the hand checks still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


# ---- igamma/igammac with a huge a near x: the series ran ~9·sqrt(a) steps (forever at 1e30) --------


def _finishes(fn, seconds: float = 20.0):
    """fn()'s result, failing if it has not returned after `seconds` (the old code never did)."""
    box = []
    worker = threading.Thread(target=lambda: box.append(fn()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert box, f"did not finish within {seconds} s"
    return box[0]


def test_igammac_of_huge_equal_arguments_finishes_and_is_one_half():
    # Q(a, a) = 1/2 + 1/(3·sqrt(2πa)) + O(1/a) (Temme): 0.5 to double precision for a = 1e30
    a = tg.tensor([1e30, 1e200])
    q = _finishes(lambda: a.igammac(a))
    np.testing.assert_allclose(q.numpy(), [0.5, 0.5], rtol=1e-15)
    p = _finishes(lambda: tg.igamma(a, a))
    np.testing.assert_allclose(p.numpy(), [0.5, 0.5], rtol=1e-15)


def test_igammac_near_the_diagonal_for_huge_a_is_the_erfc_limit():
    # x = a(1 + μ) with μ·sqrt(a) of order 1: Q → erfc(μ·sqrt(a/2))/2 as a → ∞ (DLMF 8.12.3)
    a = 1e30
    x = a * (1 + 1e-15)
    mu = (x - a) / a
    q = _finishes(lambda: tg.special.gammaincc(tg.tensor(a), tg.tensor(x)))
    assert q.item() == pytest.approx(0.5 * math.erfc(mu * math.sqrt(a / 2)), rel=1e-12)


def test_igamma_tiny_lower_tail_for_large_a():
    # P(1e8, 0.999e8) from its series x^a e^-x/Γ(a+1) Σ xⁿ/((a+1)...(a+n)) summed in 30-digit
    # arithmetic (mpmath): 7.369931066896994e-24. (PyTorch 2.13 gives 6.41e-24: its Cephes port stops
    # the series after 2000 terms, about 9·sqrt(a) = 90000 too few; not compared with it here.)
    p = _finishes(lambda: tg.igamma(tg.tensor(1e8), tg.tensor(0.999e8)))
    assert p.item() == pytest.approx(7.369931066896994e-24, rel=1e-10)


def test_igammac_gradient_in_x_for_large_a():
    a = tg.tensor([2e4, 2e4, 2e4, 3e5])
    x = tg.tensor([1.9e4, 2e4 - 10, 2.05e4, 3e5 + 300], requires_grad=True)
    assert tg.gradcheck(lambda x: tg.special.gammaincc(a, x), (x,), eps=1e-3, atol=1e-8)


@needs_torch
def test_igamma_large_a_matches_torch():
    a = np.array([1e30, 2e4, 2e4, 3e5, 1e6])
    x = np.array([1e30, 1.9e4, 2.05e4, 3e5 + 300, 0.99e6])
    for ours, theirs in ((tg.igamma, torch.igamma), (tg.igammac, torch.igammac)):
        got = _finishes(lambda: ours(tg.tensor(a), tg.tensor(x)).numpy())
        np.testing.assert_allclose(got, theirs(torch.tensor(a), torch.tensor(x)).numpy(), rtol=1e-9)


# ---- shape and function forms ---------------------------------------------------------------------


def test_diff_of_order_zero_ignores_prepend_and_append():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    d = tg.diff(x, n=0, prepend=tg.tensor([5.0]), append=tg.tensor([7.0, 8.0]))
    np.testing.assert_array_equal(d.numpy(), [1.0, 2.0])  # a copy of x (PyTorch: CopyBackwards)
    assert d.requires_grad and d is not x
    with pytest.raises(RuntimeError, match="same number of dims"):  # (still checked, as PyTorch)
        tg.diff(x, n=0, prepend=tg.tensor([[5.0]]))


def test_rmatmul_with_a_tensor_keeps_the_graph():
    a = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = tg.tensor([[1.0], [-1.0]], requires_grad=True)
    out = b.__rmatmul__(a)  # a @ b
    np.testing.assert_array_equal(out.numpy(), [[-1.0], [-1.0]])
    assert out.requires_grad
    out.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [[1.0, -1.0], [1.0, -1.0]])  # d/da Σ a@b = 1·bᵀ
    np.testing.assert_array_equal(b.grad.numpy(), [[4.0], [6.0]])  # column sums of a


def test_concatenate_takes_dim():
    a = tg.tensor([[1.0], [2.0]])
    np.testing.assert_array_equal(tg.concatenate([a, a], dim=1).numpy(), [[1.0, 1.0], [2.0, 2.0]])
    np.testing.assert_array_equal(tg.concatenate([a, a], axis=0).numpy(), [[1.0], [2.0], [1.0], [2.0]])


def test_take_along_dim_without_dim_refuses_out_of_range_and_negative_indices():
    x = tg.tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.take_along_dim(tg.tensor([2, 0])).numpy(), [3.0, 1.0])
    for bad in ([3], [-1]):  # (gather on the flattened tensor: PyTorch's RuntimeError, negatives too)
        with pytest.raises(RuntimeError, match="out of bounds"):
            x.take_along_dim(tg.tensor(bad))
    with pytest.raises(RuntimeError, match="out of bounds"):
        tg.zeros(0, 1).take_along_dim(tg.tensor([0]))


def test_interpolate_result_is_laid_out_in_order_for_as_strided():
    x = tg.tensor([[[[1.0, 2.0]]]])
    y = F.interpolate(x, scale_factor=2.0, mode="nearest")  # (1, 1, 2, 4)
    np.testing.assert_array_equal(y.as_strided((4,), (1,)).numpy(), [1.0, 1.0, 2.0, 2.0])
    z = F.interpolate(x, size=(1, 3), mode="bicubic", align_corners=True) * 1
    np.testing.assert_allclose(z.as_strided_((3,), (1,)).numpy(), [1.0, 1.5, 2.0])


def test_channel_shuffle_returns_a_new_tensor_also_for_one_group():
    x = tg.tensor([[[1.0], [2.0]]], requires_grad=True)
    for shuffle in (F.native_channel_shuffle, F.channel_shuffle):
        y = shuffle(x, 1)  # (the reshapes are views here: the result was one of x)
        y[0].cumsum_(0)  # allowed: y is not a view of the leaf x (PyTorch's result is a copy too)
        np.testing.assert_array_equal(y.detach().numpy(), [[[1.0], [3.0]]])
        np.testing.assert_array_equal(x.detach().numpy(), [[[1.0], [2.0]]])


# ---- linear algebra ---------------------------------------------------------------------------------


def test_householder_product_without_reflectors_is_still_a_function_of_its_inputs():
    A = tg.tensor([[1.0], [float("inf")]], requires_grad=True)
    tau = tg.tensor(np.zeros(0), requires_grad=True)
    Q = tg.linalg.householder_product(A, tau)
    np.testing.assert_array_equal(Q.numpy(), [[1.0], [0.0]])  # the first column of I (no inf·0 = nan)
    assert Q.requires_grad
    Q.sum().backward()
    np.testing.assert_array_equal(A.grad.numpy(), [[0.0], [0.0]])
    assert tau.grad.shape == (0,)


def test_nuclear_norm_of_a_batch_of_matrices():
    A = tg.tensor([[[3.0, 0.0], [0.0, -4.0]], [[1.0, 0.0], [0.0, 0.0]]], requires_grad=True)
    with pytest.warns(UserWarning):
        n = tg.nuclear_norm(A)
    np.testing.assert_allclose(n.numpy(), [7.0, 1.0])
    n.sum().backward()  # d/dA Σσ = U Vᵀ: diag(1, -1) for the first, (1, 0) on the diagonal for the second
    np.testing.assert_allclose(A.grad.numpy()[0], [[1.0, 0.0], [0.0, -1.0]], atol=1e-12)


def test_linalg_vander_needs_two_columns():
    with pytest.raises(RuntimeError, match="N must be greater than 1"):
        tg.linalg.vander(tg.tensor([2.0, 3.0]), N=1)
    with pytest.raises(RuntimeError, match="N must be greater than 1"):
        tg.linalg.vander(tg.tensor([2.0]))
    np.testing.assert_array_equal(tg.linalg.vander(tg.tensor([2.0, 3.0])).numpy(), [[1.0, 2.0], [1.0, 3.0]])
    np.testing.assert_array_equal(tg.linalg.vander(tg.tensor(2.0), N=3).numpy(), [[1.0, 2.0, 4.0]])  # 0-d: one value
    np.testing.assert_array_equal(tg.vander(tg.tensor([2.0, 3.0]), N=1).numpy(), [[1.0], [1.0]])  # (allowed there)


# ---- nn internals --------------------------------------------------------------------------------------


def test_conv_tbc_with_an_output_of_no_steps():
    x = tg.ones(1, 1, 1, requires_grad=True)
    w = tg.ones(2, 1, 2, requires_grad=True)
    b = tg.ones(2, requires_grad=True)
    out = tg.conv_tbc(x, w, b, 0)  # 1 + 0 - 2 + 1 = 0 steps
    assert out.shape == (0, 1, 2) and out.requires_grad
    out.sum().backward()
    assert x.grad.shape == (1, 1, 1) and w.grad.shape == (2, 1, 2) and not b.grad.numpy().any()
    with pytest.raises(RuntimeError, match="shorter than the kernel"):
        tg.conv_tbc(x, tg.ones(3, 1, 2), b, 0)  # -1 steps


def test_native_norm_statistics_do_not_require_grad():
    x = tg.tensor([[1.0, 3.0], [2.0, 6.0]], requires_grad=True)
    _, mean, invstd = tg.native_batch_norm(x, None, None, None, None, True, 0.1, 0.0)
    np.testing.assert_allclose(mean.numpy(), [1.5, 4.5])
    np.testing.assert_allclose(invstd.numpy(), [2.0, 2.0 / 3.0])
    assert not mean.requires_grad and not invstd.requires_grad
    out, mean, rstd = tg.native_layer_norm(x, [2], None, None, 0.0)
    np.testing.assert_allclose(mean.numpy(), [[2.0], [4.0]])
    assert out.requires_grad and not mean.requires_grad and not rstd.requires_grad


def test_top_level_norms_allow_one_value_per_group_or_channel():
    x = tg.tensor([[[5.0]]], requires_grad=True)
    w, b = tg.tensor([2.0]), tg.tensor([0.5])
    # (x - mean) = 0: the output is the bias (torch.group_norm / torch.instance_norm / native_group_norm)
    np.testing.assert_array_equal(tg.group_norm(x, 1, w, b).numpy(), [[[0.5]]])
    np.testing.assert_array_equal(tg.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False).numpy(), [[[0.5]]])
    np.testing.assert_array_equal(tg.native_group_norm(x, w, b, 1, 1, 1, 1, 1e-5)[0].numpy(), [[[0.5]]])
    rm, rv = tg.zeros(1), tg.ones(1)
    np.testing.assert_array_equal(tg.batch_norm(x, w, b, rm, rv, True, 0.1, 1e-5, False).numpy(), [[[0.5]]])
    np.testing.assert_allclose(rm.numpy(), [0.5])  # 0.9·0 + 0.1·5
    assert np.isnan(rv.numpy()[0])  # the unbiased variance of one value is 0/0 (PyTorch's nan too)
    np.testing.assert_array_equal(tg.native_batch_norm(x, w, b, None, None, True, 0.1, 1e-5)[0].numpy(), [[[0.5]]])
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(x, None, None, training=True)
    with pytest.raises(ValueError, match="more than 1 value per group"):  # F.group_norm still refuses
        F.group_norm(x, 1)
    with pytest.raises(ValueError, match="more than 1 position"):
        F.instance_norm(x)


def test_feature_dropout_not_training_is_the_identity_whatever_the_rank():
    x = tg.tensor([1.0, 2.0, 3.0])
    assert tg.feature_dropout_(x, 0.5, False) is x
    np.testing.assert_array_equal(tg.feature_dropout(x, 0.5, False).numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(tg.feature_alpha_dropout(x, 0.5, False).numpy(), [1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="no channel axis"):
        tg.feature_dropout(x, 0.5, True)


def test_conj_physical_in_place_is_an_in_place_op():
    leaf = tg.tensor([1.0, -2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        leaf.conj_physical_()
    with pytest.raises(RuntimeError, match="leaf"):
        tg.conj_physical_(leaf)
    y = leaf * 2
    before = y._version
    assert y.conj_physical_() is y and y._version == before + 1
    np.testing.assert_array_equal(y.numpy(), [2.0, -4.0])
    y.sum().backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), [2.0, 2.0])


@needs_torch
def test_fixed_ops_match_torch():
    td = torch.float64
    x = torch.tensor([1.0, 2.0], dtype=td)
    assert tg.diff(tg.tensor([1.0, 2.0]), n=0, prepend=tg.tensor([5.0])).shape == \
        torch.diff(x, n=0, prepend=torch.tensor([5.0], dtype=td)).shape
    A = torch.tensor([[[3.0, 0.0], [0.0, -4.0]]], dtype=td)
    with warnings.catch_warnings():  # (both deprecate nuclear_norm)
        warnings.simplefilter("ignore")
        np.testing.assert_allclose(tg.nuclear_norm(tg.tensor(A.numpy())).numpy(), torch.nuclear_norm(A).numpy())
    assert tuple(torch.conv_tbc(torch.ones(1, 1, 1, dtype=td), torch.ones(2, 1, 2, dtype=td),
                                torch.ones(2, dtype=td), 0).shape) == (0, 1, 2)
    assert not torch.native_batch_norm(torch.ones(2, 1, requires_grad=True, dtype=td), None, None, None, None,
                                       True, 0.1, 0.0)[1].requires_grad
    with pytest.raises(RuntimeError):
        torch.linalg.vander(torch.tensor([2.0, 3.0], dtype=td), N=1)


def test_det_gradient_at_a_singular_matrix_is_the_adjugate():
    # documented difference (PyTorch 2.13 returns 0 here): d det(A)/dA = adj(A)ᵀ, also where det(A) = 0
    A = tg.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True)
    A.det().backward()
    np.testing.assert_allclose(A.grad.numpy(), [[4.0, -2.0], [-2.0, 1.0]])
    assert tg.gradcheck(lambda a: a.det(), (tg.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True),))


def test_det_second_derivative_at_a_singular_matrix():
    """d²det/dA² there comes from the cofactors (a polynomial in A); it was refused, since the
    recorded adjugate was det(A)·A⁻¹. Values by hand (2×2: d adj(A)ᵀ/dA is constant) and against
    PyTorch; gradgradcheck at matrices of rank 1 and 2."""
    A = tg.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=tg.float64, requires_grad=True)
    (g,) = tg.autograd.grad(tg.linalg.det(A), A, create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), [[4.0, -2.0], [-2.0, 1.0]])
    (h,) = tg.autograd.grad(g.sum(), A)
    np.testing.assert_array_equal(h.numpy(), [[1.0, -1.0], [-1.0, 1.0]])  # ∂(d - b - c + a)/∂A
    rank1 = tg.tensor(np.ones((2, 3, 3)), dtype=tg.float64, requires_grad=True)
    rank2 = tg.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], dtype=tg.float64, requires_grad=True)
    for a in (rank1, rank2):
        assert tg.gradgradcheck(tg.linalg.det, (a,))
    # a matrix holding nan: its gradient is nan (the SVD of the array formula used to fail), the
    # other matrices' are unchanged, with or without create_graph
    batch = tg.tensor([[[float("nan"), 1.0], [1.0, 1.0]], [[1.0, 2.0], [3.0, 4.0]]], requires_grad=True)
    for create_graph in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            (g,) = tg.autograd.grad(tg.linalg.det(batch).sum(), batch, create_graph=create_graph)
        assert np.isnan(g[0].detach().numpy()).all()
        np.testing.assert_allclose(g[1].detach().numpy(), [[4.0, -3.0], [-2.0, 1.0]])
    if torch is not None:
        at = torch.tensor(rank2.detach().numpy(), requires_grad=True)
        (gt,) = torch.autograd.grad(torch.linalg.det(at), at, create_graph=True)
        weights = np.arange(9.0).reshape(3, 3)
        (ht,) = torch.autograd.grad((gt * torch.tensor(weights)).sum(), at)
        (g,) = tg.autograd.grad(tg.linalg.det(rank2), rank2, create_graph=True)
        (h,) = tg.autograd.grad((g * tg.tensor(weights)).sum(), rank2)
        np.testing.assert_allclose(h.numpy(), ht.numpy(), rtol=1e-12, atol=1e-12)


# ---- found in the seed-777 run after the table grew --------------------------------------------------


def test_erfcx_of_huge_negative_values_is_plus_infinity():
    # erfcx(x) = e^(x²)·erfc(x) > 0 everywhere; for x = -1e30 it overflows to +inf (Dekker's split of
    # x² had an error term of the wrong sign there, giving -inf)
    x = tg.tensor([-1e30, -1e200, -27.0, -5.0])
    out = tg.special.erfcx(x).numpy()
    assert np.isposinf(out[:3]).all()
    assert out[3] == pytest.approx(math.exp(25.0) * math.erfc(-5.0), rel=1e-14)
    assert np.isposinf(tg.special.erfcx(tg.tensor([-1e30], dtype=tg.float32)).numpy()).all()


# ---- found after the program seed took the inputs in (more diverse programs) -------------------------


def test_ctc_loss_with_a_label_of_probability_zero_is_finite():
    # one frame where label 1 has probability 0 (log-prob -inf), target [1] over 2 frames:
    # alignments (1, 1), (1, b), (b, 1) with frame 0 unable to emit 1 -> only (b, 1) survives:
    # P = y0(b)·y1(1) with y0 = softmax(0, -inf) = (1, 0), y1 = softmax(0, log 3) = (1/4, 3/4)
    x = tg.tensor([[[0.0, -np.inf]], [[0.0, math.log(3.0)]]], requires_grad=True)
    loss = F.ctc_loss(x.log_softmax(-1), tg.tensor([[1]]), [2], [1], reduction="sum")
    assert loss.item() == pytest.approx(-math.log(0.75), rel=1e-12)
    loss.backward()
    # d(-log y1(1))/dx1 = softmax(x1) - onehot(1) = (1/4, -1/4); frame 0: (1, 0) - (1, 0) = 0
    np.testing.assert_allclose(x.grad.numpy()[1, 0], [0.25, -0.25], rtol=1e-12)
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [0.0, 0.0])


@needs_torch
def test_ctc_loss_with_minus_infinity_matches_torch():
    x = np.array([1.0] * 9 + [-np.inf] + [1.0] * 6).reshape(4, 2, 2)
    args = ([[1, 1], [1, 1]], [4, 4], [2, 2])
    ours = F.ctc_loss(tg.tensor(x).log_softmax(-1), tg.tensor(args[0]), tg.tensor(args[1]), tg.tensor(args[2]))
    theirs = torch.nn.functional.ctc_loss(torch.tensor(x).log_softmax(-1), *(torch.tensor(a) for a in args))
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-12)


def test_subtract_with_alpha_refuses_a_bool_operand():
    x = tg.ones(2)
    for call in (lambda: tg.subtract(x, True, alpha=-0.5), lambda: x.sub(tg.tensor([True, False]), alpha=2),
                 lambda: tg.tensor([True]).sub(1, alpha=2)):
        with pytest.raises(RuntimeError, match="bool"):  # (as `x - True`; alpha·True = -0.5 hid the bool)
            call()
    np.testing.assert_array_equal(x.sub(2, alpha=2).numpy(), [-3.0, -3.0])


def test_ctc_loss_with_a_huge_logit_is_finite():
    # log_softmax of (1e30, 1, 1) is (0, -1e30, -1e30): masked-out states minus a peak of -1e30
    # overflowed exp to inf before the mask (inf·0 = nan). Target [1, 2] over 3 frames: with uniform
    # frames the paths b12, 1b2, 12b, 112, 122 give P = 5/27; in sequence 1, frame 1 is surely a
    # blank, so only 1b2 is left: P = 1/3 · 1 · 1/3 = 1/9.
    x = np.ones((3, 2, 3))
    x[1, 1, 0] = 1e30
    logits = tg.tensor(x, requires_grad=True)
    args = (tg.tensor([[1, 2], [1, 2]]), [3, 3], [2, 2])
    loss = F.ctc_loss(logits.log_softmax(-1), *args, reduction="none")
    np.testing.assert_allclose(loss.numpy(), [-math.log(5 / 27), -math.log(1 / 9)], rtol=1e-12)
    loss.sum().backward()
    assert np.isfinite(logits.grad.numpy()).all()


def test_zero_norm_counts_nan_as_nonzero():
    # (found with `python -m tests.fuzz.run --examples 4000 --seed 5`): norm(0) counts the elements
    # that are not 0, and nan is not 0 (nan != 0), as in PyTorch; sign(nan) had made the count nan
    x = tg.tensor([1.0, np.nan, 0.0, 2.0], requires_grad=True)
    assert x.norm(0).item() == 3.0 and tg.linalg.vector_norm(x, 0).item() == 3.0
    assert tg.dist(x, tg.zeros(4), 0).item() == 3.0
    x.norm(0).backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(4))  # a count: gradient 0


def test_as_strided_scatter_into_an_empty_view_with_stride_zero():
    # an empty view writes nothing, so a stride 0 in it overlaps nothing (PyTorch returns the copy)
    out = tg.as_strided_scatter(tg.tensor([1.0]), tg.zeros(3, 0, 2), (3, 0, 2), (0, 0, 0))
    np.testing.assert_array_equal(out.numpy(), [1.0])
    with pytest.raises(RuntimeError, match="stride 0"):
        tg.as_strided_scatter(tg.zeros(4), tg.ones(2), (2,), (0,))


def test_lerp_in_place_checks_its_arguments_first():
    # end must be a tensor: a TypeError, as PyTorch's argument parser gives, before the rule on
    # changing a leaf that requires grad in place
    with pytest.raises(TypeError):
        tg.tensor([1.0, 2.0], requires_grad=True).lerp_(-2.6, 2.0)


def test_ldexp_gradient_with_a_negative_exponent():
    # d/dx x·2**e = 2**e, also for e < 0 (PyTorch 2.13 gives 0 there: docs/from-pytorch.md)
    x = tg.ones(3, requires_grad=True)
    v = x.clone()
    v.ldexp_(tg.tensor([1, -2, -1]))
    v.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 0.25, 0.5])


def test_area_interpolation_and_adaptive_pooling_to_an_empty_size():
    # PyTorch returns the empty result (its backward then refuses; here the gradient is zeros)
    x = tg.ones(1, 1, 4, 4, requires_grad=True)
    for size in [(0, 2), (2, 0), (0, 0)]:
        y = F.interpolate(x, size=size, mode="area")
        assert y.shape == (1, 1) + size
        y.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.zeros((1, 1, 4, 4)))
    assert F.adaptive_avg_pool3d(tg.ones(1, 1, 2, 2, 2), (1, 0, 2)).shape == (1, 1, 1, 0, 2)
    with pytest.raises(ValueError, match="greater than 0"):  # the other modes refuse, as PyTorch's
        F.interpolate(x, size=(0, 2), mode="nearest")


def test_sinc_second_derivative_near_zero():
    # (op fuzz, seed 10) the quotient sin(πx)/(πx) cancels near 0: its second derivative at
    # x = -1e-30 came out as 5.6e44; sinc''(0) = -π²/3
    x = tg.tensor([0.0, -1e-30, 1e-8, 0.01, 0.5], requires_grad=True)
    (g,) = tg.grad(x.sinc().sum(), [x], create_graph=True)
    (h,) = tg.grad(g.sum(), [x])
    expected = -math.pi ** 2 / 3
    np.testing.assert_allclose(h.numpy()[:3], [expected] * 3, rtol=1e-12)
    z = math.pi * 0.5  # sinc''(x) = ((2 - z²) sin z - 2z cos z) π² / z³ at z = πx
    np.testing.assert_allclose(h.numpy()[4], ((2 - z * z) * math.sin(z) - 2 * z * math.cos(z)) * math.pi ** 2 / z ** 3,
                               rtol=1e-12)
    np.testing.assert_allclose(x.sinc().numpy(), np.sinc(x.numpy()), rtol=1e-15)


def test_addcmul_and_addcdiv_compute_in_the_operands_common_dtype():
    # (op fuzz, seed 11) value·tensor1 with an integer or bool tensor1 made float64 first
    s, f = tg.ones(1, 4, dtype=tg.float32), tg.ones(1, 4, dtype=tg.float32)
    b, i = tg.ones(1, 4, dtype=tg.bool), tg.ones(1, 4, dtype=tg.int64)
    for out in (s.addcmul(b, f, value=0.4), s.addcmul(i, f, value=0.4), s.addcmul(b, i, value=0.4),
                s.addcdiv(b, f, value=0.4), s.addcdiv(i, f, value=0.3), s.addcdiv(f, i, value=0.3)):
        assert out.dtype == tg.float32
    assert tg.ones(4, dtype=tg.int64).addcmul(i[0], i[0], value=2).dtype == tg.int64


def test_views_and_copies_as_pytorch_makes_them():
    # (op fuzz, seeds 8-11) conj_physical of a real tensor is the tensor itself; pixel_shuffle and
    # pixel_unshuffle give new tensors also for a factor of 1; an expand that repeats nothing
    # (size-1 dims) is a writable view
    x = tg.ones(2, requires_grad=True)
    assert x.conj_physical() is x and tg.conj_physical(x) is x
    y = tg.ones(1, 4, 2, 2)
    for shuffled in (F.pixel_shuffle(y, 1), F.pixel_unshuffle(y, 1)):
        shuffled.add_(1)
        assert y.sum().item() == 16.0
    v = tg.zeros(1)
    v.expand(1).add_(5)
    a, _ = tg.broadcast_tensors(tg.tensor(1.0), tg.ones(1))
    a.clamp_min_(2)
    assert v.item() == 5.0 and a.item() == 2.0
    with pytest.raises(RuntimeError):  # a real broadcast still refuses: its elements share memory
        tg.broadcast_tensors(tg.tensor(1.0), tg.ones(3))[0].clamp_min_(0)


def test_argument_errors_come_first():
    # (op fuzz, seeds 9 and 11) as PyTorch's argument parser: a bad dim or a number where a tensor
    # belongs is named before the dtype or in-place rules
    with pytest.raises(IndexError):
        tg.tensor([1, 1]).logcumsumexp(1)  # (int64 is refused too, but the dim is checked first)
    with pytest.raises(TypeError):
        tg.tensor([[1.0, 1.0]], requires_grad=True).hypot_(-2.3)
    with pytest.raises(IndexError):  # (a view of a tensor that requires grad, but the dim is out of range)
        tg.diag(tg.ones(2, requires_grad=True)).swapdims_(-3, 0)


# ---- addmm/addmv/addbmm with alpha = 0: PyTorch's BLAS call does not compute the product ------------


_NAN = float("nan")


def _alpha_0_cases(lib):
    m = lib.tensor([[_NAN, 1.0], [1.0, 1.0]], dtype=lib.float64)
    b = m.expand(3, 2, 2)
    i = lib.ones(2, 2, dtype=lib.float64)
    return {
        "addmm": lib.addmm(i, m, m, alpha=0),
        "addmv": lib.addmv(lib.ones(2, dtype=lib.float64), m, lib.ones(2, dtype=lib.float64), alpha=0),
        "addbmm": lib.addbmm(i, b, b, alpha=0),
        "addmm_": lib.ones(2, 2, dtype=lib.float64).addmm_(m, m, alpha=0),
        "addmv_": lib.ones(2, dtype=lib.float64).addmv_(m, lib.ones(2, dtype=lib.float64), alpha=0),
        "addbmm_": lib.ones(2, 2, dtype=lib.float64).addbmm_(b, b, alpha=0),
        "beta and alpha 0": lib.addmm(lib.full((2, 2), _NAN, dtype=lib.float64), m, m, beta=0, alpha=0),
        "baddbmm": lib.baddbmm(i.expand(3, 2, 2), b, b, alpha=0)[0],  # (computes the product: nan)
        "addr": lib.addr(i, lib.tensor([_NAN, 1.0], dtype=lib.float64), lib.ones(2, dtype=lib.float64),
                         alpha=0),
    }


def test_alpha_0_drops_the_blas_ops_product_as_pytorch():
    ours = _alpha_0_cases(tg)
    for name in ("addmm", "addmv", "addbmm", "addmm_", "addmv_", "addbmm_"):
        np.testing.assert_array_equal(ours[name].numpy(), np.ones(ours[name].shape), err_msg=name)
    np.testing.assert_array_equal(ours["beta and alpha 0"].numpy(), np.zeros((2, 2)))
    assert np.isnan(ours["baddbmm"].numpy()).any() and np.isnan(ours["addr"].numpy()).any()
    # the gradients: input's as usual; the matrix's is 0 @ other.T, which a nan in other still spreads
    x = tg.tensor([[_NAN, 1.0], [1.0, 1.0]], dtype=tg.float64, requires_grad=True)
    y = tg.ones(2, 2, dtype=tg.float64, requires_grad=True)
    tg.addmm(y, x, x.detach(), alpha=0).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), np.ones((2, 2)))
    np.testing.assert_array_equal(x.grad.numpy(), [[_NAN, 0.0], [_NAN, 0.0]])
    w = tg.tensor(np.random.default_rng(0).standard_normal((2, 3)), requires_grad=True)
    assert tg.gradcheck(lambda a, b: tg.addmm(a, b, b.t(), alpha=0, beta=0.5), (y, w))
    if torch is not None:
        theirs = _alpha_0_cases(torch)
        for name, value in ours.items():
            np.testing.assert_array_equal(value.numpy(), theirs[name].numpy(), err_msg=name)


# ---- max_pool*d's index of a window whose max is -inf (only padding, or only -inf values) ---------------


def test_max_pool_index_of_a_window_without_a_max_is_pytorchs():
    """PyTorch starts each window's index at its first position at or after 0 and moves it only for a
    larger value, so a window of -inf (or of padding alone: dilation with ceil_mode) names that first
    position. Here the argmax had chosen a pad, whose index was negative."""
    x = tg.ones(2, 2, 3, 1, 1)
    _, idx = F.max_pool3d(x, (1, 1, 2), stride=(2, 3, 2), padding=(0, 0, 1), dilation=2, ceil_mode=True,
                          return_indices=True)
    assert idx.flatten().tolist() == [1, 3] * 4  # (t = 0 and 2; w = -1 + 2 = 1, beyond the input as in PyTorch)
    _, idx = F.max_pool2d(tg.ones(1, 1, 1, 1), 2, stride=2, padding=1, dilation=2, ceil_mode=True,
                          return_indices=True)
    assert idx.tolist() == [[[[2]]]]
    inf = float("-inf")
    _, idx = F.max_pool1d(tg.tensor([[[inf, inf, 3.0, inf]]]), 2, return_indices=True)
    assert idx.tolist() == [[[0, 2]]]
    if torch is not None:
        rng = np.random.default_rng(0)
        compared = 0
        for _ in range(400):
            dims = int(rng.integers(1, 4))
            spatial = tuple(int(n) for n in rng.integers(1, 6, dims))
            kernel, stride, dilation = (tuple(int(n) for n in rng.integers(1, 4, dims)) for _ in range(3))
            padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
            ceil_mode = bool(rng.integers(0, 2))
            data = rng.standard_normal((1, 2) + spatial)
            data[rng.random(data.shape) < 0.4] = -np.inf
            name = f"max_pool{dims}d"
            args = (kernel, stride, padding, dilation, ceil_mode, True)
            try:
                theirs = getattr(torch.nn.functional, name)(torch.tensor(data), *args)
            except RuntimeError:  # (an output size below 1)
                continue
            ours = getattr(F, name)(tg.tensor(data), *args)
            np.testing.assert_array_equal(ours[0].numpy(), theirs[0].numpy())
            np.testing.assert_array_equal(ours[1].numpy(), theirs[1].numpy(), err_msg=f"{name}{args} {spatial}")
            compared += 1
        assert compared > 200


# ---- igamma/igammac edge cases in PyTorch's order: a nan on one side can still decide -------------------


def test_incomplete_gamma_edge_cases_are_decided_in_pytorchs_order():
    nan, inf = float("nan"), float("inf")
    a = tg.tensor([nan, nan, nan, inf, inf, 0.0, 0.0, -1.0, 2.0, 2.0], dtype=tg.float64)
    x = tg.tensor([inf, 0.0, -0.0, nan, inf, 1.0, nan, 1.0, 0.0, inf], dtype=tg.float64)
    expected_p = [1.0, 0.0, 0.0, 0.0, nan, 1.0, nan, nan, 0.0, 1.0]
    np.testing.assert_array_equal(tg.igamma(a, x).numpy(), expected_p)
    np.testing.assert_array_equal(tg.igammac(a, x).numpy(), [1 - p for p in expected_p])
    np.testing.assert_array_equal(tg.tensor([1.5, nan]).igamma_(tg.tensor([inf, inf])).numpy(), [1.0, 1.0])
    if torch is not None:
        values = [nan, inf, -inf, 0.0, -0.0, -1.0, 0.5, 1.0, 3.0, 1e30]
        grid_a, grid_x = (np.array(v) for v in zip(*[(u, w) for u in values for w in values]))
        for name in ("igamma", "igammac"):
            ours = getattr(tg, name)(tg.tensor(grid_a), tg.tensor(grid_x)).numpy()
            theirs = getattr(torch, name)(torch.tensor(grid_a), torch.tensor(grid_x)).numpy()
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0, err_msg=name)


def test_cholesky_of_a_matrix_with_a_nan_pivot_is_refused_as_in_pytorch():
    """LAPACK's potrf (PyTorch's) stops at a nan pivot and reports the minor; numpy's went on and
    returned nan. The message names the minor and the batch element, as PyTorch's."""
    nan = float("nan")
    with pytest.raises(tg.linalg.LinAlgError, match="leading minor of order 1 is not positive-definite"):
        tg.linalg.cholesky(tg.tensor([[nan, 1.0], [1.0, 2.0]]))
    with pytest.raises(tg.linalg.LinAlgError, match=r"\(Batch element 1\).*order 2"):
        tg.linalg.cholesky(tg.tensor([[[1.0, 0.0], [0.0, 1.0]], [[4.0, nan], [nan, 1.0]]]))
    # (only the lower triangle is read: a nan above the diagonal changes nothing)
    upper_nan = tg.tensor([[4.0, nan], [2.0, 2.0]])
    np.testing.assert_allclose(tg.linalg.cholesky(upper_nan).numpy(), [[2.0, 0.0], [1.0, 1.0]])
    if torch is not None:
        with pytest.raises(torch.linalg.LinAlgError, match="leading minor of order 1"):
            torch.linalg.cholesky(torch.tensor([[nan, 1.0], [1.0, 2.0]]))


def test_shape_changes_in_place_of_a_view_of_a_leaf_are_refused():
    """x.expand(...).transpose_(1, 0) with x a leaf that requires grad: PyTorch refuses (a view of a
    leaf changed in place); an expand view was let through here (op fuzz seed 12). A view of a
    computed tensor still changes shape in place, as in PyTorch."""
    x = tg.tensor([1.0, 1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf tensor that requires grad"):
        x.expand((2, -1)).transpose_(1, 0)
    assert (x * 1).expand(2, -1).transpose_(1, 0).shape == (2, 2)
    with tg.no_grad():
        assert x.expand((2, -1)).transpose_(1, 0).shape == (2, 2)
    if torch is not None:
        xt = torch.tensor([1.0, 1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="view of a leaf"):
            xt.expand((2, -1)).transpose_(1, 0)


def test_lapack_results_are_laid_out_column_by_column_as_pytorchs():
    """PyTorch returns LAPACK's results column-major (strides (1, rows)): reshape(-1) of one then
    copies, so changing that copy in place leaves the result alone (op fuzz seed 16: here the
    reshape was a view and cholesky's upper zeros became 1), view(-1) is refused, and
    is_contiguous() is False."""
    rng = np.random.default_rng(0)
    a = tg.tensor(rng.standard_normal((3, 3)))
    spd = a @ a.mT + 3 * tg.eye(3, dtype=tg.float64)
    results = {"cholesky": tg.linalg.cholesky(spd), "inv": tg.linalg.inv(a),
               "solve": tg.linalg.solve(a, tg.ones(3, 2, dtype=tg.float64)),
               "qr.Q": tg.linalg.qr(a).Q, "qr.R": tg.linalg.qr(a).R, "svd.U": tg.linalg.svd(a).U,
               "svd.Vh": tg.linalg.svd(a).Vh, "eigh": tg.linalg.eigh(spd).eigenvectors,
               "lu_factor": tg.linalg.lu_factor(a).LU,
               "solve_triangular": tg.linalg.solve_triangular(spd, tg.ones(3, 2, dtype=tg.float64), upper=True)}
    for name, r in results.items():
        assert r.stride() == (1, r.shape[0]) and not r.is_contiguous(), name
    assert tg.linalg.inv(tg.tensor(rng.standard_normal((2, 3, 3)))).stride() == (9, 1, 3)
    factor = results["cholesky"]
    before = factor.numpy().copy()
    factor.reshape(-1).add_(1.0)
    np.testing.assert_array_equal(factor.numpy(), before)
    with pytest.raises(RuntimeError, match="cannot be viewed"):
        factor.view(-1)
    # gradients are unchanged by the layout
    b = tg.tensor(rng.standard_normal((3, 3)), requires_grad=True)
    assert tg.gradcheck(lambda m: tg.linalg.inv(m).reshape(-1), (b,))
    if torch is not None:
        at = torch.tensor(a.numpy())
        assert torch.linalg.cholesky(at @ at.mT + 3 * torch.eye(3, dtype=torch.float64)).stride() == (1, 3)
        assert torch.linalg.inv(at).stride() == (1, 3)


def test_multilabel_margin_loss_with_an_infinite_score_is_inf():
    """A pair the target leaves out must not turn an inf score's nan gap (inf - inf) into a nan
    loss: the pairs are selected, not multiplied by 0 (op fuzz seed 16)."""
    x = tg.tensor(np.array([1.0, 1.0, np.inf, 1.0], dtype=np.float32), requires_grad=True)
    loss = F.multilabel_margin_loss(x, tg.tensor([1, 1, 1, 1]), reduction="sum")
    assert loss.item() == np.inf
    scores = tg.tensor([[0.1, 0.2, 0.4, 0.8], [1.0, 2.0, 3.0, 4.0]], dtype=tg.float64, requires_grad=True)
    F.multilabel_margin_loss(scores, tg.tensor([[3, 0, -1, 1], [1, 1, -1, 0]])).backward()
    np.testing.assert_allclose(scores.grad.numpy(), [[-0.25, 0.25, 0.25, -0.25], [0.0, -0.5, 0.25, 0.25]])


def test_ldexp_of_an_integer_or_bool_tensor_takes_the_float_exponents_dtype():
    """PyTorch computes input · pow(2, other): a bool or integer input times a float32 exponent
    is float32 (op fuzz seed 17: here the input became float64 first)."""
    exponent = tg.tensor([1.0, 2.0], dtype=tg.float32)
    for values in (np.array([True, False]), np.array([3, -1])):
        out = tg.ldexp(tg.tensor(values), exponent)
        assert out.dtype == tg.float32
        np.testing.assert_array_equal(out.numpy(), values * np.array([2.0, 4.0]))
    assert tg.ldexp(tg.tensor([3]), tg.tensor([2])).dtype == tg.get_default_dtype()  # (both integer)


def test_squeeze_and_unsqueeze_in_place_check_their_dim_first():
    """An out-of-range dim is an IndexError before the in-place rules (op fuzz seed 16)."""
    view = (tg.ones(1, 1, 1, 1, requires_grad=True) * 1)[0:1]
    with pytest.raises(IndexError, match="unsqueeze_: dim 5 is out of range"):
        view.unsqueeze_(5)
    with pytest.raises(IndexError, match="squeeze_: dim 7 is out of range"):
        view.squeeze_(7)
    assert tg.ones(2, 1).squeeze_((0, 1)).shape == (2,) and tg.tensor(1.0).squeeze_(0).shape == ()


def test_copy_forms_of_views_are_contiguous_as_pytorchs():
    """permute_copy, transpose_copy, t_copy, diagonal_copy and as_strided_copy return row-major
    tensors, as PyTorch's *_copy do: reshape(-1) of one is then a view, so an in-place change of
    it shows in the copy (op fuzz seed 18: here the copy kept the permuted layout and did not change)."""
    x = tg.tensor(np.arange(24.0).reshape(2, 3, 4))
    copies = [tg.permute_copy(x, (2, 0, 1)), tg.transpose_copy(x, 0, 2), tg.t_copy(x[0]), tg.diagonal_copy(x),
              tg.as_strided_copy(x, (2, 2), (1, 2))]
    for c in copies:
        assert c.is_contiguous()
    permuted = copies[0]
    permuted.reshape(-1).div_(2.0)
    np.testing.assert_array_equal(permuted.numpy(), np.transpose(np.arange(24.0).reshape(2, 3, 4), (2, 0, 1)) / 2)
    assert tg.gradcheck(lambda t: tg.permute_copy(t, (2, 0, 1)), (tg.tensor(np.ones((2, 3, 4)), requires_grad=True),))
    if torch is not None:
        assert torch.permute_copy(torch.tensor(x.numpy()), (2, 0, 1)).is_contiguous()


def test_results_laid_out_row_major_where_pytorchs_are():
    """An index array's copy (m[:, [0, 2]], roll), cat/stack of transposed tensors and layer_norm
    of a transposed input are row-major in PyTorch, so .view(-1) of them works there; numpy laid
    them out column-first here and view refused. cat/stack of channels_last tensors keep that
    layout, as PyTorch's do."""
    m = tg.tensor(np.arange(12.0).reshape(3, 4))
    x = tg.tensor(np.arange(24.0).reshape(2, 3, 4))
    results = {"index array": m[:, [0, 2]], "roll": x.roll(1, 2), "cat": tg.cat([m.t(), m.t()]),
               "stack": tg.stack([m.t(), m.t()]), "layer_norm": F.layer_norm(m.t(), (3,))}
    for name, r in results.items():
        assert r.is_contiguous(), name
        assert r.view(-1).shape == (r.numel(),)
    np.testing.assert_array_equal(results["index array"].numpy(), np.arange(12.0).reshape(3, 4)[:, [0, 2]])
    last = tg.tensor(np.random.default_rng(0).random((2, 3, 4, 5))).to(memory_format=tg.channels_last)
    assert tg.cat([last, last]).is_contiguous(memory_format=tg.channels_last)
    assert tg.cat([last, last * 1]).stride() == (60, 1, 15, 3)
    if torch is not None:
        mt = torch.tensor(m.numpy())
        assert mt[:, [0, 2]].is_contiguous() and torch.cat([mt.t(), mt.t()]).is_contiguous()


def test_max_pooling_picks_a_windows_last_nan_as_pytorch():
    """PyTorch's pooling kernels move to every nan they meet, so a window holding nan names its
    last nan, and the gradient goes there (op fuzz seed 22: max_unpool1d put the nan elsewhere).
    Without nan the first largest is chosen, as before."""
    nan = float("nan")
    x = tg.tensor([[[nan, 1.0, nan, 2.0, 3.0, 3.0]]], requires_grad=True)
    values, index = F.max_pool1d(x, 3, return_indices=True)
    assert np.isnan(values.detach().numpy()[0, 0, 0]) and index.tolist() == [[[2, 4]]]
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[0.0, 0.0, 1.0, 0.0, 1.0, 0.0]]])
    _, index = F.adaptive_max_pool1d(tg.tensor([[[nan, 1.0, nan, 2.0]]]), 1, return_indices=True)
    assert index.tolist() == [[[2]]]
    np.testing.assert_array_equal(
        F.max_unpool1d(*F.max_pool1d(tg.tensor([[nan, nan]]), 2, 2, return_indices=True), 2, 2).numpy()[0, 0], 0.0)
    empty = tg.tensor(np.zeros((0, 1, 2, 3, 2)), requires_grad=True)  # (an empty result is not a view of a leaf)
    assert F.hardtanh_(F.adaptive_max_pool3d(empty, (None, 1, 4)), -0.5, 0.5).shape == (0, 1, 2, 1, 4)
    if torch is not None:
        xt = torch.tensor([[[nan, 1.0, nan, 2.0, 3.0, 3.0]]], requires_grad=True)
        vt, it = torch.nn.functional.max_pool1d(xt, 3, return_indices=True)
        vt.sum().backward()
        assert it.tolist() == [[[2, 4]]] and xt.grad.tolist() == [[[0.0, 0.0, 1.0, 0.0, 1.0, 0.0]]]


def test_view_copy_of_a_transposed_tensor_copies_as_pytorchs():
    """torch.view_copy copies any layout; here it went through view(), which refuses a transposed
    input (op fuzz seed 23). A dtype argument still reinterprets the bytes, as view(dtype)."""
    x = tg.tensor(np.arange(6.0).reshape(2, 3))
    out = tg.view_copy(x.t(), (2, 3))
    np.testing.assert_array_equal(out.numpy(), np.arange(6.0).reshape(2, 3).T.reshape(2, 3))
    assert tg.view_copy(x, tg.int64).dtype == tg.int64
    with pytest.raises(RuntimeError):
        tg.view_copy(x, (4, 2))
