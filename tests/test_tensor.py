"""Tensor construction, dtype rules, properties, creation functions and every op family,
compared against numpy (and PyTorch where it is installed)."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor


def leaf(array, dtype=np.float64) -> Tensor:
    return tg.tensor(np.asarray(array, dtype=dtype), requires_grad=True)


# ---- construction and dtype rules (PyTorch's) --------------------------------------------------

@pytest.mark.parametrize("data, dtype", [
    (1.5, np.float64),
    ([1.0, 2.0], np.float64),
    ([1, 2.5], np.float64),  # a list holding any float is float
    ([[1.0], [2.0]], np.float64),
    (3, np.int64),
    ([1, 2, 3], np.int64),
    (True, np.bool_),
    ([True, False], np.bool_),
])
def test_python_data_dtypes(data, dtype):
    t = tg.tensor(data)
    assert t.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(t.numpy(), np.asarray(data))


def test_default_dtype_float32_changes_python_floats_only():
    tg.set_default_dtype(np.float32)
    assert tg.get_default_dtype() == np.float32
    assert tg.tensor(1.5).dtype == np.float32
    assert tg.tensor([1.0, 2]).dtype == np.float32
    assert tg.tensor([1, 2]).dtype == np.int64
    assert tg.tensor(np.zeros(2)).dtype == np.float64  # an ndarray keeps its dtype
    assert tg.zeros(2).dtype == np.float32
    assert tg.randn(2).dtype == np.float32
    assert tg.arange(0, 1, 0.5).dtype == np.float32


def test_default_dtype_restored_by_fixture():
    # runs after the test above in file order; the autouse fixture put float64 back
    assert tg.get_default_dtype() == np.float64
    assert tg.tensor(1.0).dtype == np.float64


def test_set_default_dtype_rejects_int():
    with pytest.raises(TypeError, match="floating"):
        tg.set_default_dtype(np.int32)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32, np.int8, np.uint8, np.bool_])
def test_ndarray_keeps_dtype(dtype):
    a = np.arange(4).astype(dtype)
    assert tg.tensor(a).dtype == dtype


def test_ndarray_is_copied_by_tensor_and_shared_by_from_numpy():
    a = np.arange(3.0)
    t = tg.tensor(a)
    assert not np.shares_memory(t.data, a)  # tg.tensor copies, as torch.tensor does
    assert tg.from_numpy(a).data is a and tg.as_tensor(a).data is a and tg.Tensor(a).data is a
    u = tg.tensor(t)
    assert not np.shares_memory(u.data, t.data)
    np.testing.assert_array_equal(u.numpy(), a)


def test_dtype_argument_converts():
    assert tg.tensor([1, 2], dtype=np.float32).dtype == np.float32
    assert tg.tensor([1.7, 2.2], dtype=np.int64).tolist() == [1, 2]
    assert tg.tensor(1, dtype="float64").dtype == np.float64


@pytest.mark.parametrize("data", [[1, 2], True, np.arange(3, dtype=np.int32), [True]])
def test_int_and_bool_cannot_require_grad(data):
    with pytest.raises(TypeError) as info:
        tg.tensor(data, requires_grad=True)
    dtype = str(tg.tensor(data).dtype)
    assert dtype in str(info.value) and "grad" in str(info.value)


def test_requires_grad_on_int_via_method():
    with pytest.raises(TypeError, match="int64"):
        tg.arange(3).requires_grad_()


def test_name_is_kept_and_shown():
    w = tg.tensor([1.0], name="weight")
    assert w.name == "weight"
    assert "weight" in repr(w)


# ---- properties ---------------------------------------------------------------------------------

def test_shape_ndim_dtype_numel_size():
    t = tg.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and isinstance(t.shape, tuple)
    assert t.ndim == 3 and t.dim() == 3
    assert t.dtype == np.float64 and isinstance(t.dtype, np.dtype)
    assert t.numel() == 24
    assert t.size() == (2, 3, 4)
    assert t.size(1) == 3 and t.size(-1) == 4
    with pytest.raises(IndexError):
        t.size(3)


def test_item_returns_python_number():
    assert tg.tensor(2.5).item() == 2.5 and isinstance(tg.tensor(2.5).item(), float)
    assert tg.tensor([[7]]).item() == 7 and isinstance(tg.tensor([[7]]).item(), int)
    assert tg.tensor(True).item() is True


def test_numpy_is_not_a_copy():
    t = tg.ones(3)
    assert t.numpy() is t.data
    t.numpy()[0] = 5.0
    assert t.tolist() == [5.0, 1.0, 1.0]


def test_asarray_tolist_float_int():
    t = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    a = np.asarray(t)
    assert isinstance(a, np.ndarray) and a.shape == (2, 2)
    np.testing.assert_array_equal(a, t.data)
    assert np.asarray(t, dtype=np.float32).dtype == np.float32
    assert t.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert float(tg.tensor([3.5])) == 3.5
    assert int(tg.tensor(4)) == 4


def test_len_and_iteration_over_first_axis():
    t = tg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and all(isinstance(r, Tensor) for r in rows)
    assert rows[2].tolist() == [5.0, 6.0]
    with pytest.raises(TypeError):
        len(tg.tensor(1.0))
    with pytest.raises(TypeError):
        iter(tg.tensor(1.0))


def test_iteration_is_differentiable():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    total = sum((row * (i + 1)).sum() for i, row in enumerate(x))
    total.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 1], [2, 2]])


def test_bool_of_one_element():
    assert bool(tg.tensor([1.0])) is True
    assert bool(tg.tensor(0.0)) is False
    assert bool(tg.tensor([[3]])) is True
    if tg.tensor(2.0) > 1:
        pass
    else:
        pytest.fail("a one-element comparison should be usable in `if`")


def test_tensor_as_index():
    assert [10, 20, 30][tg.tensor(1)] == 20
    with pytest.raises(TypeError):
        [10, 20][tg.tensor(1.0)]


# ---- repr --------------------------------------------------------------------------------------

def test_repr_like_pytorch():
    assert repr(tg.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(tg.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    x = tg.tensor(3.0, requires_grad=True)
    assert repr(x * 2) == "tensor(6., grad_fn=<MulBackward0>)"
    assert repr(x + 1) == "tensor(4., grad_fn=<AddBackward0>)"
    assert repr(tg.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(tg.tensor([1.0], dtype=np.float32)) == "tensor([1.], dtype=float32)"
    assert repr(tg.tensor([[1.0, 2.0], [3.0, 4.0]])) == "tensor([[1., 2.],\n        [3., 4.]])"


def test_repr_dtype_relative_to_default():
    tg.set_default_dtype(np.float32)
    assert repr(tg.tensor([1.0])) == "tensor([1.])"
    assert "dtype=float64" in repr(tg.tensor(np.ones(1)))


# ---- creation functions ------------------------------------------------------------------------

@pytest.mark.parametrize("make, fill", [(tg.zeros, 0.0), (tg.ones, 1.0)])
def test_zeros_ones_shapes(make, fill):
    for t in (make(2, 3), make((2, 3)), make([2, 3])):
        assert t.shape == (2, 3) and t.dtype == np.float64
        assert np.all(t.numpy() == fill)
    assert make(()).shape == ()
    assert make(4).shape == (4,)
    t = make(2, requires_grad=True, dtype=np.float32)
    assert t.requires_grad and t.is_leaf and t.dtype == np.float32


def test_full_and_likes():
    t = tg.full((2, 2), 7.0)
    assert t.dtype == np.float64 and t.tolist() == [[7.0, 7.0], [7.0, 7.0]]
    assert tg.full(3, 2).dtype == np.int64  # dtype from the fill value, as in PyTorch
    assert tg.full((1,), True).dtype == np.bool_
    base = tg.ones(2, 3, dtype=np.float32)
    for made in (tg.zeros_like(base), tg.ones_like(base), tg.full_like(base, 5)):
        assert made.shape == (2, 3) and made.dtype == np.float32
    assert tg.zeros_like(base, dtype=np.float64).dtype == np.float64
    assert tg.ones_like(base, requires_grad=True).requires_grad
    assert tg.full_like(base, 5).tolist()[0] == [5.0] * 3


def test_arange_eye_linspace():
    np.testing.assert_array_equal(tg.arange(5).numpy(), np.arange(5))
    assert tg.arange(5).dtype == np.int64
    np.testing.assert_allclose(tg.arange(1, 2, 0.25).numpy(), [1, 1.25, 1.5, 1.75])
    assert tg.arange(1, 2, 0.25).dtype == np.float64
    np.testing.assert_array_equal(tg.arange(10, 0, -3).numpy(), [10, 7, 4, 1])
    assert tg.arange(3, dtype=np.float32).dtype == np.float32
    assert tg.arange(3.0, requires_grad=True).requires_grad
    np.testing.assert_array_equal(tg.eye(3).numpy(), np.eye(3))
    np.testing.assert_array_equal(tg.eye(2, 3).numpy(), np.eye(2, 3))
    np.testing.assert_allclose(tg.linspace(0, 1, 5).numpy(), np.linspace(0, 1, 5))
    with pytest.raises(ValueError, match="step"):
        tg.arange(0, 3, 0)


def test_random_creation_and_manual_seed():
    tg.manual_seed(7)
    a, b, c = tg.rand(3, 4), tg.randn((2, 5)), tg.randint(0, 10, (6,))
    tg.manual_seed(7)
    a2, b2, c2 = tg.rand(3, 4), tg.randn((2, 5)), tg.randint(0, 10, (6,))
    np.testing.assert_array_equal(a.numpy(), a2.numpy())
    np.testing.assert_array_equal(b.numpy(), b2.numpy())
    np.testing.assert_array_equal(c.numpy(), c2.numpy())
    assert a.shape == (3, 4) and b.shape == (2, 5) and c.dtype == np.int64
    assert np.all((a.numpy() >= 0) & (a.numpy() < 1))
    assert np.all((c.numpy() >= 0) & (c.numpy() < 10))
    tg.manual_seed(8)
    assert not np.array_equal(tg.rand(3, 4).numpy(), a.numpy())
    r = tg.randn(3, requires_grad=True, dtype=np.float32)
    assert r.requires_grad and r.dtype == np.float32


def test_randn_is_roughly_standard_normal():
    tg.manual_seed(0)
    x = tg.randn(20000).numpy()
    assert abs(x.mean()) < 0.05 and abs(x.std() - 1) < 0.05


def test_manual_seed_rejects_non_int():
    with pytest.raises(TypeError, match="int"):
        tg.manual_seed(1.5)


def test_negative_shape_rejected():
    with pytest.raises(ValueError, match="negative"):
        tg.zeros(2, -1)


# ---- indexing ------------------------------------------------------------------------------

A = np.arange(60.0).reshape(3, 4, 5)


@pytest.mark.parametrize("index", [
    1, -1, (0, 2), (-1, -2, -3),
    slice(None, None, 2), (slice(None), slice(1, None, 2)), (slice(1, None, 3), 0),
    (Ellipsis, 1), (0, Ellipsis), (None, 1), (slice(None), None, 2),
    (1, slice(None), np.array([0, 0, 4])),
    np.array([2, 0, 2]),
    [0, 2, 0],
    (np.array([0, 1]), np.array([3, 3])),
    A[:, 0, 0] > 10,
    (slice(None), A[0, :, 0] != 5),
    A > 30,
])
def test_getitem_matches_numpy_and_backward_accumulates(index):
    x = leaf(A)
    y = x[index]
    expected = A[np.asarray(index) if isinstance(index, list) else index]
    np.testing.assert_array_equal(y.numpy(), expected)
    g = np.random.default_rng(0).standard_normal(y.shape)
    y.backward(tg.tensor(g))
    scattered = np.zeros_like(A)
    np.add.at(scattered, np.asarray(index) if isinstance(index, list) else index, g)
    np.testing.assert_allclose(x.grad.numpy(), scattered)


def test_index_with_int_tensor_and_repeats():
    x = leaf([1.0, 2.0, 3.0])
    y = x[tg.tensor([0, 0, 2, 0])]
    assert y.tolist() == [1.0, 1.0, 3.0, 1.0]
    (y * tg.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert x.grad.tolist() == [7.0, 0.0, 3.0]


def test_index_with_bool_tensor_mask():
    x = leaf([[1.0, -2.0], [-3.0, 4.0]])
    picked = x[x > 0]
    assert picked.tolist() == [1.0, 4.0]
    picked.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_index_result_is_a_view_like_pytorch_values():
    x = tg.tensor(A)
    assert x[1, 2, 3].item() == A[1, 2, 3]
    assert x[1][2][3].item() == A[1, 2, 3]


def test_setitem_values_and_gradients():
    v = leaf([10.0, 20.0])
    x = tg.zeros(2, 3)
    x[:, 1] = v
    assert x.tolist() == [[0, 10, 0], [0, 20, 0]]
    assert x.grad_fn is not None and x.requires_grad
    (x * tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    assert v.grad.tolist() == [2.0, 5.0]


def test_setitem_overwritten_part_gets_no_gradient():
    w = leaf([1.0, 2.0, 3.0])
    y = w * 2
    y[1] = 0.0
    y.sum().backward()
    assert w.grad.tolist() == [2.0, 0.0, 2.0]


def test_setitem_broadcasts_value_and_bumps_version():
    x = tg.zeros(3, 2)
    before = x._version
    x[x[:, 0] == 0] = tg.tensor([1.0, 2.0])
    assert x.tolist() == [[1, 2]] * 3
    assert x._version == before + 1
    x[0, 0] = 9
    assert x[0, 0].item() == 9.0 and x._version == before + 2


# ---- in-place ops ----------------------------------------------------------------------------

@pytest.mark.parametrize("method, arg, expected", [
    ("add_", 2.0, [3.0, 4.0]), ("sub_", 1.0, [0.0, 1.0]), ("mul_", 3.0, [3.0, 6.0]),
    ("div_", 2.0, [0.5, 1.0]), ("zero_", None, [0.0, 0.0]), ("fill_", 7.0, [7.0, 7.0]),
])
def test_in_place_ops_change_data_and_version(method, arg, expected):
    t = tg.tensor([1.0, 2.0])
    data = t.data
    result = getattr(t, method)() if arg is None else getattr(t, method)(arg)
    assert result is t and t.data is data  # same memory
    assert t.tolist() == expected
    assert t._version == 1


def test_fill_overwrites_inf_and_nan():
    t = tg.tensor([np.inf, np.nan, 1.0])
    t.fill_(2.0)
    assert t.tolist() == [2.0, 2.0, 2.0]
    t = tg.tensor([np.inf, 1.0])
    t.zero_()
    assert t.tolist() == [0.0, 0.0]


def test_fill_on_non_leaf_cuts_the_gradient():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.fill_(5.0)
    assert y.requires_grad and y.grad_fn is not None
    (y * x).sum().backward()  # y no longer depends on x: d/dx (5x) = 5
    assert x.grad.tolist() == [5.0, 5.0]


def test_augmented_assignment_is_in_place():
    t = tg.tensor([1.0, 2.0])
    alias = t
    t += 1
    t *= tg.tensor([2.0, 3.0])
    assert alias is t and t.tolist() == [4.0, 9.0] and t._version == 2


def test_in_place_on_non_leaf_is_differentiable():
    x = leaf([1.0, 2.0])
    y = x * 3
    y.mul_(x)  # y = 3x², dy/dx = 6x
    y.add_(1)
    assert y.tolist() == [4.0, 13.0]
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]


def test_in_place_with_grad_operand_on_plain_tensor():
    x = leaf([1.0, 2.0])
    buf = tg.zeros(2)
    buf.add_(x * x)
    assert buf.requires_grad and not buf.is_leaf
    buf.sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_in_place_on_leaf_allowed_under_no_grad():
    w = leaf([1.0, 2.0])
    with tg.no_grad():
        w.sub_(0.5)
        w.mul_(2)
    assert w.tolist() == [1.0, 3.0] and w.is_leaf and w.requires_grad and w._version == 2


# ---- arithmetic, scalars and dtypes ---------------------------------------------------------

def test_scalar_mixing_both_sides():
    t = leaf([1.0, 2.0, 4.0])
    np.testing.assert_allclose((2 * t).numpy(), [2, 4, 8])
    np.testing.assert_allclose((t * 2).numpy(), [2, 4, 8])
    np.testing.assert_allclose((1 - t).numpy(), [0, -1, -3])
    np.testing.assert_allclose((t - 1).numpy(), [0, 1, 3])
    np.testing.assert_allclose((2 / t).numpy(), [2, 1, 0.5])
    np.testing.assert_allclose((t / 2).numpy(), [0.5, 1, 2])
    np.testing.assert_allclose((t ** 2).numpy(), [1, 4, 16])
    np.testing.assert_allclose((2 ** t).numpy(), [2, 4, 16])
    np.testing.assert_allclose((3 + t).numpy(), [4, 5, 7])
    np.testing.assert_allclose((-t).numpy(), [-1, -2, -4])
    (2 / t + 2 ** t + t ** 2 + 1 - t).sum().backward()
    xs = np.array([1.0, 2.0, 4.0])
    np.testing.assert_allclose(x_grad := t.grad.numpy(), -2 / xs**2 + np.log(2) * 2**xs + 2 * xs - 1)
    assert x_grad.dtype == np.float64


def test_numpy_array_on_the_left_defers_to_tensor():
    t = leaf([1.0, 2.0])
    out = np.array([3.0, 4.0]) * t
    assert isinstance(out, Tensor) and out.tolist() == [3.0, 8.0] and out.requires_grad
    assert isinstance(np.array([1.0, 1.0]) + t, Tensor)
    assert isinstance(np.ones((2, 2)) @ t, Tensor)


@pytest.mark.parametrize("op", [
    lambda t: t * 2.0, lambda t: 2.0 * t, lambda t: t + 1, lambda t: 1.5 - t, lambda t: t / 3,
    lambda t: 3 / t, lambda t: t ** 2, lambda t: t ** 0.5, lambda t: t.maximum(0.0),
    lambda t: tg.where(t > 1, t, 0.0),
])
def test_float32_stays_float32_with_python_scalars(op):
    t = tg.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    out = op(t)
    assert out.dtype == np.float32
    out.sum().backward()
    assert t.grad.dtype == np.float32


@pytest.mark.parametrize("op", [
    lambda t: tg.maximum(t, 0.1), lambda t: tg.minimum(t, 0.1), lambda t: t.clamp(-0.1, 0.1),
    lambda t: t.relu(), lambda t: t.abs(), lambda t: t.amax(0), lambda t: t.max(0).values,
    lambda t: t ** 3, lambda t: 2.0 ** t,
    lambda t: t.sigmoid(), lambda t: t.tanh(), lambda t: t.logsumexp(0), lambda t: t.var(),
    lambda t: t[[0, 0, 1]], lambda t: tg.where(t > 0, t, 0.0), lambda t: t.sqrt().exp().log(),
])
def test_float32_gradients_stay_float32_inside_the_graph(op):
    x = tg.tensor(np.array([0.3, 0.2], dtype=np.float32), requires_grad=True)
    hidden = x * 1
    hidden.retain_grad()
    op(hidden).sum().backward()
    assert hidden.grad.dtype == np.float32


def test_mixed_dtypes_promote_like_pytorch():
    a = tg.tensor(np.ones(2, dtype=np.float32))
    b = tg.tensor(np.ones(2, dtype=np.float64))
    assert (a + b).dtype == np.float64
    # numpy would give float64 for these three; PyTorch keeps float32
    assert (a * tg.tensor([1, 2])).dtype == np.float32
    assert (a * tg.tensor(2.0)).dtype == np.float32
    assert (a * np.float64(2.0)).dtype == np.float32
    assert (tg.tensor([1, 2]) * tg.tensor(2.5)).dtype == np.float64  # a 0-d float outranks ints
    assert (tg.tensor([True]) + 1).dtype == np.int64
    assert tg.tensor([True, False]).exp().dtype == np.float64  # not numpy's float16
    assert tg.tensor([1, 2], dtype=np.int32).sigmoid().dtype == np.float64
    assert (tg.tensor([1, 2]) * 2).dtype == np.int64
    assert (tg.tensor([1, 2]) * 0.5).dtype == np.float64
    assert (tg.tensor([1, 2]) / 2).dtype == np.float64  # true division of ints gives floats
    assert (tg.tensor([1, 2]) / 2).tolist() == [0.5, 1.0]


def test_broadcasting_gradients_reduce_to_input_shapes(rng):
    a = leaf(rng.standard_normal((3, 1)))
    b = leaf(rng.standard_normal((1, 4)))
    c = leaf(rng.standard_normal(4))
    d = leaf(rng.standard_normal(()))
    out = a * b + c - d
    assert out.shape == (3, 4)
    out.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.full((3, 1), b.numpy().sum()))
    np.testing.assert_allclose(b.grad.numpy(), np.full((1, 4), a.numpy().sum()))
    np.testing.assert_allclose(c.grad.numpy(), np.full(4, 3.0))
    assert d.grad.shape == () and d.grad.item() == -12.0


@pytest.mark.parametrize("name, fn, dfn, domain", [
    ("exp", np.exp, np.exp, (-2, 2)),
    ("log", np.log, lambda x: 1 / x, (0.5, 3)),
    ("sqrt", np.sqrt, lambda x: 0.5 / np.sqrt(x), (0.5, 3)),
    ("abs", np.abs, np.sign, (-2, 2)),
    ("sin", np.sin, np.cos, (-3, 3)),
    ("cos", np.cos, lambda x: -np.sin(x), (-3, 3)),
    ("tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2, (-3, 3)),
    ("sigmoid", lambda x: 1 / (1 + np.exp(-x)), lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2, (-4, 4)),
    ("relu", lambda x: np.maximum(x, 0), lambda x: (x > 0) * 1.0, (-2, 2)),
])
def test_elementwise_values_and_derivatives(name, fn, dfn, domain):
    xs = np.linspace(*domain, 13)
    for x in (leaf(xs),):
        y = getattr(x, name)()
        np.testing.assert_allclose(y.numpy(), fn(xs), rtol=1e-12)
        y.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), dfn(xs), rtol=1e-10, atol=1e-15)
    z = getattr(tg, name)(tg.tensor(xs))  # the function form
    np.testing.assert_allclose(z.numpy(), fn(xs), rtol=1e-12)


def test_sigmoid_does_not_overflow():
    y = tg.tensor([-1000.0, 0.0, 1000.0]).sigmoid()
    assert np.all(np.isfinite(y.numpy()))
    np.testing.assert_allclose(y.numpy(), [0.0, 0.5, 1.0], atol=1e-300)


def test_clamp_boundaries_get_gradient():
    x = leaf([-2.0, -1.0, 0.0, 1.0, 2.0])
    y = x.clamp(-1.0, 1.0)
    assert y.tolist() == [-1, -1, 0, 1, 1]
    y.sum().backward()
    assert x.grad.tolist() == [0, 1, 1, 1, 0]  # PyTorch: gradient 1 at the boundary itself
    x2 = leaf([-1.0, 3.0])
    x2.clamp(min=0).sum().backward()
    assert x2.grad.tolist() == [0, 1]
    assert tg.clamp(tg.tensor([5.0]), max=2).tolist() == [2.0]
    with pytest.raises(ValueError, match="min"):
        tg.tensor([1.0]).clamp()


def test_maximum_minimum_ties_split_gradient():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([3.0, 2.0, 1.0])
    tg.maximum(a, b).sum().backward()
    assert a.grad.tolist() == [0, 0.5, 1] and b.grad.tolist() == [1, 0.5, 0]
    a, b = leaf([1.0, 2.0, 3.0]), leaf([3.0, 2.0, 1.0])
    tg.minimum(a, b).sum().backward()
    assert a.grad.tolist() == [1, 0.5, 0] and b.grad.tolist() == [0, 0.5, 1]


def test_where_gradient_and_broadcast():
    a, b = leaf([[1.0, 2.0], [3.0, 4.0]]), leaf([10.0, 20.0])
    cond = tg.tensor([[True, False], [False, True]])
    out = tg.where(cond, a, b)
    assert out.tolist() == [[1, 20], [10, 4]]
    out.sum().backward()
    assert a.grad.tolist() == [[1, 0], [0, 1]] and b.grad.tolist() == [1, 1]
    assert tg.where([True, False], 1.0, 2.0).tolist() == [1.0, 2.0]


def test_pow_negative_base_integer_exponent():
    x = leaf([-2.0, -1.0, 3.0])
    y = x ** 3
    assert y.tolist() == [-8, -1, 27]
    y.sum().backward()
    assert x.grad.tolist() == [12, 3, 27]


def test_pow_zero_exponent_at_zero_base_has_zero_gradient():
    x = leaf([0.0, 2.0])
    (x ** 0).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]  # d/dx x⁰ = 0, not 0·0⁻¹ = nan (PyTorch agrees)
    y = leaf([0.0, 2.0])
    g, = tg.grad((y ** 0.0).sum(), y, create_graph=True)
    gg, = tg.grad(g.sum(), y)
    assert g.tolist() == [0.0, 0.0] and gg.tolist() == [0.0, 0.0]


def test_pow_exponent_gradient():
    base = tg.tensor([2.0, 3.0])
    e = leaf([3.0, 0.5])
    (base ** e).sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), [8 * np.log(2), np.sqrt(3) * np.log(3)])


def test_pow_zero_base_exponent_gradient_is_zero():
    base = tg.tensor([0.0])
    e = leaf([2.0])
    (base ** e).sum().backward()
    assert e.grad.tolist() == [0.0]


# ---- comparisons ----------------------------------------------------------------------------

def test_comparisons_are_bool_without_grad():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([3.0, 2.0, 1.0])
    results = {
        "==": (a == b, [False, True, False]), "!=": (a != b, [True, False, True]),
        "<": (a < b, [True, False, False]), "<=": (a <= b, [True, True, False]),
        ">": (a > b, [False, False, True]), ">=": (a >= 2, [False, True, True]),
    }
    for op, (t, expected) in results.items():
        assert t.dtype == np.bool_, op
        assert not t.requires_grad and t.grad_fn is None, op
        assert t.tolist() == expected, op
    assert (a.eq(b) | (a > 2)).tolist() == [False, True, True]
    assert (~(a > 1)).tolist() == [True, False, False]
    assert (a > 0).all().item() and not (a > 2).all().item() and (a > 2).any().item()


def test_tensor_is_hashable_by_identity():
    a, b = tg.tensor([1.0]), tg.tensor([1.0])
    d = {a: 1, b: 2}
    assert d[a] == 1 and d[b] == 2


# ---- matmul --------------------------------------------------------------------------------

@pytest.mark.parametrize("sa, sb", [
    ((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2)),
    ((3,), (5, 3, 4)), ((5, 2, 3), (3,)),
])
def test_matmul_matches_numpy(sa, sb, rng):
    a_np, b_np = rng.standard_normal(sa), rng.standard_normal(sb)
    a, b = leaf(a_np), leaf(b_np)
    out = a @ b
    expected = a_np @ b_np
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    g = rng.standard_normal(expected.shape)
    out.backward(tg.tensor(g))
    assert a.grad.shape == sa and b.grad.shape == sb
    # gradient of Σ g·(a@b) checked against finite differences
    ga, gb = tg.numerical_grad(lambda p, q: ((p @ q) * tg.tensor(g)).sum(), (tg.tensor(a_np), tg.tensor(b_np)))
    np.testing.assert_allclose(a.grad.numpy(), ga, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b.grad.numpy(), gb, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(tg.matmul(a_np, b).numpy(), expected, rtol=1e-12)


# ---- reductions ------------------------------------------------------------------------------

@pytest.mark.parametrize("dim", [None, 0, 1, -1, (0, 2), (-1, 0), (0, 1, 2)])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin", "logsumexp"])
def test_reductions_match_numpy(name, dim, keepdim, rng):
    x_np = rng.standard_normal((2, 3, 4))
    reference = {
        "sum": np.sum, "mean": np.mean, "amax": np.max, "amin": np.min,
        "logsumexp": lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims)),
    }[name]
    if name == "logsumexp" and dim is None:
        dim = (0, 1, 2)  # logsumexp needs dim, as in PyTorch
    axis = tuple(d % 3 for d in dim) if isinstance(dim, tuple) else dim
    x = leaf(x_np)
    out = getattr(x, name)(dim, keepdim=keepdim)
    expected = reference(x_np, axis=axis, keepdims=keepdim)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    out.backward(tg.ones_like(out))
    numeric, = tg.numerical_grad(lambda t: getattr(t, name)(dim, keepdim=keepdim).sum(), tg.tensor(x_np))
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)


def test_sum_of_int_tensor_and_function_forms():
    assert tg.tensor([[1, 2], [3, 4]]).sum(0).tolist() == [4, 6]
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert tg.sum(x, 1).tolist() == [3, 7]
    assert tg.mean(x, dim=0, keepdim=True).tolist() == [[2, 3]]
    np.testing.assert_allclose(tg.logsumexp(x, 1).numpy(), np.log(np.exp(x.numpy()).sum(1)))


def test_max_ties_split_gradient_like_amax():
    x = leaf([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    x.amax(dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    w = leaf([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    values, indices = w.max(dim=1)  # PyTorch: the gradient goes to the index returned (the first)
    values.sum().backward()
    assert indices.tolist() == [1, 0] and w.grad.tolist() == [[0, 1, 0], [1, 0, 0]]
    y = leaf([5.0, 1.0, 5.0])
    y.max().backward()
    assert y.grad.tolist() == [0.5, 0.0, 0.5]
    z = leaf([0.0, -1.0, -1.0])
    z.min().backward()
    assert z.grad.tolist() == [0.0, 0.5, 0.5]


def test_logsumexp_is_stable():
    x = tg.tensor([1000.0, 1000.0])
    np.testing.assert_allclose(x.logsumexp(0).item(), 1000 + np.log(2))
    y = tg.tensor([-np.inf, -np.inf]).logsumexp(0)
    assert y.item() == -np.inf


def test_argmax_argmin():
    x = tg.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]], requires_grad=True)
    assert x.argmax().item() == 3
    assert x.argmax(1).tolist() == [1, 0]  # first of the tied maxima, like numpy
    assert x.argmin(dim=0).tolist() == [0, 1, 0]
    assert x.argmax(1, keepdim=True).shape == (2, 1)
    assert x.argmax(1).dtype == np.int64 and not x.argmax(1).requires_grad


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize("unbiased", [True, False])
def test_var_std(dim, unbiased, rng):
    x_np = rng.standard_normal((4, 5))
    x = leaf(x_np)
    ddof = int(unbiased)
    np.testing.assert_allclose(x.var(dim, unbiased=unbiased).numpy(), np.var(x_np, axis=dim, ddof=ddof))
    np.testing.assert_allclose(x.std(dim, unbiased=unbiased).numpy(), np.std(x_np, axis=dim, ddof=ddof))
    assert x.var(dim, keepdim=True).ndim == 2
    x.std(dim, unbiased=unbiased).sum().backward()
    numeric, = tg.numerical_grad(lambda t: t.std(dim, unbiased=unbiased).sum(), tg.tensor(x_np))
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)


def test_var_default_is_unbiased():
    assert tg.tensor([1.0, 2.0, 3.0, 4.0]).var().item() == pytest.approx(np.var([1, 2, 3, 4], ddof=1))


# ---- shape ops -----------------------------------------------------------------------------

def test_reshape_view_flatten(rng):
    a = rng.standard_normal((2, 3, 4))
    x = leaf(a)
    assert x.reshape(6, 4).shape == (6, 4)
    assert x.reshape((4, -1)).shape == (4, 6)
    assert x.view(-1).shape == (24,)
    assert x.flatten().shape == (24,)
    assert x.flatten(1).shape == (2, 12)
    assert x.flatten(0, 1).shape == (6, 4)
    assert tg.tensor(3.0).flatten().shape == (1,)
    np.testing.assert_array_equal(tg.reshape(x, 4, 6).numpy(), a.reshape(4, 6))
    (x.reshape(4, 6) * tg.tensor(np.arange(24.0).reshape(4, 6))).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(24.0).reshape(2, 3, 4))


def test_transpose_permute_T(rng):
    a = rng.standard_normal((2, 3, 4))
    x = leaf(a)
    np.testing.assert_array_equal(x.permute(2, 0, 1).numpy(), a.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.permute((1, 2, 0)).numpy(), a.transpose(1, 2, 0))
    np.testing.assert_array_equal(x.transpose(0, -1).numpy(), np.swapaxes(a, 0, -1))
    np.testing.assert_array_equal(tg.permute(x, -1, 1, 0).numpy(), a.transpose(2, 1, 0))
    m = leaf(a[0])
    np.testing.assert_array_equal(m.T.numpy(), a[0].T)
    g = rng.standard_normal((4, 2, 3))
    x.permute(2, 0, 1).backward(tg.tensor(g))
    np.testing.assert_array_equal(x.grad.numpy(), g.transpose(1, 2, 0))
    with pytest.warns(UserWarning, match="mT or permute"):  # as PyTorch: reverses the dims, deprecated
        np.testing.assert_array_equal(x.T.numpy(), a.T)


def test_squeeze_unsqueeze():
    x = leaf(np.zeros((1, 3, 1)))
    assert x.squeeze().shape == (3,)
    assert x.squeeze(0).shape == (3, 1)
    assert x.squeeze(-1).shape == (1, 3)
    assert x.squeeze(1).shape == (1, 3, 1)  # not size 1: unchanged, like PyTorch
    assert x.unsqueeze(0).shape == (1, 1, 3, 1)
    assert x.unsqueeze(-1).shape == (1, 3, 1, 1)
    assert x.unsqueeze(3).shape == (1, 3, 1, 1)
    x.squeeze().unsqueeze(1).sum().backward()
    assert x.grad.shape == (1, 3, 1)


def test_expand():
    x = leaf([[1.0], [2.0]])
    y = x.expand(3, 2, 4)
    assert y.shape == (3, 2, 4)
    assert x.expand(-1, 5).shape == (2, 5)
    assert x.expand((2, 1)) is x
    y.sum().backward()
    assert x.grad.tolist() == [[12.0], [12.0]]
    assert tg.tensor([1.0]).expand_as(tg.zeros(2, 3)).shape == (2, 3)


def test_cat_and_stack(rng):
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((4, 3))
    ta, tb = leaf(a), leaf(b)
    out = tg.cat([ta, tb])
    np.testing.assert_array_equal(out.numpy(), np.concatenate([a, b]))
    g = rng.standard_normal((6, 3))
    out.backward(tg.tensor(g))
    np.testing.assert_array_equal(ta.grad.numpy(), g[:2])
    np.testing.assert_array_equal(tb.grad.numpy(), g[2:])
    c = rng.standard_normal((2, 5))
    np.testing.assert_array_equal(tg.cat((tg.tensor(a), tg.tensor(c)), dim=-1).numpy(),
                                  np.concatenate([a, c], axis=1))
    s = tg.stack([ta, ta * 2, ta * 3], dim=1)
    np.testing.assert_array_equal(s.numpy(), np.stack([a, 2 * a, 3 * a], axis=1))
    ta.grad = None
    s.sum().backward()
    np.testing.assert_array_equal(ta.grad.numpy(), np.full((2, 3), 6.0))
    assert tg.stack([tg.tensor(1.0), tg.tensor(2.0)]).tolist() == [1.0, 2.0]
    assert tg.stack([ta, ta], dim=-1).shape == (2, 3, 2)


def test_cat_with_constant_only_differentiates_the_variable():
    x = leaf([1.0, 2.0])
    out = tg.cat([tg.zeros(1), x, tg.ones(2)])
    assert out.tolist() == [0, 1, 2, 1, 1]
    (out * tg.arange(5.0)).sum().backward()
    assert x.grad.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("length, chunks, sizes", [
    (5, 3, [2, 2, 1]), (6, 3, [2, 2, 2]), (6, 4, [2, 2, 2]), (5, 2, [3, 2]), (2, 5, [1, 1]), (1, 1, [1]),
])
def test_chunk_sizes_like_pytorch(length, chunks, sizes):
    pieces = tg.arange(float(length)).chunk(chunks)
    assert [len(p) for p in pieces] == sizes
    assert [p.shape[1] for p in tg.chunk(tg.zeros(3, length), chunks, dim=1)] == sizes


@pytest.mark.parametrize("length, split, sizes", [
    (5, 2, [2, 2, 1]), (6, 3, [3, 3]), (4, 10, [4]), (5, [1, 4], [1, 4]), (5, (2, 0, 3), [2, 0, 3]),
])
def test_split_sizes_like_pytorch(length, split, sizes):
    x = leaf(np.arange(float(length)))
    pieces = x.split(split)
    assert [len(p) for p in pieces] == sizes
    np.testing.assert_array_equal(tg.cat([p for p in pieces if p.numel()]).numpy(), np.arange(length))
    sum((p * (i + 1)).sum() for i, p in enumerate(pieces)).backward()
    expected = np.concatenate([np.full(n, i + 1.0) for i, n in enumerate(sizes)])
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_split_along_dim():
    a, b = tg.split(tg.zeros(2, 5), [2, 3], dim=-1)
    assert a.shape == (2, 2) and b.shape == (2, 3)


# ---- copies and casts --------------------------------------------------------------------------

def test_clone_detach_and_casts():
    x = leaf([1.5, 2.5])
    c = x.clone()
    assert not np.shares_memory(c.data, x.data) and c.grad_fn is not None
    d = x.detach()
    assert np.shares_memory(d.data, x.data) and not d.requires_grad and d.is_leaf
    f = x.float()
    assert f.dtype == np.float32 and f.requires_grad
    (f * 2).sum().backward()
    assert x.grad.dtype == np.float64 and x.grad.tolist() == [2.0, 2.0]
    assert x.long().tolist() == [1, 2] and x.long().dtype == np.int64 and not x.long().requires_grad
    assert tg.tensor([0.0, 1.0]).bool().tolist() == [False, True]
    assert tg.tensor([1], dtype=np.float32).double().dtype == np.float64
    assert x.to(np.float64) is x


# ---- comparison with PyTorch ----------------------------------------------------------------

def _torch_vs_ours(torch, fn_ours, fn_torch, *arrays, grad_seed=0):
    """Forward values and input gradients of ours and PyTorch on the same float64 arrays."""
    ours = [leaf(a) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out, out_t = fn_ours(*ours), fn_torch(*theirs)
    np.testing.assert_allclose(out.numpy(), out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(grad_seed).standard_normal(out.shape)
    out.backward(tg.tensor(g))
    out_t.backward(torch.tensor(g))
    for mine, other in zip(ours, theirs):
        expected = other.grad.numpy() if other.grad is not None else np.zeros(mine.shape)
        got = mine.grad.numpy() if mine.grad is not None else np.zeros(mine.shape)
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


TORCH_CASES = {
    "add_broadcast": (lambda a, b: a + b, lambda a, b: a + b, [(3, 1), (1, 4)]),
    "sub_broadcast": (lambda a, b: a - b, lambda a, b: a - b, [(2, 3, 4), (4,)]),
    "mul_broadcast": (lambda a, b: a * b, lambda a, b: a * b, [(2, 1, 4), (3, 1)]),
    "div": (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1), [(3, 4), (4,)]),
    "matmul_batched": (lambda a, b: a @ b, lambda a, b: a @ b, [(2, 3, 4), (4, 5)]),
    "matmul_vec": (lambda a, b: a @ b, lambda a, b: a @ b, [(4,), (3, 4, 2)]),
    "exp_log": (lambda a: (a.exp() + 1).log(), lambda a: (a.exp() + 1).log(), [(3, 4)]),
    "trig": (lambda a: a.sin() * a.cos(), lambda a: a.sin() * a.cos(), [(5,)]),
    "tanh_sigmoid": (lambda a: a.tanh() + a.sigmoid(), lambda a: a.tanh() + a.sigmoid(), [(2, 5)]),
    "relu_abs": (lambda a: a.relu() - a.abs(), lambda a: a.relu() - a.abs(), [(3, 3)]),
    "sqrt": (lambda a: (a * a + 1).sqrt(), lambda a: (a * a + 1).sqrt(), [(4,)]),
    "sum_dims": (lambda a: a.sum((0, 2), keepdim=True), lambda a: a.sum((0, 2), keepdim=True), [(2, 3, 4)]),
    "mean_neg_dim": (lambda a: a.mean(-1), lambda a: a.mean(-1), [(2, 3, 4)]),
    "var": (lambda a: a.var(1), lambda a: a.var(1), [(3, 5)]),
    "std_all": (lambda a: a.std(), lambda a: a.std(), [(3, 5)]),
    "logsumexp": (lambda a: a.logsumexp(1), lambda a: a.logsumexp(1), [(3, 5)]),
    "max_dim": (lambda a: a.amax(1), lambda a: a.amax(1), [(3, 5)]),
    "max_dim_values": (lambda a: a.max(1).values, lambda a: a.max(1).values, [(3, 5)]),
    "min_dims": (lambda a: a.amin((0, 1)), lambda a: a.amin((0, 1)), [(3, 5, 2)]),
    "permute_reshape": (lambda a: a.permute(2, 0, 1).reshape(4, -1), lambda a: a.permute(2, 0, 1).reshape(4, -1),
                        [(2, 3, 4)]),
    "transpose_flatten": (lambda a: a.transpose(0, 1).flatten(1), lambda a: a.transpose(0, 1).flatten(1),
                          [(2, 3, 4)]),
    "expand": (lambda a: a.expand(3, 2, 4), lambda a: a.expand(3, 2, 4), [(2, 1)]),
    "squeeze": (lambda a: a.squeeze(1).unsqueeze(0), lambda a: a.squeeze(1).unsqueeze(0), [(3, 1, 2)]),
    "slice_steps": (lambda a: a[::2, 1:, None], lambda a: a[::2, 1:, None], [(5, 4)]),
    "ellipsis": (lambda a: a[..., -1], lambda a: a[..., -1], [(2, 3, 4)]),
    "cat": (lambda a, b: tg.cat([a, b], 1), lambda a, b: __import__("torch").cat([a, b], 1), [(2, 3), (2, 2)]),
    "stack": (lambda a, b: tg.stack([a, b], -1), lambda a, b: __import__("torch").stack([a, b], -1),
              [(2, 3), (2, 3)]),
    "split": (lambda a: a.split(2)[1] * 2 + a.split(2)[2].sum(), lambda a: a.split(2)[1] * 2 + a.split(2)[2].sum(),
              [(5, 3)]),
    "chunk": (lambda a: a.chunk(3, 1)[-1], lambda a: a.chunk(3, 1)[-1], [(2, 5)]),
}


@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_against_pytorch(case, rng):
    torch = pytest.importorskip("torch")
    ours, theirs, shapes = TORCH_CASES[case]
    _torch_vs_ours(torch, ours, theirs, *[rng.standard_normal(s) for s in shapes])


def test_against_pytorch_ties_and_boundaries():
    torch = pytest.importorskip("torch")
    tied = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [-1.0, 5.0, 4.0, 5.0]])
    _torch_vs_ours(torch, lambda a: a.amax(1), lambda a: a.amax(1), tied)
    _torch_vs_ours(torch, lambda a: a.max(1).values, lambda a: a.max(1).values, tied)
    _torch_vs_ours(torch, lambda a: a.min(), lambda a: a.amin(), np.array([1.0, 0.0, 0.0, 2.0]))
    _torch_vs_ours(torch, lambda a: a.amax(0, keepdim=True), lambda a: a.amax(0, keepdim=True), tied)
    boundary = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    _torch_vs_ours(torch, lambda a: a.clamp(-1.0, 1.0), lambda a: a.clamp(-1.0, 1.0), boundary)
    _torch_vs_ours(torch, lambda a: a.clamp(min=0.0), lambda a: a.clamp(min=0.0), boundary)
    _torch_vs_ours(torch, lambda a: a.relu(), lambda a: a.relu(), boundary)
    _torch_vs_ours(torch, lambda a: a.abs(), lambda a: a.abs(), boundary)
    _torch_vs_ours(torch, lambda a, b: tg.maximum(a, b), lambda a, b: torch.maximum(a, b),
                   np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0]))
    _torch_vs_ours(torch, lambda a, b: tg.minimum(a, b), lambda a, b: torch.minimum(a, b),
                   np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0]))


def test_against_pytorch_pow():
    torch = pytest.importorskip("torch")
    neg = np.array([-2.0, -0.5, 0.5, 3.0])
    for exponent in (2, 3, -1, 2.0, 0.0):
        _torch_vs_ours(torch, lambda a: a ** exponent, lambda a: a ** exponent, neg)
    _torch_vs_ours(torch, lambda a: 2.0 ** a, lambda a: 2.0 ** a, neg)
    with_zero = np.array([0.0, -1.5, 2.0])
    for exponent in (0, 0.0, 1, 2, 3.0):
        _torch_vs_ours(torch, lambda a: a ** exponent, lambda a: a ** exponent, with_zero)
    positive = np.array([0.5, 1.0, 2.5])
    _torch_vs_ours(torch, lambda a, b: a ** b, lambda a, b: a ** b, positive, np.array([1.5, -2.0, 0.3]))


def test_against_pytorch_indexing():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(3).standard_normal((4, 5))
    for index in ([0, 2, 0, 0], (slice(None), [1, 1, 4]), ([3, 3], [0, 0]), (slice(1, None, 2), -1)):
        def ours(a, index=index):
            return a[index]

        def theirs(a, index=index):
            return a[index]
        _torch_vs_ours(torch, ours, theirs, data)
    mask = data[:, 0] > 0
    _torch_vs_ours(torch, lambda a: a[tg.tensor(mask)], lambda a: a[torch.tensor(mask)], data)
    _torch_vs_ours(torch, lambda a: a[tg.tensor([2, 2, 1])], lambda a: a[torch.tensor([2, 2, 1])], data)


def test_against_pytorch_where_and_setitem():
    torch = pytest.importorskip("torch")
    a_np, b_np = np.array([[1.0, -2.0], [3.0, -4.0]]), np.array([0.5, 0.25])

    def ours(a, b):
        y = a * 1
        y[:, 0] = b
        return tg.where(a > 0, y, b * 3)

    def theirs(a, b):
        y = a * 1
        y[:, 0] = b
        return torch.where(a > 0, y, b * 3)
    _torch_vs_ours(torch, ours, theirs, a_np, b_np)


# ---- property: gradients of broadcasting ops reduce to the input shapes ----------------------

def test_broadcasting_gradients_match_numpy_reduction():
    pytest.importorskip("hypothesis")  # in the `test` extra
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    @settings(max_examples=40, deadline=None)
    @given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
           op=st.sampled_from(["add", "sub", "mul", "div", "maximum", "where"]), seed=st.integers(0, 2**16))
    def check(shapes, op, seed):
        _check_broadcasting_gradients(shapes, op, seed)

    check()


def _check_broadcasting_gradients(shapes, op, seed):
    rng = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    a_np, b_np = rng.standard_normal(sa), rng.uniform(0.5, 2.0, sb)
    a, b = leaf(a_np), leaf(b_np)
    out = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
           "maximum": lambda: tg.maximum(a, b), "where": lambda: tg.where(a > 0, a, b)}[op]()
    assert out.shape == shapes.result_shape
    g = rng.standard_normal(out.shape)
    out.backward(tg.tensor(g))
    a_b, b_b = np.broadcast_to(a_np, out.shape), np.broadcast_to(b_np, out.shape)
    local = {"add": (1.0, 1.0), "sub": (1.0, -1.0), "mul": (b_b, a_b), "div": (1 / b_b, -a_b / b_b ** 2),
             "maximum": (a_b > b_b, a_b < b_b), "where": (a_b > 0, a_b <= 0)}[op]

    def reduce_to(full, shape):
        full = np.broadcast_to(full, out.shape)
        extra = full.ndim - len(shape)
        full = full.sum(axis=tuple(range(extra)))
        axes = tuple(i for i, n in enumerate(shape) if n == 1)
        return full.sum(axis=axes, keepdims=True).reshape(shape)

    assert a.grad.shape == sa and b.grad.shape == sb
    np.testing.assert_allclose(a.grad.numpy(), reduce_to(g * local[0], sa), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), reduce_to(g * local[1], sb), rtol=1e-12, atol=1e-12)
