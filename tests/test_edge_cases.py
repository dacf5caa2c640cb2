"""Cases a differential fuzz against PyTorch found silently wrong (or refused where PyTorch
computes), each pinned to PyTorch's answer. Every test here failed before its fix."""
from __future__ import annotations

import copy
import math
import pickle
import threading

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


def leaf(data, dtype=None) -> tg.Tensor:
    return tg.tensor(data, requires_grad=True, dtype=dtype)


# 1. std of a constant row: gradient 0, not 0/0 = nan
def test_std_gradient_is_zero_where_the_spread_is_zero():
    x = leaf([3.0, 3.0, 3.0])
    x.std().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    rows = leaf([[1.0, 1.0], [1.0, 3.0]])
    rows.std(dim=1).sum().backward()
    np.testing.assert_allclose(rows.grad.numpy(), [[0, 0], [-1 / np.sqrt(2), 1 / np.sqrt(2)]])


# 2. masked backwards select: an inf from above stays out of the masked-off elements
@pytest.mark.parametrize("op, expected", [
    (lambda x: x.clamp(min=0).sqrt(), [0.0, 0.25]),
    (lambda x: x.relu().sqrt(), [0.0, 0.25]),
    (lambda x: tg.maximum(x, tg.zeros(2)).sqrt(), [0.0, 0.25]),
    (lambda x: tg.where(x > 0, x, tg.zeros(2)).sqrt(), [0.0, 0.25]),
    (lambda x: tg.minimum(x, tg.tensor([-2.0, 9.0])).clamp(min=0).sqrt(), [0.0, 0.25]),
])
def test_masked_backward_keeps_inf_out_of_unselected_elements(op, expected):
    x = leaf([-1.0, 4.0])
    with np.errstate(divide="ignore"):
        op(x).sum().backward()
    assert x.grad.tolist() == expected


def test_max_and_abs_backward_select_too():
    x = leaf([-1.0, 4.0])
    with np.errstate(divide="ignore"):
        (x.amax() - 4.0).sqrt().backward()  # inf arrives at the max only
    assert x.grad.tolist()[0] == 0.0
    y = leaf([0.0, -4.0])
    with np.errstate(divide="ignore"):
        y.abs().sqrt().sum().backward()      # inf arrives at |0|: sign(0) = 0 picks nothing
    assert y.grad.tolist() == [0.0, -0.25]


# 3. basic indexing returns a view, also for one element
def test_integer_index_is_a_view():
    t = tg.tensor([1.0, 2.0, 3.0])
    t[0].fill_(5)
    t[1].add_(10)
    assert t.tolist() == [5.0, 12.0, 3.0]
    lin = nn.Linear(2, 2)
    with tg.no_grad():
        lin.weight[0, 0].fill_(7)
    assert lin.weight[0, 0].item() == 7.0
    v = t[2]
    t.mul_(2)
    assert v.item() == 6.0 and v._version == t._version  # memory and version counter shared


# 4. in place on a view of a constant, with an operand that requires grad: the gradient survives
def test_in_place_on_a_view_of_a_constant_records_the_gradient():
    x = leaf([1.0, 2.0])
    w = leaf([[1.0, 2.0], [3.0, 4.0]])
    buf = tg.zeros(2, 2)
    buf[0].add_(x)
    (buf * w).sum().backward()
    assert x.grad.tolist() == [1.0, 2.0]
    assert w.grad.tolist() == [[1.0, 2.0], [0.0, 0.0]]
    assert buf.requires_grad and buf.tolist() == [[1.0, 2.0], [0.0, 0.0]]


def test_in_place_on_a_view_of_a_leaf_that_requires_grad_is_refused():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="view of a leaf"):
        x[0].mul_(2)


# 5. two threads' backward into one parameter: every contribution counts
def test_concurrent_backward_into_one_parameter_loses_nothing():
    w = leaf(np.zeros(3))

    def work():
        for _ in range(100):
            (w * 1.0).sum().backward()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert w.grad.tolist() == [400.0, 400.0, 400.0]


# 6. cross_entropy where every target is ignored: gradient 0 (the loss is nan, as PyTorch)
def test_cross_entropy_all_ignored_has_zero_gradient():
    logits = leaf(np.random.default_rng(0).standard_normal((3, 4)))
    loss = F.cross_entropy(logits, tg.tensor([-100, -100, -100]))
    loss.backward()
    assert np.isnan(loss.item())
    assert np.all(logits.grad.numpy() == 0)


# 7. d(a/b)/db does not overflow where a/b does not
def test_division_gradient_does_not_overflow_in_float32():
    a = leaf([1e-10], dtype=np.float32)
    b = leaf([1e-20], dtype=np.float32)
    (a / b).sum().backward()
    assert np.isfinite(b.grad.numpy()).all()
    np.testing.assert_allclose(b.grad.numpy(), [-1e30], rtol=1e-5)


# 8. dtypes follow PyTorch's promotion rules
def test_dtype_promotion_follows_pytorch():
    f32 = tg.ones(2, dtype=np.float32)
    assert (f32 * tg.tensor([1, 2])).dtype == np.float32
    assert (f32 * tg.tensor(2.0)).dtype == np.float32
    assert (f32 + 2.5).dtype == np.float32
    for fn in ("exp", "sqrt", "tanh", "sin", "cos", "log", "sigmoid"):
        assert getattr(tg.tensor([True, False]), fn)().dtype == tg.get_default_dtype()
    x = leaf([1.0, 2.0], dtype=np.float32)
    g, = tg.grad((x * tg.tensor(3.0, dtype=np.float64)).sum(), x)
    assert g.dtype == np.float32


# 9. deepcopy and pickle of computed tensors
def test_deepcopy_of_a_computed_tensor_is_refused_and_pickle_keeps_the_data():
    x = leaf([1.0, 2.0])
    y = x * 2
    with pytest.raises(RuntimeError, match="deep-copied"):
        copy.deepcopy(y)
    z = pickle.loads(pickle.dumps(y))
    assert z.tolist() == [2.0, 4.0] and z.is_leaf and z.requires_grad
    x.grad = tg.ones(2)
    c = copy.deepcopy(x)
    assert c.tolist() == [1.0, 2.0] and c.grad.tolist() == [1.0, 1.0] and c.data is not x.data
    long = x
    for _ in range(10_000):
        long = long + 1
    with pytest.raises(RuntimeError, match="deep-copied"):  # not RecursionError
        copy.deepcopy(long)


def test_deepcopy_of_a_module_holding_a_computed_tensor_is_refused():
    model = nn.Linear(2, 2)
    model.cache = model(tg.ones(1, 2))
    with pytest.raises(RuntimeError, match="deep-copied"):
        copy.deepcopy(model)


# 10. a hook that returns the wrong shape is named
def test_hook_returning_a_wrong_shape_is_refused_with_its_name():
    x = leaf([1.0, 2.0])

    def bad_leaf_hook(grad):
        return tg.ones(3)

    x.register_hook(bad_leaf_hook)
    with pytest.raises(RuntimeError, match="bad_leaf_hook.*shape"):
        (x * 2).sum().backward()
    y = leaf([1.0, 2.0])
    h = y * 2

    def bad_hook(grad):
        return tg.ones(1)

    h.register_hook(bad_hook)
    with pytest.raises(RuntimeError, match="bad_hook"):
        (h * 3).sum().backward()


# Computed where PyTorch computes
def test_reductions_of_a_zero_dim_tensor():
    t0 = leaf(3.0)
    assert t0.sum(0).item() == 3.0 and t0.logsumexp(0).item() == 3.0
    assert t0.transpose(0, 0).item() == 3.0
    values, indices = t0.max(0)
    assert values.item() == 3.0 and indices.item() == 0
    assert np.isnan(t0.var(0).item())  # one element: no unbiased variance (PyTorch: nan)


def test_reductions_over_empty_axes():
    e = tg.ones(0, 3)
    assert e.mean(0).shape == (3,) and np.isnan(e.mean(0).numpy()).all()
    assert e.argmax(1).shape == (0,)
    assert e.max(1).values.shape == (0,)
    assert e.logsumexp(0).tolist() == [-np.inf] * 3
    assert tg.tensor([True, False]).sigmoid().dtype == tg.get_default_dtype()


def test_setitem_size_one_value_into_a_zero_dim_slot():
    t = tg.tensor([1.0, 2.0])
    t[0] = tg.tensor([5.0])
    assert t.tolist() == [5.0, 2.0]


def test_a_multi_output_node_fills_an_unused_output_with_its_own_dtype():
    x = leaf(np.ones((2, 8), dtype=np.float32))
    cell = nn.LSTMCell(8, 2, dtype=np.float32) if "dtype" in nn.LSTMCell.__init__.__code__.co_varnames else None
    if cell is None:
        pytest.skip("LSTMCell has no dtype argument")
    h, c = cell(x)
    h.sum().backward()  # c unused: its gradient is zeros of float32, so the gradient stays float32
    assert x.grad.dtype == np.float32


def test_negative_slice_steps_are_refused_as_in_pytorch():
    t = tg.arange(4.0)
    with pytest.raises(ValueError, match="step must be greater than zero"):
        t[::-1]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        t[::-1] = 0.0


def test_comparisons_use_the_promoted_dtype():
    f32 = tg.tensor(np.array([1.0, 3.6], dtype=np.float32))
    assert (tg.tensor(3.6) != f32).tolist() == [True, False]  # compared in float32, as PyTorch


def test_max_along_a_dim_of_bools_and_chunks_of_an_empty_dim():
    values, indices = tg.tensor([[True, False], [False, False]]).max(0)
    assert values.tolist() == [True, False] and indices.tolist() == [0, 0]
    assert len(tg.zeros(0, 2).chunk(2)) == 2


def test_a_view_reads_its_base_again_after_the_base_changed_in_place():
    # as PyTorch regenerates a view's history: gradients through the older view see the change
    x = leaf([1.0])
    buf = tg.zeros(2)
    v = buf[0]                   # taken while buf needs no gradient
    buf.add_(x * 3)              # buf now depends on x
    (v * 2).backward()
    assert x.grad.tolist() == [6.0]
    w = leaf([1.0, 2.0])
    a = w * 1
    first, second = a[0], a.reshape(2, 1)
    first.mul_(10)               # changes a, and so the memory `second` shows
    (second * tg.tensor([[1.0], [1.0]])).sum().backward()
    assert second.tolist() == [[10.0], [2.0]] and w.grad.tolist() == [10.0, 1.0]


def test_half_precision_sigmoid_of_large_negative_inputs_is_tiny_not_clamped():
    """e^(-x) overflows float16 at x = -11.1, where σ is still 1.5e-5: σ is computed in float32
    and rounded (as PyTorch does), not read from a capped exponent (which gave 1.7e-5 for all x
    below -11)."""
    x = tg.tensor(np.array([-1000.0, -20.0, -12.0, 0.0, 3.0], np.float16), requires_grad=True)
    y = x.sigmoid()
    assert y.dtype == np.float16
    expected = (1 / (1 + np.exp(-np.array([-1000.0, -20.0, -12.0, 0.0, 3.0])))).astype(np.float16)
    np.testing.assert_array_equal(y.numpy(), expected)
    y.sum().backward()
    assert x.grad.dtype == np.float16 and x.grad.numpy()[1] == 0


def test_gelu_left_tail_keeps_its_digits_in_half_precision():
    """Φ(x) = (1 + erf(x/√2))/2 cancels in the left tail: in float16 gelu(-3) came out 8% too
    large. Φ is computed as erfc(-x/√2)/2 in float64 and rounded, as PyTorch's half kernels
    compute in float32."""
    import tinygrad_edu.nn.functional as F

    x = np.array([-8.0, -3.0, -0.5, 0.0, 2.0], np.float16)
    exact = x.astype(np.float64) * 0.5 * np.array([math.erfc(-v / math.sqrt(2)) for v in x.astype(np.float64)])
    ours = F.gelu(tg.tensor(x)).numpy()
    assert ours.dtype == np.float16
    np.testing.assert_allclose(ours.astype(np.float64), exact, rtol=1e-3, atol=1e-6)


def test_half_precision_cumsum_adds_up_in_single_precision():
    """A float16 running sum drifts when it adds up in float16 (4096 numbers in [0, 1): off by 1%
    at the end); it adds up in float32 and is rounded, as in PyTorch, forward and backward."""
    x = np.random.default_rng(0).uniform(0, 1, 4096).astype(np.float16)
    t = tg.tensor(x, requires_grad=True)
    y = t.cumsum(0)
    assert y.dtype == np.float16
    np.testing.assert_array_equal(y.numpy(), np.cumsum(x, dtype=np.float32).astype(np.float16))
    (y * tg.tensor(np.ones(4096, np.float16))).backward(tg.tensor(np.ones(4096, np.float16)))
    expected = np.cumsum(np.ones(4096, np.float32))[::-1].astype(np.float16)
    np.testing.assert_array_equal(t.grad.numpy(), expected)


def test_reshape_that_must_copy_is_a_new_tensor_not_a_view():
    """Flattening a transposed matrix makes numpy copy. The result was still counted a view, so
    an in-place op on it with a tensor that requires grad wrote into the base and left the
    result unchanged (found by the differential fuzz)."""
    x = tg.tensor(np.arange(4.0).reshape(2, 2))
    flat = x.T.reshape(-1)
    flat.mul_(tg.tensor([1.0, 1.0, 1.0, 10.0], requires_grad=True))
    assert flat.tolist() == [0.0, 2.0, 1.0, 30.0] and x.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    view = x.reshape(-1)  # a true view still writes through, as in PyTorch
    view.mul_(tg.tensor([1.0, 1.0, 1.0, 10.0], requires_grad=True))
    assert x.tolist() == [[0.0, 1.0], [2.0, 30.0]]


def test_indices_changed_in_place_after_use_do_not_change_the_gradient():
    """x[i] and cross_entropy(z, t) kept the index arrays by reference, so changing i or t in
    place before backward silently moved the gradient (PyTorch raises instead; here backward
    uses forward's indices)."""
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    i = tg.tensor([0, 0])
    y = x[i]
    i[0] = 2
    (y * tg.tensor([1.0, 10.0])).sum().backward()
    assert x.grad.tolist() == [11.0, 0.0, 0.0]
    for loss in (F.cross_entropy, F.nll_loss):
        z = tg.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
        t = tg.tensor([0])
        value = loss(z, t)
        t[0] = 2
        value.backward()
        assert z.grad.numpy()[0, 0] < 0 and (z.grad.numpy()[0, 1:] >= 0).all()  # class 0 is the target


def test_ignored_targets_add_exactly_zero_even_next_to_nan_logits():
    z = tg.tensor([[float("nan"), 1.0, 1.0], [1.0, 1.0, 1.0]])
    assert F.cross_entropy(z, tg.tensor([-100, -100]), reduction="none").tolist() == [0.0, 0.0]
    assert F.nll_loss(F.log_softmax(z, 1), tg.tensor([-100, 1]), reduction="sum").item() == \
        pytest.approx(np.log(3.0))


def test_max_along_the_dim_of_a_0d_tensor_is_a_new_tensor():
    x = tg.tensor(1.0)
    values = tg.min(x, 0).values
    x[None] = tg.tensor([2.0])
    assert values.item() == 1.0  # it was x itself, so it changed with x


def test_relu_keeps_the_sign_of_negative_zero():
    y = tg.tensor([0.0, -0.0, -1.0, float("nan")]).relu()
    assert np.signbit(y.numpy()).tolist() == [False, True, False, False] and np.isnan(y.numpy()[3])


def test_in_place_on_an_expanded_view_is_refused_with_a_clear_error():
    v = tg.tensor(1.0).sigmoid().expand((3,))
    with pytest.raises(RuntimeError, match="mul_: .* made by expand"):
        v.mul_(2.0)


def test_cat_and_stack_promote_dtypes_as_pytorch():
    a, b = tg.ones(2, 1, dtype=tg.int64), tg.ones(2, 1, dtype=tg.float32)
    assert tg.cat([a, b], 1).dtype == tg.float32 and tg.stack([a, b]).dtype == tg.float32  # numpy: float64
    x = tg.ones(2, 1, dtype=tg.float32, requires_grad=True)
    tg.cat([x, tg.ones(2, 1, dtype=tg.float64)], 1).sum().backward()
    assert x.grad.dtype == tg.float32


def test_integer_to_a_negative_integer_power_is_refused_even_when_empty():
    with pytest.raises(ValueError, match="negative integer powers"):
        tg.tensor([], dtype=tg.int64) ** -3


def test_norm_over_one_element_is_its_absolute_value_without_overflow():
    x = tg.tensor([[1e200, -3.0]], requires_grad=True)
    v = x.norm(dim=0)  # a dim of size 1, as PyTorch: no x² on the way
    assert v.tolist() == [1e200, 3.0]
    v.sum().backward()
    assert x.grad.tolist() == [[1.0, -1.0]]


def test_a_negative_index_and_its_positive_twin_both_add_their_gradient():
    """x[[0, -3]] names row 0 twice. The backward wrote the rows with one assignment when the raw
    indices looked distinct, so one of the two gradients was lost (found by the fuzz)."""
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, -3]].sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 0.0]
    y = tg.tensor([[1.0], [2.0]], requires_grad=True)
    (y[tg.tensor([1, -1, 0])] * tg.tensor([[1.0], [10.0], [100.0]])).sum().backward()
    assert y.grad.tolist() == [[100.0], [11.0]]


def test_inverting_a_0d_mask_keeps_it_a_bool_tensor():
    inverted = ~tg.tensor(True)
    assert inverted.data.__class__ is np.ndarray and inverted.dtype == tg.bool
    with pytest.raises(TypeError, match="subtraction with a bool tensor"):
        0.0 - inverted  # (the numpy scalar inside slipped past the bool check)


def test_sigmoid_underflows_to_exactly_zero_without_a_warning():
    """σ(x) for x below -709 was the smallest normal number (1.2e-308): so sigmoid(-inf).all()
    was True and 1/σ finite, where PyTorch gives 0 (found by the differential fuzz)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = tg.tensor([-np.inf, -1e6, -720.0, -700.0, -30.0, 0.0, np.inf]).sigmoid()
    values = y.tolist()  # (e^720 overflows float64: σ(-720) is 0 here and in PyTorch)
    assert values[:3] == [0.0, 0.0, 0.0] and 0 < values[3] < 1e-300
    assert values[4] == pytest.approx(9.357622968840175e-14)
    assert not tg.tensor([1.0, -np.inf]).sigmoid().all().item()


def test_sigmoid_keeps_the_callers_numpy_error_settings():
    """sigmoid silences only its own overflow (quiet_overflow.py reuses numpy's settings object):
    a caller's np.errstate(over="raise") must not make it raise, must still hold after it, and
    must be gone after the caller's block."""
    import threading

    with np.errstate(over="raise", invalid="raise"):
        assert tg.tensor([-1000.0, 0.0]).sigmoid().tolist() == [0.0, 0.5]
        assert np.geterr()["over"] == "raise" and np.geterr()["invalid"] == "raise"
        with pytest.raises(FloatingPointError):
            np.exp(np.array([1000.0]))
    with np.errstate(over="warn", divide="raise"):  # other outer settings: other quiet settings
        assert tg.tensor([-1000.0]).sigmoid().item() == 0.0
        assert np.geterr()["over"] == "warn" and np.geterr()["divide"] == "raise"
    seen = []  # another thread has its own settings (numpy keeps them in a context variable)
    thread = threading.Thread(target=lambda: seen.append((tg.tensor([-800.0]).sigmoid().item(), np.geterr())))
    with np.errstate(over="raise"):
        thread.start()
        thread.join()
    assert seen[0][0] == 0.0 and seen[0][1]["over"] == "warn"


def test_var_and_std_of_equal_values_are_exactly_zero():
    x = tg.ones(3, 3).clamp(max=0.4)  # 0.4 three times: the first mean is off in the last bit
    assert x.std(1).tolist() == [0.0] * 3 and x.var(1).tolist() == [0.0] * 3
    assert x.std(1).reciprocal().tolist() == [float("inf")] * 3  # as PyTorch


def test_view_refuses_a_shape_that_needs_a_copy():
    x = tg.ones(3, 4)
    with pytest.raises(RuntimeError, match="cannot be viewed"):
        x.t().view(12)
    assert x.t().reshape(12).shape == (12,) and x.view(2, 6).shape == (2, 6)


def test_nll_loss_with_every_target_ignored_and_no_classes():
    x = tg.ones(2, 0, requires_grad=True)
    assert np.isnan(F.nll_loss(x, tg.tensor([-100, -100])).item())
    assert F.nll_loss(x, tg.tensor([-100, -100]), reduction="sum").item() == 0.0


def test_argmax_of_a_vector_holds_an_array():
    index = tg.tensor([1.0, 3.0, 2.0]).argmax(dim=-1)
    assert index.data.__class__ is np.ndarray and index.item() == 1
    with pytest.raises(TypeError, match="subtraction with a bool tensor"):
        float("inf") - index.bool()


def test_cat_of_one_tensor_and_transpose_of_a_dim_with_itself_are_new_tensors():
    """As in PyTorch: cat copies even one tensor (writing into the result leaves the input
    alone), and transpose(d, d) or t() of a vector is a new view (it has a node of its own)."""
    x = tg.randn(3, requires_grad=True)
    joined = tg.cat([x])
    assert joined is not x and joined.grad_fn is not None
    with tg.no_grad():
        joined.mul_(0)
    assert (x.data != 0).all()
    s = tg.tensor(2.0)
    for base, view in ((x, x.transpose(0, 0)), (x, x.t()), (s, s.t())):
        assert view is not base and np.shares_memory(view.data, base.data)
    v = x.t()
    assert v.grad_fn is not None and np.shares_memory(v.data, x.data)
    v.sum().backward()
    assert np.array_equal(x.grad.data, np.ones(3))


@pytest.mark.parametrize("name,args", [("hardsigmoid", ()), ("hardswish", ()), ("softshrink", ()),
                                       ("hardshrink", ()), ("threshold", (0.6, 2.5))])
def test_piecewise_activations_keep_nan_and_inf_as_pytorch(name, args):
    """(Found by the differential fuzz.) A nan input stays nan, as in PyTorch: the pieces are
    chosen by tests that are false for nan; and hardswish(-inf) is -inf·0 = nan, hardswish(-3) -0.0."""
    x = tg.tensor([np.nan, -np.inf, np.inf, -3.0, 3.0, 0.5, -0.5, 0.0])
    out = getattr(F, name)(x, *args).data
    assert np.isnan(out[0])
    if name == "hardswish":
        assert np.isnan(out[1]) and out[3] == 0 and np.signbit(out[3])


@pytest.mark.parametrize("fn", [F.elu, F.celu, F.selu])
def test_elu_family_second_derivative_at_zero_is_the_right_pieces(fn):
    """(Found by the differential fuzz.) At x = 0 the first derivative is the slope of the left
    piece (α·e⁰, as PyTorch) and the second derivative is 0, as PyTorch's; left of 0 it is α·eˣ·(1/α)."""
    x = tg.tensor(0.0, requires_grad=True)
    first, = tg.grad(fn(x), x, create_graph=True)
    second, = tg.grad(first, x)
    assert second.item() == 0.0
    x = tg.tensor(-0.5, requires_grad=True)
    first, = tg.grad(F.elu(x), x, create_graph=True)
    assert tg.grad(first, x)[0].item() == pytest.approx(np.exp(-0.5), rel=1e-12)


def test_scatter_value_and_index_add_keep_self_dtype():
    """(Found by the differential fuzz.) As in PyTorch: scatter's number (positional or value=)
    is taken in self's dtype, and index_add of integer or bool tensors keeps their dtype, alpha
    converted to it (2.5 is 2 for ints)."""
    ints = tg.tensor([1, 1])
    for out in (ints.scatter(0, tg.tensor([1, 1]), 0.8), ints.scatter(0, tg.tensor([1, 1]), value=0.8)):
        assert out.dtype == np.int64 and out.tolist() == [1, 0]
    added = tg.tensor([1, 2]).index_add(0, tg.tensor([1, 1]), tg.tensor([3, 4]), alpha=2.5)
    assert added.dtype == np.int64 and added.tolist() == [1, 16]
    flags = tg.tensor([True, False]).index_add(0, tg.tensor([1]), tg.tensor([True]), alpha=-0.6)
    assert flags.dtype == np.bool_ and flags.tolist() == [True, True]


def test_logaddexp_second_derivative_at_a_tie():
    """(Found by the differential fuzz.) logaddexp(a, b) is smooth where a = b; choosing the
    larger argument with maximum/minimum split the tie and lost the second derivative there.
    d²/db² log(eᵃ + eᵇ) = σ(b - a)·(1 - σ(b - a)) = 1/4 at a tie."""
    a = tg.tensor([0.8], requires_grad=True)
    b = tg.tensor([0.8], requires_grad=True)
    _, db = tg.grad(tg.logaddexp(a, b).sum(), [a, b], create_graph=True)
    daa, dbb = tg.grad(db.sum(), [a, b])
    assert dbb.item() == pytest.approx(0.25, rel=1e-12) and daa.item() == pytest.approx(-0.25, rel=1e-12)


@pytest.mark.parametrize("make", [lambda x: x.prod(-1), lambda x: x.cumprod(0), lambda x: x.prod()])
def test_prod_and_cumprod_of_empty_tensors_differentiate(make):
    """(Found by the differential fuzz.) The gradient of a product over an empty tensor has the
    tensor's (empty) shape; it raised in reshape before."""
    x = tg.zeros(3, 0, 3, requires_grad=True)
    make(x).sum().backward()
    assert x.grad.shape == (3, 0, 3)


def test_clamp_with_tensor_bounds():
    """clamp/clip take tensor bounds that broadcast, as PyTorch: min(max(x, lo), hi); each bound
    gets the gradient where it is the result, x keeps it at ties, and where lo > hi the result is
    hi. (A tensor bound recursed forever before.)"""
    x = tg.tensor([-2.0, 0.5, 3.0, 0.0], requires_grad=True)
    lo = tg.tensor([0.0, 0.0, 0.0, 0.0], requires_grad=True)
    hi = tg.tensor(1.0, requires_grad=True)
    out = tg.clamp(x, lo, hi)
    assert out.tolist() == [0.0, 0.5, 1.0, 0.0]
    out.backward(tg.tensor([1.0, 2.0, 3.0, 4.0]))
    assert x.grad.tolist() == [0.0, 2.0, 0.0, 4.0] and lo.grad.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert hi.grad.item() == 3.0
    crossed = tg.tensor([0.0]).clamp(min=tg.tensor([2.0]), max=tg.tensor([1.0]))
    assert crossed.tolist() == [1.0]
    assert tg.clip(tg.tensor([1, 5]), tg.tensor([2, 2]), tg.tensor(4)).tolist() == [2, 4]


def test_error_types_of_train_and_random_fills_are_pytorchs():
    """Module.train(1) is a ValueError and normal_/uniform_ of an integer tensor a
    NotImplementedError, the types PyTorch raises."""
    with pytest.raises(ValueError, match="boolean"):
        nn.Linear(2, 2).train(1)
    for fill in ("normal_", "uniform_"):
        with pytest.raises(NotImplementedError, match="floating point"):
            getattr(tg.zeros(2, dtype=tg.int64), fill)()


def test_binary_cross_entropy_weight_may_not_grow_the_loss():
    """As PyTorch: the weight broadcasts to the input's shape, not beyond it."""
    p, y = tg.tensor([0.2, 0.5, 0.9]), tg.tensor([0.0, 1.0, 1.0])
    with pytest.raises(RuntimeError, match="weight of shape \\(2, 3\\)"):
        F.binary_cross_entropy(p, y, tg.ones(2, 3))
    with pytest.raises(RuntimeError, match="does not broadcast"):
        F.binary_cross_entropy(p, y, tg.ones(2))
    rows = F.binary_cross_entropy(p.expand(2, 3), y.expand(2, 3), tg.tensor([1.0, 0.0, 2.0]), reduction="sum")
    expected = -2 * (np.log(0.8) + 2 * np.log(0.9))
    assert rows.item() == pytest.approx(expected, rel=1e-12)


def test_empty_inputs_of_median_glu_and_logcumsumexp_ties():
    """(Found by the differential fuzz.) median of nothing is nan and still requires grad; glu
    of an empty dim is empty; logcumsumexp's second derivative is exact where values are equal."""
    x = tg.zeros(1, 0, requires_grad=True)
    assert np.isnan(x.median().item()) and x.median().requires_grad
    # an integer tensor keeps its dtype: NaN cast to it, as PyTorch prints it (on x86)
    empty = tg.zeros(0, dtype=tg.int64)
    assert empty.median().dtype == empty.nanmedian().dtype == tg.int64
    assert tg.zeros(0, dtype=tg.int8).median().dtype == tg.int8 and tg.zeros(0, dtype=tg.bool).median().item()
    assert F.glu(tg.zeros(2, 0)).shape == (2, 0)
    a = tg.tensor([1.0, 1.0], requires_grad=True)
    first, = tg.grad((a.logcumsumexp(0) * tg.tensor([0.0, 1.0])).sum(), a, create_graph=True)
    second, = tg.grad(first[1], a)  # d²/da₁² log(e^a₀ + e^a₁) = σ(1 - σ) = 1/4 at a tie
    assert second.tolist() == pytest.approx([-0.25, 0.25], rel=1e-12)


def test_elu_gradient_at_nan_takes_the_straight_branch():
    """(Found by the differential fuzz.) PyTorch's elu backward tests x <= 0, so a nan input
    passes the gradient on times scale (selu: 1.0507), not times α·scale."""
    x = tg.tensor([np.nan, 2.0], requires_grad=True)
    F.selu(x).backward(tg.tensor([1.0, 1.0]))
    assert x.grad.tolist() == pytest.approx([1.0507009873554805, 1.0507009873554805], rel=1e-15)


def test_median_of_all_elements_shares_the_gradient_among_ties():
    """(Found by the differential fuzz.) As PyTorch's median() and nanmedian(): the gradient is
    shared evenly by every element equal to the median (every nan, if the median is nan); the
    value is the element itself."""
    x = tg.tensor([2.4, 2.4, 1.0, 3.0, 2.4], requires_grad=True)
    m = x.median()
    m.backward()
    assert m.item() == 2.4 and x.grad.tolist() == pytest.approx([1 / 3, 1 / 3, 0, 0, 1 / 3], rel=1e-15)
    x = tg.tensor([2.4, np.nan, 1.0, np.nan], requires_grad=True)
    x.median().backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.0, 0.5]


def test_reshape_view_and_squeeze_to_the_same_shape_are_new_views():
    """As PyTorch: reshape/view/view_as to the same shape and squeeze with nothing to squeeze
    return a new view with a node of its own (they returned self, whose grad_fn and identity
    leaked; torch.func-style code that takes x.view_as(x) as a fresh input broke)."""
    x = tg.randn(2, 3, requires_grad=True)
    for view in (x.reshape(2, 3), x.view(2, 3), x.view_as(x), x.reshape_as(x), x.squeeze()):
        assert view is not x and view.grad_fn is not None and np.shares_memory(view.data, x.data)
    assert x.contiguous() is x  # (as PyTorch's: already contiguous)


def test_roll_of_an_empty_tensor_is_a_copy_whatever_the_dims():
    """(Found by the differential fuzz.) As PyTorch: an empty tensor rolls to an empty copy,
    without checking the dims."""
    x = tg.zeros(0, 2)
    out = x.roll(-3, 5)
    assert out.shape == (0, 2) and out is not x
    with pytest.raises(IndexError):
        tg.zeros(1, 2).roll(1, 5)
