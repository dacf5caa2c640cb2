"""Regression tests for the differences the fourth round of the PyTorch fuzz found
(tests/fuzz/optable_conv.py: convolution, pooling, fold, shuffles, as_strided and scatter, the
*_copy forms, LU, cov/corrcoef, function forms and losses). Each test checks the property without
PyTorch (exact numbers or gradcheck); where useful, a second test compares with PyTorch."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F


# ---- F.fold of an empty batch -------------------------------------------------------------------
def test_fold_of_an_empty_batch_keeps_its_shape():
    """fold reshaped its (N, C·K, L) input with -1, which an empty batch leaves undetermined."""
    x = tg.zeros(0, 12, 4, requires_grad=True)
    out = F.fold(x, (4, 2), (3, 2), dilation=2, padding=(1, 1))
    assert out.shape == (0, 2, 4, 2)
    out.sum().backward()
    assert x.grad.shape == (0, 12, 4)


def test_fold_of_an_empty_batch_as_torch():
    torch = pytest.importorskip("torch")
    ours = F.fold(tg.zeros(0, 4, 4), (3, 3), 2)
    theirs = torch.nn.functional.fold(torch.zeros(0, 4, 4), (3, 3), 2)
    assert ours.shape == tuple(theirs.shape)


# ---- adaptive max pooling of an empty batch -------------------------------------------------------
def test_adaptive_max_pool_of_an_empty_batch_stays_in_the_graph():
    """The empty result was a new constant, so it did not require grad (PyTorch's does)."""
    x = tg.zeros(0, 2, 5, 4, requires_grad=True)
    values, indices = F.adaptive_max_pool2d(x, (3, 4), return_indices=True)
    assert values.shape == (0, 2, 3, 4) and values.requires_grad
    assert indices.shape == (0, 2, 3, 4) and indices.dtype == np.int64
    values.sum().backward()
    assert x.grad.shape == x.shape


# ---- adaptive pooling: output_size None ------------------------------------------------------------
@pytest.mark.parametrize("fn, x, size", [
    (F.adaptive_avg_pool1d, (1, 1, 3), None),
    (F.adaptive_max_pool1d, (1, 1, 3), None),
    (tg.adaptive_max_pool1d, (1, 1, 3), (None,)),
    (F.adaptive_avg_pool2d, (1, 1, 3, 3), None),
    (F.adaptive_max_pool3d, (1, 1, 2, 2, 2), None),
])
def test_adaptive_pool_refuses_a_missing_output_size(fn, x, size):
    """None inside a 2-D/3-D output_size keeps that dim; as the whole size (or the one 1-D size)
    it is no size at all: a TypeError, as PyTorch's (it was taken as 'keep every dim')."""
    with pytest.raises(TypeError, match="output_size must be an int"):
        fn(tg.ones(*x), size)


def test_adaptive_pool_keeps_a_dim_given_as_none():
    out = F.adaptive_avg_pool2d(tg.arange(9.0).reshape(1, 1, 3, 3), (None, 1))
    np.testing.assert_array_equal(out.numpy().reshape(-1), [1.0, 4.0, 7.0])


# ---- cov --------------------------------------------------------------------------------------------
def test_cov_refuses_weights_that_sum_to_zero():
    """A weighted mean over no weight is 0/0: PyTorch raises, here it was nan."""
    with pytest.raises(RuntimeError, match="sum to zero"):
        tg.cov(tg.ones(2, 3), fweights=tg.tensor([0, 0, 0]))
    with pytest.raises(RuntimeError, match="sum to zero"):
        tg.cov(tg.ones(1, 0), fweights=tg.tensor([], dtype=tg.int64), aweights=tg.tensor([]))


def test_cov_with_no_degrees_of_freedom_divides_by_plus_zero():
    """Σ w - correction·Σ(w·a)/Σ w < 0 is clamped to 0 (with a warning), as PyTorch does: +0, so a
    positive variance is +inf. It was -0 (0·negative), which gave -inf."""
    x = tg.tensor([[1.0, 1.0, 1.0], [1.0, 1.0, 0.8]])
    with pytest.warns(UserWarning, match="degrees of freedom"):
        c = tg.cov(x, correction=2, fweights=tg.tensor([1, 1, 1]), aweights=tg.tensor([1.0, 0.0, 0.8]))
    assert c[1, 1].item() == np.inf


# ---- vander with N <= 1 -----------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1])
def test_vander_without_powers_of_x_does_not_require_grad(n):
    """Only the column x⁰ = 1 (or none): the result does not depend on x, and PyTorch's is made as
    new ones, outside the graph."""
    x = tg.tensor([2.0, 3.0], requires_grad=True)
    v = tg.vander(x, N=n)
    assert v.shape == (2, n) and not v.requires_grad
    np.testing.assert_array_equal(v.numpy(), np.ones((2, n)))
    assert tg.vander(x, N=2).requires_grad


# ---- tg.<loss>(..., reduction) takes PyTorch's int enum ---------------------------------------------
def test_top_level_loss_with_a_reduction_name_is_a_type_error():
    """torch.margin_ranking_loss(..., reduction) takes 0/1/2; a name is the wrong type (TypeError,
    as PyTorch), not a wrong value."""
    x = tg.ones(3)
    with pytest.raises(TypeError, match="'reduction' must be int"):
        tg.margin_ranking_loss(x, x, x, 0.5, "none")
    with pytest.raises(ValueError, match="reduction must be 0"):
        tg.margin_ranking_loss(x, x, x, 0.5, 3)
    assert tg.margin_ranking_loss(x, x, x, 0.5, 1).item() == 0.5


# ---- as_strided_scatter: PyTorch's gradient is the reverse of the derivative ------------------------
def test_as_strided_scatter_gradient_is_zero_where_src_was_written():
    """out = x with the places (size, stride, offset) replaced by src: ∂out/∂x is 1 elsewhere and
    0 there. (PyTorch 2.13 gives the reverse, see tests/fuzz/known.py.)"""
    x = tg.arange(4.0, requires_grad=True)
    src = tg.tensor([10.0, 20.0], requires_grad=True)
    out = x.as_strided_scatter(src, (2,), (2,), 1)
    np.testing.assert_array_equal(out.detach().numpy(), [0.0, 10.0, 2.0, 20.0])
    out.backward(tg.tensor([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 3.0, 0.0])
    np.testing.assert_array_equal(src.grad.numpy(), [2.0, 4.0])
    assert tg.gradcheck(lambda a, s: a.as_strided_scatter(s, (2,), (2,), 1),
                        (tg.arange(4.0, requires_grad=True), tg.tensor([1.0, 2.0], requires_grad=True)))


# ---- split/chunk of a 0-d tensor ---------------------------------------------------------------------
@pytest.mark.parametrize("cut", [lambda x: x.split(2, 0), lambda x: x.split([1], 0), lambda x: x.chunk(2, 0),
                                 lambda x: tg.split_copy(x, 2, 0), lambda x: tg.split_with_sizes_copy(x, [1], 0)])
def test_split_of_a_0d_tensor_says_it_needs_a_dim(cut):
    """dim 0 of a 0-d tensor passes the dim check (as in PyTorch, for reductions), and split then
    failed with an IndexError from inside; PyTorch raises a RuntimeError that says why."""
    with pytest.raises(RuntimeError, match="at least a 1-dimensional tensor"):
        cut(tg.tensor(1.0))


# ---- max_unpool of an empty batch; slice_copy's dim ------------------------------------------------------
def test_max_unpool_of_an_empty_batch():
    """max_unpool reshaped with -1, which an empty batch leaves undetermined."""
    x = tg.zeros(0, 6, 1, 2, requires_grad=True)
    out = F.max_unpool2d(*F.max_pool2d(x, 1, 1, return_indices=True), 1, 1)
    assert out.shape == (0, 6, 1, 2) and out.requires_grad


def test_slice_copy_checks_its_dim():
    """slice_copy wrapped any dim around (dim % ndim); PyTorch raises an IndexError out of range."""
    x = tg.tensor([1.0, 0.0, 2.0])
    with pytest.raises(IndexError, match="out of range"):
        tg.slice_copy(x, 1)
    with pytest.raises(IndexError, match="out of range"):
        tg.slice_copy(tg.tensor(1.0), 0)
    np.testing.assert_array_equal(tg.slice_copy(x, -1, 1, None, 1).numpy(), [0.0, 2.0])
